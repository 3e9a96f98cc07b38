import Foundation
import GrantLedgerEvents
import GrantLedgerLog
import Logging
import NIOCore
import NIOPosix
import PostgresNIO

/// The PostgreSQL backend of the log, on postgres-nio: the same rules, hashes and answers as
/// ``SQLiteEventStorage``, for a province's ledger on a server the bureaus already run.
///
/// A ledger is one schema (``PostgresLocation/schema``): `events` (unique event ids and
/// (stream, version) pairs; a trigger refuses UPDATE, DELETE and TRUNCATE), `event_parties`,
/// `event_names_digests`, `ledger_head`, `ledger_meta`, `personal_data_sealed` and
/// `personal_data_erasures`. Text that is ordered (parties, pseudonyms) uses the "C"
/// collation, so pages come in the byte order SQLite gives them.
///
/// ## Concurrency
/// Every write transaction first takes a transaction-scoped advisory lock named after the
/// ledger (`pg_advisory_xact_lock`), so appends from any number of processes and machines run
/// one at a time, and positions are assigned under it, gapless. PostgreSQL releases the lock
/// only once the commit is visible, so a reader following `position > last` never sees a
/// position before a lower one commits. Reads run in `REPEATABLE READ, READ ONLY`
/// transactions: one snapshot each.
///
/// The storage runs its connection pool (``PostgresClient``) in a task of its own until
/// ``close()`` (or its release).
public final class PostgresEventStorage: EventStorage {
    public let location: PostgresLocation
    public let client: PostgresClient
    /// Connections for synchronous callers (the projections, the API tokens), opened when first
    /// used and closed with the storage.
    public let blocking: PostgresBlockingPool
    let tables: Tables
    let logger: Logger
    private let running: Task<Void, Never>

    /// Connects to the server of `location`. With `create`, makes the ledger's schema and
    /// tables if they are missing; without, a schema that holds no ledger is an error.
    public init(location: PostgresLocation, create: Bool = false, maximumConnections: Int = 8,
                logger: Logger = Logger(label: "grantledger.postgres")) async throws {
        var configuration = PostgresClient.Configuration(
            host: location.host, port: location.port, username: location.user, password: location.password,
            database: location.database, tls: Self.tls(location.tls))
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(10)
        var quiet = logger
        quiet.logLevel = .critical
        let client = PostgresClient(configuration: configuration, backgroundLogger: quiet)
        self.location = location
        self.client = client
        self.blocking = PostgresBlockingPool(location: location)
        self.tables = Tables(schema: location.schema)
        self.logger = quiet
        self.running = Task { await client.run() }
        do {
            try await Self.probe(location)
            try await PostgresSchema.prepare(self, create: create)
        } catch {
            running.cancel()
            throw error
        }
    }

    /// How long opening a ledger waits for the server to accept a connection.
    public static let connectSeconds: Int64 = 5

    /// Connects to the server's port once, alone: the pool retries a server that refuses for a
    /// minute before it gives up, so a wrong host or port is said at once instead. A server
    /// that accepts but is slow (busy, at its connection limit) is waited for as usual.
    static func probe(_ location: PostgresLocation) async throws {
        let bootstrap = ClientBootstrap(group: PostgresClient.defaultEventLoopGroup).connectTimeout(.seconds(connectSeconds))
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: location.host, port: location.port).get()
        } catch {
            throw unreachable(location, "no connection within \(connectSeconds) s, or refused")
        }
        try? await channel.close()
    }

    deinit { running.cancel() }

    /// Stops the connection pool; the storage cannot be used afterwards.
    public func close() {
        running.cancel()
        blocking.close()
    }

    static func tls(_ mode: PostgresLocation.TLSMode) -> PostgresClient.Configuration.TLS {
        switch mode {
        case .disable: .disable
        case .prefer: .prefer(.makeClientConfiguration())
        case .require: .require(.makeClientConfiguration())
        }
    }

    /// The advisory lock of this ledger's appends: a 64-bit number from its schema's name, so
    /// that the ledgers of several cities in one cluster do not wait for each other.
    var appendLock: Int64 { Self.lockKey("grantledger-append:" + location.schema) }

    static func lockKey(_ name: String) -> Int64 {
        // FNV-1a: stable across processes and machines (Swift's hashValue is not).
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return Int64(bitPattern: hash)
    }

    public func write<T: Sendable>(_ body: (any EventStorageWriter) async throws -> T) async throws -> T {
        try await transaction(readOnly: false) { access in try await body(access) }
    }

    public func read<T: Sendable>(_ body: (any EventStorageReader) async throws -> T) async throws -> T {
        try await transaction(readOnly: true) { access in try await body(access) }
    }

    /// One page on a snapshot of its own: a single statement is one snapshot in PostgreSQL, so
    /// it needs no transaction around it (one round trip instead of three).
    public func events(_ query: EventQuery, after position: Int64, limit: Int) async throws -> [RecordedEvent] {
        try await withConnection { connection, tables, logger in
            try await PostgresAccess(connection: connection, tables: tables, logger: logger).events(query, after: position, limit: limit)
        }
    }

    /// The head, in one statement.
    public func lastEvent() async throws -> ChainHead? {
        try await withConnection { connection, tables, logger in
            try await PostgresAccess(connection: connection, tables: tables, logger: logger).lastEvent()
        }
    }

    /// Runs `body` in a transaction on a pooled connection: a write one holding the append
    /// lock, or a read-only snapshot. If `body` throws, the transaction is rolled back.
    func transaction<T: Sendable>(readOnly: Bool, _ body: (PostgresAccess) async throws -> T) async throws -> T {
        let lock = appendLock, searchPath = "\"\(location.schema)\""
        return try await withConnection { connection, tables, logger in
            let access = PostgresAccess(connection: connection, tables: tables, logger: logger)
            try await connection.query(readOnly ? "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY" : "BEGIN", logger: logger)
            do {
                if !readOnly {
                    // The ledger's schema first on the search path, for `COPY`, which names its
                    // table alone (every other statement names the schema).
                    try await connection.query(
                        "SELECT pg_advisory_xact_lock(\(lock)), set_config('search_path', \(searchPath), true)", logger: logger)
                }
                let result = try await body(access)
                try await connection.query("COMMIT", logger: logger)
                return result
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    /// Runs `body` on a pooled connection, outside any transaction unless it opens one (VACUUM
    /// needs none); the server's and the pool's errors in the storage's words.
    func withConnection<T: Sendable>(_ body: (PostgresConnection, Tables, Logger) async throws -> T) async throws -> T {
        let (tables, logger) = (self.tables, self.logger)
        let leased = Leased()
        return try await Self.translating(location, leased) {
            try await client.withConnection { connection in
                leased.value = true
                return try await body(connection, tables, logger)
            }
        }
    }

    /// Frees the space of erased personal data: `VACUUM FULL` rewrites the two tables a
    /// person's erasure deletes from, so their deleted rows leave the table files. (Older
    /// copies stay in the server's WAL and in base backups until those are recycled; the
    /// sealed records are unreadable without the ledger's key either way.)
    public func wipeDeleted() async throws -> Bool {
        try await withConnection { connection, tables, logger in
            try await connection.query("VACUUM FULL \(unescaped: tables.sealed), \(unescaped: tables.namesDigests)", logger: logger)
            return true
        }
    }

    /// Words a server's or the network's error as a ``LogError`` that shows no SQL and no password.
    static func translating<T>(_ location: PostgresLocation, _ leased: Leased, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PSQLError {
            throw translate(error, location: location)
        } catch where !leased.value && !(error is CancellationError) {
            // No connection was had (the pool's own error, in its words): the server is not there.
            throw unreachable(location, nil)
        }
    }

    /// The server could not be reached: where, and why when known, without the password.
    static func unreachable(_ location: PostgresLocation, _ why: String?) -> LogError {
        LogError.storage("cannot reach the PostgreSQL server at \(location.host):\(location.port)\(why.map { " (\($0))" } ?? ""): "
            + "is it running there, and does it accept \(location.user) from here?")
    }

    /// Whether a connection was leased: an error before it is the server's absence, after it the work's.
    final class Leased: @unchecked Sendable {
        var value = false
    }

    static func translate(_ error: PSQLError, location: PostgresLocation) -> any Error {
        if let info = error.serverInfo {
            let state = info[.sqlState] ?? ""
            if state == "23505", info[.constraintName] == "events_event_id_key" {
                // "Key (event_id)=(\\x…) already exists.": the id's 16 bytes in hex.
                let detail = info[.detail] ?? ""
                let value = detail.split(separator: "(").dropFirst(2).first.map { $0.prefix { $0 != ")" } } ?? ""
                return EventStorageConflict.duplicateEventID(uuidText(fromByteaHex: value) ?? String(value))
            }
            if state == "53100" { return LogError.diskFull }
            if state == "25006" { return LogError.readOnly }
            if state == "42501" {
                return LogError.storage("the PostgreSQL role \(location.user) may not do this: \(info[.message] ?? "permission denied")")
            }
            return LogError.storage("PostgreSQL refused: \(info[.message] ?? "an error \(state)")")
        }
        switch error.code {
        case .connectionError, .serverClosedConnection, .sslUnsupported, .failedToAddSSLHandler:
            return unreachable(location, nil)
        default:
            return LogError.storage("the PostgreSQL connection failed (\(error.code))")
        }
    }
}

/// `\\x` and 32 hex digits, as PostgreSQL writes 16 bytes, as UUID text.
func uuidText(fromByteaHex text: Substring) -> String? {
    guard text.hasPrefix("\\x"), let bytes = Hex.bytes(String(text.dropFirst(2))), bytes.count == 16 else { return nil }
    return bytes.withUnsafeBytes { UUIDText.format($0) }
}

/// The ledger's tables, qualified by its schema.
struct Tables: Sendable {
    let schema: String
    var events: String { q("events") }
    var parties: String { q("event_parties") }
    var namesDigests: String { q("event_names_digests") }
    var head: String { q("ledger_head") }
    var meta: String { q("ledger_meta") }
    var sealed: String { q("personal_data_sealed") }
    var erasures: String { q("personal_data_erasures") }

    /// `"schema".name`: the schema is checked to be a plain identifier (``PostgresLocation``).
    func q(_ name: String) -> String { "\"\(schema)\".\(name)" }
}
