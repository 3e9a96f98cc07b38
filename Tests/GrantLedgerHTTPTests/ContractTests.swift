import Logging
import Foundation
@testable import GrantLedgerHTTP
import GrantLedgerService
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("HTTP: the OpenAPI contract and imports")
struct ContractTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Every operation of the document, as (method, path template).
    static let operations: [(method: String, path: String)] = {
        let document = try! JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as! [String: Any]
        let paths = document["paths"] as! [String: [String: Any]]
        return paths.flatMap { path, operations in operations.keys.map { ($0.uppercased(), path) } }.sorted { ($0.path, $0.method) < ($1.path, $1.method) }
    }()

    @Test("every operation the OpenAPI document names is served: no route answers the router's own 404 or 405")
    func documentedRoutesAreServed() async throws {
        let served = try await ServedLedger()
        try await served.test { client in
            for operation in Self.operations {
                let uri = operation.path.replacingOccurrences(of: "{mapping}", with: "si-months")
                    .replacingOccurrences(of: "{id}", with: "no-such-entitlement").replacingOccurrences(of: "{person}", with: "350203199001011002")
                let role: Role = operation.method == "POST" && (uri.hasSuffix("events") || uri.contains("imports")) ? .intake : .auditor
                try await client.execute(uri: uri, method: .init(rawValue: operation.method)!,
                                         headers: [.authorization: "Bearer " + served.tokens[role]!], body: ByteBuffer(string: "")) { response in
                    // The Prometheus text format, as the document declares it.
                    guard operation.path != "/metrics" else {
                        #expect(response.status == .ok && response.headers[.contentType] == ServiceMetrics.contentType)
                        return
                    }
                    let code = object(response.body)["error"] as? String
                    #expect(code != "http-404" && code != "http-405", "\(operation.method) \(operation.path) is not served")
                    #expect(response.headers[.contentType] == "application/json", "\(operation.method) \(operation.path)")
                }
            }
        }
    }

    @Test("a feed uploaded through a named mapping: appended; a broken one: 422 with each row's line and column; no paths")
    func imports() async throws {
        let served = try await ServedLedger()
        let intake = "Bearer " + served.tokens[.intake]!
        let good = try Data(contentsOf: Self.root.appendingPathComponent("Tools/mappings/samples/si-months.csv"))
        let broken = try Data(contentsOf: Self.root.appendingPathComponent("Tools/mappings/samples/si-months-broken.csv"))
        try await served.test { client in
            try await client.execute(uri: "/v1/imports/si-months?format=csv", method: .post, headers: [.authorization: intake],
                                     body: ByteBuffer(data: good)) { response in
                #expect(response.status == .ok)
                let body = object(response.body)
                #expect((body["appended"] as? Int ?? 0) > 0 && body["badRows"] as? Int == 0)
            }
            try await client.execute(uri: "/v1/imports/si-months", method: .post, headers: [.authorization: intake, .contentType: "text/csv"],
                                     body: ByteBuffer(data: broken)) { response in
                #expect(response.status == .unprocessableContent)
                let problems = object(response.body)["problems"] as? [[String: Any]] ?? []
                #expect(!problems.isEmpty && problems.allSatisfy { $0["line"] is Int && $0["message"] is String })
            }
            try await client.execute(uri: "/v1/imports/..%2Fsecret", method: .post, headers: [.authorization: intake], body: ByteBuffer(data: good)) { response in
                #expect(response.status == .badRequest || response.status == .notFound)
            }
            try await client.execute(uri: "/v1/imports/no-such-mapping?format=csv", method: .post, headers: [.authorization: intake],
                                     body: ByteBuffer(data: good)) { response in
                #expect(response.status == .notFound)
                #expect(object(response.body)["error"] as? String == "not-found")
            }
            try await client.execute(uri: "/v1/imports/si-months?format=xml", method: .post, headers: [.authorization: intake],
                                     body: ByteBuffer(data: good)) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test("a feed in another encoding: 422 bad-feed, said of the upload, with the parameter that cures it; with it, appended")
    func importEncodings() async throws {
        let served = try await ServedLedger()
        let intake = "Bearer " + served.tokens[.intake]!
        let gb18030 = try Data(contentsOf: Self.root.appendingPathComponent("Tools/mappings/samples/portal-certificates.csv"))
        try await served.test { client in
            try await client.execute(uri: "/v1/imports/portal-certificates?format=csv&encoding=utf-8", method: .post,
                                     headers: [.authorization: intake], body: ByteBuffer(data: gb18030)) { response in
                #expect(response.status == .unprocessableContent)
                let body = object(response.body)
                let message = body["message"] as? String ?? ""
                #expect(body["error"] as? String == "bad-feed")
                #expect(message.hasPrefix("the upload:1: the header row cannot be read"), "\(message)")
                #expect(message.hasSuffix("send it with encoding=gb18030"), "\(message)")
                #expect(!message.contains("/") && !message.contains("--"), "no path and no command-line flag: \(message)")
            }
            try await client.execute(uri: "/v1/imports/portal-certificates?format=csv&encoding=latin-1", method: .post,
                                     headers: [.authorization: intake], body: ByteBuffer(data: gb18030)) { response in
                #expect(response.status == .badRequest)
                #expect(object(response.body)["details"].flatMap { ($0 as? [String: Any])?["parameter"] as? String } == "encoding")
            }
            try await client.execute(uri: "/v1/imports/portal-certificates?format=csv", method: .post,
                                     headers: [.authorization: intake], body: ByteBuffer(data: gb18030)) { response in
                #expect(response.status == .ok, "the mapping's own encoding, GB18030")
                #expect((object(response.body)["appended"] as? Int ?? 0) > 0)
            }
        }
    }
}

@Suite("HTTP over a real socket")
struct LiveSocketTests {
    @Test("append and read back through a socket on loopback, with the background catch-up running")
    func appendAndRead() async throws {
        let served = try await ServedLedger()
        let app = Application(router: try GrantsAPI.router(ledger: served.ledger),
                              configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              services: [ProjectionCatchUp(ledger: served.ledger, interval: .milliseconds(20), logger: Logger(label: "test"))])
        try await app.test(.live) { client in
            try await client.execute(uri: "/v1/events", method: .post, headers: [.authorization: "Bearer " + served.tokens[.intake]!],
                                     body: ByteBuffer(string: ServedLedger.examples)) { response in
                #expect(response.status == .ok)
                #expect(object(response.body)["appended"] as? Int == 37)
            }
            // The projections catch up in the background: the entitlements appear without a write by the read.
            var found = 0
            for _ in 0..<200 where found == 0 {
                try await client.execute(uri: "/v1/entitlements", method: .get, headers: [.authorization: "Bearer " + served.tokens[.auditor]!]) { response in
                    if response.status == .ok { found = (object(response.body)["entitlements"] as? [Any])?.count ?? 0 }
                }
                if found == 0 { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(found == 4)
        }
    }
}
