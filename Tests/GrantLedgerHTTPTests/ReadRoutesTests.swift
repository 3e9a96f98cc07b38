import Foundation
import GrantLedgerEvents
import GrantLedgerLog
@testable import GrantLedgerHTTP
import GrantLedgerProjections
import GrantLedgerService
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("HTTP: the read routes at a moment")
struct ReadRoutesTests {
    /// Moments as a query gives them, and as the ledger takes them.
    static let moments: [(query: String, moment: Moment)] = [
        ("", .now),
        ("asOf=2024-06-30", Moment(asOf: LocalDate("2024-06-30"))),
        ("position=25", Moment(position: 25)),
        ("knownAt=2999-01-01T00:00:00Z&asOf=2024-12-31", Moment(asOf: LocalDate("2024-12-31"), knownAt: Timestamp("2999-01-01T00:00:00Z"))),
        ("knownAt=2000-01-01", Moment(knownAt: Timestamp("2000-01-01"))),
    ]

    @Test("every query route answers what the ledger answers, with the moment it rests on")
    func againstTheLedger() async throws {
        let served = try await ServedLedger.withPeople()
        let ledger = served.ledger
        let auditor = bearer(served.tokens[.auditor]!)
        let person = try served.pseudonym(People.siming)
        try await served.test { client in
            for (query, moment) in Self.moments {
                func get(_ path: String, _ extra: String = "") async throws -> [String: Any] {
                    let parameters = [extra, query].filter { !$0.isEmpty }.joined(separator: "&")
                    return try await client.execute(uri: path + (parameters.isEmpty ? "" : "?" + parameters), method: .get, headers: auditor) { response in
                        #expect(response.status == .ok, "\(path) \(parameters): \(String(buffer: response.body))")
                        return object(response.body)
                    }
                }
                func expectMoment<V>(_ body: [String: Any], _ answer: Answer<V>, _ what: String) {
                    let got = body["moment"] as? [String: Any]
                    #expect(got?["position"] as? Int == Int(answer.position), "\(what) at \(query)")
                    #expect(got?["asOf"] as? String == answer.asOf?.description, "\(what) at \(query)")
                }

                let entitlements = try ledger.entitlements(at: moment)
                var body = try await get("/v1/entitlements")
                expectMoment(body, entitlements, "entitlements")
                #expect(entitlementIDs(body["entitlements"]) == entitlements.value.map(\.entitlement.id))
                let paid = try ledger.entitlements(EntitlementSelection(person: People.siming, status: .eligible), at: moment)
                body = try await get("/v1/entitlements", "person=\(person)&status=eligible")
                #expect(entitlementIDs(body["entitlements"]) == paid.value.map(\.entitlement.id))

                if let first = entitlements.value.first?.entitlement.id {
                    let explained = try ledger.explain(first, at: moment)
                    body = try await get("/v1/entitlements/" + encoded(first))
                    expectMoment(body, explained, "explain")
                    #expect((body["entitlement"] as? [String: Any]).flatMap { ($0["entitlement"] as? [String: Any])?["id"] as? String } == first)
                    #expect((body["payouts"] as? [Any])?.count == explained.value.schedule.count)
                }

                let payouts = try ledger.payouts(dueBy: LocalDate("2025-12-31"), at: moment)
                body = try await get("/v1/payouts", "dueBy=2025-12-31")
                expectMoment(body, payouts, "payouts")
                #expect((body["payouts"] as? [[String: Any]])?.map { $0["entitlementID"] as? String } == payouts.value.map(\.entitlementID))
                #expect((body["payouts"] as? [[String: Any]])?.map { $0["amount"] as? Int } == payouts.value.map { Int($0.amount) }, "fen, as integers")

                let performance = try ledger.performance(period: Period.dates("2024"), at: moment)
                body = try await get("/v1/performance", "period=2024")
                expectMoment(body, performance, "performance")
                #expect((body["targets"] as? [[String: Any]])?.map { $0["targetID"] as? String } == performance.value.targets.map(\.targetID))
                #expect((body["service131"] as? [Any])?.count == performance.value.service131.count)

                let funds = try ledger.funds(at: moment)
                body = try await get("/v1/funds")
                expectMoment(body, funds, "funds")
                #expect((body["funds"] as? [[String: Any]])?.map { $0["fundID"] as? String } == funds.value.map(\.fundID))

                let findings = try ledger.findings(at: moment)
                body = try await get("/v1/findings")
                expectMoment(body, findings, "findings")
                #expect((body["findings"] as? [[String: Any]])?.map { $0["amount"] as? Int } == findings.value.findings.map { Int($0.amount) })
                #expect((body["clawbacks"] as? [Any])?.count == findings.value.clawbacks.count)

                let timeline = try ledger.timeline(of: person, at: moment)
                body = try await get("/v1/people/\(People.siming)/timeline")
                expectMoment(body, timeline, "timeline")
                let got = body["timeline"] as? [String: Any]
                #expect(got?["party"] as? String == person)
                #expect((got?["events"] as? [Any])?.count == timeline.value.events.count)
                #expect((got?["entitlements"] as? [Any])?.count == timeline.value.entitlements.count)

                let whyNot = try ledger.whyNot(person, at: moment)
                body = try await get("/v1/people/\(person)/why-not")
                expectMoment(body, whyNot, "why-not")
                #expect(((body["whyNot"] as? [String: Any])?["rules"] as? [Any])?.count == whyNot.value.rules.count)
                #expect((body["whyNot"] as? [String: Any])?["person"] as? String == person)
            }
        }
    }

    @Test("the fixture has rows at the moments asked about", arguments: ["", "asOf=2024-06-30", "position=25"])
    func fixtureIsNotEmpty(query: String) async throws {
        let served = try await ServedLedger.withPeople()
        let moment = Self.moments.first { $0.query == query }!.moment
        #expect(try !served.ledger.entitlements(at: moment).value.isEmpty)
    }

    @Test("bad parameters get 400 with a stable code", arguments: [
        ("/v1/entitlements?asOf=2024-13-01", "bad-moment"), ("/v1/entitlements?knownAt=yesterday", "bad-moment"),
        ("/v1/payouts?position=-1", "bad-moment"), ("/v1/funds?position=abc", "bad-moment"), ("/v1/findings?position=999", "bad-moment"),
        ("/v1/performance?period=2024-03", "bad-period"), ("/v1/entitlements?status=nope", "bad-parameter"),
        ("/v1/payouts?dueBy=soon", "bad-parameter"), ("/v1/people/\(People.siming)/why-not?clause=NOPE", "bad-clause"),
        ("/v1/people/12345/timeline", "unknown-party"), ("/v1/people/91350582MA2XJJ001R/timeline", "unknown-party"),
        ("/v1/entitlements/NOPE%23x", "not-found"),
    ])
    func badParameters(uri: String, code: String) async throws {
        let served = try await ServedLedger.withPeople()
        try await served.test { client in
            try await client.execute(uri: uri, method: .get, headers: bearer(served.tokens[.auditor]!)) { response in
                #expect(response.status.code / 100 == 4, "\(uri)")
                #expect(object(response.body)["error"] as? String == code, "\(uri): \(String(buffer: response.body))")
            }
        }
    }

    @Test("reads never write: after reads through the API the projections' checkpoints have not moved")
    func readsNeverWrite() async throws {
        let served = try await ServedLedger()
        _ = try await served.ledger.append(ServedLedger.lines(ServedLedger.examples))
        // Appended without catching up: the live projections now lag the log.
        let outcome = try await served.ledger.append(ServedLedger.lines(People.registrations), catchUp: false)
        #expect(outcome.report.appended == 2 && outcome.projections == nil)
        let before = try served.ledger.projections().status()
        #expect(before.head == 39 && before.checkpoints.allSatisfy { $0.position == 37 })
        let digests = try served.ledger.projections().digests().map(\.digest)
        let auditor = bearer(served.tokens[.auditor]!)
        let manager = bearer(served.tokens[.manager]!)
        try await served.test { client in
            for uri in ["/v1/entitlements", "/v1/entitlements?person=\(People.chendai)", "/v1/payouts", "/v1/findings",
                        "/v1/people/\(People.siming)/timeline", "/v1/people/\(People.siming)/why-not",
                        "/v1/entitlements?position=39", "/v1/people/\(People.chendai)/timeline?asOf=2024-01-01"] {
                try await client.execute(uri: uri, method: .get, headers: auditor) { response in
                    #expect(response.status == .ok, "\(uri)")
                    if !uri.contains("=39") && !uri.contains("asOf") {
                        #expect((object(response.body)["moment"] as? [String: Any])?["position"] as? Int == 37, "\(uri) reads the projections as they stand")
                    }
                }
            }
            for uri in ["/v1/performance", "/v1/funds"] {
                try await client.execute(uri: uri, method: .get, headers: manager) { #expect($0.status == .ok) }
            }
            try await client.execute(uri: "/v1/verify", method: .post, headers: auditor) { #expect($0.status == .ok) }
        }
        let after = try served.ledger.projections().status()
        #expect(after.checkpoints.map(\.position) == before.checkpoints.map(\.position))
        #expect(try served.ledger.projections().digests().map(\.digest) == digests)
    }

    @Test("before the projections are first built, a read for now gets 503 projections-not-ready and builds nothing")
    func notReady() async throws {
        let served = try await ServedLedger()
        _ = try await served.ledger.append(ServedLedger.lines(ServedLedger.examples), catchUp: false)
        try await served.test { client in
            try await client.execute(uri: "/v1/entitlements", method: .get, headers: bearer(served.tokens[.auditor]!)) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(object(response.body)["error"] as? String == "projections-not-ready")
            }
        }
        #expect(try !served.ledger.projections().status().exists)
    }

    @Test("verify reports the head and checks anchors; rebuild reports the position and digests")
    func verifyAndRebuild() async throws {
        let served = try await ServedLedger.withPeople()
        let auditor = bearer(served.tokens[.auditor]!)
        let head = try await #require(try served.ledger.head())
        let anchor = "\(head.position):\(RecordedEvent.hex(head.hash))"
        let wrong = "\(head.position):" + String(repeating: "0", count: 64)
        try await served.test { client in
            try await client.execute(uri: "/v1/verify", method: .post, headers: auditor) { response in
                let body = object(response.body)
                #expect(body["intact"] as? Bool == true && body["eventsChecked"] as? Int == 39)
                #expect(body["headHash"] as? String == RecordedEvent.hex(head.hash))
            }
            try await client.execute(uri: "/v1/verify", method: .post, headers: auditor,
                                     body: ByteBuffer(string: #"{"anchors":["\#(anchor)"]}"#)) { response in
                #expect(object(response.body)["intact"] as? Bool == true)
            }
            try await client.execute(uri: "/v1/verify", method: .post, headers: auditor,
                                     body: ByteBuffer(string: #"{"anchors":["\#(wrong)"]}"#)) { response in
                let body = object(response.body)
                #expect(response.status == .ok && body["intact"] as? Bool == false && body["firstBadPosition"] as? Int == 39)
            }
            try await client.execute(uri: "/v1/verify", method: .post, headers: auditor, body: ByteBuffer(string: #"{"anchors":["7:xyz"]}"#)) { response in
                #expect(response.status == .badRequest && object(response.body)["error"] as? String == "bad-anchor")
            }
            try await client.execute(uri: "/v1/rebuild", method: .post, headers: auditor) { response in
                let body = object(response.body)
                #expect(response.status == .ok && body["position"] as? Int == 39)
                let digests = body["digests"] as? [String: String]
                #expect(digests?.keys.sorted() == Projections.names.sorted())
                #expect(digests?["entitlements"] == (try? served.ledger.projections().digests().first { $0.name == "entitlements" }?.digest))
            }
        }
    }
}

/// The ids of a list of entitlement views as the API encodes them.
func entitlementIDs(_ list: Any?) -> [String]? {
    (list as? [[String: Any]])?.map { (($0["entitlement"] as? [String: Any])?["id"] as? String) ?? "" }
}
