import Foundation
import GrantLedgerEvents
import GrantLedgerProjections
import GrantLedgerService
import Hummingbird

/// The projections at a moment: `GET /v1/entitlements` (and one, explained, by id),
/// `/v1/payouts`, `/v1/performance`, `/v1/funds` and `/v1/findings`. Each parses its query,
/// asks the ledger and encodes the answer beside the moment it rests on; a limited scope sees
/// only the rows of its people (``ReadScope``). Reads never write: the ledger given reads the
/// live projections as they stand.
struct ProjectionRoutes {
    let ledger: Ledger

    func add(to group: RouterGroup<APIContext>) {
        group.get("entitlements") { request, context in try await entitlements(request, context) }
        // An id holds `/` and `#`: sent percent-encoded as one segment, or with its slashes.
        group.get("entitlements/**") { request, context in try await entitlement(request, context) }
        group.get("payouts") { request, context in try await payouts(request, context) }
        group.get("performance") { request, context in try await performance(request, context) }
        group.get("funds") { request, context in try await funds(request, context) }
        group.get("findings") { request, context in try await findings(request, context) }
    }

    /// `?person=&payee=&clause=&status=` and the moment.
    func entitlements(_ request: Request, _ context: APIContext) async throws -> Response {
        let grant = try context.require(.readEntitlements)
        let query = ReadQuery(request)
        let (moment, selection) = (try query.moment(), try Self.selection(query))
        let ledger = ledger
        return try await Blocking.read {
            let scope = try ReadScope(grant: grant, ledger: ledger)
            try scope.require(selection)
            let answer = try ledger.entitlements(selection, at: moment)
            return try ReadReply(answer, [("entitlements", try scope.filter(answer.value))]).response
        }
    }

    /// One entitlement and its payout schedule. Out of a limited scope, an entitlement that
    /// does not exist is refused as one of another place is, so the answer says nothing of it.
    func entitlement(_ request: Request, _ context: APIContext) async throws -> Response {
        let grant = try context.require(.explain)
        let raw = context.parameters.getCatchAll().joined(separator: "/")
        guard let id = raw.removingPercentEncoding, !id.isEmpty else {
            throw APIError.badRequest("bad-parameter", "the entitlement id is not percent-encoded correctly", details: ["parameter": .string("id")])
        }
        let moment = try ReadQuery(request).moment()
        let ledger = ledger
        return try await Blocking.read {
            let answer = try ReadScope(grant: grant, ledger: ledger).explain(id, at: moment)
            return try ReadReply(answer, [("entitlement", answer.value.view), ("payouts", answer.value.schedule)]).response
        }
    }

    /// `?dueBy=&person=&payee=&clause=` and the moment.
    func payouts(_ request: Request, _ context: APIContext) async throws -> Response {
        let grant = try context.require(.readPayouts)
        let query = ReadQuery(request)
        let (moment, selection, dueBy) = (try query.moment(), try Self.selection(query), try query.date("dueBy"))
        let ledger = ledger
        return try await Blocking.read {
            let scope = try ReadScope(grant: grant, ledger: ledger)
            try scope.require(selection)
            let answer = try ledger.payouts(selection, dueBy: dueBy, at: moment)
            return try ReadReply(answer, [("payouts", try scope.filter(answer.value))]).response
        }
    }

    /// `?unit=&period=&target=` and the moment. Targets and the "131" lines are about places,
    /// not people: a limited scope sees none.
    func performance(_ request: Request, _ context: APIContext) async throws -> Response {
        let grant = try context.require(.performance)
        let query = ReadQuery(request)
        let moment = try query.moment()
        let period = try query["period"].map { text throws(LedgerError) in try Period.parse(text) }
        let (unit, target) = (query["unit"], query["target"])
        let ledger = ledger
        return try await Blocking.read {
            let scope = try ReadScope(grant: grant, ledger: ledger)
            let answer = try ledger.performance(unit: unit, period: period, target: target, at: moment)
            return try ReadReply(answer, [("targets", scope.unlessLimited(answer.value.targets)),
                                          ("service131", scope.unlessLimited(answer.value.service131))]).response
        }
    }

    /// Funds are a department's or an organisation's: a limited scope sees none.
    func funds(_ request: Request, _ context: APIContext) async throws -> Response {
        let grant = try context.require(.funds)
        let moment = try ReadQuery(request).moment()
        let ledger = ledger
        return try await Blocking.read {
            let scope = try ReadScope(grant: grant, ledger: ledger)
            let answer = try ledger.funds(at: moment)
            return try ReadReply(answer, [("funds", scope.unlessLimited(answer.value))]).response
        }
    }

    /// Payments the entitlements do not explain, and the clawbacks ordered.
    func findings(_ request: Request, _ context: APIContext) async throws -> Response {
        let grant = try context.require(.findings)
        let moment = try ReadQuery(request).moment()
        let ledger = ledger
        return try await Blocking.read {
            let scope = try ReadScope(grant: grant, ledger: ledger)
            let answer = try ledger.findings(at: moment)
            let (findings, clawbacks) = try scope.filter(answer.value)
            return try ReadReply(answer, [("findings", findings), ("clawbacks", clawbacks)]).response
        }
    }

    static func selection(_ query: ReadQuery) throws -> EntitlementSelection {
        EntitlementSelection(payee: query["payee"], person: query["person"], clause: query["clause"], status: try query.status())
    }
}

extension ReadScope {
    /// Refuses a search for a person (or a person as payee) outside the scope.
    func require(_ selection: EntitlementSelection) throws {
        if let person = selection.person { _ = try requirePerson(person) }
        if let payee = selection.payee { try requireParty(payee) }
    }
}
