import GrantLedgerLog
import PostgresNIO

/// The tables of a ledger on PostgreSQL, made once, under the append lock, so that several
/// instances starting at once on an empty database make them once.
enum PostgresSchema {
    static let format = "grantledger-event-log/1"

    static func prepare(_ storage: PostgresEventStorage, create: Bool) async throws {
        let location = storage.location
        try await storage.transaction(readOnly: false) { access in
            let tables = access.tables
            let exists = try await access.first(
                "SELECT to_regclass(\(tables.meta)) IS NOT NULL", as: Bool.self) ?? false
            if exists {
                let format = try await access.first("SELECT value FROM \(unescaped: tables.meta) WHERE key = 'format'", as: String.self)
                guard format == Self.format else {
                    throw LogError.notALedger(path: location.description, reason: "its schema \(location.schema) holds no event-log tables")
                }
                return
            }
            guard create else {
                throw LogError.notALedger(path: location.description, reason: "its schema \(location.schema) holds no ledger (`grants load` puts one there from an export)")
            }
            for statement in statements(tables) {
                try await access.connection.query(PostgresQuery(unsafeSQL: statement), logger: access.logger)
            }
        }
    }

    /// The whole schema of a new ledger: what SQLite's migrations v1 to v4 make, at once.
    static func statements(_ t: Tables) -> [String] {
        let s = "\"\(t.schema)\""
        return [
            "CREATE SCHEMA IF NOT EXISTS \(s)",
            """
            CREATE TABLE \(t.events) (
                position BIGINT PRIMARY KEY CHECK (position > 0),
                event_id BYTEA NOT NULL CHECK (length(event_id) = 16),
                stream_id TEXT COLLATE "C" NOT NULL,
                stream_version BIGINT NOT NULL CHECK (stream_version > 0),
                type TEXT NOT NULL,
                schema_version BIGINT NOT NULL,
                occurred_at TEXT NOT NULL,
                recorded_at TEXT NOT NULL,
                actor TEXT NOT NULL,
                source TEXT NOT NULL,
                correlation_id TEXT,
                causation_id TEXT,
                data TEXT NOT NULL,
                hash BYTEA NOT NULL,
                CONSTRAINT events_event_id_key UNIQUE (event_id),
                CONSTRAINT events_stream_version_key UNIQUE (stream_id, stream_version)
            )
            """,
            // Append-only in the database itself: no row of `events` changes or goes, whoever asks.
            // (The service's role is also given no UPDATE, DELETE or TRUNCATE on it: README, PostgreSQL.)
            """
            CREATE FUNCTION \(s).refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'events are append-only: record a correction as a new event'; END $$
            """,
            "CREATE TRIGGER events_refuse_change BEFORE UPDATE OR DELETE ON \(t.events) FOR EACH ROW EXECUTE FUNCTION \(s).refuse_change()",
            "CREATE TRIGGER events_refuse_truncate BEFORE TRUNCATE ON \(t.events) FOR EACH STATEMENT EXECUTE FUNCTION \(s).refuse_change()",
            """
            CREATE TABLE \(t.parties) (
                party TEXT COLLATE "C" NOT NULL,
                position BIGINT NOT NULL,
                PRIMARY KEY (party, position)
            )
            """,
            "CREATE TABLE \(t.namesDigests) (position BIGINT PRIMARY KEY, digest BYTEA NOT NULL)",
            "CREATE TABLE \(t.head) (id INTEGER PRIMARY KEY CHECK (id = 1), position BIGINT NOT NULL, hash BYTEA NOT NULL)",
            "CREATE TABLE \(t.meta) (key TEXT COLLATE \"C\" PRIMARY KEY, value TEXT NOT NULL)",
            "CREATE TABLE \(t.sealed) (pseudonym TEXT COLLATE \"C\" PRIMARY KEY, sealed BYTEA NOT NULL)",
            "CREATE TABLE \(t.erasures) (pseudonym TEXT COLLATE \"C\" NOT NULL, erased_at TEXT NOT NULL)",
            "CREATE INDEX personal_data_erasures_pseudonym ON \(t.erasures) (pseudonym)",
            """
            INSERT INTO \(t.meta) (key, value) VALUES
                ('format', '\(format)'), ('personal-data', 'sealed'), ('names-digests-from', '1')
            """,
        ]
    }
}

extension PostgresEventStorage {
    /// What the service's role may do on the ledger in `schema`, as GRANT statements: read
    /// everything; add events and their parties, never change or remove them; keep, replace and
    /// erase sealed personal data and the names digests; move the head and the settings; make
    /// tables in the schema (the projections, which it builds and replaces, and the API
    /// tokens), which it then owns. Run them as the schema's owner (README, PostgreSQL). The
    /// role owns none of the log's tables, so the triggers and the grants both stand between it
    /// and a changed event.
    public static func serviceGrants(schema: String, role: String) throws(LogError) -> [String] {
        guard PostgresLocation.isValidSchema(schema) else { throw LogError.storage("\"\(schema)\" is not a ledger's schema name") }
        guard PostgresLocation.isValidSchema(role) else {
            throw LogError.storage("the role name \"\(role)\" must be 1 to 63 lower-case letters, digits and underscores, starting with a letter")
        }
        let t = Tables(schema: schema)
        return [
            "GRANT USAGE, CREATE ON SCHEMA \"\(schema)\" TO \(role)",
            "GRANT SELECT, INSERT ON \(t.events), \(t.parties), \(t.erasures) TO \(role)",
            "GRANT SELECT, INSERT, UPDATE ON \(t.head), \(t.meta) TO \(role)",
            "GRANT SELECT, INSERT, UPDATE, DELETE ON \(t.sealed) TO \(role)",
            "GRANT SELECT, INSERT, DELETE ON \(t.namesDigests) TO \(role)",
        ]
    }
}
