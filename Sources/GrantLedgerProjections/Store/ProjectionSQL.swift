import Foundation
import GrantLedgerEvents
import GrantLedgerLog

/// A value the projections' SQL binds or reads: their tables hold integers (fen, positions,
/// counts) and text (keys, dates, JSON) only. `real` and `blob` are what a table changed
/// outside GrantLedger may hold; reading one where text or a number belongs is damage.
enum SQLValue: Hashable, Sendable {
    case null
    case integer(Int64)
    case text(String)
    case real(Double)
    case blob([UInt8])
}

/// What converts to an ``SQLValue``, for argument lists written as literals.
protocol SQLValueConvertible {
    var sqlValue: SQLValue { get }
}

extension SQLValue: SQLValueConvertible {
    var sqlValue: SQLValue { self }
}

extension String: SQLValueConvertible {
    var sqlValue: SQLValue { .text(self) }
}

extension Int64: SQLValueConvertible {
    var sqlValue: SQLValue { .integer(self) }
}

extension Int: SQLValueConvertible {
    var sqlValue: SQLValue { .integer(Int64(self)) }
}

extension Optional: SQLValueConvertible where Wrapped: SQLValueConvertible {
    var sqlValue: SQLValue { map { $0.sqlValue } ?? .null }
}

/// One row read: its values by column index, each checked for its kind as it is taken.
struct SQLRow {
    let values: [SQLValue]
    /// The table the row comes from, for the damage a value of the wrong kind is.
    let table: String

    private func damaged(_ index: Int, _ kind: String) -> ProjectionError {
        .damaged(table: table, reason: "column \(index + 1) holds no \(kind)")
    }

    func text(_ index: Int) throws -> String {
        guard case .text(let text) = values[index] else { throw damaged(index, "text") }
        return text
    }

    func optionalText(_ index: Int) throws -> String? {
        if case .null = values[index] { return nil }
        return try text(index)
    }

    func int(_ index: Int) throws -> Int64 {
        guard case .integer(let value) = values[index] else { throw damaged(index, "integer") }
        return value
    }

    func optionalInt(_ index: Int) throws -> Int64? {
        if case .null = values[index] { return nil }
        return try int(index)
    }

    /// An amount: nil for NULL, and damage for anything but a plausible number of fen, so that
    /// no sum of stored amounts can overflow.
    func fen(_ index: Int) throws -> Int64? {
        switch values[index] {
        case .null: return nil
        case .integer(let fen) where fen.magnitude <= SQLRow.plausibleFen.magnitude: return fen
        default: throw ProjectionError.damaged(table: table, reason: "an amount is not a plausible number of fen")
        }
    }

    /// Far above any sum the projections keep (a thousand times the largest amount an event
    /// may carry), and far enough below Int64's limit that no sum of such values overflows.
    static let plausibleFen = FieldType.maximumFen * 1_000
}

/// How a database spells what the projections' tables are made of.
struct SQLDialect: Sendable {
    /// A 64-bit integer column.
    let integer: String
    /// A text column, ordered byte by byte (as SQLite's BINARY, so keys sort alike everywhere).
    let text: String
    /// What follows a table with a primary key of its own.
    let withoutRowID: String
    /// Whether tables just filled need their statistics gathered (`ANALYZE`) before they are
    /// queried. PostgreSQL plans from them, and without them took a rebuild's page of scopes
    /// from the primary key and sorted the whole kind, for every page. SQLite plans from the
    /// indexes (it keeps no statistics unless asked).
    let gathersStatistics: Bool

    static let sqlite = SQLDialect(integer: "INTEGER", text: "TEXT", withoutRowID: " WITHOUT ROWID", gathersStatistics: false)
    static let postgres = SQLDialect(integer: "BIGINT", text: "TEXT COLLATE \"C\"", withoutRowID: "", gathersStatistics: true)
}

/// One connection inside a transaction its backend holds: the projections' SQL, written once
/// with `?` for arguments, runs on SQLite (GRDB) and on PostgreSQL (postgres-nio) through it.
/// Statements are standard SQL both accept (`INSERT … ON CONFLICT`, `CAST(… AS BIGINT)`); what
/// differs is the dialect's column types and the catalog's tables.
protocol ProjectionConnection {
    var dialect: SQLDialect { get }
    /// The log, read on the same connection and in the same transaction.
    var events: any TransactionEventReader { get }
    func execute(_ sql: String, _ arguments: [SQLValue]) throws
    /// Writes a row (``SQLInsert``): at once, or before the next read of its table and the commit, in order
    /// with the other writes to its table.
    func insert(_ statement: SQLInsert, _ values: [SQLValue]) throws
    /// Calls `body` with each row, in the order the statement gives them. `large` says the rows
    /// may not fit in memory at once (a digest reads whole tables): they are read in pages.
    func forEachRow(_ sql: String, _ arguments: [SQLValue], table: String, large: Bool, _ body: (SQLRow) throws -> Void) throws
    /// The names of the tables that exist now, as the database says (not a cache).
    func tableNames() throws -> Set<String>
    /// The names of the indexes that exist now.
    func indexNames() throws -> [String]
}

extension ProjectionConnection {
    func forEachRow(_ sql: String, _ arguments: [SQLValue], table: String, _ body: (SQLRow) throws -> Void) throws {
        try forEachRow(sql, arguments, table: table, large: false, body)
    }

    func execute(_ sql: String, _ arguments: [any SQLValueConvertible] = []) throws {
        try execute(sql, arguments.map { $0.sqlValue })
    }

    func insert(_ statement: SQLInsert, _ values: [any SQLValueConvertible]) throws {
        try insert(statement, values.map { $0.sqlValue })
    }

    func rows(_ sql: String, _ arguments: [any SQLValueConvertible] = [], table: String) throws -> [SQLRow] {
        var rows: [SQLRow] = []
        try forEachRow(sql, arguments.map { $0.sqlValue }, table: table) { rows.append($0) }
        return rows
    }

    /// The first column of every row, as text.
    func strings(_ sql: String, _ arguments: [any SQLValueConvertible] = [], table: String) throws -> [String] {
        var values: [String] = []
        try forEachRow(sql, arguments.map { $0.sqlValue }, table: table) { values.append(try $0.text(0)) }
        return values
    }

    /// The first column of every row, as integers.
    func integers(_ sql: String, _ arguments: [any SQLValueConvertible] = [], table: String) throws -> [Int64] {
        var values: [Int64] = []
        try forEachRow(sql, arguments.map { $0.sqlValue }, table: table) { values.append(try $0.int(0)) }
        return values
    }

    /// The first column of the first row, if there is one and it is not NULL.
    func first(_ sql: String, _ arguments: [any SQLValueConvertible] = [], table: String) throws -> SQLValue? {
        var value: SQLValue?
        try forEachRow(sql, arguments.map { $0.sqlValue }, table: table) { row in
            if value == nil { value = row.values[0] }
        }
        return value == .null ? nil : value
    }

    func firstText(_ sql: String, _ arguments: [any SQLValueConvertible] = [], table: String) throws -> String? {
        try first(sql, arguments, table: table).map { try SQLRow(values: [$0], table: table).text(0) }
    }

    func firstInteger(_ sql: String, _ arguments: [any SQLValueConvertible] = [], table: String) throws -> Int64? {
        try first(sql, arguments, table: table).map { try SQLRow(values: [$0], table: table).int(0) }
    }
}

/// An `INSERT` of one row into one table, and what it does when a row with its key is there:
/// the store's writes of rows. A backend runs each as it comes (SQLite) or gathers those of one
/// statement into statements of many rows (PostgreSQL, where each statement is a turn on the
/// server), as long as they keep their order with the other writes to their table.
struct SQLInsert: Hashable, Sendable {
    enum Conflict: Hashable, Sendable {
        /// No `ON CONFLICT`: a second row with the key is an error.
        case fail
        /// `ON CONFLICT DO NOTHING`: the row already there stays.
        case ignore
        /// `ON CONFLICT (key) DO UPDATE` every other column: the row as given, whether or not one
        /// with its key was there (what SQLite's `INSERT OR REPLACE` did, in SQL both accept).
        case replace(key: [String])
    }

    let table: String
    let columns: [String]
    let conflict: Conflict
    /// The statement for one row, with `?` for its values.
    let sql: String

    init(_ table: String, _ columns: [String], _ conflict: Conflict) {
        self.table = table
        self.columns = columns
        self.conflict = conflict
        self.sql = Self.made.sql(Shape(table: table, columns: columns, conflict: conflict)) {
            Self.statement(table, columns, conflict, rows: 1)
        }
    }

    private struct Shape: Hashable {
        let table: String
        let columns: [String]
        let conflict: Conflict
    }

    /// The one-row statements written so far: the store makes the same few inserts for every row
    /// it keeps, and writing out their text each time was a third of keeping an entitlement.
    private static let made = Made()

    private final class Made: @unchecked Sendable {
        private let lock = NSLock()
        private var statements: [Shape: String] = [:]
        /// Each rebuild's tables have names of their own: a service that rebuilds for years
        /// starts again from none rather than keep every name it used.
        private let capacity = 4_096

        func sql(_ shape: Shape, write: () -> String) -> String {
            if let sql = lock.withLock({ statements[shape] }) { return sql }
            let sql = write()
            lock.withLock {
                if statements.count >= capacity { statements.removeAll() }
                statements[shape] = sql
            }
            return sql
        }
    }

    /// The statement for `rows` rows, `?` for each value, row after row.
    func sql(rows: Int) -> String { rows == 1 ? sql : Self.statement(table, columns, conflict, rows: rows) }

    /// Where the key's columns are among the values of a row: rows with equal values there
    /// replace one another (`replace` only).
    var keyIndexes: [Int]? {
        guard case .replace(let key) = conflict else { return nil }
        return key.map { column in columns.firstIndex(of: column)! }
    }

    private static func statement(_ table: String, _ columns: [String], _ conflict: Conflict, rows: Int) -> String {
        let row = "(" + columns.map { _ in "?" }.joined(separator: ", ") + ")"
        let head = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES " + Array(repeating: row, count: rows).joined(separator: ", ")
        switch conflict {
        case .fail:
            return head
        case .ignore:
            return head + " ON CONFLICT DO NOTHING"
        case .replace(let key):
            precondition(key.allSatisfy(columns.contains), "a key's columns are among the row's")
            let others = columns.filter { !key.contains($0) }
            let action = others.isEmpty ? "NOTHING" : "UPDATE SET " + others.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
            return head + " ON CONFLICT (\(key.joined(separator: ", "))) DO \(action)"
        }
    }
}
