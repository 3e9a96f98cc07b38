import GrantLedgerEvents
import GrantLedgerPolicy
import GrantLedgerProjections

/// Which entitlements a question is about, as a person gives them: parties as typed
/// (resident ID, pseudonym, credit code or a payee's name), resolved by the ledger.
public struct EntitlementSelection: Sendable, Hashable {
    /// Entitlements paying this payee.
    public var payee: String?
    /// Entitlements paying or concerning this person (resident ID or pseudonym).
    public var person: String?
    public var clause: String?
    public var status: Entitlement.Status?

    public init(payee: String? = nil, person: String? = nil, clause: String? = nil, status: Entitlement.Status? = nil) {
        self.payee = payee
        self.person = person
        self.clause = clause
        self.status = status
    }
}

/// Targets and the "131" service, at one moment.
public struct Performance: Sendable {
    public var targets: [TargetView]
    /// The "131" service's lines (XM-2023-188/4); none when one target was asked for.
    public var service131: [Service131Line]
}

/// Payments the entitlements do not explain, and the clawbacks ordered.
public struct Findings: Sendable {
    public var findings: [GrantLedgerProjections.Finding]
    public var clawbacks: [ClawbackView]
    /// Fen in all the findings.
    public var total: Int64 { findings.reduce(0) { $0 + $1.amount } }
    /// Fen still to recover on the clawbacks.
    public var outstanding: Int64 { clawbacks.reduce(0) { $0 + $1.outstanding } }
}

/// One entitlement with its payout schedule.
public struct EntitlementExplanation: Sendable {
    public var view: EntitlementView
    public var schedule: [PayoutLine]
}

extension Ledger {
    // MARK: Entitlements and payouts

    /// The entitlements selected, with what has been paid against them. A snapshot is built
    /// of the person's scope when the selection names a person (or a person as payee).
    public func entitlements(_ selection: EntitlementSelection = EntitlementSelection(), at moment: Moment = .now) throws -> Answer<[EntitlementView]> {
        var filter = EntitlementFilter()
        return try answer(at: moment, scope: {
            let resolved = try resolve(selection)
            filter = resolved.filter
            return resolved.party
        }) { try $0.entitlements(filter) }
    }

    /// Every tranche of the entitlements selected; with `dueBy`, only those due by then and unpaid.
    public func payouts(_ selection: EntitlementSelection = EntitlementSelection(), dueBy: LocalDate? = nil,
                        at moment: Moment = .now) throws -> Answer<[PayoutLine]> {
        var filter = EntitlementFilter()
        return try answer(at: moment, scope: {
            let resolved = try resolve(selection)
            filter = resolved.filter
            return resolved.party
        }) { try $0.payouts(filter, dueBy: dueBy) }
    }

    /// The filter with parties turned into their keys, and the person whose scope a snapshot
    /// may be limited to. The payee is resolved before the person.
    func resolve(_ selection: EntitlementSelection) throws -> (filter: EntitlementFilter, party: String?) {
        let payee = try selection.payee.map { try partyKey(for: $0) }
        let person = try selection.person.map { try personKey(for: $0) }
        let filter = EntitlementFilter(payee: payee, party: person, clause: selection.clause, status: selection.status?.rawValue)
        return (filter, person ?? payee.flatMap { Pseudonym.isPseudonym($0) ? $0 : nil })
    }

    /// One entitlement and its payout schedule; ``LedgerError/unknownEntitlement(_:)`` when
    /// there is none by that id at that moment.
    public func explain(_ id: String, at moment: Moment = .now) throws -> Answer<EntitlementExplanation> {
        try answer(at: moment, scope: { try scopeOfEntitlement(id, at: moment) }) { reader in
            guard let view = try reader.entitlement(id: id) else { throw LedgerError.unknownEntitlement(id) }
            let record = view.entitlement
            let schedule = try reader.payouts(EntitlementFilter(payee: record.payeeID, clause: record.clause))
                .filter { $0.entitlementID == record.id }
            return EntitlementExplanation(view: view, schedule: schedule)
        }
    }

    /// The person whose scope a snapshot needs for an entitlement: named in its id, else the
    /// payee or subject of the live entitlement. Nil (build everything) for organisations and for now.
    func scopeOfEntitlement(_ id: String, at moment: Moment) throws -> String? {
        guard !moment.isNow else { return nil }
        if let match = id.firstMatch(of: /P[0-9a-f]{24}/) { return String(match.output) }
        guard let live = try liveReaderForLookup()?.entitlement(id: id) else { return nil }
        return [live.entitlement.subject, live.entitlement.payeeID].compactMap { $0 }.first(where: Pseudonym.isPseudonym)
    }

    // MARK: Performance

    /// Targets of a unit (district, town, department or city) whose period overlaps `period`,
    /// or the one `target`; and, unless one target is asked for, the "131" service's lines.
    public func performance(unit: String? = nil, period: ClosedRange<LocalDate>? = nil, target: String? = nil,
                            at moment: Moment = .now) throws -> Answer<Performance> {
        try answer(at: moment) { reader in
            let lines131 = target == nil ? try reader.service131(unit: unit, period: period) : []
            var targets = try reader.performance(unit: unit, period: period)
            if let target { targets = targets.filter { $0.targetID == target } }
            return Performance(targets: targets, service131: lines131)
        }
    }

    /// The "131" service's completeness per unit and period (XM-2023-188/4).
    public func service131(unit: String? = nil, period: ClosedRange<LocalDate>? = nil, at moment: Moment = .now) throws -> Answer<[Service131Line]> {
        try answer(at: moment) { try $0.service131(unit: unit, period: period) }
    }

    /// The people the "131" service applies to in `period` who still miss a part of it.
    public func service131Missing(unit: String? = nil, period: ClosedRange<LocalDate>, at moment: Moment = .now) throws -> Answer<[Service131Person]> {
        try answer(at: moment) { try $0.service131People(unit: unit, period: period) }
    }

    /// The events counted toward a target; ``LedgerError/unknownTarget(_:)`` when there is no such target.
    public func countedEvents(target: String, at moment: Moment = .now) throws -> Answer<[CountedEvent]> {
        try answer(at: moment) { reader in
            guard try reader.performance().contains(where: { $0.targetID == target }) else { throw LedgerError.unknownTarget(target) }
            return try reader.countedEvents(target: target)
        }
    }

    // MARK: Funds, findings, timelines

    public func funds(at moment: Moment = .now) throws -> Answer<[FundView]> {
        try answer(at: moment) { try $0.funds() }
    }

    public func findings(at moment: Moment = .now) throws -> Answer<Findings> {
        try answer(at: moment) { Findings(findings: try $0.findings(), clawbacks: try $0.clawbacks()) }
    }

    /// A party's events in business-time order, with their entitlements and payouts. The
    /// party is a resident ID, pseudonym or credit code; a snapshot is of their scope only.
    public func timeline(of text: String, at moment: Moment = .now) throws -> Answer<Timeline> {
        var party = ""
        return try answer(at: moment, scope: {
            party = try eventPartyKey(for: text)
            return party
        }) { try $0.timeline(party: party) }
    }

    // MARK: Why not

    /// Why a person (resident ID or pseudonym) got what they got and no more: each rule their
    /// facts could fire and where each stopped; only `clause`'s, when given, which must be a
    /// clause of the catalog that moves money.
    public func whyNot(_ person: String, clause: String? = nil, at moment: Moment = .now) throws -> Answer<WhyNotReport> {
        let catalog = try policies()
        let party = try personKey(for: person)
        if let clause, catalog.rule(clause: clause) == nil {
            throw catalog.contains(clause: clause) ? LedgerError.clauseMovesNoMoney(clause) : LedgerError.unknownClause(clause)
        }
        return try answer(at: moment, scope: { party }) { try $0.whyNot(person: party, clause: clause, policies: catalog) }
    }
}
