import GrantLedgerEvents
import GrantLedgerService
import Hummingbird

/// One person at a moment: `GET /v1/people/{person}/timeline` and `/v1/people/{person}/why-not`.
/// `{person}` is a resident ID or a pseudonym; answers name them by pseudonym only. A person
/// outside a limited scope, and one who does not exist, get the same 403.
struct PeopleRoutes {
    let ledger: Ledger

    func add(to group: RouterGroup<APIContext>) {
        group.get("people/{person}/timeline") { request, context in try await timeline(request, context) }
        group.get("people/{person}/why-not") { request, context in try await whyNot(request, context) }
    }

    /// The person's events in business-time order, with their entitlements and payouts.
    func timeline(_ request: Request, _ context: APIContext) async throws -> Response {
        let grant = try context.require(.timeline)
        let person = try context.parameters.require("person")
        let moment = try ReadQuery(request).moment()
        let ledger = ledger
        return try await Blocking.read {
            let pseudonym = try ReadScope(grant: grant, ledger: ledger).requirePerson(person)
            let answer = try ledger.timeline(of: pseudonym, at: moment)
            return try ReadReply(answer, [("timeline", answer.value)]).response
        }
    }

    /// `?clause=`: why the person got what they got and no more.
    func whyNot(_ request: Request, _ context: APIContext) async throws -> Response {
        let grant = try context.require(.whyNot)
        let person = try context.parameters.require("person")
        let query = ReadQuery(request)
        let moment = try query.moment()
        let clause = query["clause"]
        let ledger = ledger
        return try await Blocking.read {
            let pseudonym = try ReadScope(grant: grant, ledger: ledger).requirePerson(person)
            let answer = try ledger.whyNot(pseudonym, clause: clause, at: moment)
            return try ReadReply(answer, [("whyNot", answer.value)]).response
        }
    }
}
