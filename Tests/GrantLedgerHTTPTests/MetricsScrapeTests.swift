import Foundation
import GrantLedgerService
@testable import GrantLedgerHTTP
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// `/metrics` read by an independent parser: Python's prometheus_client
/// (`pip install prometheus-client`; CI installs it).
@Suite("Operations: /metrics")
struct MetricsScrapeTests {
    @Test("after appends, a duplicate resend, a rejected line, reads and a catch-up, prometheus_client parses every family with sensible values")
    func scrape() async throws {
        let served = try await ServedLedger()
        let metrics = ServiceMetrics()
        let app = Application(router: try GrantsAPI.router(ledger: served.ledger, metrics: metrics))
        let intake = served.tokens[.intake]!
        let scraped = try await app.test(.router) { client -> String in
            try await client.execute(uri: "/v1/events", method: .post, headers: [.authorization: "Bearer " + intake], body: ByteBuffer(string: ServedLedger.examples)) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/v1/events", method: .post, headers: [.authorization: "Bearer " + intake], body: ByteBuffer(string: ServedLedger.examples)) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/v1/events", method: .post, headers: [.authorization: "Bearer " + intake], body: ByteBuffer(string: "{\"eventId\":\"x\"}\n")) { response in
                #expect(response.status == .unprocessableContent)
            }
            try await client.execute(uri: "/v1/events?limit=5", method: .get, headers: [.authorization: "Bearer " + served.tokens[.auditor]!]) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/v1/events", method: .get) { response in #expect(response.status == .unauthorized) }
            // The lag as it stands (37 events not applied), then one catch-up pass as the service runs it.
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
                #expect(String(buffer: response.body).contains("grants_projection_lag_events 37"))
            }
            var failure: String?
            let catchUp = ProjectionCatchUp(ledger: served.ledger, logger: Logger(label: "test"), metrics: metrics)
            let lease = await catchUp.held(nil)
            #expect(lease != nil, "on an SQLite file the lease is always this instance's")
            try await catchUp.catchUp(continuing: { true }, lastFailure: &failure)
            return try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                return String(buffer: response.body)
            }
        }

        let families = try Self.parse(scraped)
        func samples(_ family: String, _ name: String? = nil) -> [Sample] {
            (families[family]?.samples ?? []).filter { $0.name == (name ?? family) }
        }
        #expect(families["grants_events_appended"]?.type == "counter")
        #expect(samples("grants_events_appended", "grants_events_appended_total").first { $0.labels == ["via": "events"] }?.value == 37)
        let notAppended = samples("grants_append_lines_not_appended", "grants_append_lines_not_appended_total")
        #expect(notAppended.first { $0.labels["reason"] == "duplicate" }?.value == 37)
        #expect(notAppended.first { $0.labels["reason"] == "rejected" }?.value == 1)

        #expect(families["grants_http_request_duration_seconds"]?.type == "histogram")
        let counts = samples("grants_http_request_duration_seconds", "grants_http_request_duration_seconds_count")
        let appends = counts.first { $0.labels == ["method": "POST", "route": "/v1/events", "status_class": "2xx"] }
        #expect(appends?.value == 2)
        #expect(counts.first { $0.labels == ["method": "POST", "route": "/v1/events", "status_class": "4xx"] }?.value == 1)
        #expect(counts.first { $0.labels == ["method": "GET", "route": "/v1/events", "status_class": "4xx"] }?.value == 1)
        #expect(counts.first { $0.labels["route"] == "/metrics" }?.value == 1, "the scrape in flight is not counted yet; the first one is")
        let infinity = samples("grants_http_request_duration_seconds", "grants_http_request_duration_seconds_bucket")
            .first { $0.labels["route"] == "/v1/events" && $0.labels["method"] == "POST" && $0.labels["status_class"] == "2xx" && $0.labels["le"] == "+Inf" }
        #expect(infinity?.value == 2)
        let sum = samples("grants_http_request_duration_seconds", "grants_http_request_duration_seconds_sum")
            .first { $0.labels == ["method": "POST", "route": "/v1/events", "status_class": "2xx"] }?.value ?? -1
        #expect(sum > 0 && sum < 60, "seconds, not nanoseconds: \(sum)")

        #expect(families["grants_catchup_batch_duration_seconds"]?.type == "histogram")
        #expect((samples("grants_catchup_batch_duration_seconds", "grants_catchup_batch_duration_seconds_count").first?.value ?? 0) >= 1)
        #expect(samples("grants_catchup_events_applied", "grants_catchup_events_applied_total").first?.value == 37)
        #expect(families["grants_catchup_lease_held"]?.type == "gauge")
        #expect(samples("grants_catchup_lease_held").first?.value == 1, "on an SQLite file the lease is always this instance's")

        #expect(families["grants_projection_lag_events"]?.type == "gauge")
        #expect(samples("grants_projection_lag_events").first?.value == 0)
        #expect(samples("grants_projection_lag_seconds").first?.value == 0)
        #expect(samples("grants_log_head_position").first?.value == 37)
        #expect(samples("grants_projection_checkpoint_position").first?.value == 37)
        let database = samples("grants_ledger_file_bytes").first { $0.labels == ["file": "database"] }?.value ?? 0
        #expect(database >= 4096)
        #expect(!scraped.contains(People.jimei) && !scraped.contains(intake))
    }

    struct Sample: Sendable {
        let name: String
        let labels: [String: String]
        let value: Double
    }

    struct Family: Sendable {
        let type: String
        let samples: [Sample]
    }

    /// Parses the exposition with `prometheus_client.parser.text_string_to_metric_families`
    /// in a python3 process, which hands the families back as JSON.
    static func parse(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Family] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("metrics-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("metrics.txt")
        try Data(text.utf8).write(to: input)
        let script = """
            import json, math, sys
            try:
                from prometheus_client.parser import text_string_to_metric_families
            except ImportError:
                sys.exit("python3 lacks prometheus_client: pip install prometheus-client")
            families = {}
            for family in text_string_to_metric_families(open(sys.argv[1], encoding="utf-8").read()):
                families[family.name] = {"type": family.type, "samples": [
                    {"name": s.name, "labels": s.labels, "value": s.value if math.isfinite(s.value) else str(s.value)}
                    for s in family.samples]}
            json.dump(families, sys.stdout)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, input.path]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            Issue.record("prometheus_client did not parse /metrics (pip install prometheus-client): \(errors)\n--- scraped\n\(text)",
                         sourceLocation: sourceLocation)
            throw CancellationError()
        }
        let json = try JSONSerialization.jsonObject(with: output) as? [String: [String: Any]] ?? [:]
        return json.mapValues { family in
            Family(type: family["type"] as? String ?? "", samples: (family["samples"] as? [[String: Any]] ?? []).map { sample in
                Sample(name: sample["name"] as? String ?? "", labels: sample["labels"] as? [String: String] ?? [:],
                       value: (sample["value"] as? Double) ?? (sample["value"] as? Int).map(Double.init) ?? .nan)
            })
        }
    }
}
