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
/// Connections are the storage's own (``PostgresBlockingPool``), kept for the next transaction.
///
/// A snapshot's projections (`scratch()`) are built in memory, in SQLite, from this log.
struct PostgresProjectionBackend: ProjectionBackend, LogReading {
    let pool: PostgresBlockingPool

    func write<T>(_ tables: ProjectionTables, _ body: (any ProjectionStore) throws -> T) throws -> T {
        try pool.write { connection in
            try connection.execute("SELECT pg_advisory_xact_lock(\(connection.lockKey("projections")))")
            let db = PostgresProjectionConnection(connection: connection)
            let result = try body(SQLProjectionStore(db: db, schema: ProjectionSchema(tables)))
            try db.flush()
            return result
        }
    }

    func read<T>(_ tables: ProjectionTables, _ body: (any ProjectionStore) throws -> T) throws -> T {
        try pool.read { connection in
            let db = PostgresProjectionConnection(connection: connection)
            let result = try body(SQLProjectionStore(db: db, schema: ProjectionSchema(tables)))
            try db.flush()
            return result
        }
    }

    var concurrentReads: Bool { true }

    func scratch() throws -> any ProjectionBackend {
        SQLiteProjectionBackend(database: try DatabaseQueue(), log: self)
    }

    /// The log alone, on a snapshot: for a store built apart (`scratch()`).
    func read<T>(_ body: (any TransactionEventReader) throws -> T) throws -> T {
        try pool.read { connection in try body(connection.events) }
    }
}

/// The projections' statements on a PostgreSQL connection: `?` become `$1`, `$2` … and values
/// are bound as BIGINT, TEXT or NULL.
///
/// Writes wait in ``PendingWrites`` until a read of their table, a table statement or the end
/// of the transaction (``flush()``), and go as statements of many rows: each statement is a
/// turn on the server. They are sent without waiting; the next read, or the commit, waits for
/// them (``PostgresBlockingConnection/send(_:)``) and reports a failure among them.
struct PostgresProjectionConnection: ProjectionConnection {
    let connection: PostgresBlockingConnection
    private let pending = PendingWrites()

    init(connection: PostgresBlockingConnection) { self.connection = connection }

    var dialect: SQLDialect { .postgres }

    var events: any TransactionEventReader { connection.events }

    /// A write waits with the others; a table statement (CREATE, DROP, ALTER) or a SELECT is
    /// sent after them, at once.
    func execute(_ sql: String, _ arguments: [SQLValue]) throws {
        if sql.hasPrefix("INSERT") || sql.hasPrefix("UPDATE") || sql.hasPrefix("DELETE") {
            pending.write(sql, arguments, table: PendingWrites.table(ofWrite: sql))
            try flushIfFull()
        } else if sql.hasPrefix("SELECT") {
            try flush()
            try connection.sendPrepared(PostgresBlockingConnection.numbered(sql), arguments.map(Self.data))
        } else {
            try flush()
            try connection.send(Self.query(sql, arguments))
        }
    }

    func insert(_ statement: SQLInsert, _ values: [SQLValue]) throws {
        pending.insert(statement, values)
        try flushIfFull()
    }

    /// Past this many rows waiting, they are sent without a read to wait for.
    static let pendingLimit = 8_192

    private func flushIfFull() throws {
        if pending.count >= Self.pendingLimit { try flush() }
    }

    /// Sends the writes waiting, as few prepared statements as keep their effect.
    func flush() throws {
        guard !pending.isEmpty else { return }
        try send(pending.take())
    }

    /// Sends the writes waiting that a read of `sql` must see: those to the tables it names.
    /// The others wait on: rows keep joining them until a read of their own table.
    private func flush(before sql: String) throws {
        guard !pending.isEmpty else { return }
        guard let waiting = pending.tables else { return try flush() }
        let named = waiting.filter { PendingWrites.names(sql, $0) }
        if !named.isEmpty { try send(pending.take(only: named)) }
    }

    private func send(_ statements: [(statement: PendingWrites.Statement, values: [SQLValue])]) throws {
        for (statement, values) in statements {
            try connection.sendPrepared(Self.numberedSQL(statement), values.map(Self.data))
        }
    }

    /// A statement's SQL as PostgreSQL numbers its parameters, made once per statement and row count.
    private static func numberedSQL(_ statement: PendingWrites.Statement) -> String {
        if let known = numberedLock.withLock({ numberedStatements[statement] }) { return known }
        let sql = switch statement {
        case .insert(let insert, let rows): PostgresBlockingConnection.numbered(insert.sql(rows: rows))
        case .other(let sql): PostgresBlockingConnection.numbered(sql)
        }
        numberedLock.withLock {
            // The projections' statements are a few hundred; a bound all the same.
            if numberedStatements.count >= 4_096 { numberedStatements.removeAll() }
            numberedStatements[statement] = sql
        }
        return sql
    }

    private static let numberedLock = NSLock()
    nonisolated(unsafe) private static var numberedStatements: [PendingWrites.Statement: String] = [:]  // guarded by numberedLock

    func forEachRow(_ sql: String, _ arguments: [SQLValue], table: String, large: Bool, _ body: (SQLRow) throws -> Void) throws {
        try flush(before: sql)
        guard large else {
            for row in try connection.preparedRows(PostgresBlockingConnection.numbered(sql), arguments.map(Self.data)) {
                try body(SQLRow(values: try Self.binaryValues(row, table: table), table: table))
            }
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
        try flush()
        return Set(try connection.rows("SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()").map { try $0.decode(String.self) })
    }

    func indexNames() throws -> [String] {
        try flush()
        return try connection.rows("SELECT indexname::text FROM pg_indexes WHERE schemaname = current_schema()").map { try $0.decode(String.self) }
    }

    static func data(_ value: SQLValue) -> PostgresData {
        switch value {
        case .null: .null
        case .integer(let int): PostgresData(int64: int)
        case .text(let text): PostgresData(string: text)
        case .real(let double): PostgresData(double: double)
        case .blob(let bytes): PostgresData(bytes: bytes)
        }
    }

    /// `sql` with PostgreSQL's numbered parameters, and its values bound as ``data(_:)`` gives them.
    static func query(_ sql: String, _ arguments: [SQLValue]) -> PostgresQuery {
        PostgresBlockingConnection.query(PostgresBlockingConnection.numbered(sql), arguments.map(data))
    }

    /// The values of a prepared statement's row. Its results always come in binary (the Bind
    /// asks for it), though postgres-nio 1.33's prepared path labels the cells as text: they
    /// are read as binary here, by their type.
    static func binaryValues(_ row: PostgresRow, table: String) throws -> [SQLValue] {
        func damaged() -> ProjectionError { .damaged(table: table, reason: "a value does not read as its column's kind") }
        return try row.map { cell -> SQLValue in
            guard var bytes = cell.bytes else { return .null }
            switch cell.dataType {
            case .int8:
                guard bytes.readableBytes == 8, let value = bytes.readInteger(as: Int64.self) else { throw damaged() }
                return .integer(value)
            case .int4:
                guard bytes.readableBytes == 4, let value = bytes.readInteger(as: Int32.self) else { throw damaged() }
                return .integer(Int64(value))
            case .int2:
                guard bytes.readableBytes == 2, let value = bytes.readInteger(as: Int16.self) else { throw damaged() }
                return .integer(Int64(value))
            case .float8:
                guard bytes.readableBytes == 8, let bits = bytes.readInteger(as: UInt64.self) else { throw damaged() }
                return .real(Double(bitPattern: bits))
            case .bytea: return .blob(Array(bytes.readableBytesView))
            case .text, .varchar, .name, .bpchar:
                guard let text = bytes.readString(length: bytes.readableBytes) else { throw damaged() }
                return .text(text)
            default: throw damaged()
            }
        }
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
