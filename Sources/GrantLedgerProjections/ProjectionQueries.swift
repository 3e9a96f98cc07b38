import Foundation
import GrantLedgerEvents
import GrantLedgerLog

/// An entitlement with what has been paid against it.
public struct EntitlementView: Codable, Sendable, Hashable {
    public var entitlement: EntitlementRecord
    /// Fen paid (disbursed, less reversals and recovered clawbacks).
    public var paid: Int64
    /// Fen granted and not yet paid.
    public var outstanding: Int64
    /// Fen paid beyond the grant.
    public var excess: Int64
    /// What the excess is: `overpaid` (more than granted), `to-recover` (paid, then refused:
    /// a revoked certificate, a cap), `paid-early` (paid before evidence or a decision).
    public var excessKind: String?
    public var disbursements: [String]
}

/// One tranche of a payout schedule (a whole amount is a schedule of one).
public struct PayoutLine: Codable, Sendable, Hashable {
    public var entitlementID: String
    public var clause: String
    public var payeeKind: String
    public var payeeID: String
    public var subject: String?
    public var label: String
    public var amount: Int64
    public var paid: Int64
    public var releasedBy: String
    public var dueDate: String?
    /// paid, due (part-paid tranches are due for the rest), waiting or forfeited.
    public var state: String
}

/// A target with what has been achieved toward it.
public struct TargetView: Codable, Sendable, Hashable {
    public var targetID: String
    public var clause: String
    public var metric: String
    public var scope: String
    public var unit: String
    public var periodStart: String
    public var periodEnd: String
    public var value: Int64
    /// Nil where the metric is not counted from events (a share). For the "131" completeness
    /// (XM-2023-188/4), the percentage served in full (rounded down), nil when no one applies.
    public var achieved: Int64?
    /// achieved / value in basis points (10000 = 100%); for the 131 completeness, from the
    /// exact counts below.
    public var ratioBasisPoints: Int64?
    public var fund: Int64?
    public var note: String?
    /// For the 131 completeness only: the people it applies to in the target's unit and period,
    /// and those of them served in full (see `Service131`).
    public var applicable: Int64? = nil
    public var completed: Int64? = nil
}

/// An event that counts toward a target.
public struct CountedEvent: Codable, Sendable, Hashable {
    public var position: Int64
    public var eventID: String
    public var type: String
    public var occurredAt: String
}

public struct FundView: Codable, Sendable, Hashable {
    public var fundID: String
    public var clause: String
    public var recipient: String
    public var tranche: String
    public var targetID: String?
    public var allocated: Int64
    /// The part released on allocation (the 70% up front), where the clause stages it.
    public var preAllocated: Int64?
    /// The performance part earned by results so far (nil while the target period runs).
    public var earned: Int64?
    public var forfeited: Int64
    /// Available to spend: the whole allocation, or the released tranches.
    public var available: Int64
    public var disbursed: Int64
    public var remaining: Int64
    public var entitlementID: String?
}

public struct ClawbackView: Codable, Sendable, Hashable {
    public var clawbackID: String
    public var clause: String
    public var payeeKind: String
    public var payeeID: String
    public var amount: Int64
    public var recovered: Int64
    public var outstanding: Int64
    public var reason: String
    public var disbursementID: String?
    public var date: String
}

/// A payment the entitlements do not explain.
public struct Finding: Codable, Sendable, Hashable {
    /// `no-entitlement`, `to-recover`, `overpaid`, `paid-early`, `unknown-payment` (a clawback of a
    /// payment not in the log) or `reused-payment-id` (a payment id recorded by two events).
    public var kind: String
    public var clause: String
    public var payeeID: String
    public var subject: String?
    public var amount: Int64
    public var entitlementID: String?
    public var disbursements: [String]
    public var detail: String
}

public struct TimelineEntry: Codable, Sendable, Hashable {
    public var position: Int64
    public var eventID: String
    public var type: String
    public var streamID: String
    public var occurredAt: String
    public var recordedAt: String
    /// The event's data as stored (people appear only as pseudonyms).
    public var data: String
}

public struct Timeline: Codable, Sendable, Hashable {
    public var party: String
    public var events: [TimelineEntry]
    public var entitlements: [EntitlementView]
    public var payouts: [PayoutLine]
}

public struct EntitlementFilter: Sendable, Hashable {
    public var payee: String?
    public var subject: String?
    /// Entitlements paying or concerning this party.
    public var party: String?
    public var clause: String?
    public var status: String?
    public init(payee: String? = nil, subject: String? = nil, party: String? = nil, clause: String? = nil, status: String? = nil) {
        self.payee = payee
        self.subject = subject
        self.party = party
        self.clause = clause
        self.status = status
    }
}

extension ProjectionReader {
    // MARK: Entitlements

    public func entitlements(_ filter: EntitlementFilter = EntitlementFilter()) throws -> [EntitlementView] {
        try read { store in try views(store.entitlements(filter), store) }
    }

    public func entitlement(id: String) throws -> EntitlementView? {
        try read { store in try views(store.entitlement(id: id).map { [$0] } ?? [], store).first }
    }

    /// `allocations`: those of their keys the caller has worked out already.
    private func views(_ rows: [StoredEntitlement], _ store: some ProjectionStore,
                       allocations known: [String: PaymentAllocation] = [:]) throws -> [EntitlementView] {
        var allocations = known
        return try rows.map { row in
            let key = row.matchKey
            if allocations[key] == nil { allocations[key] = try allocation(matchKey: key, store) }
            let record = row.record
            guard let share = allocations[key]?.shares[record.id] else {
                throw ProjectionError.damaged(table: "entitlements", reason: "entitlement \(record.id) is not among those of its match key")
            }
            let kind: String? = share.excess == 0 ? nil
                : Self.isRefused(status: record.status, amount: record.amount) ? "to-recover"
                : record.status == "eligible" || record.status == "capped" ? "overpaid" : "paid-early"
            return EntitlementView(entitlement: record, paid: share.paid, outstanding: share.outstanding, excess: share.excess,
                                   excessKind: kind, disbursements: share.disbursements)
        }
    }

    /// Refused: excluded, expired, or capped to nothing. Money paid on it is to be recovered.
    static func isRefused(status: String, amount: Int64?) -> Bool {
        status == "excluded" || status == "expired" || (status == "capped" && amount == nil)
    }

    func allocation(matchKey key: String, _ store: some ProjectionStore) throws -> PaymentAllocation {
        let entitlements = try store.grants(matchKey: key).map { grant in
            (id: grant.id, granted: grant.amount ?? 0, refused: Self.isRefused(status: grant.status, amount: grant.amount))
        }
        return PaymentAllocation(entitlements: entitlements, payments: try store.payments(matchKey: key), recovered: try store.recovered(matchKey: key))
    }

    // MARK: Payouts

    /// Every tranche of the entitlements matching `filter`, with what is paid of it; with
    /// `dueBy`, only the tranches due on or before it and not yet paid in full.
    public func payouts(_ filter: EntitlementFilter = EntitlementFilter(), dueBy: LocalDate? = nil) throws -> [PayoutLine] {
        var lines = try entitlements(filter).flatMap(Self.schedule)
        if let dueBy {
            lines = lines.filter { $0.state == "due" && ($0.dueDate.flatMap(LocalDate.init).map { $0 <= dueBy } ?? false) }
        }
        return lines
    }

    static func schedule(_ view: EntitlementView) -> [PayoutLine] {
        let record = view.entitlement
        var tranches = record.tranches
        if tranches.isEmpty {
            guard let amount = record.amount, record.status == "eligible" || record.status == "capped" else { return [] }
            tranches = [.init(label: "whole", amount: amount, releasedBy: "the entitlement itself (\(record.clause))", dueDate: record.date, state: "due")]
        }
        var paid = view.paid
        return tranches.map { tranche in
            var line = PayoutLine(entitlementID: record.id, clause: record.clause, payeeKind: record.payeeKind, payeeID: record.payeeID,
                                  subject: record.subject, label: tranche.label, amount: tranche.amount, paid: 0,
                                  releasedBy: tranche.releasedBy, dueDate: tranche.dueDate, state: tranche.state)
            if tranche.state == "due" {
                line.paid = min(paid, tranche.amount)
                paid -= line.paid
                if line.paid == tranche.amount { line.state = "paid" }
            }
            return line
        }
    }

    // MARK: Performance

    /// Targets and what was achieved by the evaluation date. `unit` matches the target's unit
    /// (district, town, department or city); `period` is a year (`2025`), years (`2025-2027`)
    /// or dates (`2021-01-01..2021-12-31`), matching targets whose period overlaps it.
    public func performance(unit: String? = nil, period: ClosedRange<LocalDate>? = nil) throws -> [TargetView] {
        try read { store in
            let through = asOf ?? .init(year: 9999, month: 12, day: 31)!
            var service131: Service131Facts?
            return try store.targets(unit: unit, overlapping: period).map { target in
                let (metric, value) = (target.metric, target.value)
                var achieved: Int64?
                if TargetSet.countedMetrics.contains(metric) {
                    achieved = try store.countedFacts(target: target.targetID, through: through)
                }
                var view = TargetView(
                    targetID: target.targetID, clause: target.clause, metric: metric, scope: target.scope, unit: target.unit,
                    periodStart: target.periodStart, periodEnd: target.periodEnd, value: value, achieved: achieved,
                    ratioBasisPoints: achieved.map { value == 0 ? 10_000 : $0 * 10_000 / value }, fund: target.fund, note: target.note)
                // The "131" completeness: counted from the people and their job-service contacts.
                if metric == TargetSet.service131Metric, let start = LocalDate(view.periodStart), let end = LocalDate(view.periodEnd), start <= end {
                    if service131 == nil { service131 = try Service131Facts(store, policies: policies, asOf: asOf) }
                    let people = service131!.people(in: view.unit, period: start...end)
                    let (applicable, completed) = (Int64(people.count), Int64(people.filter(\.complete).count))
                    view.applicable = applicable
                    view.completed = completed
                    view.achieved = applicable == 0 ? nil : completed * 100 / applicable
                    view.ratioBasisPoints = Self.ratio131(completed: completed, applicable: applicable, value: value)
                }
                return view
            }
        }
    }

    /// The events counted toward a target, in log order.
    public func countedEvents(target: String) throws -> [CountedEvent] {
        let positions = try read { store in
            try store.countedPositions(target: target, through: asOf ?? .init(year: 9999, month: 12, day: 31)!)
        }
        return try readEvents { reader in
            try positions.compactMap { position in
                try reader.event(at: position).map {
                    CountedEvent(position: position, eventID: $0.eventID, type: $0.type, occurredAt: $0.occurredAt.description)
                }
            }
        }
    }

    // MARK: Funds and clawbacks

    public func funds() throws -> [FundView] {
        try read { store in
            try store.funds().map { fund in
                let disbursed = try store.disbursed(fromFund: fund.fundID)
                var view = FundView(fundID: fund.fundID, clause: fund.clause, recipient: fund.recipient, tranche: fund.tranche,
                                    targetID: fund.targetID, allocated: fund.amount, preAllocated: nil, earned: nil, forfeited: 0,
                                    available: fund.amount, disbursed: disbursed, remaining: fund.amount - disbursed, entitlementID: nil)
                if let record = try store.fundEntitlement(recipient: fund.recipient, fund: fund.fundID), !record.tranches.isEmpty {
                    view.entitlementID = record.id
                    view.preAllocated = record.tranches.first?.amount
                    let performance = record.tranches.dropFirst()
                    let earned = performance.filter { $0.state == "due" }.reduce(0) { $0 + $1.amount }
                    view.earned = performance.contains { $0.state == "waiting" } ? nil : earned
                    view.forfeited = performance.filter { $0.state == "forfeited" }.reduce(0) { $0 + $1.amount }
                    view.available = record.tranches.filter { $0.state == "due" }.reduce(0) { $0 + $1.amount }
                    view.remaining = view.available - disbursed
                }
                return view
            }
        }
    }

    public func clawbacks() throws -> [ClawbackView] {
        try read { store in try store.clawbacks() }
    }

    // MARK: Findings

    /// Every payment the entitlements do not explain: money with no entitlement behind it,
    /// money paid on what is now refused (to recover), beyond a grant, or ahead of evidence.
    public func findings() throws -> [Finding] {
        try read { store in
            var findings: [Finding] = []
            for key in try store.paymentKeys() {
                let allocation = try allocation(matchKey: key, store)
                let parts = key.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                guard parts.count == 3 else {
                    throw ProjectionError.damaged(table: "disbursements", reason: "a payment's match key is not CLAUSE|PAYEE|SUBJECT")
                }
                let (clause, payee, subject) = (parts[0], parts[1], parts[2].isEmpty ? nil : parts[2])
                if !allocation.unmatched.isEmpty {
                    let total = allocation.unmatched.reduce(0) { $0 + $1.amount }
                    findings.append(Finding(kind: "no-entitlement", clause: clause, payeeID: payee, subject: subject, amount: total,
                        entitlementID: nil, disbursements: allocation.unmatched.map(\.id),
                        detail: "no entitlement under \(clause) for this payee\(subject == nil ? "" : " and worker"): nothing the log holds grants this money"))
                }
                for view in try views(store.entitlements(matchKey: key), store, allocations: [key: allocation]) where view.excess > 0 {
                    let record = view.entitlement
                    let why = record.explanation.refusal.map { "\($0.clause): \($0.reason)" } ?? "status \(record.status)"
                    let detail = switch view.excessKind {
                    case "to-recover": "paid \(Fen(view.paid)), now \(record.status): \(why)"
                    case "overpaid": "paid \(Fen(view.paid)) against \(Fen(record.amount ?? 0)) granted"
                    default: "paid \(Fen(view.paid)) while \(record.status): \(why)"
                    }
                    findings.append(Finding(kind: view.excessKind ?? "overpaid", clause: record.clause, payeeID: record.payeeID,
                        subject: record.subject, amount: view.excess, entitlementID: record.id, disbursements: view.disbursements, detail: detail))
                }
            }
            // A payment or clawback id used twice (refused since, but held by older ledgers): both count.
            for reused in try store.reusedPaymentIDs() {
                findings.append(Finding(kind: "reused-payment-id", clause: reused.clause, payeeID: reused.payee, subject: nil, amount: reused.amount,
                    entitlementID: nil, disbursements: [reused.payment],
                    detail: "\(reused.payment) was recorded again at position \(reused.position) by another event: both are counted; if one is a mistake, record its reversal"))
            }
            // A clawback that names a payment the log does not hold.
            for orphan in try store.clawbacksOfUnknownPayments() {
                findings.append(Finding(kind: "unknown-payment", clause: orphan.clause, payeeID: orphan.payee, subject: nil, amount: orphan.amount,
                    entitlementID: nil, disbursements: [orphan.payment],
                    detail: "clawback \(orphan.clawback) recovers payment \(orphan.payment), which is not in the log: record the payment, or correct the clawback"))
            }
            return findings
        }
    }

    // MARK: Timeline

    /// Every event naming `party` (a pseudonym or credit code), in business-time order with
    /// the recording time beside it, and the entitlements and payouts concerning it.
    public func timeline(party: String) throws -> Timeline {
        var entries: [TimelineEntry] = []
        let through = asOf
        try readEvents { reader in
            try reader.forEachEvent(EventQuery(to: position, party: party)) { event in
                if through.map({ event.occurredAt <= $0 }) ?? true {
                    entries.append(TimelineEntry(position: event.position, eventID: event.eventID, type: event.type, streamID: event.streamID,
                        occurredAt: event.occurredAt.description, recordedAt: event.recordedAt.description,
                        data: String(decoding: event.data, as: UTF8.self)))
                }
                return true
            }
        }
        entries.sort { ($0.occurredAt, $0.position) < ($1.occurredAt, $1.position) }
        let entitlements = try entitlements(EntitlementFilter(party: party))
        return Timeline(party: party, events: entries, entitlements: entitlements, payouts: entitlements.flatMap(Self.schedule))
    }
}
