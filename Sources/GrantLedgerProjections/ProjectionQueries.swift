import Foundation
import GRDB
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
    /// `no-entitlement`, `to-recover`, `overpaid` or `paid-early`.
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
        try database.read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let payee = filter.payee { conditions.append("payee_id = ?"); arguments += [payee] }
            if let subject = filter.subject { conditions.append("subject = ?"); arguments += [subject] }
            if let party = filter.party { conditions.append("(payee_id = ? OR subject = ?)"); arguments += [party, party] }
            if let clause = filter.clause { conditions.append("clause = ?"); arguments += [clause] }
            if let status = filter.status { conditions.append("status = ?"); arguments += [status] }
            let sql = "SELECT * FROM \(schema[.entitlements])" + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
                + " ORDER BY date, clause, id"
            let rows = try Row.fetchAll(db, sql: sql, arguments: arguments)
            return try views(rows, db)
        }
    }

    public func entitlement(id: String) throws -> EntitlementView? {
        try database.read { db in
            try views(Row.fetchAll(db, sql: "SELECT * FROM \(schema[.entitlements]) WHERE id = ?", arguments: [id]), db).first
        }
    }

    private func record(_ row: Row) throws -> EntitlementRecord {
        let detail = try JSONDecoder().decode(EntitlementRecord.Detail.self, from: Data((row["detail"] as String).utf8))
        return EntitlementRecord(
            id: row["id"], clause: row["clause"], title: row["title"], payeeKind: row["payee_kind"], payeeID: row["payee_id"],
            subject: row["subject"], date: row["date"], status: row["status"], amount: row["amount"], rangeLow: row["range_low"],
            rangeHigh: row["range_high"], tranches: detail.tranches, explanation: detail.explanation)
    }

    private func views(_ rows: [Row], _ db: Database) throws -> [EntitlementView] {
        var allocations: [String: PaymentAllocation] = [:]
        return try rows.map { row in
            let key: String = row["match_key"]
            if allocations[key] == nil { allocations[key] = try allocation(matchKey: key, db) }
            let id: String = row["id"]
            let share = allocations[key]!.shares[id]!
            let status: String = row["status"]
            let kind: String? = share.excess == 0 ? nil
                : Self.isRefused(status: status, amount: row["amount"]) ? "to-recover"
                : status == "eligible" || status == "capped" ? "overpaid" : "paid-early"
            return EntitlementView(entitlement: try record(row), paid: share.paid, outstanding: share.outstanding, excess: share.excess,
                                   excessKind: kind, disbursements: share.disbursements)
        }
    }

    /// Refused: excluded, expired, or capped to nothing. Money paid on it is to be recovered.
    static func isRefused(status: String, amount: Int64?) -> Bool {
        status == "excluded" || status == "expired" || (status == "capped" && amount == nil)
    }

    func allocation(matchKey key: String, _ db: Database) throws -> PaymentAllocation {
        let entitlements = try Row.fetchAll(db, sql: "SELECT id, amount, status FROM \(schema[.entitlements]) WHERE match_key = ? ORDER BY date, id",
                                            arguments: [key]).map { row -> (id: String, granted: Int64, refused: Bool) in
            let amount: Int64? = row[1]
            let status: String = row[2]
            return (row[0], amount ?? 0, Self.isRefused(status: status, amount: amount))
        }
        let payments = try Row.fetchAll(db, sql: """
            SELECT disbursement_id, amount - reversed, date, position FROM \(schema[.disbursements]) WHERE match_key = ? ORDER BY date, position
            """, arguments: [key]).map { PaymentAllocation.Payment(id: $0[0], amount: $0[1], date: $0[2], position: $0[3]) }
        let recovered = try Int64.fetchOne(db, sql: """
            SELECT coalesce(sum(c.recovered), 0) FROM \(schema[.clawbacks]) c LEFT JOIN \(schema[.disbursements]) d
            ON d.disbursement_id = c.disbursement_id
            WHERE coalesce(d.match_key, c.clause || '|' || c.payee_id || '|') = ?
            """, arguments: [key]) ?? 0
        return PaymentAllocation(entitlements: entitlements, payments: payments, recovered: recovered)
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
        try database.read { db in
            var sql = "SELECT * FROM \(schema[.targets])"
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let unit { conditions.append("unit = ?"); arguments += [unit] }
            if let period {
                conditions.append("period_start <= ? AND period_end >= ?")
                arguments += [period.upperBound.description, period.lowerBound.description]
            }
            if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
            sql += " ORDER BY period_start, unit, metric, target_id"
            let counting = try db.cachedStatement(sql: "SELECT count(*) FROM \(schema[.targetEvents]) WHERE target_id = ? AND occurred_at <= ?")
            var service131: Service131Facts?
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                let metric: String = row["metric"]
                let value: Int64 = row["value"]
                var achieved: Int64?
                if TargetSet.countedMetrics.contains(metric) {
                    achieved = try Int64.fetchOne(counting, arguments: [row["target_id"], (asOf ?? .init(year: 9999, month: 12, day: 31)!).description]) ?? 0
                }
                var view = TargetView(
                    targetID: row["target_id"], clause: row["clause"], metric: metric, scope: row["scope"], unit: row["unit"],
                    periodStart: row["period_start"], periodEnd: row["period_end"], value: value, achieved: achieved,
                    ratioBasisPoints: achieved.map { value == 0 ? 10_000 : $0 * 10_000 / value }, fund: row["fund"], note: row["note"])
                // The "131" completeness: counted from the people and their job-service contacts.
                if metric == TargetSet.service131Metric, let start = LocalDate(view.periodStart), let end = LocalDate(view.periodEnd), start <= end {
                    if service131 == nil { service131 = try Service131Facts(db, schema: schema, policies: policies, asOf: asOf) }
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
        let positions = try database.read { db in
            try Int64.fetchAll(db, sql: "SELECT position FROM \(schema[.targetEvents]) WHERE target_id = ? AND occurred_at <= ? ORDER BY position",
                               arguments: [target, (asOf ?? .init(year: 9999, month: 12, day: 31)!).description])
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
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM \(schema[.funds]) ORDER BY fund_id").map { row in
                let id: String = row["fund_id"]
                let allocated: Int64 = row["amount"]
                let disbursed = try Int64.fetchOne(db, sql: "SELECT coalesce(sum(amount - reversed), 0) FROM \(schema[.disbursements]) WHERE fund_id = ?",
                                                   arguments: [id]) ?? 0
                var view = FundView(fundID: id, clause: row["clause"], recipient: row["recipient"], tranche: row["tranche"],
                                    targetID: row["target_id"], allocated: allocated, preAllocated: nil, earned: nil, forfeited: 0,
                                    available: allocated, disbursed: disbursed, remaining: allocated - disbursed, entitlementID: nil)
                let entitlement = try Row.fetchOne(db, sql: "SELECT * FROM \(schema[.entitlements]) WHERE scope = ? AND id LIKE ? ORDER BY id LIMIT 1",
                                                   arguments: ["org:" + (row["recipient"] as String), "%#fund:" + id])
                if let entitlement, case let record = try self.record(entitlement), !record.tranches.isEmpty {
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
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM \(schema[.clawbacks]) ORDER BY date, clawback_id").map { row in
                let amount: Int64 = row["amount"], recovered: Int64 = row["recovered"]
                return ClawbackView(clawbackID: row["clawback_id"], clause: row["clause"], payeeKind: row["payee_kind"], payeeID: row["payee_id"],
                                    amount: amount, recovered: recovered, outstanding: max(0, amount - recovered), reason: row["reason"],
                                    disbursementID: row["disbursement_id"], date: row["date"])
            }
        }
    }

    // MARK: Findings

    /// Every payment the entitlements do not explain: money with no entitlement behind it,
    /// money paid on what is now refused (to recover), beyond a grant, or ahead of evidence.
    public func findings() throws -> [Finding] {
        try database.read { db in
            var findings: [Finding] = []
            let keys = try String.fetchAll(db, sql: "SELECT DISTINCT match_key FROM \(schema[.disbursements]) ORDER BY match_key")
            for key in keys {
                let allocation = try allocation(matchKey: key, db)
                let parts = key.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                let (clause, payee, subject) = (parts[0], parts[1], parts[2].isEmpty ? nil : parts[2])
                if !allocation.unmatched.isEmpty {
                    let total = allocation.unmatched.reduce(0) { $0 + $1.amount }
                    findings.append(Finding(kind: "no-entitlement", clause: clause, payeeID: payee, subject: subject, amount: total,
                        entitlementID: nil, disbursements: allocation.unmatched.map(\.id),
                        detail: "no entitlement under \(clause) for this payee\(subject == nil ? "" : " and worker"): nothing the log holds grants this money"))
                }
                let rows = try Row.fetchAll(db, sql: "SELECT * FROM \(schema[.entitlements]) WHERE match_key = ? ORDER BY date, id", arguments: [key])
                for view in try views(rows, db) where view.excess > 0 {
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
            // A clawback that names a payment the log does not hold.
            let orphans = try Row.fetchAll(db, sql: """
                SELECT c.clawback_id, c.clause, c.payee_id, c.amount, c.disbursement_id FROM \(schema[.clawbacks]) c
                WHERE c.disbursement_id IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM \(schema[.disbursements]) d WHERE d.disbursement_id = c.disbursement_id)
                ORDER BY c.clawback_id
                """)
            for row in orphans {
                let payment: String = row[4]
                findings.append(Finding(kind: "unknown-payment", clause: row[1], payeeID: row[2], subject: nil, amount: row[3],
                    entitlementID: nil, disbursements: [payment],
                    detail: "clawback \(row[0] as String) recovers payment \(payment), which is not in the log: record the payment, or correct the clawback"))
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
