import Foundation
import GrantLedgerLog
import GrantLedgerService
@testable import GrantLedgerHTTP
import Hummingbird
import HummingbirdTesting
import Logging
import NIOConcurrencyHelpers
import Testing

@Suite("Operations: /ready")
struct ReadinessTests {
    @Test("503 not-ready with {error, message, details} while the projections trail the head by more than N; 200 once caught up")
    func ready() async throws {
        let served = try await ServedLedger()
        let app = Application(router: try GrantsAPI.router(ledger: served.ledger, configuration: .init(readyLag: 10)))
        try await app.test(.router) { client in
            try await client.execute(uri: "/ready", method: .get) { response in
                #expect(response.status == .ok)
                #expect(object(response.body)["lagEvents"] as? Int == 0)
            }
            // The service appends without catching up: the background catch-up is not running here.
            try await client.execute(uri: "/v1/events", method: .post, headers: [.authorization: "Bearer " + served.tokens[.intake]!],
                                     body: ByteBuffer(string: ServedLedger.examples)) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                let body = object(response.body)
                #expect(Set(body.keys) == ["error", "message", "details"])
                #expect(body["error"] as? String == "not-ready")
                let details = body["details"] as? [String: Any]
                #expect(details?["lagEvents"] as? Int == 37 && details?["maxLagEvents"] as? Int == 10 && details?["head"] as? Int == 37)
            }
            _ = served.ledger.catchUp()
            try await client.execute(uri: "/ready", method: .get) { response in
                #expect(response.status == .ok)
                let body = object(response.body)
                #expect(body["status"] as? String == "ready" && body["checkpoint"] as? Int == 37 && body["head"] as? Int == 37)
            }
        }
    }

    @Test("the lag in seconds counts from the oldest event not yet applied, and is 0 when caught up")
    func lagSeconds() async throws {
        let served = try await ServedLedger()
        _ = try await served.ledger.append(JSONLinesReader(bytes: Array(ServedLedger.examples.utf8)), catchUp: false)
        let later = Date().addingTimeInterval(120)
        let behind = try served.ledger.projectionLag(now: later)
        #expect(behind.events == 37 && behind.checkpoint == 0)
        #expect(behind.seconds >= 119 && behind.seconds < 200, "\(behind.seconds)")
        _ = served.ledger.catchUp()
        #expect(try served.ledger.projectionLag(now: later) == ProjectionLag(head: 37, checkpoint: 37, seconds: 0))
    }
}
