import Foundation
import GRDB
import GrantLedgerLog

/// The projections kept in the ledger's SQLite file, beside the log: a write transaction is
/// the file's single writer's, reads run on a pool's readers at once.
///
/// A snapshot's projections (`Projections.reader(at:)`) are built in memory instead: `log`
/// then reads the ledger's log (its file, or its PostgreSQL schema) in a read transaction of its own.
struct SQLiteProjectionBackend: ProjectionBackend {
    let database: any DatabaseWriter
    var log: (any LogReading)? = nil

    func write<T>(_ tables: ProjectionTables, _ body: (any ProjectionStore) throws -> T) throws -> T {
        if let log {
            return try log.read { events in
                try database.write { db in
                    try body(SQLProjectionStore(db: SQLiteProjectionConnection(db: db, events: events), schema: ProjectionSchema(tables)))
                }
            }
        }
        return try database.writeWithoutTransaction { db in
            try Self.withoutFsync(db) {
                var result: T?
                try db.inTransaction {
                    result = try body(SQLProjectionStore(db: SQLiteProjectionConnection(db: db), schema: ProjectionSchema(tables)))
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
            return try log.read { events in
                try database.read { db in
                    try body(SQLProjectionStore(db: SQLiteProjectionConnection(db: db, events: events), schema: ProjectionSchema(tables)))
                }
            }
        }
        return try database.read { db in try body(SQLProjectionStore(db: SQLiteProjectionConnection(db: db), schema: ProjectionSchema(tables))) }
    }

    var concurrentReads: Bool { database is DatabasePool }

    /// Tables in an SQLite database in memory, reading this ledger's log.
    func scratch() throws -> any ProjectionBackend {
        SQLiteProjectionBackend(database: try DatabaseQueue(), log: log ?? SQLiteLogReading(database: database))
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

/// The projections' statements on a GRDB connection, each prepared once per connection.
struct SQLiteProjectionConnection: ProjectionConnection {
    let db: Database
    let events: any TransactionEventReader

    init(db: Database, events: (any TransactionEventReader)? = nil) {
        self.db = db
        self.events = events ?? SQLiteEventStorage.reader(on: db)
    }

    var dialect: SQLDialect { .sqlite }

    func execute(_ sql: String, _ arguments: [SQLValue]) throws {
        try db.cachedStatement(sql: sql).execute(arguments: Self.arguments(arguments))
    }

    /// At once: a statement on SQLite is a function call. Its values are bound through the C
    /// API: `StatementArguments` maps them through a key path in code not specialised for them,
    /// which took two thirds of an insert (13% of a rebuild's events phase in a profile).
    func insert(_ statement: SQLInsert, _ values: [SQLValue]) throws {
        guard let binding = try Self.bound(db.cachedStatement(sql: statement.sql), values) else { return try execute(statement.sql, values) }
        try binding.execute()
    }

    /// The statement with `values` bound through the C API, or nil when their count is not its
    /// parameters' (a value left unbound would keep the last row's): the caller then goes
    /// GRDB's checked way, to its error.
    private static func bound(_ statement: Statement, _ values: [SQLValue]) -> SQLiteStatementBinding? {
        let binding = SQLiteStatementBinding(statement)
        guard binding.parameterCount == values.count else { return nil }
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            switch value {
            case .null: binding.bindNull(at: index)
            case .integer(let int): binding.bind(int, at: index)
            case .text(let text): binding.bind(text, at: index)
            case .real(let double): binding.bind(double, at: index)
            case .blob(let bytes): binding.bindBlob(bytes, at: index)
            }
        }
        return binding
    }

    /// Each row's values read through the C API, as the inserts bind theirs: GRDB's `Row`, its
    /// `DatabaseValue`s and their mapping were most of reading an enterprise's thousands of
    /// contributions (5.5% of a one-event catch-up in a profile).
    func forEachRow(_ sql: String, _ arguments: [SQLValue], table: String, large: Bool, _ body: (SQLRow) throws -> Void) throws {
        let statement = try db.cachedStatement(sql: sql)
        guard let binding = Self.bound(statement, arguments) else {
            let rows = try Row.fetchCursor(statement, arguments: Self.arguments(arguments))
            while let row = try rows.next() { try body(SQLRow(values: row.databaseValues.map(Self.value), table: table)) }
            return
        }
        let columns = statement.columnCount
        try binding.forEachRow { row in
            var values: [SQLValue] = []
            values.reserveCapacity(columns)
            for index in 0..<Int32(columns) {
                switch row.storageClass(at: index) {
                case .integer: values.append(.integer(row.int64(at: index)))
                case .real: values.append(.real(row.double(at: index)))
                case .text: values.append(.text(row.text(at: index)))
                case .blob: values.append(.blob(row.blob(at: index)))
                case .null: values.append(.null)
                }
            }
            try body(SQLRow(values: values, table: table))
        }
    }

    /// Prepared once per connection, as every catch-up asks: SQLite prepares it again by
    /// itself when the schema has changed since.
    func tableNames() throws -> Set<String> {
        Set(try String.fetchAll(db.cachedStatement(sql: "SELECT name FROM sqlite_master WHERE type = 'table'")))
    }

    func indexNames() throws -> [String] {
        try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index'")
    }

    private static func arguments(_ values: [SQLValue]) -> StatementArguments {
        StatementArguments(values.map { value -> DatabaseValue in
            switch value {
            case .null: .null
            case .integer(let int): int.databaseValue
            case .text(let text): text.databaseValue
            case .real(let double): double.databaseValue
            case .blob(let bytes): Data(bytes).databaseValue
            }
        })
    }

    /// GRDB's reading of a value, as the store's: the fallback's, and the reference the C API's reads are tested against.
    static func value(_ value: DatabaseValue) -> SQLValue {
        switch value.storage {
        case .null: .null
        case .int64(let int): .integer(int)
        case .double(let double): .real(double)
        case .string(let text): .text(text)
        case .blob(let data): .blob(Array(data))
        }
    }
}

/// Where a store built apart (a snapshot's, in memory) reads the log: in a read transaction of its own.
protocol LogReading: Sendable {
    func read<T>(_ body: (any TransactionEventReader) throws -> T) throws -> T
}

/// The log of an SQLite ledger file.
struct SQLiteLogReading: LogReading {
    let database: any DatabaseReader

    func read<T>(_ body: (any TransactionEventReader) throws -> T) throws -> T {
        try database.read { db in try body(SQLiteEventStorage.reader(on: db)) }
    }
}
