import Foundation
import GRDB
import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerPolicy

/// The projection tables in an SQLite file (`ProjectionSchema`), on a GRDB connection inside
/// a transaction its caller holds. Every statement is prepared once per connection.
///
/// The log is read through `events`: for the ledger's own projections, the same connection;
/// for a snapshot built in memory, the ledger file's.
struct SQLiteProjectionStore: ProjectionStore {
    let db: Database
    let schema: ProjectionSchema
    let reader: SQLiteEventReader

    init(db: Database, schema: ProjectionSchema, events: SQLiteEventReader? = nil) {
        self.db = db
        self.schema = schema
        self.reader = events ?? SQLiteEventStorage.reader(on: db)
    }

    var events: any TransactionEventReader { reader }

    // MARK: The tables themselves

    func tablesExist() throws -> Bool {
        // Asked of SQLite itself: a reader's cached schema may predate another connection's swap.
        let names = ProjectionSchema.Table.allCases.map { schema[$0] }
        let found = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN (\(names.map { _ in "?" }.joined(separator: ", ")))",
                                     arguments: StatementArguments(names)) ?? 0
        return found == names.count
    }

    func createTables() throws { try schema.create(db) }

    func dropTables() throws { try schema.drop(db) }

    func createIndexes() throws { try schema.createIndexes(db) }

    func createEvaluationIndexes() throws { try schema.createEvaluationIndexes(db) }

    func replaceLive() throws { try schema.swap(into: .live, db) }

    func checkpoints() throws -> [(projection: String, position: Int64)] {
        try Row.fetchAll(db, sql: "SELECT projection, position FROM \(schema[.checkpoints]) ORDER BY projection").map { (try $0.decode(atIndex: 0), try $0.decode(atIndex: 1)) }
    }

    func digests() throws -> [(name: String, digest: String)] { try ProjectionDigest.digests(db, schema: schema) }

    private func execute(_ sql: String, _ arguments: StatementArguments = []) throws {
        try db.cachedStatement(sql: sql).execute(arguments: arguments)
    }

    private func strings(_ sql: String, _ arguments: StatementArguments = []) throws -> [String] {
        try String.fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }

    // MARK: Checkpoint and metadata

    func checkpoint() throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT min(position) FROM \(schema[.checkpoints])")) ?? 0
    }

    func asOf() throws -> LocalDate? { try meta("as-of").flatMap(LocalDate.init) }

    func markApplied(position: Int64, asOf: LocalDate?) throws {
        for name in ProjectionSchema.projections.map(\.name) {
            try execute("""
                INSERT INTO \(schema[.checkpoints]) (projection, position) VALUES (?, ?)
                ON CONFLICT (projection) DO UPDATE SET position = excluded.position
                """, [name, position])
        }
        if let asOf { try setMeta("as-of", asOf.description) }
    }

    func meta(_ key: String) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT value FROM \(schema[.meta]) WHERE key = ?"), arguments: [key])
    }

    func setMeta(_ key: String, _ value: String) throws {
        try execute("INSERT INTO \(schema[.meta]) (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    [key, value])
    }

    func removeMeta(_ key: String) throws { try execute("DELETE FROM \(schema[.meta]) WHERE key = ?", [key]) }

    // MARK: Scopes

    func noteScope(_ scope: Scope) throws {
        try execute("INSERT OR IGNORE INTO \(schema[.scopes]) (scope, review_by, evaluated_at) VALUES (?, NULL, 0)", [scope.key])
    }

    func scopes(_ kind: ScopeKind, after: String, limit: Int) throws -> [String] {
        let (from, to) = Self.range(of: kind.prefix)
        return try strings("SELECT scope FROM \(schema[.scopes]) WHERE scope > ? AND scope >= ? AND scope < ? ORDER BY scope LIMIT ?",
                           [after, from, to, limit])
    }

    /// The keys that start with `prefix`, which ends in a colon, are those from it up to (not
    /// including) the same prefix with ";", the character after ":": a range an index answers.
    private static func range(of prefix: String) -> (from: String, to: String) {
        precondition(prefix.hasSuffix(":"), "a key prefix ends in a colon")
        return (prefix, prefix.dropLast() + ";")
    }

    func scopeCount() throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM \(schema[.scopes])")) ?? 0
    }

    func scopesDue(by date: LocalDate) throws -> [String] {
        try strings("SELECT scope FROM \(schema[.scopes]) WHERE review_by <= ?", [date.description])
    }

    /// Rows equal to those kept are left as they are: an enterprise re-evaluated for one
    /// worker's certificate keeps six of its seven years' rows, each citing hundreds of facts.
    func replaceEntitlements(of scope: Scope, with records: [EntitlementRecord], fresh: Bool) throws {
        var kept: [String: [DatabaseValue]] = [:]
        if !fresh {
            let rows = try Row.fetchCursor(db.cachedStatement(sql: "SELECT \(Self.entitlementColumns) FROM \(schema[.entitlements]) WHERE scope = ?"),
                                           arguments: [scope.key])
            while let row = try rows.next() { kept[try row.decode(atIndex: 0)] = Array(row.databaseValues) }
        }
        let insert = try db.cachedStatement(sql: """
            INSERT INTO \(schema[.entitlements]) (\(Self.entitlementColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let insertTranche = try db.cachedStatement(sql: """
            INSERT INTO \(schema[.tranches]) (entitlement_id, seq, scope, label, amount, released_by, due_date, state)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for record in records {
            let values: [(any DatabaseValueConvertible)?] = [
                record.id, scope.key, record.clause, record.title, record.payeeKind, record.payeeID, record.subject,
                record.date, record.status, record.amount, record.rangeLow, record.rangeHigh,
                MatchKey.of(clause: record.clause, payee: record.payeeID, subject: record.subject), record.detailJSON(),
            ]
            if let stored = kept.removeValue(forKey: record.id) {
                // The detail holds the tranches: an equal row has equal tranche rows.
                if stored == values.map({ $0?.databaseValue ?? .null }) { continue }
                try remove(entitlement: record.id)
            }
            try insert.execute(arguments: StatementArguments(values))
            for (seq, tranche) in record.tranches.enumerated() {
                try insertTranche.execute(arguments: [
                    record.id, seq, scope.key, tranche.label, tranche.amount, tranche.releasedBy, tranche.dueDate, tranche.state,
                ])
            }
        }
        for id in kept.keys.sorted() { try remove(entitlement: id) }
    }

    private static let entitlementColumns = """
        id, scope, clause, title, payee_kind, payee_id, subject, date, status, amount, range_low, range_high, match_key, detail
        """

    private func remove(entitlement id: String) throws {
        try execute("DELETE FROM \(schema[.tranches]) WHERE entitlement_id = ?", [id])
        try execute("DELETE FROM \(schema[.entitlements]) WHERE id = ?", [id])
    }

    func markEvaluated(_ scope: Scope, reviewBy: LocalDate?, position: Int64) throws {
        try execute("""
            INSERT INTO \(schema[.scopes]) (scope, review_by, evaluated_at) VALUES (?, ?, ?)
            ON CONFLICT (scope) DO UPDATE SET review_by = excluded.review_by, evaluated_at = excluded.evaluated_at
            """, [scope.key, reviewBy?.description, position])
    }

    // MARK: Links

    func link(_ key: String, to scope: String) throws {
        try execute("INSERT OR IGNORE INTO \(schema[.links]) (key, scope) VALUES (?, ?)", [key, scope])
    }

    func linkedScopes(_ key: String) throws -> [String] {
        try strings("SELECT scope FROM \(schema[.links]) WHERE key = ?", [key])
    }

    func linkedKeys(prefix: String) throws -> Set<String> {
        let (from, to) = Self.range(of: prefix)
        return Set(try strings("SELECT DISTINCT key FROM \(schema[.links]) WHERE key >= ? AND key < ?", [from, to]))
    }

    func linkAll(_ key: String, toScopesOf other: String) throws {
        try execute("INSERT OR IGNORE INTO \(schema[.links]) (key, scope) SELECT ?, scope FROM \(schema[.links]) WHERE key = ? AND scope != ?",
                    [key, other, key])
    }

    func linkedApplications(of scope: Scope) throws -> [String] {
        // The index on (scope, key) answers the prefix as a range.
        let (from, to) = Self.range(of: "app:")
        return try strings("SELECT key FROM \(schema[.links]) WHERE scope = ? AND key >= ? AND key < ?", [scope.key, from, to])
            .map { String($0.dropFirst(from.count)) }
    }

    // MARK: Classes, training facts, targets

    func putClass(_ filed: ClassFiled, position: Int64) throws {
        try execute("""
            INSERT OR REPLACE INTO \(schema[.classes]) (class_id, division, department, jurisdiction, position, organiser)
            VALUES (?, ?, ?, ?, ?, ?)
            """, [filed.classId, filed.division, filed.department, filed.jurisdiction.rawValue, position, filed.organiser])
    }

    func organiser(ofClass classId: String) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT organiser FROM \(schema[.classes]) WHERE class_id = ?"), arguments: [classId])
    }

    func filingPosition(ofClass classId: String) throws -> Int64? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT position FROM \(schema[.classes]) WHERE class_id = ?"), arguments: [classId])
    }

    func putTrainingFact(_ fact: TrainingFactRow) throws {
        try execute("INSERT OR REPLACE INTO \(schema[.trainingFacts]) (class_id, position, kind, level, occurred_at) VALUES (?, ?, ?, ?, ?)",
                    [fact.classId, fact.position, fact.kind, fact.level, fact.occurredAt])
    }

    func trainingFacts(ofClass classId: String) throws -> [TrainingFactRow] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT position, kind, level, occurred_at FROM \(schema[.trainingFacts]) WHERE class_id = ?"),
                         arguments: [classId])
            .map { TrainingFactRow(classId: classId, position: try $0.decode(atIndex: 0), kind: try $0.decode(atIndex: 1), level: try $0.decode(atIndex: 2), occurredAt: try $0.decode(atIndex: 3)) }
    }

    func trainingFacts(from start: LocalDate, through end: LocalDate) throws -> [(fact: TrainingFactRow, filedAt: Int64)] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT t.class_id, t.position, t.kind, t.level, t.occurred_at, c.position FROM \(schema[.trainingFacts]) t
            JOIN \(schema[.classes]) c ON c.class_id = t.class_id
            WHERE t.occurred_at BETWEEN ? AND ? ORDER BY t.position
            """), arguments: [start.description, end.description])
            .map { (TrainingFactRow(classId: try $0.decode(atIndex: 0), position: try $0.decode(atIndex: 1), kind: try $0.decode(atIndex: 2), level: try $0.decode(atIndex: 3), occurredAt: try $0.decode(atIndex: 4)), try $0.decode(atIndex: 5)) }
    }

    func putTarget(_ target: TargetSet, position: Int64, eventID: String) throws {
        try execute("""
            INSERT OR REPLACE INTO \(schema[.targets]) (target_id, clause, metric, scope, unit, period_start, period_end, value, fund,
                note, position, event_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [target.targetId, target.clause, target.metric, target.scope, target.unit, target.periodStart.description,
                  target.periodEnd.description, target.value, target.fund?.value, target.note, position, eventID])
    }

    func targetPositions() throws -> [Int64] {
        try Int64.fetchAll(db.cachedStatement(sql: "SELECT position FROM \(schema[.targets]) ORDER BY target_id"))
    }

    func clearCounted(target: String) throws {
        try execute("DELETE FROM \(schema[.targetEvents]) WHERE target_id = ?", [target])
    }

    func count(_ fact: TrainingFactRow, toward target: String) throws {
        try execute("INSERT OR IGNORE INTO \(schema[.targetEvents]) (target_id, position, occurred_at) VALUES (?, ?, ?)",
                    [target, fact.position, fact.occurredAt])
    }

    func countedFacts(target: String, through date: LocalDate) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM \(schema[.targetEvents]) WHERE target_id = ? AND occurred_at <= ?"),
                           arguments: [target, date.description]) ?? 0
    }

    // MARK: Funds and payments

    func putFund(_ fund: FundAllocated, date: LocalDate, position: Int64, eventID: String) throws {
        try execute("""
            INSERT OR REPLACE INTO \(schema[.funds]) (fund_id, clause, recipient, amount, tranche, period_start, period_end, target_id,
                date, position, event_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [fund.fundId, fund.clause, fund.recipient, fund.amount.value, fund.tranche, fund.periodStart?.description,
                  fund.periodEnd?.description, fund.targetId, date.description, position, eventID])
    }

    func fundRecipients(ofTargets targets: [String]) throws -> [String] {
        var recipients: Set<String> = []
        for target in targets {
            recipients.formUnion(try strings("SELECT recipient FROM \(schema[.funds]) WHERE target_id = ?", [target]))
        }
        return recipients.sorted()
    }

    func funds(receivedBy recipient: String) throws -> [(fund: String, target: String?)] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT fund_id, target_id FROM \(schema[.funds]) WHERE recipient = ?"), arguments: [recipient])
            .map { (try $0.decode(atIndex: 0), try $0.decode(atIndex: 1)) }
    }

    func putDisbursement(_ paid: DisbursementMade, payee: String, date: LocalDate, position: Int64, matchKey: String, eventID: String) throws {
        // A payment id used again by another event (a ledger from before such events were
        // refused) is kept as a payment of its own, under `<id>@<position>`, so that its money
        // is counted and shown as a finding, never replacing the first.
        let id = try distinctID(paid.disbursementId, in: .disbursements, column: "disbursement_id", eventID: eventID, position: position)
        try execute("""
            INSERT OR REPLACE INTO \(schema[.disbursements]) (disbursement_id, clause, payee_kind, payee_id, subject, application_id,
                fund_id, amount, reversed, date, position, match_key, event_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)
            """, [id, paid.clause, paid.payee.kind.rawValue, payee, paid.subject, paid.applicationId,
                  paid.fundId, paid.amount.value, date.description, position, matchKey, eventID])
    }

    func addReversal(_ amount: Int64, toDisbursement id: String) throws {
        try execute("UPDATE \(schema[.disbursements]) SET reversed = reversed + ? WHERE disbursement_id = ?", [amount, id])
    }

    func putClawback(_ ordered: ClawbackOrdered, date: LocalDate, position: Int64, eventID: String) throws {
        // As for payments: a clawback id another event used keeps its own row, and is a finding.
        let id = try distinctID(ordered.clawbackId, in: .clawbacks, column: "clawback_id", eventID: eventID, position: position)
        try execute("""
            INSERT OR REPLACE INTO \(schema[.clawbacks]) (clawback_id, clause, payee_kind, payee_id, amount, reason, disbursement_id,
                date, position, recovered, event_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)
            """, [id, ordered.clause, ordered.payee.kind.rawValue, ordered.payee.organisation ?? ordered.payee.person ?? "",
                  ordered.amount.value, ordered.reason, ordered.disbursementId, date.description, position, eventID])
    }

    /// `id`, or `<id>@<position>` when a row of `table` already holds `id` for another event.
    private func distinctID(_ id: String, in table: ProjectionSchema.Table, column: String, eventID: String, position: Int64) throws -> String {
        let held = try String.fetchOne(db.cachedStatement(sql: "SELECT event_id FROM \(schema[table]) WHERE \(column) = ?"), arguments: [id])
        return held.map { $0 == eventID } == false ? "\(id)@\(position)" : id
    }

    func addRecovery(_ amount: Int64, toClawback id: String) throws {
        try execute("UPDATE \(schema[.clawbacks]) SET recovered = recovered + ? WHERE clawback_id = ?", [amount, id])
    }

    // MARK: The "131" service's facts

    func putService131(_ fact: Service131Row) throws {
        try execute("""
            INSERT OR REPLACE INTO \(schema[.service131]) (person, position, kind, occurred_at, value, since, until) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, [fact.person, fact.position, fact.kind.rawValue, fact.occurredAt.description, fact.value, fact.since?.description,
                  fact.until?.description])
    }

    // MARK: Draws on shared limits

    func drawClauses(of scope: Scope?) throws -> Set<String> {
        if let scope { return Set(try strings("SELECT DISTINCT clause FROM \(schema[.pooled]) WHERE scope = ?", [scope.key])) }
        return Set(try strings("SELECT DISTINCT clause FROM \(schema[.pooled])"))
    }

    func removeDraws(of scope: Scope) throws { try execute("DELETE FROM \(schema[.pooled]) WHERE scope = ?", [scope.key]) }

    func putDraw(_ draw: SharedLimitPlace.Draw, scope: Scope) throws {
        let place = draw.place
        try execute("""
            INSERT INTO \(schema[.pooled]) (entitlement_id, clause, scope, payee_id, date, key_fact, amount, fund_used, payee_used)
            VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL)
            """, [place.id, place.clause, scope.key, place.payee, place.date.description, place.keyFact, draw.amount?.value])
    }

    func draws(ofClause clause: String) throws -> [KeptDraw] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT entitlement_id, scope, payee_id, date, key_fact, amount, fund_used, payee_used FROM \(schema[.pooled]) WHERE clause = ?
            """), arguments: [clause]).compactMap { row in
            let day: String = try row.decode(atIndex: 3), amount = try row.fen(atIndex: 5, in: "pooled")
            guard let date = LocalDate(day) else { return nil }
            let place = SharedLimitPlace(clause: clause, payee: try row.decode(atIndex: 2), date: date, keyFact: try row.decode(atIndex: 4), id: try row.decode(atIndex: 0))
            return KeptDraw(draw: SharedLimitPlace.Draw(place: place, amount: amount.map { Fen($0) }), scope: try row.decode(atIndex: 1),
                            fundUsed: try row.fen(atIndex: 6, in: "pooled"), payeeUsed: try row.fen(atIndex: 7, in: "pooled"))
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
        try execute("INSERT OR IGNORE INTO \(schema[table]) (\(column), position) VALUES (?, ?)", [key, position])
    }

    private func positions(under key: String, in table: ProjectionSchema.Table, _ column: String, through limit: Int64) throws -> [Int64] {
        try Int64.fetchAll(db.cachedStatement(sql: """
            SELECT position FROM \(schema[table]) WHERE \(column) = ? AND position <= ? ORDER BY position
            """), arguments: [key, limit])
    }

    // MARK: Employers' yearly counts

    private func contributions(_ sql: String, _ arguments: StatementArguments) throws -> [EmployerContribution] {
        // Read straight off the cursor, not copied into rows first: an enterprise has thousands.
        var parts: [EmployerContribution] = []
        let rows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: arguments)
        while let row = try rows.next() {
            guard let kind = EmployerContribution.Kind(rawValue: try row.decode(atIndex: 3)), let date = LocalDate(try row.decode(atIndex: 8) as String) else { continue }
            parts.append(EmployerContribution(clause: try row.decode(atIndex: 1), employer: try row.decode(atIndex: 0), year: try row.decode(atIndex: 2), kind: kind, worker: try row.decode(atIndex: 4),
                                              citation: Citation(eventID: try row.decode(atIndex: 6), type: try row.decode(atIndex: 7), date: date, role: try row.decode(atIndex: 9)), rank: try row.decode(atIndex: 5)))
        }
        return parts
    }

    private static let contributionColumns = "employer, clause, year, kind, worker, rank, event_id, type, date, role"

    func replaceContributions(of worker: String, with parts: [EmployerContribution], fresh: Bool) throws -> Set<String> {
        let kept = fresh ? [] : try contributions(
            "SELECT \(Self.contributionColumns) FROM \(schema[.employerCounts]) WHERE worker = ?", [worker])
        guard Set(kept) != Set(parts) else { return [] }
        if !kept.isEmpty { try execute("DELETE FROM \(schema[.employerCounts]) WHERE worker = ?", [worker]) }
        for part in parts {
            try execute("INSERT OR REPLACE INTO \(schema[.employerCounts]) (\(Self.contributionColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
                part.employer, part.clause, part.year, part.kind.rawValue, part.worker, part.rank, part.citation.eventID,
                part.citation.type, part.citation.date.description, part.citation.role,
            ])
        }
        return Set(kept.map(\.employer)).union(parts.map(\.employer))
    }

    func contributions(employer: String) throws -> [EmployerContribution] {
        try contributions("SELECT \(Self.contributionColumns) FROM \(schema[.employerCounts]) WHERE employer = ?", [employer])
    }

    // MARK: Queries

    private func stored(_ rows: [Row]) throws -> [StoredEntitlement] {
        try rows.map { row in
            let detail: EntitlementRecord.Detail
            do {
                detail = try JSONDecoder().decode(EntitlementRecord.Detail.self, from: Data((try row.decode(forColumn: "detail") as String).utf8))
            } catch {
                throw ProjectionError.damaged(table: "entitlements", reason: "an entitlement's detail is not what the projections write")
            }
            guard detail.tranches.allSatisfy({ abs($0.amount) <= Row.plausibleFen }) else {
                throw ProjectionError.damaged(table: "entitlements", reason: "a tranche's amount is implausibly large")
            }
            let record = EntitlementRecord(
                id: try row.decode(forColumn: "id"), clause: try row.decode(forColumn: "clause"), title: try row.decode(forColumn: "title"), payeeKind: try row.decode(forColumn: "payee_kind"), payeeID: try row.decode(forColumn: "payee_id"),
                subject: try row.decode(forColumn: "subject"), date: try row.decode(forColumn: "date"), status: try row.decode(forColumn: "status"), amount: try row.fen(column: "amount", in: "entitlements"),
                rangeLow: try row.fen(column: "range_low", in: "entitlements"),
                rangeHigh: try row.fen(column: "range_high", in: "entitlements"), tranches: detail.tranches, explanation: detail.explanation)
            return StoredEntitlement(record: record, matchKey: try row.decode(forColumn: "match_key"))
        }
    }

    func entitlements(_ filter: EntitlementFilter) throws -> [StoredEntitlement] {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let payee = filter.payee { conditions.append("payee_id = ?"); arguments += [payee] }
        if let subject = filter.subject { conditions.append("subject = ?"); arguments += [subject] }
        if let party = filter.party { conditions.append("(payee_id = ? OR subject = ?)"); arguments += [party, party] }
        if let clause = filter.clause { conditions.append("clause = ?"); arguments += [clause] }
        if let status = filter.status { conditions.append("status = ?"); arguments += [status] }
        let sql = "SELECT * FROM \(schema[.entitlements])" + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
            + " ORDER BY date, clause, id"
        return try stored(Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments))
    }

    func entitlement(id: String) throws -> StoredEntitlement? {
        try stored(Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM \(schema[.entitlements]) WHERE id = ?"), arguments: [id])).first
    }

    func entitlements(matchKey key: String) throws -> [StoredEntitlement] {
        try stored(Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM \(schema[.entitlements]) WHERE match_key = ? ORDER BY date, id"),
                                arguments: [key]))
    }

    func grants(matchKey key: String) throws -> [(id: String, amount: Int64?, status: String)] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT id, amount, status FROM \(schema[.entitlements]) WHERE match_key = ? ORDER BY date, id"),
                         arguments: [key]).map { (try $0.decode(atIndex: 0), try $0.fen(atIndex: 1, in: "entitlements"), try $0.decode(atIndex: 2)) }
    }

    func fundEntitlement(recipient: String, fund: String) throws -> EntitlementRecord? {
        try stored(Row.fetchAll(db.cachedStatement(sql: """
            SELECT * FROM \(schema[.entitlements]) WHERE scope = ? AND id LIKE ? ORDER BY id LIMIT 1
            """), arguments: [Scope.organisation(recipient).key, "%#fund:" + fund])).first?.record
    }

    func payments(matchKey key: String) throws -> [PaymentAllocation.Payment] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT disbursement_id, amount - reversed, date, position FROM \(schema[.disbursements]) WHERE match_key = ? ORDER BY date, position
            """), arguments: [key]).map { PaymentAllocation.Payment(id: try $0.decode(atIndex: 0), amount: try $0.fen(atIndex: 1, in: "disbursements") ?? 0, date: try $0.decode(atIndex: 2), position: try $0.decode(atIndex: 3)) }
    }

    func recovered(matchKey key: String) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: """
            SELECT coalesce(sum(c.recovered), 0) FROM \(schema[.clawbacks]) c LEFT JOIN \(schema[.disbursements]) d
            ON d.disbursement_id = c.disbursement_id
            WHERE coalesce(d.match_key, c.clause || '|' || c.payee_id || '|') = ?
            """), arguments: [key]) ?? 0
    }

    func paymentKeys() throws -> [String] {
        try strings("SELECT DISTINCT match_key FROM \(schema[.disbursements]) ORDER BY match_key")
    }

    func targets(unit: String?, overlapping period: ClosedRange<LocalDate>?) throws -> [StoredTarget] {
        var sql = "SELECT target_id, clause, metric, scope, unit, period_start, period_end, value, fund, note FROM \(schema[.targets])"
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let unit { conditions.append("unit = ?"); arguments += [unit] }
        if let period {
            conditions.append("period_start <= ? AND period_end >= ?")
            arguments += [period.upperBound.description, period.lowerBound.description]
        }
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY period_start, unit, metric, target_id"
        return try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).map {
            StoredTarget(targetID: try $0.decode(atIndex: 0), clause: try $0.decode(atIndex: 1), metric: try $0.decode(atIndex: 2), scope: try $0.decode(atIndex: 3), unit: try $0.decode(atIndex: 4), periodStart: try $0.decode(atIndex: 5), periodEnd: try $0.decode(atIndex: 6),
                         value: try $0.decode(atIndex: 7), fund: try $0.decode(atIndex: 8), note: try $0.decode(atIndex: 9))
        }
    }

    func countedPositions(target: String, through date: LocalDate) throws -> [Int64] {
        try Int64.fetchAll(db.cachedStatement(sql: """
            SELECT position FROM \(schema[.targetEvents]) WHERE target_id = ? AND occurred_at <= ? ORDER BY position
            """), arguments: [target, date.description])
    }

    func service131Facts(through date: LocalDate) throws -> [Service131Row] {
        let rows = try Row.fetchCursor(db.cachedStatement(sql: """
            SELECT person, kind, occurred_at, value, since, until, position FROM \(schema[.service131])
            WHERE occurred_at <= ? ORDER BY person, position
            """), arguments: [date.description])
        var facts: [Service131Row] = []
        while let row = try rows.next() {
            guard let kind = Service131.FactKind(rawValue: try row.decode(atIndex: 1)), let occurred = LocalDate(try row.decode(atIndex: 2) as String) else { continue }
            facts.append(Service131Row(person: try row.decode(atIndex: 0), position: try row.decode(atIndex: 6), kind: kind, occurredAt: occurred, value: try row.decode(atIndex: 3),
                                       since: (try row.decode(atIndex: 4) as String?).flatMap(LocalDate.init), until: (try row.decode(atIndex: 5) as String?).flatMap(LocalDate.init)))
        }
        return facts
    }

    func funds() throws -> [StoredFund] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT fund_id, clause, recipient, amount, tranche, target_id FROM \(schema[.funds]) ORDER BY fund_id
            """)).map { StoredFund(fundID: try $0.decode(atIndex: 0), clause: try $0.decode(atIndex: 1), recipient: try $0.decode(atIndex: 2), amount: try $0.fen(atIndex: 3, in: "funds") ?? 0, tranche: try $0.decode(atIndex: 4), targetID: try $0.decode(atIndex: 5)) }
    }

    func disbursed(fromFund fund: String) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT coalesce(sum(amount - reversed), 0) FROM \(schema[.disbursements]) WHERE fund_id = ?"),
                           arguments: [fund]) ?? 0
    }

    func clawbacks() throws -> [ClawbackView] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT clawback_id, clause, payee_kind, payee_id, amount, recovered, reason, disbursement_id, date
            FROM \(schema[.clawbacks]) ORDER BY date, clawback_id
            """)).map { row in
            let amount = try row.fen(atIndex: 4, in: "clawbacks") ?? 0, recovered = try row.fen(atIndex: 5, in: "clawbacks") ?? 0
            return ClawbackView(clawbackID: try row.decode(atIndex: 0), clause: try row.decode(atIndex: 1), payeeKind: try row.decode(atIndex: 2), payeeID: try row.decode(atIndex: 3), amount: amount, recovered: recovered,
                                outstanding: max(0, amount - recovered), reason: try row.decode(atIndex: 6), disbursementID: try row.decode(atIndex: 7), date: try row.decode(atIndex: 8))
        }
    }

    func reusedPaymentIDs() throws -> [(payment: String, clause: String, payee: String, amount: Int64, position: Int64)] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT disbursement_id, clause, payee_id, amount, position FROM \(schema[.disbursements]) WHERE disbursement_id LIKE '%@%'
            UNION ALL
            SELECT clawback_id, clause, payee_id, amount, position FROM \(schema[.clawbacks]) WHERE clawback_id LIKE '%@%'
            ORDER BY position
            """)).map { row in
            let id: String = try row.decode(atIndex: 0)
            return (String(id.prefix { $0 != "@" }), try row.decode(atIndex: 1), try row.decode(atIndex: 2),
                    try row.fen(atIndex: 3, in: "disbursements") ?? 0, try row.decode(atIndex: 4))
        }
    }

    func clawbacksOfUnknownPayments() throws -> [(clawback: String, clause: String, payee: String, amount: Int64, payment: String)] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT c.clawback_id, c.clause, c.payee_id, c.amount, c.disbursement_id FROM \(schema[.clawbacks]) c
            WHERE c.disbursement_id IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM \(schema[.disbursements]) d WHERE d.disbursement_id = c.disbursement_id)
            ORDER BY c.clawback_id
            """)).map { (try $0.decode(atIndex: 0), try $0.decode(atIndex: 1), try $0.decode(atIndex: 2), try $0.decode(atIndex: 3), try $0.decode(atIndex: 4)) }
    }
}

/// The projections kept in the ledger's SQLite file, beside the log: a write transaction is
/// the file's single writer's, reads run on a pool's readers at once.
///
/// A snapshot's projections (`Projections.reader(at:)`) are built in memory instead: `log`
/// then names the ledger file, whose log the store reads in a read transaction of its own.
struct SQLiteProjectionBackend: ProjectionBackend {
    let database: any DatabaseWriter
    var log: (any DatabaseReader)? = nil

    func write<T>(_ tables: ProjectionTables, _ body: (any ProjectionStore) throws -> T) throws -> T {
        if let log {
            return try log.read { logDB in
                try database.write { db in
                    try body(SQLiteProjectionStore(db: db, schema: ProjectionSchema(tables), events: SQLiteEventStorage.reader(on: logDB)))
                }
            }
        }
        return try database.writeWithoutTransaction { db in
            try Self.withoutFsync(db) {
                var result: T?
                try db.inTransaction {
                    result = try body(SQLiteProjectionStore(db: db, schema: ProjectionSchema(tables)))
                    return .commit
                }
                return result!
            }
        }
    }

    /// Runs `body`, a transaction of projection rows, without the log's `synchronous = FULL`:
    /// its commit is not fsynced. The rows are derived from events that a FULL commit already
    /// made durable, and they follow those events in the write-ahead log, so a power cut loses
    /// at most the last projection commits, each whole with its checkpoint, and the next
    /// catch-up applies their events again. The next append's fsync covers them as well.
    /// Nor does it overwrite what it deletes (`secure_delete`, which the log keeps on for the
    /// erasure of personal data): projection tables hold none, and a rebuild's swap dropped
    /// its old tables page by page, zeroing each.
    /// The connection is the log's writer: both are set again before anything else runs on it,
    /// and a failure to set them again is an error, never a silently weaker append.
    private static func withoutFsync<T>(_ db: Database, _ body: () throws -> T) throws -> T {
        try db.execute(sql: "PRAGMA synchronous = NORMAL; PRAGMA secure_delete = OFF")
        let result = Result(catching: body)
        try db.execute(sql: "PRAGMA synchronous = FULL; PRAGMA secure_delete = ON")
        return try result.get()
    }

    func read<T>(_ tables: ProjectionTables, _ body: (any ProjectionStore) throws -> T) throws -> T {
        if let log {
            return try log.read { logDB in
                try database.read { db in
                    try body(SQLiteProjectionStore(db: db, schema: ProjectionSchema(tables), events: SQLiteEventStorage.reader(on: logDB)))
                }
            }
        }
        return try database.read { db in try body(SQLiteProjectionStore(db: db, schema: ProjectionSchema(tables))) }
    }

    var concurrentReads: Bool { database is DatabasePool }

    /// Tables in an SQLite database in memory, reading this ledger's log.
    func scratch() throws -> any ProjectionBackend {
        SQLiteProjectionBackend(database: try DatabaseQueue(), log: log ?? database)
    }

    /// The backend of the projections kept beside a log, in its file.
    static func beside(_ log: EventLog) throws -> SQLiteProjectionBackend {
        guard let storage = log.storage as? SQLiteEventStorage else { throw ProjectionError.unsupportedStorage }
        return SQLiteProjectionBackend(database: storage.database)
    }
}

extension Row {
    /// Far above any sum the projections keep (a thousand times the largest amount an event
    /// may carry), and far enough below Int64's limit that no sum of such values overflows.
    static let plausibleFen = FieldType.maximumFen * 1_000

    /// An amount of `table`: nil for NULL, and damage for anything but a plausible number of
    /// fen, so that no sum of stored amounts can overflow.
    func fen(atIndex index: Int, in table: String) throws -> Int64? {
        try Self.fen(self[index] as DatabaseValue, in: table)
    }

    /// The amount in column `name`, as ``fen(atIndex:in:)`` reads it.
    func fen(column name: String, in table: String) throws -> Int64? {
        try Self.fen(self[name] as DatabaseValue, in: table)
    }

    static func fen(_ value: DatabaseValue, in table: String) throws -> Int64? {
        switch value.storage {
        case .null: return nil
        case .int64(let fen) where fen.magnitude <= plausibleFen.magnitude: return fen
        default: throw ProjectionError.damaged(table: table, reason: "an amount is not a plausible number of fen")
        }
    }
}

extension ProjectionSchema {
    init(_ tables: ProjectionTables) {
        self = switch tables {
        case .live: .live
        case .rebuilding: .next
        }
    }
}
