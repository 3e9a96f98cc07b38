import GRDB

/// The projections' tables, kept in the ledger file beside the log.
///
/// Every table exists twice over a rebuild: the live tables (`proj_…`), which readers use and
/// the runner keeps current, and the tables a rebuild fills (`projnext_…`), which replace the
/// live ones in one transaction once they have caught up, so a reader sees the old state or
/// the new, never a half-built one. Secondary indexes are made at the swap, after the bulk load.
struct ProjectionSchema {
    static let live = ProjectionSchema(prefix: "proj_")
    static let next = ProjectionSchema(prefix: "projnext_")

    let prefix: String

    subscript(table: Table) -> String { prefix + table.rawValue }

    enum Table: String, CaseIterable {
        case meta, checkpoints, scopes, links
        case entitlements, tranches
        case disbursements, clawbacks
        case classes, trainingFacts = "training_facts", targets, targetEvents = "target_events", funds
        /// The facts the "131" service is counted from (XM-2023-188/4, see `Service131`): people's
        /// registrations, their memberships of the groups it serves, their job-service contacts.
        case service131 = "service_131"
        /// What entitlements draw on the limits a rule shares across scopes (see `SharedLimits`).
        case pooled
        /// Each worker's parts in their employers' yearly counts (see `EmployerContribution`).
        case employerCounts = "employer_counts"
        /// The events an organisation's own evaluation reads (`ScopeEvaluator.organisationFacts`).
        case organisationFacts = "organisation_facts"
        /// The `class.filed` events of each stream, for a trainee's evaluation to read a class's
        /// filing without scanning the class's stream: every filing up to the checkpoint.
        case classFilings = "class_filings"
    }

    /// The projections an auditor compares by digest, and the tables each is made of.
    static let projections: [(name: String, tables: [Table])] = [
        ("entitlements", [.entitlements, .tranches]),
        ("payments", [.disbursements, .clawbacks]),
        ("performance", [.targets, .targetEvents, .service131]),
        ("funds", [.funds]),
    ]

    func create(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS \(self[.meta]) (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS \(self[.checkpoints]) (projection TEXT PRIMARY KEY, position INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS \(self[.scopes]) (
                scope TEXT PRIMARY KEY, review_by TEXT, evaluated_at INTEGER NOT NULL DEFAULT 0);
            CREATE TABLE IF NOT EXISTS \(self[.links]) (
                key TEXT NOT NULL, scope TEXT NOT NULL, PRIMARY KEY (key, scope)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS \(self[.entitlements]) (
                id TEXT PRIMARY KEY, scope TEXT NOT NULL, clause TEXT NOT NULL, title TEXT NOT NULL,
                payee_kind TEXT NOT NULL, payee_id TEXT NOT NULL, subject TEXT, date TEXT NOT NULL,
                status TEXT NOT NULL, amount INTEGER, range_low INTEGER, range_high INTEGER,
                match_key TEXT NOT NULL, detail TEXT NOT NULL) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS \(self[.tranches]) (
                entitlement_id TEXT NOT NULL, seq INTEGER NOT NULL, scope TEXT NOT NULL, label TEXT NOT NULL,
                amount INTEGER NOT NULL, released_by TEXT NOT NULL, due_date TEXT, state TEXT NOT NULL,
                PRIMARY KEY (entitlement_id, seq)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS \(self[.disbursements]) (
                disbursement_id TEXT PRIMARY KEY, clause TEXT NOT NULL, payee_kind TEXT NOT NULL, payee_id TEXT NOT NULL,
                subject TEXT, application_id TEXT, fund_id TEXT, amount INTEGER NOT NULL, reversed INTEGER NOT NULL DEFAULT 0,
                date TEXT NOT NULL, position INTEGER NOT NULL, match_key TEXT NOT NULL, event_id TEXT NOT NULL) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS \(self[.clawbacks]) (
                clawback_id TEXT PRIMARY KEY, clause TEXT NOT NULL, payee_kind TEXT NOT NULL, payee_id TEXT NOT NULL,
                amount INTEGER NOT NULL, reason TEXT NOT NULL, disbursement_id TEXT, date TEXT NOT NULL,
                position INTEGER NOT NULL, recovered INTEGER NOT NULL DEFAULT 0, event_id TEXT NOT NULL) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS \(self[.classes]) (
                class_id TEXT PRIMARY KEY, division TEXT NOT NULL, department TEXT, jurisdiction TEXT NOT NULL,
                position INTEGER NOT NULL, organiser TEXT NOT NULL) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS \(self[.trainingFacts]) (
                class_id TEXT NOT NULL, position INTEGER NOT NULL, kind TEXT NOT NULL, level TEXT,
                occurred_at TEXT NOT NULL, PRIMARY KEY (class_id, position)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS \(self[.targets]) (
                target_id TEXT PRIMARY KEY, clause TEXT NOT NULL, metric TEXT NOT NULL, scope TEXT NOT NULL,
                unit TEXT NOT NULL, period_start TEXT NOT NULL, period_end TEXT NOT NULL, value INTEGER NOT NULL,
                fund INTEGER, note TEXT, position INTEGER NOT NULL, event_id TEXT NOT NULL) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS \(self[.targetEvents]) (
                target_id TEXT NOT NULL, position INTEGER NOT NULL, occurred_at TEXT NOT NULL,
                PRIMARY KEY (target_id, position)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS \(self[.funds]) (
                fund_id TEXT PRIMARY KEY, clause TEXT NOT NULL, recipient TEXT NOT NULL, amount INTEGER NOT NULL,
                tranche TEXT NOT NULL, period_start TEXT, period_end TEXT, target_id TEXT, date TEXT NOT NULL,
                position INTEGER NOT NULL, event_id TEXT NOT NULL) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS \(self[.service131]) (
                person TEXT NOT NULL, position INTEGER NOT NULL, kind TEXT NOT NULL, occurred_at TEXT NOT NULL,
                value TEXT NOT NULL, since TEXT, until TEXT, PRIMARY KEY (person, position)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS \(self[.pooled]) (
                entitlement_id TEXT PRIMARY KEY, clause TEXT NOT NULL, scope TEXT NOT NULL, payee_id TEXT NOT NULL,
                date TEXT NOT NULL, key_fact TEXT NOT NULL, amount INTEGER, fund_used INTEGER, payee_used INTEGER) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS \(self[.employerCounts]) (
                employer TEXT NOT NULL, clause TEXT NOT NULL, year INTEGER NOT NULL, kind TEXT NOT NULL, worker TEXT NOT NULL,
                rank INTEGER NOT NULL, event_id TEXT NOT NULL, type TEXT NOT NULL, date TEXT NOT NULL, role TEXT NOT NULL,
                PRIMARY KEY (employer, clause, year, kind, worker, rank)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS \(self[.organisationFacts]) (
                organisation TEXT NOT NULL, position INTEGER NOT NULL, PRIMARY KEY (organisation, position)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS \(self[.classFilings]) (
                stream TEXT NOT NULL, position INTEGER NOT NULL, PRIMARY KEY (stream, position)) WITHOUT ROWID;
            """)
        if prefix == Self.next.prefix {
            let generation = (try Self.live.generation(db) ?? 0) + 1
            try db.execute(sql: "INSERT OR REPLACE INTO \(self[.meta]) (key, value) VALUES ('index-generation', ?)", arguments: [String(generation)])
        }
    }

    /// The lookups queries and the runner make, by name `<table>_<columns>`, with the
    /// generation of the tables (see `generation`).
    func createIndexes(_ db: Database) throws {
        let indexes: [(Table, String)] = [
            (.scopes, "review_by"), (.entitlements, "scope"), (.entitlements, "payee_id"), (.entitlements, "subject"),
            (.entitlements, "match_key"), (.tranches, "scope"), (.tranches, "state, due_date"),
            (.disbursements, "match_key"), (.disbursements, "payee_id"), (.disbursements, "subject"),
            (.clawbacks, "payee_id"), (.targets, "unit"), (.funds, "recipient"), (.pooled, "clause"), (.pooled, "scope"),
        ] + Self.evaluationIndexes
        try create(indexes, db)
    }

    /// The lookups a scope's evaluation makes of tables the events fill: a rebuild makes these
    /// once its events are applied, before it evaluates the scopes.
    static let evaluationIndexes: [(Table, String)] = [(.links, "scope, key"), (.employerCounts, "worker")]

    func createEvaluationIndexes(_ db: Database) throws { try create(Self.evaluationIndexes, db) }

    private func create(_ indexes: [(Table, String)], _ db: Database) throws {
        let generation = try self.generation(db)
        for (table, columns) in indexes {
            let key = columns.replacingOccurrences(of: ", ", with: "_")
            // Named by table and generation, not by the set of tables it was made in: the
            // name must still be right once a swap has renamed the table.
            let name = generation.map { "projidx_g\($0)_\(table.rawValue)_\(key)" } ?? "\(self[table])_\(key)"
            try db.execute(sql: "CREATE INDEX IF NOT EXISTS \(name) ON \(self[table]) (\(columns))")
        }
    }

    /// Which rebuild made these tables. An index keeps its name when its table is renamed, so a
    /// rebuild's indexes (`projidx_g<generation>_<table>_<columns>`) stay with the tables it
    /// swaps in, already named as the live tables' indexes are; the next rebuild's carry the
    /// next generation, so their names never meet. The swap then renames tables and makes no
    /// index again. (Nil: tables made before generations, or in memory, whose indexes are named
    /// `<prefix><table>_<columns>`.)
    func generation(_ db: Database) throws -> Int? {
        guard try db.tableExists(self[.meta]),
              let text = try String.fetchOne(db, sql: "SELECT value FROM \(self[.meta]) WHERE key = 'index-generation'")
        else { return nil }
        if let generation = Int(text), (0..<Self.generationLimit).contains(generation) { return generation }
        // Changed outside GrantLedger: the highest generation any index of the file is named
        // by, so that a rebuild (the cure) still names its indexes apart from the live ones'.
        return try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'projidx_g%'")
            .compactMap { name in name.dropFirst("projidx_g".count).split(separator: "_").first.flatMap { Int($0) } }
            .filter { (0..<Self.generationLimit).contains($0) }.max() ?? 0
    }

    /// Generations run far below this (one per rebuild).
    static let generationLimit = 1 << 40

    func drop(_ db: Database) throws {
        for table in Table.allCases { try db.execute(sql: "DROP TABLE IF EXISTS \(self[table])") }
    }

    /// Replaces the live tables by these, in the caller's transaction.
    func swap(into live: ProjectionSchema, _ db: Database) throws {
        try live.drop(db)
        for table in Table.allCases {
            try db.execute(sql: "ALTER TABLE \(self[table]) RENAME TO \(live[table])")
        }
        try live.createIndexes(db)
    }
}
