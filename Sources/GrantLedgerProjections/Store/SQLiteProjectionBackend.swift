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
        let binding = SQLiteStatementBinding(try db.cachedStatement(sql: statement.sql))
        // A value left unbound would keep the last row's: a wrong count goes the checked way, to its error.
        guard binding.parameterCount == values.count else { return try execute(statement.sql, values) }
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
        try binding.execute()
    }

    func forEachRow(_ sql: String, _ arguments: [SQLValue], table: String, large: Bool, _ body: (SQLRow) throws -> Void) throws {
        let rows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: Self.arguments(arguments))
        while let row = try rows.next() {
            try body(SQLRow(values: row.databaseValues.map(Self.value), table: table))
        }
    }

    func tableNames() throws -> Set<String> {
        Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'"))
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

    private static func value(_ value: DatabaseValue) -> SQLValue {
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
