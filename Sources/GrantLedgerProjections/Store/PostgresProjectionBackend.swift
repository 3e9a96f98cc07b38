import Foundation
import GRDB
import GrantLedgerLog
import GrantLedgerPostgres
import PostgresNIO

/// The projections of a ledger on PostgreSQL: the same tables (`proj_…`, `projnext_…`) in the
/// ledger's schema beside its log, written by the same statements as SQLite's.
///
/// A write transaction first takes a transaction-scoped advisory lock of this ledger's
/// projections, so that writers in several processes and machines (a rebuild, the catch-up of
/// whichever service instance holds the lease) take turns; reads run in `REPEATABLE READ, READ
/// ONLY` transactions, one snapshot of the log and the projections each, several at once.
/// Connections are kept for the next transaction, a few at most.
///
/// A snapshot's projections (`scratch()`) are built in memory, in SQLite, from this log.
final class PostgresProjectionBackend: ProjectionBackend, LogReading, @unchecked Sendable {
    let location: PostgresLocation
    private let lock = NSLock()
    // Guarded by `lock`.
    private var idle: [PostgresBlockingConnection] = []
    private var closed = false

    /// Connections kept open between transactions.
    static let keptConnections = 4

    init(location: PostgresLocation) {
        self.location = location
    }

    deinit { for connection in idle { connection.close() } }

    /// Closes the kept connections; a transaction after it opens one again.
    func close() {
        let connections = lock.withLock {
            defer { idle = [] }
            return idle
        }
        for connection in connections { connection.close() }
    }

    func write<T>(_ tables: ProjectionTables, _ body: (any ProjectionStore) throws -> T) throws -> T {
        try transaction("BEGIN") { connection in
            try connection.execute("SELECT pg_advisory_xact_lock(\(connection.lockKey("projections")))")
            return try body(SQLProjectionStore(db: PostgresProjectionConnection(connection: connection), schema: ProjectionSchema(tables)))
        }
    }

    func read<T>(_ tables: ProjectionTables, _ body: (any ProjectionStore) throws -> T) throws -> T {
        try transaction("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY") { connection in
            try body(SQLProjectionStore(db: PostgresProjectionConnection(connection: connection), schema: ProjectionSchema(tables)))
        }
    }

    var concurrentReads: Bool { true }

    func scratch() throws -> any ProjectionBackend {
        SQLiteProjectionBackend(database: try DatabaseQueue(), log: self)
    }

    /// The log alone, on a snapshot: for a store built apart (`scratch()`).
    func read<T>(_ body: (any TransactionEventReader) throws -> T) throws -> T {
        try transaction("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY") { connection in try body(connection.events) }
    }

    /// Runs `body` between `begin` and COMMIT on a kept connection (or a new one); if it throws,
    /// the transaction is rolled back, and a connection the server closed is not kept.
    private func transaction<T>(_ begin: PostgresQuery, _ body: (PostgresBlockingConnection) throws -> T) throws -> T {
        let connection = try lock.withLock { idle.popLast() } ?? PostgresBlockingConnection.connect(location)
        do {
            try connection.execute(begin)
            let result = try body(connection)
            try connection.execute("COMMIT")
            keep(connection)
            return result
        } catch {
            if !connection.isClosed, (try? connection.execute("ROLLBACK")) != nil {
                keep(connection)
            } else {
                connection.close()
            }
            throw error
        }
    }

    private func keep(_ connection: PostgresBlockingConnection) {
        let kept = lock.withLock {
            guard idle.count < Self.keptConnections else { return false }
            idle.append(connection)
            return true
        }
        if !kept { connection.close() }
    }
}

/// The projections' statements on a PostgreSQL connection: `?` become `$1`, `$2` … and values
/// are bound as BIGINT, TEXT or NULL.
struct PostgresProjectionConnection: ProjectionConnection {
    let connection: PostgresBlockingConnection

    var dialect: SQLDialect { .postgres }

    var events: any TransactionEventReader { connection.events }

    func execute(_ sql: String, _ arguments: [SQLValue]) throws {
        try connection.execute(Self.query(sql, arguments))
    }

    func forEachRow(_ sql: String, _ arguments: [SQLValue], table: String, large: Bool, _ body: (SQLRow) throws -> Void) throws {
        guard large else {
            for row in try connection.rows(Self.query(sql, arguments)) { try body(SQLRow(values: try Self.values(row, table: table), table: table)) }
            return
        }
        // A cursor in the caller's transaction, read a page at a time.
        try connection.execute(Self.query("DECLARE grantledger_rows NO SCROLL CURSOR FOR " + sql, arguments))
        while true {
            let page = try connection.rows("FETCH FORWARD 5000 FROM grantledger_rows")
            for row in page { try body(SQLRow(values: try Self.values(row, table: table), table: table)) }
            if page.count < 5000 { break }
        }
        try connection.execute("CLOSE grantledger_rows")
    }

    func tableNames() throws -> Set<String> {
        Set(try connection.rows("SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()").map { try $0.decode(String.self) })
    }

    func indexNames() throws -> [String] {
        try connection.rows("SELECT indexname::text FROM pg_indexes WHERE schemaname = current_schema()").map { try $0.decode(String.self) }
    }

    /// `sql` with PostgreSQL's numbered parameters, and its values bound.
    static func query(_ sql: String, _ arguments: [SQLValue]) -> PostgresQuery {
        var binds = PostgresBindings(capacity: arguments.count)
        for argument in arguments {
            switch argument {
            case .null: binds.appendNull()
            case .integer(let int): binds.append(int)
            case .text(let text): binds.append(text)
            case .real(let double): binds.append(double)
            case .blob(let bytes): binds.append(ByteBuffer(bytes: bytes))
            }
        }
        return PostgresQuery(unsafeSQL: numbered(sql), binds: binds)
    }

    nonisolated(unsafe) private static let numberedCache = NSCache<NSString, NSString>()  // NSCache is thread-safe

    /// `?` outside quotes numbered `$1`, `$2` … in order.
    static func numbered(_ sql: String) -> String {
        if let cached = numberedCache.object(forKey: sql as NSString) { return cached as String }
        var out = ""
        out.reserveCapacity(sql.utf8.count + 16)
        var count = 0
        var quoted = false
        for character in sql {
            if character == "'" { quoted.toggle() }
            if character == "?", !quoted {
                count += 1
                out += "$\(count)"
            } else {
                out.append(character)
            }
        }
        numberedCache.setObject(out as NSString, forKey: sql as NSString)
        return out
    }

    /// A row's values as the projections read them: integers of any width, text, NULL; what
    /// else a table holds comes back as text, which the store refuses where it expects a number.
    static func values(_ row: PostgresRow, table: String) throws -> [SQLValue] {
        do {
            return try row.map { cell -> SQLValue in
                guard cell.bytes != nil else { return .null }
                switch cell.dataType {
                case .int8: return .integer(try cell.decode(Int64.self))
                case .int4: return .integer(Int64(try cell.decode(Int32.self)))
                case .int2: return .integer(Int64(try cell.decode(Int16.self)))
                case .float8, .float4: return .real(try cell.decode(Double.self))
                case .bytea: return .blob(Array(try cell.decode(ByteBuffer.self).readableBytesView))
                default: return .text(try cell.decode(String.self))
                }
            }
        } catch {
            throw ProjectionError.damaged(table: table, reason: "a value does not read as its column's kind")
        }
    }
}

/// The projection backend of each PostgreSQL storage open in this process: the `Projections`
/// of one ledger, made for each operation, share its kept connections. A storage's backend
/// goes (its connections closed) once the storage is released.
final class PostgresBackends: @unchecked Sendable {
    static let shared = PostgresBackends()

    private final class Entry {
        weak var storage: PostgresEventStorage?
        let backend: PostgresProjectionBackend

        init(storage: PostgresEventStorage, backend: PostgresProjectionBackend) {
            self.storage = storage
            self.backend = backend
        }
    }

    private let lock = NSLock()
    private var entries: [ObjectIdentifier: Entry] = [:]

    func backend(for storage: PostgresEventStorage) -> PostgresProjectionBackend {
        let (backend, released) = lock.withLock { () -> (PostgresProjectionBackend, [PostgresProjectionBackend]) in
            let gone = entries.filter { $0.value.storage == nil }
            for key in gone.keys { entries[key] = nil }
            let key = ObjectIdentifier(storage)
            if let entry = entries[key], entry.storage === storage { return (entry.backend, gone.values.map(\.backend)) }
            let entry = Entry(storage: storage, backend: PostgresProjectionBackend(location: storage.location))
            entries[key] = entry
            return (entry.backend, gone.values.map(\.backend))
        }
        for backend in released { backend.close() }
        return backend
    }
}
