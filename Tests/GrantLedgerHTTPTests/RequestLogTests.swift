import Foundation
import GrantLedgerLog
import GrantLedgerService
@testable import GrantLedgerHTTP
import Hummingbird
import HummingbirdTesting
import Logging
import NIOConcurrencyHelpers
import Testing

@Suite("Operations: request log lines")
struct RequestLogTests {
    @Test("a request logs one line: request id, route pattern, status, duration, token id; never the token or a resident ID")
    func requestLine() async throws {
        let served = try await ServedLedger()
        let log = CapturedLog()
        let app = Application(router: try GrantsAPI.router(ledger: served.ledger), logger: log.logger())
        let bearer = served.tokens[.auditor]!
        let tokenID = String(bearer.split(separator: "_")[1])
        let resident = People.jimei
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/people/\(resident)/timeline", method: .get, headers: [.authorization: "Bearer " + bearer]) { _ in }
            try await client.execute(uri: "/v1/nowhere/\(resident)", method: .get, headers: [.authorization: "Bearer " + bearer]) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/v1/people/\(resident)/timeline", method: .get, headers: [.authorization: "Bearer glt_0000_\(resident)"]) { response in
                #expect(response.status == .unauthorized)
            }
        }
        let requests = log.objects().filter { $0["message"] as? String == "request" }
        try #require(requests.count == 3, "\(log.text)")
        let read = requests[0]
        #expect(read["route"] as? String == "/v1/people/{person}/timeline")
        #expect(read["method"] as? String == "GET")
        #expect(read["token"] as? String == tokenID)
        #expect(Int(read["status"] as? String ?? "") != nil)
        #expect(Double(read["durationMs"] as? String ?? "") != nil)
        #expect((read["requestId"] as? String)?.isEmpty == false)
        #expect(requests[1]["route"] as? String == "unmatched" && requests[1]["status"] as? String == "404")
        #expect(requests[2]["status"] as? String == "401" && requests[2]["token"] == nil)
        #expect(Set(requests.compactMap { $0["requestId"] as? String }).count == 3)
        for secret in [bearer, String(bearer.split(separator: "_")[2])] + People.residentIDs {
            #expect(!log.text.contains(secret), "the log holds \(secret.prefix(8))…")
        }
    }
}

