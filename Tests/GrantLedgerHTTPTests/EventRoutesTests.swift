import Foundation
import GrantLedgerEvents
import GrantLedgerLog
@testable import GrantLedgerHTTP
import GrantLedgerService
import Hummingbird
import HummingbirdTesting
import Testing

/// A ledger in a temporary directory, served in process, with a token for each role.
struct ServedLedger {
    let ledger: Ledger
    let tokens: [Role: String]

    init() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("http-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        ledger = try await Ledger.create(LedgerConfiguration(databasePath: directory.appendingPathComponent("ledger.sqlite").path,
                                                       keyFile: nil, policies: .bundled, clauses: .catalog))
        var tokens: [Role: String] = [:]
        for role in Role.allCases { tokens[role] = try ledger.createToken(role: role, scope: nil, label: nil).bearer }
        self.tokens = tokens
    }

    func test(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = Application(router: try GrantsAPI.router(ledger: ledger))
        try await app.test(.router, body)
    }

    static let examples: String = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("EventSchemas/examples/valid.jsonl")
        return try! String(contentsOf: url, encoding: .utf8)
    }()
}

/// A response body as a JSON object; an empty one (and a recorded issue) if it is not one.
func object(_ buffer: ByteBuffer, sourceLocation: SourceLocation = #_sourceLocation) -> [String: Any] {
    guard let object = (try? JSONSerialization.jsonObject(with: Data(buffer: buffer))) as? [String: Any] else {
        Issue.record("not a JSON object: \(String(buffer: buffer))", sourceLocation: sourceLocation)
        return [:]
    }
    return object
}

@Suite("HTTP: /health, /openapi.json and /v1/events")
struct EventRoutesTests {
    @Test("health and the OpenAPI document need no token")
    func open() async throws {
        let served = try await ServedLedger()
        try await served.test { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                #expect(object(response.body)["status"] as? String == "ok")
            }
            try await client.execute(uri: "/openapi.json", method: .get) { response in
                #expect(object(response.body)["openapi"] as? String == "3.1.0")
            }
        }
    }

    @Test("no token, a malformed or unknown one: 401 with a JSON error and no detail")
    func unauthenticated() async throws {
        let served = try await ServedLedger()
        try await served.test { client in
            for header: HTTPFields in [[:], [.authorization: "Bearer nonsense"], [.authorization: "Basic abc"],
                                       [.authorization: "Bearer glt_aaaaaaaaaaaa_" + String(repeating: "b", count: 64)]] {
                try await client.execute(uri: "/v1/events", method: .get, headers: header) { response in
                    #expect(response.status == .unauthorized)
                    let body = object(response.body)
                    #expect(body["error"] as? String == "unauthenticated")
                    #expect((body["details"] as? [String: Any])?.isEmpty == true)
                }
            }
        }
    }

    @Test("intake appends JSON Lines atomically and idempotently; a resend reports duplicates")
    func append() async throws {
        let served = try await ServedLedger()
        let intake: HTTPFields = [.authorization: "Bearer " + served.tokens[.intake]!, .contentType: "application/x-ndjson"]
        try await served.test { client in
            try await client.execute(uri: "/v1/events", method: .post, headers: intake, body: ByteBuffer(string: ServedLedger.examples)) { response in
                #expect(response.status == .ok)
                let body = object(response.body)
                #expect(body["appended"] as? Int == 37 && body["duplicates"] as? Int == 0)
                #expect(body["firstPosition"] as? Int == 1 && body["lastPosition"] as? Int == 37)
                #expect((body["results"] as? [[String: Any]])?.first?["outcome"] as? String == "appended")
            }
            try await client.execute(uri: "/v1/events", method: .post, headers: intake, body: ByteBuffer(string: ServedLedger.examples)) { response in
                let body = object(response.body)
                #expect(response.status == .ok && body["appended"] as? Int == 0 && body["duplicates"] as? Int == 37)
            }
        }
    }

    @Test("a JSON array is appended as its items; a rejected item gets 422 with its line and JSON path, and nothing is written")
    func rejected() async throws {
        let served = try await ServedLedger()
        let intake: HTTPFields = [.authorization: "Bearer " + served.tokens[.intake]!, .contentType: "application/json"]
        let lines = ServedLedger.examples.split(separator: "\n").prefix(2).map(String.init)
        let broken = lines[1].replacingOccurrences(of: #""occurredAt":"#, with: #""occurredAt":"2024-02-30","was":"#)
        try await served.test { client in
            try await client.execute(uri: "/v1/events", method: .post, headers: intake, body: ByteBuffer(string: "[\(lines[0]),\(broken)]")) { response in
                #expect(response.status == .unprocessableContent)
                let body = object(response.body)
                #expect(body["error"] as? String == "rejected")
                let issue = ((body["details"] as? [String: Any])?["issues"] as? [[String: Any]])?.first
                #expect(issue?["line"] as? Int == 2)
                #expect((issue?["path"] as? String)?.hasPrefix("$.") == true)
            }
            #expect(try await served.ledger.head() == nil, "nothing was written")
        }
    }

    @Test("an unmet expected version gets 409 with the versions expected and found")
    func conflict() async throws {
        let served = try await ServedLedger()
        let intake: HTTPFields = [.authorization: "Bearer " + served.tokens[.intake]!]
        let first = try #require(ServedLedger.examples.split(separator: "\n").first { $0.contains(#""expectedVersion":"none""#) })
        let again = first.replacingOccurrences(of: "00000000-0000-4000-8000-0000000000", with: "11111111-0000-4000-8000-0000000000")
        try await served.test { client in
            try await client.execute(uri: "/v1/events", method: .post, headers: intake, body: ByteBuffer(string: String(first))) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/v1/events", method: .post, headers: intake, body: ByteBuffer(string: again)) { response in
                #expect(response.status == .conflict)
                let body = object(response.body)
                let conflict = ((body["details"] as? [String: Any])?["conflicts"] as? [[String: Any]])?.first
                #expect(conflict?["expected"] as? String == "none" && conflict?["actual"] as? Int == 1)
            }
        }
    }

    @Test("a body over the limit gets 413; a role that may not append gets 403")
    func limits() async throws {
        let served = try await ServedLedger()
        try await served.test { client in
            let big = ByteBuffer(repeating: UInt8(ascii: " "), count: APIContext.maxBodyBytes + 1)
            try await client.execute(uri: "/v1/events", method: .post, headers: [.authorization: "Bearer " + served.tokens[.intake]!], body: big) { response in
                #expect(response.status == .contentTooLarge)
                #expect(object(response.body)["error"] as? String == "too-large")
            }
            try await client.execute(uri: "/v1/events", method: .post, headers: [.authorization: "Bearer " + served.tokens[.caseworker]!],
                                     body: ByteBuffer(string: ServedLedger.examples)) { response in
                #expect(response.status == .forbidden)
                #expect(object(response.body)["message"] as? String == "the caseworker role may not append")
            }
        }
    }

    @Test("auditors read the log a page at a time, with a cursor")
    func read() async throws {
        let served = try await ServedLedger()
        _ = try await served.ledger.append(ServedLedger.examples.split(separator: "\n").enumerated().map { SubmissionLine(number: $0.offset + 1, bytes: Array($0.element.utf8)) })
        let auditor: HTTPFields = [.authorization: "Bearer " + served.tokens[.auditor]!]
        try await served.test { client in
            try await client.execute(uri: "/v1/events?limit=30", method: .get, headers: auditor) { response in
                let body = object(response.body)
                #expect((body["events"] as? [Any])?.count == 30 && body["next"] as? Int == 30)
            }
            try await client.execute(uri: "/v1/events?after=30&limit=30", method: .get, headers: auditor) { response in
                let body = object(response.body)
                #expect((body["events"] as? [Any])?.count == 7 && body["next"] is NSNull)
            }
            try await client.execute(uri: "/v1/events?limit=0", method: .get, headers: auditor) { response in
                #expect(response.status == .badRequest)
                #expect(object(response.body)["error"] as? String == "bad-parameter")
            }
            try await client.execute(uri: "/v1/events", method: .get, headers: [.authorization: "Bearer " + served.tokens[.manager]!]) { response in
                #expect(response.status == .forbidden)
            }
        }
    }
}
