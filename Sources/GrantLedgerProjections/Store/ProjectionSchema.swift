/// The projections' tables, kept in the ledger's database beside the log (its SQLite file, or
/// its PostgreSQL schema).
///
/// Every table exists twice over a rebuild: the live tables (`proj_…`), which readers use and
/// the runner keeps current, and the tables a rebuild fills (`projnext_…`), which replace the
/// live ones in one transaction once they have caught up, so a reader sees the old state or
/// the new, never a half-built one. Secondary indexes are made at the swap, after the bulk load.
struct ProjectionSchema {
    static let live = ProjectionSchema(prefix: "proj_")
    static let next = ProjectionSchema(prefix: "projnext_")

    let prefix: String

    /// The tables' layout: raised whenever a table gains a column (or loses one), so that
    /// projections kept in the layout before are rebuilt, as those built with other policy files
    /// are, rather than written with statements that name columns they lack. (A table added is
    /// found missing by `tablesExist`.) Projections made before it was kept read as layout 1.
    ///
    /// 2: `scopes.noted_at` (``NotedScope``).
    static let layout = 2

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

    /// The tables' statements, in `dialect`'s column types.
    func tableStatements(_ dialect: SQLDialect) -> [String] {
        let (t, i, w) = (dialect.text, dialect.integer, dialect.withoutRowID)
        return [
            """
            CREATE TABLE IF NOT EXISTS \(self[.meta]) (key \(t) PRIMARY KEY, value \(t) NOT NULL)
            """,
            """
            CREATE TABLE IF NOT EXISTS \(self[.checkpoints]) (projection \(t) PRIMARY KEY, position \(i) NOT NULL)
            """,
            """
            CREATE TABLE IF NOT EXISTS \(self[.scopes]) (
                scope \(t) PRIMARY KEY, review_by \(t), evaluated_at \(i) NOT NULL DEFAULT 0, noted_at \(i) NOT NULL DEFAULT 0)
            """,
            """
            CREATE TABLE IF NOT EXISTS \(self[.links]) (
                key \(t) NOT NULL, scope \(t) NOT NULL, PRIMARY KEY (key, scope))\(w)
            """,
            """
            CREATE TABLE IF NOT EXISTS \(self[.entitlements]) (
                id \(t) PRIMARY KEY, scope \(t) NOT NULL, clause \(t) NOT NULL, title \(t) NOT NULL,
                payee_kind \(t) NOT NULL, payee_id \(t) NOT NULL, subject \(t), date \(t) NOT NULL,
                status \(t) NOT NULL, amount \(i), range_low \(i), range_high \(i),
                match_key \(t) NOT NULL, detail \(t) NOT NULL)\(w)
            """,
            """
            CREATE TABLE IF NOT EXISTS \(self[.tranches]) (
                entitlement_id \(t) NOT NULL, seq \(i) NOT NULL, scope \(t) NOT NULL, label \(t) NOT NULL,
                amount \(i) NOT NULL, released_by \(t) NOT NULL, due_date \(t), state \(t) NOT NULL,
                PRIMARY KEY (entitlement_id, seq))\(w)
            """,
            """
            CREATE TABLE IF NOT EXISTS \(self[.disbursements]) (
                disbursement_id \(t) PRIMARY KEY, clause \(t) NOT NULL, payee_kind \(t) NOT NULL, payee_id \(t) NOT NULL,
                subject \(t), application_id \(t), fund_id \(t), amount \(i) NOT NULL, reversed \(i) NOT NULL DEFAULT 0,
                date \(t) NOT NULL, position \(i) NOT NULL, match_key \(t) NOT NULL, event_id \(t) NOT NULL)\(w)
            """,
            """
            CREATE TABLE IF NOT EXISTS \(self[.clawbacks]) (
                clawback_id \(t) PRIMARY KEY, clause \(t) NOT NULL, payee_kind \(t) NOT NULL, payee_id \(t) NOT NULL,
                amount \(i) NOT NULL, reason \(t) NOT NULL, disbursement_id \(t), date \(t) NOT NULL,
                position \(i) NOT NULL, recovered \(i) NOT NULL DEFAULT 0, event_id \(t) NOT NULL)\(w)
            """,
            """
            CREATE TABLE IF NOT EXISTS \(self[.classes]) (
                class_id \(t) PRIMARY KEY, division \(t) NOT NULL, department \(t), jurisdiction \(t) NOT NULL,
                position \(i) NOT NULL, organiser \(t) NOT NULL)\(w)
            """,
            """
            CREATE TABLE IF NOT EXISTS \(self[.trainingFacts]) (
                class_id \(t) NOT NULL, position \(i) NOT NULL, kind \(t) NOT NULL, level \(t),
                occurred_at \(t) NOT NULL, PRIMARY KEY (class_id, position))\(w)
            """,
            """
            CREATE TABLE IF NOT EXISTS \(self[.targets]) (
                target_id \(t) PRIMARY KEY, clause \(t) NOT NULL, metric \(t) NOT NULL, scope \(t) NOT NULL,
                unit \(t) NOT NULL, period_start \(t) NOT NULL, period_end \(t) NOT NULL, value \(i) NOT NULL,
                fund \(i), note \(t), position \(i) NOT NULL, event_id \(t) NOT NULL)\(w)
            """,
            """
            CREATE TABLE IF NOT EXISTS \(self[.targetEvents]) (
                target_id \(t) NOT NULL, position \(i) NOT NULL, occurred_at \(t) NOT NULL,
                PRIMARY KEY (target_id, position))\(w)
            """,
            """
            CREATE TABLE IF NOT EXISTS \(self[.funds]) (
                fund_id \(t) PRIMARY KEY, clause \(t) NOT NULL, recipient \(t) NOT NULL, amount \(i) NOT NULL,
                tranche \(t) NOT NULL, period_start \(t), period_end \(t), target_id \(t), date \(t) NOT NULL,
                position \(i) NOT NULL, event_id \(t) NOT NULL)\(w)
            """,
            """
            CREATE TABLE IF NOT EXISTS \(self[.service131]) (
                person \(t) NOT NULL, position \(i) NOT NULL, kind \(t) NOT NULL, occurred_at \(t) NOT NULL,
                value \(t) NOT NULL, since \(t), until \(t), PRIMARY KEY (person, position))\(w)
            """,
            """
            CREATE TABLE IF NOT EXISTS \(self[.pooled]) (
                entitlement_id \(t) PRIMARY KEY, clause \(t) NOT NULL, scope \(t) NOT NULL, payee_id \(t) NOT NULL,
                date \(t) NOT NULL, key_fact \(t) NOT NULL, amount \(i), fund_used \(i), payee_used \(i))\(w)
            """,
            """
            CREATE TABLE IF NOT EXISTS \(self[.employerCounts]) (
                employer \(t) NOT NULL, clause \(t) NOT NULL, year \(i) NOT NULL, kind \(t) NOT NULL, worker \(t) NOT NULL,
                rank \(i) NOT NULL, event_id \(t) NOT NULL, type \(t) NOT NULL, date \(t) NOT NULL, role \(t) NOT NULL,
                PRIMARY KEY (employer, clause, year, kind, worker, rank))\(w)
            """,
            """
            CREATE TABLE IF NOT EXISTS \(self[.organisationFacts]) (
                organisation \(t) NOT NULL, position \(i) NOT NULL, PRIMARY KEY (organisation, position))\(w)
            """,
            """
            CREATE TABLE IF NOT EXISTS \(self[.classFilings]) (
                stream \(t) NOT NULL, position \(i) NOT NULL, PRIMARY KEY (stream, position))\(w)
            """,
        ]
    }

    func create(_ db: any ProjectionConnection) throws {
        for statement in tableStatements(db.dialect) { try db.execute(statement) }
        if prefix == Self.next.prefix {
            let generation = (try Self.live.generation(db) ?? 0) + 1
            try db.insert(SQLInsert(self[.meta], ["key", "value"], .replace(key: ["key"])), ["index-generation", String(generation)])
        }
    }

    /// The lookups queries and the runner make, by name `<table>_<columns>`, with the
    /// generation of the tables (see `generation`).
    func createIndexes(_ db: any ProjectionConnection) throws {
        let indexes: [(Table, String)] = [
            (.scopes, "review_by"), (.entitlements, "scope"), (.entitlements, "payee_id"), (.entitlements, "subject"),
            (.entitlements, "match_key"), (.tranches, "scope"), (.tranches, "state, due_date"),
            (.disbursements, "match_key"), (.disbursements, "payee_id"), (.disbursements, "subject"),
            (.clawbacks, "payee_id"), (.clawbacks, "disbursement_id"), (.targets, "unit"), (.funds, "recipient"), (.pooled, "clause"), (.pooled, "scope"),
        ] + Self.evaluationIndexes
        try create(indexes, db)
    }

    /// The lookups a scope's evaluation makes of tables the events fill: a rebuild makes these
    /// once its events are applied, before it evaluates the scopes.
    static let evaluationIndexes: [(Table, String)] = [(.links, "scope, key"), (.employerCounts, "worker"), (.scopes, "noted_at, scope")]

    /// Makes the evaluation indexes, and where the database plans its queries from statistics
    /// (``SQLDialect/gathersStatistics``), gathers them for every table: the tables were just
    /// filled, and have none yet.
    func createEvaluationIndexes(_ db: any ProjectionConnection) throws {
        try create(Self.evaluationIndexes, db)
        if db.dialect.gathersStatistics {
            for table in Table.allCases { try db.execute("ANALYZE \(self[table])") }
        }
    }

    private func create(_ indexes: [(Table, String)], _ db: any ProjectionConnection) throws {
        let generation = try self.generation(db)
        for (table, columns) in indexes {
            let key = columns.replacingOccurrences(of: ", ", with: "_")
            // Named by table and generation, not by the set of tables it was made in: the
            // name must still be right once a swap has renamed the table.
            let name = generation.map { "projidx_g\($0)_\(table.rawValue)_\(key)" } ?? "\(self[table])_\(key)"
            try db.execute("CREATE INDEX IF NOT EXISTS \(name) ON \(self[table]) (\(columns))")
        }
    }

    /// Which rebuild made these tables. An index keeps its name when its table is renamed, so a
    /// rebuild's indexes (`projidx_g<generation>_<table>_<columns>`) stay with the tables it
    /// swaps in, already named as the live tables' indexes are; the next rebuild's carry the
    /// next generation, so their names never meet. The swap then renames tables and makes no
    /// index again. (Nil: tables made before generations, or in memory, whose indexes are named
    /// `<prefix><table>_<columns>`.)
    func generation(_ db: any ProjectionConnection) throws -> Int? {
        guard try db.tableNames().contains(self[.meta]),
              let text = try db.firstText("SELECT value FROM \(self[.meta]) WHERE key = 'index-generation'", table: "meta")
        else { return nil }
        if let generation = Int(text), (0..<Self.generationLimit).contains(generation) { return generation }
        // Changed outside GrantLedger: the highest generation any index of the file is named
        // by, so that a rebuild (the cure) still names its indexes apart from the live ones'.
        return try db.indexNames().filter { $0.hasPrefix("projidx_g") }
            .compactMap { name in name.dropFirst("projidx_g".count).split(separator: "_").first.flatMap { Int($0) } }
            .filter { (0..<Self.generationLimit).contains($0) }.max() ?? 0
    }

    /// Generations run far below this (one per rebuild).
    static let generationLimit = 1 << 40

    func drop(_ db: any ProjectionConnection) throws {
        for table in Table.allCases { try db.execute("DROP TABLE IF EXISTS \(self[table])") }
    }

    /// Replaces the live tables by these, in the caller's transaction.
    func swap(into live: ProjectionSchema, _ db: any ProjectionConnection) throws {
        try live.drop(db)
        for table in Table.allCases {
            try db.execute("ALTER TABLE \(self[table]) RENAME TO \(live[table])")
        }
        try live.createIndexes(db)
    }
}
