import Foundation
import GrantLedgerEvents
@testable import GrantLedgerHTTP
import GrantLedgerService
import Hummingbird
import HummingbirdTesting
import Testing

/// Rows about an organisation and no person, as a case worker's scope sees them. The rule
/// (``ReadScope``): a row is in a limited scope by the person it is about; a row about no
/// person is in no limited scope, not even that of the organisation's own place.
@Suite("HTTP: an organisation's rows and a case worker's scope")
struct OrganisationScopeTests {
    /// 晋江市恒达鞋业有限公司, registered in 陈埭镇 (晋江市) by the examples.
    static let factory = "91350582MA2XJJ001R"

    /// The factory's studio rated a national master studio in 2021: JJ-2019-79/2.1 pays the
    /// factory 200,000, about no person.
    static let rating = #"{"actor":"test:rater","data":{"decisionNumber":"RS-DS-2021-007","level":"national","organisation":"\#(factory)","ratedBy":"人力资源和社会保障部","rating":"master-studio"},"eventId":"00000000-0000-4000-8000-0000000001b1","occurredAt":"2021-03-01","schemaVersion":1,"source":"test","streamId":"organisation:\#(factory)","type":"organisation.rated"}"#

    /// Scopes that each lie over the factory's place, or do not.
    static let limited = ["晋江市", "陈埭镇", "厦门市", "350200"]

    @Test("an organisation's entitlement in 陈埭镇: unlimited readers see it; no limited case worker does, in 晋江 or in Xiamen, in a list, a count, a payee search or by id")
    func organisationsEntitlement() async throws {
        let served = try await ServedLedger.withPeople()
        #expect(try await served.ledger.append(ServedLedger.lines(Self.rating)).report.appended == 1)
        let all = try served.ledger.entitlements().value
        let row = try #require(all.first { $0.entitlement.payeeID == Self.factory && $0.entitlement.subject == nil },
                               "the rating gives the factory an entitlement about no person")
        #expect(row.entitlement.clause == "JJ-2019-79/2.1")
        let id = row.entitlement.id
        let byID = "/v1/entitlements/" + encoded(id)
        let chendai = try served.pseudonym(People.chendai)
        let payouts = try served.ledger.payouts().value
        #expect(payouts.contains { $0.entitlementID == id }, "the entitlement has a payout")
        // The rows a 晋江 case worker sees: 陈埭's person's.
        let chendais = all.filter { $0.entitlement.subject == chendai || ($0.entitlement.subject == nil && $0.entitlement.payeeID == chendai) }
        #expect(!chendais.isEmpty)

        let unlimited = [bearer(served.tokens[.auditor]!), bearer(try served.token(.caseworker, scope: nil))]
        let limited = try Self.limited.map { ($0, bearer(try served.token(.caseworker, scope: $0))) }
        try await served.test { client in
            func get(_ uri: String, _ token: HTTPFields) async throws -> (HTTPResponse.Status, [String: Any], String) {
                try await client.execute(uri: uri, method: .get, headers: token) { ($0.status, object($0.body), String(buffer: $0.body)) }
            }
            for token in unlimited {
                var (status, body, _) = try await get("/v1/entitlements", token)
                #expect(status == .ok && entitlementIDs(body["entitlements"]) == all.map(\.entitlement.id))
                (status, body, _) = try await get("/v1/entitlements?payee=\(Self.factory)", token)
                #expect(status == .ok && entitlementIDs(body["entitlements"])?.contains(id) == true)
                (status, body, _) = try await get("/v1/payouts", token)
                #expect(status == .ok && (body["payouts"] as? [[String: Any]])?.count == payouts.count)
                (status, _, _) = try await get(byID, token)
                #expect(status == .ok)
            }

            for (scope, token) in limited {
                let inJinjiang = scope != "厦门市" && scope != "350200"
                // The list and its count: the rows of the scope's people, and nothing else.
                var (status, body, _) = try await get("/v1/entitlements", token)
                let ids = entitlementIDs(body["entitlements"]) ?? []
                #expect(status == .ok && !ids.contains(id), "\(scope)")
                if inJinjiang { #expect(ids == chendais.map(\.entitlement.id), "\(scope)") } else { #expect(!ids.contains { chendais.map(\.entitlement.id).contains($0) }, "\(scope)") }
                (status, body, _) = try await get("/v1/payouts", token)
                let lines = body["payouts"] as? [[String: Any]] ?? []
                #expect(status == .ok && !lines.contains { $0["entitlementID"] as? String == id }, "\(scope)")
                #expect(lines.allSatisfy { AccessMatrixTests.person(ofRow: $0) != nil }, "\(scope): a payout about no person")
                // A search by the organisation as payee: answered, and empty.
                (status, body, _) = try await get("/v1/entitlements?payee=\(Self.factory)", token)
                #expect(status == .ok && entitlementIDs(body["entitlements"]) == [], "\(scope)")
                (status, body, _) = try await get("/v1/payouts?payee=\(Self.factory)", token)
                #expect(status == .ok && (body["payouts"] as? [Any])?.isEmpty == true, "\(scope)")
                // By id: refused, word for word as an entitlement that does not exist.
                let (byIDStatus, _, text) = try await get(byID, token)
                let (missingStatus, _, missing) = try await get("/v1/entitlements/" + encoded("JJ-2019-79/2.1#rating:nobody"), token)
                #expect(byIDStatus == .forbidden && missingStatus == .forbidden && text == missing, "\(scope): \(text)")
                // The organisation is not a person to search by.
                (status, body, _) = try await get("/v1/entitlements?person=\(Self.factory)", token)
                #expect(status == .forbidden && body["error"] as? String == "forbidden", "\(scope)")
            }
        }
    }
}
