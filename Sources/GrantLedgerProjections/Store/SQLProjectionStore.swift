import Foundation
import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerPolicy

/// The projection tables (`ProjectionSchema`) on a connection inside a transaction its
/// backend holds: one set of statements for SQLite and PostgreSQL (`ProjectionConnection`).
///
/// The log is read through `events`: for the ledger's own projections, the same connection;
/// for a snapshot built in memory, the ledger's own, in a read transaction beside.
struct SQLProjectionStore: ProjectionStore {
    let db: any ProjectionConnection
    let schema: ProjectionSchema
    /// What this transaction has read or written of the classes: most events about a class
    /// look up its filing and organiser, and a transaction applies thousands of them.
    private let classes = ClassMemo()

    init(db: any ProjectionConnection, schema: ProjectionSchema) {
        self.db = db
        self.schema = schema
    }

    /// A class's row as this transaction knows it (nil: no row).
    private final class ClassMemo {
        var rows: [String: (organiser: String, position: Int64)?] = [:]
    }

    /// The event holding each payment or clawback id, as this transaction knows it (nil: none).
    private let held = HeldIDs()

    private final class HeldIDs {
        var ids: [ProjectionSchema.Table: [String: String?]] = [:]
    }

    var events: any TransactionEventReader { db.events }

    // MARK: The tables themselves

    func tablesExist() throws -> Bool {
        // Asked of SQLite itself: a reader's cached schema may predate another connection's swap.
        let names = try db.tableNames()
        return ProjectionSchema.Table.allCases.allSatisfy { names.contains(schema[$0]) }
    }

    func createTables() throws { try schema.create(db) }

    func dropTables() throws { try schema.drop(db) }

    func createIndexes() throws { try schema.createIndexes(db) }

    func createEvaluationIndexes() throws { try schema.createEvaluationIndexes(db) }

    func replaceLive() throws { try schema.swap(into: .live, db) }

    func checkpoints() throws -> [(projection: String, position: Int64)] {
        try db.rows("SELECT projection, position FROM \(schema[.checkpoints]) ORDER BY projection", table: "checkpoints")
            .map { (try $0.text(0), try $0.int(1)) }
    }

    func digests() throws -> [(name: String, digest: String)] { try ProjectionDigest.digests(db, schema: schema) }

    private func execute(_ sql: String, _ arguments: [any SQLValueConvertible] = []) throws {
        try db.execute(sql, arguments)
    }

    /// The first column of each row, as text, from `table`.
    private func strings(_ sql: String, _ arguments: [any SQLValueConvertible] = [], _ table: ProjectionSchema.Table) throws -> [String] {
        try db.strings(sql, arguments, table: table.rawValue)
    }

    // MARK: Checkpoint and metadata

    func checkpoint() throws -> Int64 {
        try db.firstInteger("SELECT min(position) FROM \(schema[.checkpoints])", table: "checkpoints") ?? 0
    }

    func asOf() throws -> LocalDate? { try meta("as-of").flatMap(LocalDate.init) }

    func markApplied(position: Int64, asOf: LocalDate?) throws {
        for name in ProjectionSchema.projections.map(\.name) {
            try db.insert(SQLInsert(schema[.checkpoints], ["projection", "position"], .replace(key: ["projection"])), [name, position])
        }
        if let asOf { try setMeta("as-of", asOf.description) }
    }

    func meta(_ key: String) throws -> String? {
        try db.firstText("SELECT value FROM \(schema[.meta]) WHERE key = ?", [key], table: "meta")
    }

    func setMeta(_ key: String, _ value: String) throws {
        try db.insert(SQLInsert(schema[.meta], ["key", "value"], .replace(key: ["key"])), [key, value])
    }

    func removeMeta(_ key: String) throws { try execute("DELETE FROM \(schema[.meta]) WHERE key = ?", [key]) }

    // MARK: Scopes

    func noteScope(_ scope: Scope, at position: Int64) throws {
        try db.insert(SQLInsert(schema[.scopes], ["scope", "review_by", "evaluated_at", "noted_at"], .ignore),
                      [.text(scope.key), .null, .integer(0), .integer(position)])
    }

    /// Through the index on (noted_at, scope) (``ProjectionSchema/evaluationIndexes``).
    func scopes(_ kind: ScopeKind, after: NotedScope?, limit: Int) throws -> [NotedScope] {
        let (from, to) = Self.range(of: kind.prefix)
        let after = after ?? NotedScope(position: .min, key: "")
        var scopes: [NotedScope] = []
        try db.forEachRow("""
            SELECT noted_at, scope FROM \(schema[.scopes])
            WHERE (noted_at, scope) > (?, ?) AND scope >= ? AND scope < ? ORDER BY noted_at, scope LIMIT ?
            """, [.integer(after.position), .text(after.key), .text(from), .text(to), .integer(Int64(limit))], table: "scopes") { row in
            scopes.append(NotedScope(position: try row.int(0), key: try row.text(1)))
        }
        return scopes
    }

    /// The keys that start with `prefix`, which ends in a colon, are those from it up to (not
    /// including) the same prefix with ";", the character after ":": a range an index answers.
    private static func range(of prefix: String) -> (from: String, to: String) {
        precondition(prefix.hasSuffix(":"), "a key prefix ends in a colon")
        return (prefix, prefix.dropLast() + ";")
    }

    func scopeCount() throws -> Int64 {
        try db.firstInteger("SELECT count(*) FROM \(schema[.scopes])", table: "scopes") ?? 0
    }

    func scopesDue(by date: LocalDate) throws -> [String] {
        try strings("SELECT scope FROM \(schema[.scopes]) WHERE review_by <= ?", [date.description], .scopes)
    }

    /// Rows equal to those kept are left as they are: an enterprise re-evaluated for one
    /// worker's certificate keeps six of its seven years' rows, each citing hundreds of facts.
    func replaceEntitlements(of scope: Scope, with records: [EntitlementRecord], fresh: Bool) throws {
        var kept: [String: [SQLValue]] = [:]
        if !fresh {
            try db.forEachRow("SELECT \(Self.entitlementColumns) FROM \(schema[.entitlements]) WHERE scope = ?", [.text(scope.key)],
                              table: "entitlements") { row in kept[try row.text(0)] = row.values }
        }
        let insert = SQLInsert(schema[.entitlements], Self.entitlementColumnList, .fail)
        let insertTranche = SQLInsert(schema[.tranches], ["entitlement_id", "seq", "scope", "label", "amount", "released_by", "due_date", "state"], .fail)
        for record in records {
            let row: [any SQLValueConvertible] = [
                record.id, scope.key, record.clause, record.title, record.payeeKind, record.payeeID, record.subject,
                record.date, record.status, record.amount, record.rangeLow, record.rangeHigh,
                MatchKey.of(clause: record.clause, payee: record.payeeID, subject: record.subject), record.detailJSON(),
            ]
            let values = row.map { $0.sqlValue }
            if let stored = kept.removeValue(forKey: record.id) {
                // The detail holds the tranches: an equal row has equal tranche rows.
                if stored == values { continue }
                try remove(entitlement: record.id)
            }
            try db.insert(insert, values)
            for (seq, tranche) in record.tranches.enumerated() {
                try db.insert(insertTranche, [
                    record.id, seq, scope.key, tranche.label, tranche.amount, tranche.releasedBy, tranche.dueDate, tranche.state,
                ])
            }
        }
        for id in kept.keys.sorted() { try remove(entitlement: id) }
    }

    private static let entitlementColumns = """
        id, scope, clause, title, payee_kind, payee_id, subject, date, status, amount, range_low, range_high, match_key, detail
        """
    private static let entitlementColumnList = entitlementColumns.components(separatedBy: ", ")

    private func remove(entitlement id: String) throws {
        try execute("DELETE FROM \(schema[.tranches]) WHERE entitlement_id = ?", [id])
        try execute("DELETE FROM \(schema[.entitlements]) WHERE id = ?", [id])
    }

    func markEvaluated(_ scope: Scope, reviewBy: LocalDate?, position: Int64) throws {
        try db.insert(SQLInsert(schema[.scopes], ["scope", "review_by", "evaluated_at"], .replace(key: ["scope"])),
                      [scope.key, reviewBy?.description, position])
    }

    // MARK: Links

    func link(_ key: String, to scope: String) throws {
        try db.insert(SQLInsert(schema[.links], ["key", "scope"], .ignore), [.text(key), .text(scope)])
    }

    func linkedScopes(_ key: String) throws -> [String] {
        try strings("SELECT scope FROM \(schema[.links]) WHERE key = ?", [key], .links)
    }

    func linkedKeys(prefix: String) throws -> Set<String> {
        let (from, to) = Self.range(of: prefix)
        return Set(try strings("SELECT DISTINCT key FROM \(schema[.links]) WHERE key >= ? AND key < ?", [from, to], .links))
    }

    func linkAll(_ key: String, toScopesOf other: String) throws {
        // (A WHERE before ON CONFLICT, as SQLite's grammar asks of an INSERT from a SELECT.)
        try execute("""
            INSERT INTO \(schema[.links]) (key, scope) SELECT ?, scope FROM \(schema[.links]) WHERE key = ? AND scope != ?
            ON CONFLICT DO NOTHING
            """, [key, other, key])
    }

    func linkedApplications(of scopes: [Scope]) throws -> [String: [String]] {
        // The index on (scope, key) answers each scope's prefix as a range.
        let (from, to) = Self.range(of: "app:")
        var found: [String: [String]] = [:]
        let keys = Array(Set(scopes.map(\.key))).sorted()
        for key in keys { found[key] = [] }
        try Self.inLists(keys) { marks, values in
            try db.forEachRow("SELECT scope, key FROM \(schema[.links]) WHERE scope IN (\(marks)) AND key >= ? AND key < ? ORDER BY scope, key",
                              values + [.text(from), .text(to)], table: "links") { row in
                found[try row.text(0), default: []].append(String(try row.text(1).dropFirst(from.count)))
            }
        }
        return found
    }

    /// Calls `body` with `keys` 64 at a time, as an `IN` list of `?` and its values: the last
    /// list is padded with its last key, so that a few shapes of statement serve every count,
    /// each prepared once.
    private static func inLists(_ keys: [String], _ body: (_ marks: String, _ values: [SQLValue]) throws -> Void) throws {
        let marks = Array(repeating: "?", count: 64).joined(separator: ", ")
        for start in stride(from: 0, to: keys.count, by: 64) {
            let chunk = keys[start..<min(start + 64, keys.count)]
            try body(marks, chunk.map(SQLValue.text) + Array(repeating: .text(chunk.last!), count: 64 - chunk.count))
        }
    }

    // MARK: Classes, training facts, targets

    func putClass(_ filed: ClassFiled, position: Int64) throws {
        try db.insert(SQLInsert(schema[.classes], ["class_id", "division", "department", "jurisdiction", "position", "organiser"], .replace(key: ["class_id"])), [filed.classId, filed.division, filed.department, filed.jurisdiction.rawValue, position, filed.organiser])
        classes.rows[filed.classId] = (filed.organiser, position)
    }

    func organiser(ofClass classId: String) throws -> String? { try classRow(classId)?.organiser }

    func filingPosition(ofClass classId: String) throws -> Int64? { try classRow(classId)?.position }

    private func classRow(_ classId: String) throws -> (organiser: String, position: Int64)? {
        if let known = classes.rows[classId] { return known }
        let row = try db.rows("SELECT organiser, position FROM \(schema[.classes]) WHERE class_id = ?", [classId], table: "classes").first
            .map { (organiser: try $0.text(0), position: try $0.int(1)) }
        classes.rows[classId] = .some(row)
        return row
    }

    func putTrainingFact(_ fact: TrainingFactRow) throws {
        try db.insert(SQLInsert(schema[.trainingFacts], ["class_id", "position", "kind", "level", "occurred_at"], .replace(key: ["class_id", "position"])),
                      [fact.classId, fact.position, fact.kind, fact.level, fact.occurredAt])
    }

    func trainingFacts(ofClass classId: String) throws -> [TrainingFactRow] {
        try db.rows("SELECT position, kind, level, occurred_at FROM \(schema[.trainingFacts]) WHERE class_id = ?", [classId], table: "training_facts")
            .map { TrainingFactRow(classId: classId, position: try $0.int(0), kind: try $0.text(1), level: try $0.optionalText(2), occurredAt: try $0.text(3)) }
    }

    func trainingFacts(from start: LocalDate, through end: LocalDate) throws -> [(fact: TrainingFactRow, filedAt: Int64)] {
        try db.rows("""
            SELECT t.class_id, t.position, t.kind, t.level, t.occurred_at, c.position FROM \(schema[.trainingFacts]) t
            JOIN \(schema[.classes]) c ON c.class_id = t.class_id
            WHERE t.occurred_at BETWEEN ? AND ? ORDER BY t.position
            """, [start.description, end.description], table: "training_facts")
            .map { (TrainingFactRow(classId: try $0.text(0), position: try $0.int(1), kind: try $0.text(2), level: try $0.optionalText(3), occurredAt: try $0.text(4)), try $0.int(5)) }
    }

    func putTarget(_ target: TargetSet, position: Int64, eventID: String) throws {
        try db.insert(SQLInsert(schema[.targets], ["target_id", "clause", "metric", "scope", "unit", "period_start", "period_end", "value", "fund",
                                                   "note", "position", "event_id"], .replace(key: ["target_id"])), [target.targetId, target.clause, target.metric, target.scope, target.unit, target.periodStart.description,
                  target.periodEnd.description, target.value, target.fund?.value, target.note, position, eventID])
    }

    func targetPositions() throws -> [Int64] {
        try db.integers("SELECT position FROM \(schema[.targets]) ORDER BY target_id", table: "targets")
    }

    func clearCounted(target: String) throws {
        try execute("DELETE FROM \(schema[.targetEvents]) WHERE target_id = ?", [target])
    }

    func count(_ fact: TrainingFactRow, toward target: String) throws {
        try db.insert(SQLInsert(schema[.targetEvents], ["target_id", "position", "occurred_at"], .ignore),
                      [target, fact.position, fact.occurredAt])
    }

    func countedFacts(target: String, through date: LocalDate) throws -> Int64 {
        try db.firstInteger("SELECT count(*) FROM \(schema[.targetEvents]) WHERE target_id = ? AND occurred_at <= ?",
                            [target, date.description], table: "target_events") ?? 0
    }

    // MARK: Funds and payments

    func putFund(_ fund: FundAllocated, date: LocalDate, position: Int64, eventID: String) throws {
        try db.insert(SQLInsert(schema[.funds], ["fund_id", "clause", "recipient", "amount", "tranche", "period_start", "period_end", "target_id",
                                                 "date", "position", "event_id"], .replace(key: ["fund_id"])), [fund.fundId, fund.clause, fund.recipient, fund.amount.value, fund.tranche, fund.periodStart?.description,
                  fund.periodEnd?.description, fund.targetId, date.description, position, eventID])
    }

    func fundRecipients(ofTargets targets: [String]) throws -> [String] {
        var recipients: Set<String> = []
        for target in targets {
            recipients.formUnion(try strings("SELECT recipient FROM \(schema[.funds]) WHERE target_id = ?", [target], .funds))
        }
        return recipients.sorted()
    }

    func funds(receivedBy recipient: String) throws -> [(fund: String, target: String?)] {
        try db.rows("SELECT fund_id, target_id FROM \(schema[.funds]) WHERE recipient = ?", [recipient], table: "funds")
            .map { (try $0.text(0), try $0.optionalText(1)) }
    }

    func putDisbursement(_ paid: DisbursementMade, payee: String, date: LocalDate, position: Int64, matchKey: String, eventID: String) throws {
        // A payment id used again by another event (a ledger from before such events were
        // refused) is kept as a payment of its own, under `<id>@<position>`, so that its money
        // is counted and shown as a finding, never replacing the first.
        let id = try distinctID(paid.disbursementId, in: .disbursements, column: "disbursement_id", eventID: eventID, position: position)
        try db.insert(SQLInsert(schema[.disbursements], ["disbursement_id", "clause", "payee_kind", "payee_id", "subject", "application_id",
                                                         "fund_id", "amount", "reversed", "date", "position", "match_key", "event_id"],
                                .replace(key: ["disbursement_id"])),
                      [id, paid.clause, paid.payee.kind.rawValue, payee, paid.subject, paid.applicationId,
                     paid.fundId, paid.amount.value, 0, date.description, position, matchKey, eventID])
    }

    func addReversal(_ amount: Int64, toDisbursement id: String) throws {
        try execute("UPDATE \(schema[.disbursements]) SET reversed = reversed + ? WHERE disbursement_id = ?", [amount, id])
    }

    func putClawback(_ ordered: ClawbackOrdered, date: LocalDate, position: Int64, eventID: String) throws {
        // As for payments: a clawback id another event used keeps its own row, and is a finding.
        let id = try distinctID(ordered.clawbackId, in: .clawbacks, column: "clawback_id", eventID: eventID, position: position)
        try db.insert(SQLInsert(schema[.clawbacks], ["clawback_id", "clause", "payee_kind", "payee_id", "amount", "reason", "disbursement_id",
                                                     "date", "position", "recovered", "event_id"], .replace(key: ["clawback_id"])),
                      [id, ordered.clause, ordered.payee.kind.rawValue, ordered.payee.organisation ?? ordered.payee.person ?? "",
                     ordered.amount.value, ordered.reason, ordered.disbursementId, date.description, position, 0, eventID])
    }

    /// `id`, or `<id>@<position>` when a row of `table` already holds `id` for another event.
    private func distinctID(_ id: String, in table: ProjectionSchema.Table, column: String, eventID: String, position: Int64) throws -> String {
        let holder: String?
        if let known = held.ids[table]?[id] {
            holder = known
        } else {
            holder = try db.firstText("SELECT event_id FROM \(schema[table]) WHERE \(column) = ?", [id], table: table.rawValue)
        }
        let distinct = holder.map { $0 == eventID } == false ? "\(id)@\(position)" : id
        // The row about to be written: this transaction's later checks see it.
        if held.ids[table] != nil { held.ids[table]![distinct] = .some(eventID) }
        return distinct
    }

    func readHeldIDs(disbursements: [String], clawbacks: [String]) throws {
        for (table, column, ids) in [(ProjectionSchema.Table.disbursements, "disbursement_id", disbursements), (.clawbacks, "clawback_id", clawbacks)] {
            var known = held.ids[table] ?? [:]
            let wanted = Array(Set(ids)).sorted()
            for id in wanted { known[id] = .some(nil) }
            try Self.inLists(wanted) { marks, values in
                try db.forEachRow("SELECT \(column), event_id FROM \(schema[table]) WHERE \(column) IN (\(marks))", values,
                                  table: table.rawValue) { row in known[try row.text(0)] = .some(try row.text(1)) }
            }
            held.ids[table] = known
        }
    }

    func addRecovery(_ amount: Int64, toClawback id: String) throws {
        try execute("UPDATE \(schema[.clawbacks]) SET recovered = recovered + ? WHERE clawback_id = ?", [amount, id])
    }

    // MARK: The "131" service's facts

    func putService131(_ fact: Service131Row) throws {
        try db.insert(SQLInsert(schema[.service131], ["person", "position", "kind", "occurred_at", "value", "since", "until"], .replace(key: ["person", "position"])), [fact.person, fact.position, fact.kind.rawValue, fact.occurredAt.description, fact.value, fact.since?.description,
                  fact.until?.description])
    }

    // MARK: Draws on shared limits

    func drawClauses(of scope: Scope?) throws -> Set<String> {
        if let scope { return Set(try strings("SELECT DISTINCT clause FROM \(schema[.pooled]) WHERE scope = ?", [scope.key], .pooled)) }
        return Set(try strings("SELECT DISTINCT clause FROM \(schema[.pooled])", [], .pooled))
    }

    func removeDraws(of scope: Scope) throws { try execute("DELETE FROM \(schema[.pooled]) WHERE scope = ?", [scope.key]) }

    func putDraw(_ draw: SharedLimitPlace.Draw, scope: Scope) throws {
        let place = draw.place
        try db.insert(SQLInsert(schema[.pooled], ["entitlement_id", "clause", "scope", "payee_id", "date", "key_fact", "amount", "fund_used", "payee_used"], .fail),
                      [place.id, place.clause, scope.key, place.payee, place.date.description, place.keyFact, draw.amount?.value, SQLValue.null, SQLValue.null])
    }

    func draws(ofClause clause: String) throws -> [KeptDraw] {
        try db.rows("""
            SELECT entitlement_id, scope, payee_id, date, key_fact, amount, fund_used, payee_used FROM \(schema[.pooled]) WHERE clause = ?
            """, [clause], table: "pooled").compactMap { row in
            let day = try row.text(3), amount = try row.fen(5)
            guard let date = LocalDate(day) else { return nil }
            let place = SharedLimitPlace(clause: clause, payee: try row.text(2), date: date, keyFact: try row.text(4), id: try row.text(0))
            return KeptDraw(draw: SharedLimitPlace.Draw(place: place, amount: amount.map { Fen($0) }), scope: try row.text(1),
                            fundUsed: try row.fen(6), payeeUsed: try row.fen(7))
        }
    }

    func setUsage(ofDraw id: String, fund: Int64, payee: Int64) throws {
        try execute("UPDATE \(schema[.pooled]) SET fund_used = ?, payee_used = ? WHERE entitlement_id = ?", [fund, payee, id])
    }

    // MARK: Organisations' own facts

    func noteOrganisationFact(_ organisation: String, position: Int64) throws {
        try note(position, under: organisation, in: .organisationFacts, "organisation")
    }

    func organisationFacts(_ organisation: String, through limit: Int64) throws -> [Int64] {
        try positions(under: organisation, in: .organisationFacts, "organisation", through: limit)
    }

    // MARK: Class filings

    func noteClassFiling(stream: String, position: Int64) throws { try note(position, under: stream, in: .classFilings, "stream") }

    func classFilings(stream: String, through limit: Int64) throws -> [Int64] {
        try positions(under: stream, in: .classFilings, "stream", through: limit)
    }

    /// Tables that index events by a key (`column`, then `position`): a note, and the positions up to `limit`.
    private func note(_ position: Int64, under key: String, in table: ProjectionSchema.Table, _ column: String) throws {
        try db.insert(SQLInsert(schema[table], [column, "position"], .ignore), [.text(key), .integer(position)])
    }

    private func positions(under key: String, in table: ProjectionSchema.Table, _ column: String, through limit: Int64) throws -> [Int64] {
        try db.integers("SELECT position FROM \(schema[table]) WHERE \(column) = ? AND position <= ? ORDER BY position", [key, limit],
                        table: table.rawValue)
    }

    // MARK: Employers' yearly counts

    private func contributions(_ sql: String, _ argument: String) throws -> [EmployerContribution] {
        // Read row by row, not copied into a list of rows first: an enterprise has thousands.
        var parts: [EmployerContribution] = []
        try db.forEachRow(sql, [.text(argument)], table: "employer_counts") { row in
            guard let kind = EmployerContribution.Kind(rawValue: try row.text(3)), let date = LocalDate(try row.text(8)),
                  let year = Int(exactly: try row.int(2))
            else { return }
            parts.append(EmployerContribution(clause: try row.text(1), employer: try row.text(0), year: year, kind: kind, worker: try row.text(4),
                                              citation: Citation(eventID: try row.text(6), type: try row.text(7), date: date, role: try row.text(9)), rank: try row.int(5)))
        }
        return parts
    }

    private static let contributionColumns = "employer, clause, year, kind, worker, rank, event_id, type, date, role"
    private static let contributionColumnList = contributionColumns.components(separatedBy: ", ")

    func replaceContributions(of worker: String, with parts: [EmployerContribution], fresh: Bool) throws -> Set<String> {
        let kept = fresh ? [] : try contributions(
            "SELECT \(Self.contributionColumns) FROM \(schema[.employerCounts]) WHERE worker = ?", worker)
        guard Set(kept) != Set(parts) else { return [] }
        if !kept.isEmpty { try execute("DELETE FROM \(schema[.employerCounts]) WHERE worker = ?", [worker]) }
        for part in parts {
            try db.insert(SQLInsert(schema[.employerCounts], Self.contributionColumnList,
                                    .replace(key: ["employer", "clause", "year", "kind", "worker", "rank"])), [
                part.employer, part.clause, part.year, part.kind.rawValue, part.worker, part.rank, part.citation.eventID,
                part.citation.type, part.citation.date.description, part.citation.role,
            ])
        }
        return Set(kept.map(\.employer)).union(parts.map(\.employer))
    }

    func contributions(employer: String) throws -> [EmployerContribution] {
        try contributions("SELECT \(Self.contributionColumns) FROM \(schema[.employerCounts]) WHERE employer = ?", employer)
    }

    // MARK: Queries

    /// The entitlements `sql` selects (``entitlementColumns``, in order).
    private func stored(_ sql: String, _ arguments: [any SQLValueConvertible]) throws -> [StoredEntitlement] {
        try db.rows(sql, arguments, table: "entitlements").map { row in
            let detail: EntitlementRecord.Detail
            do {
                detail = try JSONDecoder().decode(EntitlementRecord.Detail.self, from: Data(try row.text(13).utf8))
            } catch {
                throw ProjectionError.damaged(table: "entitlements", reason: "an entitlement's detail is not what the projections write")
            }
            guard detail.tranches.allSatisfy({ abs($0.amount) <= SQLRow.plausibleFen }) else {
                throw ProjectionError.damaged(table: "entitlements", reason: "a tranche's amount is implausibly large")
            }
            let record = EntitlementRecord(
                id: try row.text(0), clause: try row.text(2), title: try row.text(3), payeeKind: try row.text(4), payeeID: try row.text(5),
                subject: try row.optionalText(6), date: try row.text(7), status: try row.text(8), amount: try row.fen(9),
                rangeLow: try row.fen(10), rangeHigh: try row.fen(11), tranches: detail.tranches, explanation: detail.explanation)
            return StoredEntitlement(record: record, matchKey: try row.text(12))
        }
    }

    func entitlements(_ filter: EntitlementFilter) throws -> [StoredEntitlement] {
        var conditions: [String] = []
        var arguments: [any SQLValueConvertible] = []
        if let payee = filter.payee { conditions.append("payee_id = ?"); arguments += [payee] }
        if let subject = filter.subject { conditions.append("subject = ?"); arguments += [subject] }
        if let party = filter.party { conditions.append("(payee_id = ? OR subject = ?)"); arguments += [party, party] }
        if let clause = filter.clause { conditions.append("clause = ?"); arguments += [clause] }
        if let status = filter.status { conditions.append("status = ?"); arguments += [status] }
        let sql = "SELECT \(Self.entitlementColumns) FROM \(schema[.entitlements])"
            + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")) + " ORDER BY date, clause, id"
        return try stored(sql, arguments)
    }

    func entitlement(id: String) throws -> StoredEntitlement? {
        try stored("SELECT \(Self.entitlementColumns) FROM \(schema[.entitlements]) WHERE id = ?", [id]).first
    }

    func entitlements(matchKey key: String) throws -> [StoredEntitlement] {
        try stored("SELECT \(Self.entitlementColumns) FROM \(schema[.entitlements]) WHERE match_key = ? ORDER BY date, id", [key])
    }

    func grants(matchKey key: String) throws -> [(id: String, amount: Int64?, status: String)] {
        try db.rows("SELECT id, amount, status FROM \(schema[.entitlements]) WHERE match_key = ? ORDER BY date, id", [key], table: "entitlements")
            .map { (try $0.text(0), try $0.fen(1), try $0.text(2)) }
    }

    func fundEntitlement(recipient: String, fund: String) throws -> EntitlementRecord? {
        try stored("""
            SELECT \(Self.entitlementColumns) FROM \(schema[.entitlements]) WHERE scope = ? AND id LIKE ? ORDER BY id LIMIT 1
            """, [Scope.organisation(recipient).key, "%#fund:" + fund]).first?.record
    }

    func payments(matchKey key: String) throws -> [PaymentAllocation.Payment] {
        try db.rows("""
            SELECT disbursement_id, amount - reversed, date, position FROM \(schema[.disbursements]) WHERE match_key = ? ORDER BY date, position
            """, [key], table: "disbursements").map { PaymentAllocation.Payment(id: try $0.text(0), amount: try $0.fen(1) ?? 0, date: try $0.text(2), position: try $0.int(3)) }
    }

    func recovered(matchKey key: String) throws -> Int64 {
        // A clawback counts under its payment's key, or, naming no payment kept here, under
        // its own clause and payee (a key without subject): found through the payments' key
        // index and the clawbacks' indexes, never by reading every clawback (thousands at 1M
        // events). CAST: PostgreSQL sums BIGINTs as NUMERIC.
        let parts = key.split(separator: "|", omittingEmptySubsequences: false)
        let own = parts.count == 3 && parts[2].isEmpty ? (clause: String(parts[0]), payee: String(parts[1])) : nil
        return try db.firstInteger("""
            SELECT CAST(coalesce(sum(amount), 0) AS BIGINT) FROM (
                SELECT c.recovered AS amount FROM \(schema[.disbursements]) d
                JOIN \(schema[.clawbacks]) c ON c.disbursement_id = d.disbursement_id WHERE d.match_key = ?
                UNION ALL
                SELECT c.recovered FROM \(schema[.clawbacks]) c WHERE c.payee_id = ? AND c.clause = ?
                AND NOT EXISTS (SELECT 1 FROM \(schema[.disbursements]) d WHERE d.disbursement_id = c.disbursement_id)
            ) AS clawed
            """, [key, own?.payee, own?.clause], table: "clawbacks") ?? 0
    }

    func paymentKeys() throws -> [String] {
        try strings("SELECT DISTINCT match_key FROM \(schema[.disbursements]) ORDER BY match_key", [], .disbursements)
    }

    func targets(unit: String?, overlapping period: ClosedRange<LocalDate>?) throws -> [StoredTarget] {
        var sql = "SELECT target_id, clause, metric, scope, unit, period_start, period_end, value, fund, note FROM \(schema[.targets])"
        var conditions: [String] = []
        var arguments: [any SQLValueConvertible] = []
        if let unit { conditions.append("unit = ?"); arguments += [unit] }
        if let period {
            conditions.append("period_start <= ? AND period_end >= ?")
            arguments += [period.upperBound.description, period.lowerBound.description]
        }
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY period_start, unit, metric, target_id"
        return try db.rows(sql, arguments, table: "targets").map {
            StoredTarget(targetID: try $0.text(0), clause: try $0.text(1), metric: try $0.text(2), scope: try $0.text(3), unit: try $0.text(4),
                         periodStart: try $0.text(5), periodEnd: try $0.text(6), value: try $0.int(7), fund: try $0.optionalInt(8), note: try $0.optionalText(9))
        }
    }

    func countedPositions(target: String, through date: LocalDate) throws -> [Int64] {
        try db.integers("SELECT position FROM \(schema[.targetEvents]) WHERE target_id = ? AND occurred_at <= ? ORDER BY position",
                        [target, date.description], table: "target_events")
    }

    func service131Facts(through date: LocalDate) throws -> [Service131Row] {
        var facts: [Service131Row] = []
        try db.forEachRow("""
            SELECT person, kind, occurred_at, value, since, until, position FROM \(schema[.service131])
            WHERE occurred_at <= ? ORDER BY person, position
            """, [.text(date.description)], table: "service_131", large: true) { row in
            guard let kind = Service131.FactKind(rawValue: try row.text(1)), let occurred = LocalDate(try row.text(2)) else { return }
            facts.append(Service131Row(person: try row.text(0), position: try row.int(6), kind: kind, occurredAt: occurred, value: try row.text(3),
                                       since: try row.optionalText(4).flatMap(LocalDate.init), until: try row.optionalText(5).flatMap(LocalDate.init)))
        }
        return facts
    }

    func funds() throws -> [StoredFund] {
        try db.rows("SELECT fund_id, clause, recipient, amount, tranche, target_id FROM \(schema[.funds]) ORDER BY fund_id", table: "funds").map {
            StoredFund(fundID: try $0.text(0), clause: try $0.text(1), recipient: try $0.text(2), amount: try $0.fen(3) ?? 0, tranche: try $0.text(4),
                       targetID: try $0.optionalText(5))
        }
    }

    func disbursed(fromFund fund: String) throws -> Int64 {
        try db.firstInteger("SELECT CAST(coalesce(sum(amount - reversed), 0) AS BIGINT) FROM \(schema[.disbursements]) WHERE fund_id = ?",
                            [fund], table: "disbursements") ?? 0
    }

    func clawbacks() throws -> [ClawbackView] {
        try db.rows("""
            SELECT clawback_id, clause, payee_kind, payee_id, amount, recovered, reason, disbursement_id, date
            FROM \(schema[.clawbacks]) ORDER BY date, clawback_id
            """, table: "clawbacks").map { row in
            let amount = try row.fen(4) ?? 0, recovered = try row.fen(5) ?? 0
            return ClawbackView(clawbackID: try row.text(0), clause: try row.text(1), payeeKind: try row.text(2), payeeID: try row.text(3), amount: amount,
                                recovered: recovered, outstanding: max(0, amount - recovered), reason: try row.text(6),
                                disbursementID: try row.optionalText(7), date: try row.text(8))
        }
    }

    func reusedPaymentIDs() throws -> [(payment: String, clause: String, payee: String, amount: Int64, position: Int64)] {
        try db.rows("""
            SELECT disbursement_id, clause, payee_id, amount, position FROM \(schema[.disbursements]) WHERE disbursement_id LIKE '%@%'
            UNION ALL
            SELECT clawback_id, clause, payee_id, amount, position FROM \(schema[.clawbacks]) WHERE clawback_id LIKE '%@%'
            ORDER BY position
            """, table: "disbursements").map { row in
            let id = try row.text(0)
            return (String(id.prefix { $0 != "@" }), try row.text(1), try row.text(2), try row.fen(3) ?? 0, try row.int(4))
        }
    }

    func clawbacksOfUnknownPayments() throws -> [(clawback: String, clause: String, payee: String, amount: Int64, payment: String)] {
        try db.rows("""
            SELECT c.clawback_id, c.clause, c.payee_id, c.amount, c.disbursement_id FROM \(schema[.clawbacks]) c
            WHERE c.disbursement_id IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM \(schema[.disbursements]) d WHERE d.disbursement_id = c.disbursement_id)
            ORDER BY c.clawback_id
            """, table: "clawbacks").map { (try $0.text(0), try $0.text(1), try $0.text(2), try $0.int(3), try $0.text(4)) }
    }
}

