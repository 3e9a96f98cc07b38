import Foundation
import GrantLedgerEvents
import GrantLedgerLog
@testable import GrantLedgerHTTP
import GrantLedgerProjections
import GrantLedgerService
import Hummingbird
import HummingbirdTesting
import Testing

/// Every role × scope × /v1 route, every answer checked: its status, and for lists that no row
/// of a person outside the scope appears and that the rows within it all do.
@Suite("HTTP: the access matrix")
struct AccessMatrixTests {
    static let scopes: [String?] = [nil, "晋江市", "思明区", "厦门市"]

    /// Who a route is about, for a limited scope: a person (resident ID), or nothing (a list).
    enum Subject: Equatable {
        case person(String)
        /// An entitlement about no person (an organisation's, a department's).
        case noPerson
        /// Something that does not exist: refused like an out-of-scope one when limited.
        case missing(unlimitedStatus: Int)
    }

    /// Which list a route answers, and how its rows name people.
    enum List: String {
        case entitlements, payouts, findings, clawbacks, targets, service131, funds
    }

    struct Route: CustomStringConvertible {
        var method: HTTPRequest.Method = .get
        var uri: String
        var permission: Permission
        var subject: Subject?
        var lists: [List] = []
        var body: String?
        var description: String { "\(method) \(uri)" }
    }

    /// The fixture's routes: every /v1 route, by-person ones for each person and someone
    /// who does not exist, by-id ones for an entitlement of each person and of no person.
    static func routes(_ served: ServedLedger) throws -> [Route] {
        var routes: [Route] = [
            Route(method: .post, uri: "/v1/events", permission: .append, body: ServedLedger.examples),
            Route(uri: "/v1/events", permission: .readEvents),
            Route(uri: "/v1/entitlements", permission: .readEntitlements, lists: [.entitlements]),
            Route(uri: "/v1/entitlements?status=eligible&asOf=2025-12-31", permission: .readEntitlements, lists: [.entitlements]),
            Route(uri: "/v1/payouts", permission: .readPayouts, lists: [.payouts]),
            Route(uri: "/v1/payouts?position=30", permission: .readPayouts, lists: [.payouts]),
            Route(uri: "/v1/performance", permission: .performance, lists: [.targets, .service131]),
            Route(uri: "/v1/funds", permission: .funds, lists: [.funds]),
            Route(uri: "/v1/findings", permission: .findings, lists: [.findings, .clawbacks]),
            Route(method: .post, uri: "/v1/verify", permission: .verify),
            Route(method: .post, uri: "/v1/rebuild", permission: .rebuild),
        ]
        for person in [People.siming, People.chendai, People.jimei, People.nobody] {
            let subject: Subject = person == People.nobody ? .missing(unlimitedStatus: 200) : .person(person)
            let pseudonym = try served.pseudonym(person)
            routes += [
                Route(uri: "/v1/entitlements?person=\(person)", permission: .readEntitlements, subject: subject, lists: [.entitlements]),
                Route(uri: "/v1/entitlements?payee=\(pseudonym)", permission: .readEntitlements, subject: subject, lists: [.entitlements]),
                Route(uri: "/v1/payouts?person=\(pseudonym)&asOf=2025-01-01", permission: .readPayouts, subject: subject, lists: [.payouts]),
                Route(uri: "/v1/people/\(person)/timeline", permission: .timeline, subject: subject),
                Route(uri: "/v1/people/\(pseudonym)/timeline?position=20", permission: .timeline, subject: subject),
                Route(uri: "/v1/people/\(pseudonym)/why-not", permission: .whyNot, subject: subject),
            ]
        }
        // One entitlement of each person and one of no person, by id; and one that does not exist.
        let all = try served.ledger.entitlements().value
        for person in [People.siming, People.chendai, People.jimei] {
            let pseudonym = try served.pseudonym(person)
            let view = try #require(all.first { Self.person(subject: $0.entitlement.subject, payee: $0.entitlement.payeeID) == pseudonym },
                                    "the fixture has an entitlement of \(person.prefix(6))")
            routes.append(Route(uri: "/v1/entitlements/" + encoded(view.entitlement.id), permission: .explain, subject: .person(person)))
        }
        // The examples hold no entitlement about no person today; when they do, it is checked too.
        if let organisations = all.first(where: { Self.person(subject: $0.entitlement.subject, payee: $0.entitlement.payeeID) == nil }) {
            routes.append(Route(uri: "/v1/entitlements/" + encoded(organisations.entitlement.id), permission: .explain, subject: .noPerson))
        }
        routes.append(Route(uri: "/v1/entitlements/" + encoded("XM-2023-187/(一)-c#nobody"), permission: .explain,
                            subject: .missing(unlimitedStatus: 404)))
        return routes
    }

    /// The person a row is about: its subject, else its payee when that is a person.
    static func person(subject: String?, payee: String?) -> String? {
        if let subject { return Pseudonym.isPseudonym(subject) ? subject : nil }
        return payee.flatMap { Pseudonym.isPseudonym($0) ? $0 : nil }
    }

    static func person(ofRow row: [String: Any]) -> String? {
        let row = (row["entitlement"] as? [String: Any]) ?? row
        return person(subject: row["subject"] as? String, payee: row["payeeID"] as? String)
    }

    @Test("every role × scope × route: the status, and only in-scope rows, all of them")
    func matrix() async throws {
        let served = try await ServedLedger.withPeople()
        let routes = try Self.routes(served)
        // Places by pseudonym, written by hand in the fixture.
        var places: [String: String] = [:]
        for (person, place) in People.registeredIn { places[try served.pseudonym(person)] = place }
        let placeOf = places
        // The full lists, as an unlimited auditor reads them; a limited scope must get exactly the rows of its people.
        let auditor = bearer(served.tokens[.auditor]!)
        var issued: [(Role, String?, String)] = []
        for role in Role.allCases { for scope in Self.scopes { issued.append((role, scope, try served.token(role, scope: scope))) } }
        let tokens = issued

        try await served.test { client in
            var full: [String: [List: [[String: Any]]]] = [:]
            for route in routes where !route.lists.isEmpty {
                try await client.execute(uri: route.uri, method: route.method, headers: auditor) { response in
                    let body = object(response.body)
                    for list in route.lists { full[route.uri, default: [:]][list] = body[list.rawValue] as? [[String: Any]] ?? [] }
                }
            }
            #expect(full["/v1/entitlements"]?[.entitlements]?.isEmpty == false)

            var checked = 0
            for (role, scope, token) in tokens {
                let limited = scope != nil && role == .caseworker
                let covered = scope.flatMap { People.placesCovered[$0] } ?? []
                func inScope(_ pseudonym: String?) -> Bool {
                    guard limited else { return true }
                    return pseudonym.flatMap { placeOf[$0] }.map(covered.contains) ?? false
                }
                for route in routes {
                    var expected = 200
                    if !role.permissions.contains(route.permission) {
                        expected = 403
                    } else {
                        switch route.subject {
                        case .person(let person)?: if !inScope(try served.pseudonym(person)) { expected = 403 }
                        case .noPerson?: if limited { expected = 403 }
                        case .missing(let status)?: expected = limited ? 403 : status
                        case nil: break
                        }
                    }
                    let what = "\(role.rawValue) scope \(scope ?? "-") \(route)"
                    try await client.execute(uri: route.uri, method: route.method, headers: bearer(token),
                                             body: route.body.map { ByteBuffer(string: $0) }) { response in
                        checked += 1
                        let text = String(buffer: response.body)
                        #expect(Int(response.status.code) == expected, "\(what): \(text)")
                        for id in People.residentIDs { #expect(!text.contains(id), "\(what) shows a resident ID") }
                        let body = object(response.body)
                        if expected != 200 {
                            #expect(body["error"] as? String == (expected == 403 ? "forbidden" : "not-found") && body["message"] is String, "\(what)")
                            return
                        }
                        for list in route.lists {
                            let rows = body[list.rawValue] as? [[String: Any]]
                            let all = full[route.uri]?[list] ?? []
                            let visible = all.filter { inScope(Self.person(ofRow: $0)) }
                            #expect(rows?.count == visible.count, "\(what): \(list) counts \(rows?.count ?? -1), \(visible.count) in scope")
                            #expect(rows?.allSatisfy { inScope(Self.person(ofRow: $0)) } == true, "\(what): a \(list) row out of scope")
                            if limited, [.targets, .service131, .funds].contains(list) { #expect(rows?.isEmpty == true, "\(what)") }
                        }
                    }
                }
            }
            #expect(checked == tokens.count * routes.count)
        }
    }

    @Test("the matrix has teeth: a 晋江 case worker sees the 陈埭 rows and none of Xiamen's, and Xiamen's case worker the reverse")
    func teeth() async throws {
        let served = try await ServedLedger.withPeople()
        let jinjiang = bearer(try served.token(.caseworker, scope: "晋江市"))
        let xiamen = bearer(try served.token(.caseworker, scope: "350200"))
        let chendai = try served.pseudonym(People.chendai)
        let siming = try served.pseudonym(People.siming)
        try await served.test { client in
            try await client.execute(uri: "/v1/entitlements", method: .get, headers: jinjiang) { response in
                let people = Set((object(response.body)["entitlements"] as? [[String: Any]] ?? []).compactMap(Self.person(ofRow:)))
                #expect(people == [chendai])
            }
            try await client.execute(uri: "/v1/entitlements", method: .get, headers: xiamen) { response in
                let people = Set((object(response.body)["entitlements"] as? [[String: Any]] ?? []).compactMap(Self.person(ofRow:)))
                #expect(people.contains(siming) && !people.contains(chendai))
            }
            // Out of scope and nonexistent: the same answer, word for word.
            let outside = try await client.execute(uri: "/v1/people/\(People.siming)/timeline", method: .get, headers: jinjiang) { String(buffer: $0.body) }
            let nobody = try await client.execute(uri: "/v1/people/\(People.nobody)/timeline", method: .get, headers: jinjiang) { String(buffer: $0.body) }
            #expect(outside == nobody && outside.contains("forbidden"))
        }
    }

    @Test("a revoked token gets 401 on every route")
    func revoked() async throws {
        let served = try await ServedLedger.withPeople()
        let routes = try Self.routes(served)
        let revoked = try Role.allCases.map { role in
            let issued = try served.ledger.createToken(role: role, scope: role == .caseworker ? "思明区" : nil, label: nil)
            try served.ledger.tokens().revoke(id: issued.record.id)
            return issued.bearer
        }
        try await served.test { client in
            for token in revoked {
                for route in routes {
                    try await client.execute(uri: route.uri, method: route.method, headers: bearer(token), body: route.body.map { ByteBuffer(string: $0) }) { response in
                        #expect(response.status == .unauthorized, "\(route)")
                        #expect(object(response.body)["error"] as? String == "unauthenticated")
                    }
                }
            }
        }
    }
}
