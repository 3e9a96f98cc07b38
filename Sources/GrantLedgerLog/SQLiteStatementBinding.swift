import GRDB
import GRDBSQLite

/// Binds and steps a cached GRDB statement through the SQLite C API.
///
/// Used only for the statements run once per event or person while appending (insert, party
/// index, personal data), and for the projections' inserts and reads. Building `StatementArguments` boxes
/// every value and validates the arguments on each call; binding directly roughly halves the
/// cost of an insert. The plain SQLite ceiling in `Tools/LogBenchmark` binds the same way, so
/// the comparison stays fair.
package struct SQLiteStatementBinding {
    let handle: OpaquePointer

    package init(_ statement: Statement) {
        handle = statement.sqliteStatement
        sqlite3_reset(handle)
    }

    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    /// How many values the statement takes.
    package var parameterCount: Int { Int(sqlite3_bind_parameter_count(handle)) }

    package func bindNull(at index: Int32) {
        sqlite3_bind_null(handle, index)
    }

    package func bind(_ value: Double, at index: Int32) {
        sqlite3_bind_double(handle, index, value)
    }

    package func bind(_ value: Int64, at index: Int32) {
        sqlite3_bind_int64(handle, index, value)
    }

    package func bind(_ value: String?, at index: Int32) {
        guard var value else {
            sqlite3_bind_null(handle, index)
            return
        }
        value.withUTF8 { utf8 in
            _ = sqlite3_bind_text(handle, index, utf8.baseAddress, Int32(utf8.count), Self.transient)
        }
    }

    package func bindText(_ bytes: [UInt8], at index: Int32) {
        bytes.withUnsafeBufferPointer { buffer in
            _ = buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                sqlite3_bind_text(handle, index, $0, Int32(buffer.count), Self.transient)
            }
        }
    }

    package func bindBlob(_ bytes: [UInt8], at index: Int32) {
        bytes.withUnsafeBytes { _ = sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), Self.transient) }
    }

    /// Runs a statement that returns no rows.
    package func execute() throws {
        let code = sqlite3_step(handle)
        defer { sqlite3_reset(handle) }
        guard code == SQLITE_DONE else { throw error(code) }
    }

    /// Runs a statement that returns rows, giving each to `body` while it is the statement's
    /// current row; the statement is reset after the last, or when `body` throws.
    package func forEachRow(_ body: (SQLiteStatementRow) throws -> Void) throws {
        defer { sqlite3_reset(handle) }
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else { throw error(code) }
            try body(SQLiteStatementRow(handle: handle))
        }
    }

    private func error(_ code: Int32) -> DatabaseError {
        let message = sqlite3_db_handle(handle).flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
        let sql = sqlite3_sql(handle).map { String(cString: $0) }
        return DatabaseError(resultCode: ResultCode(rawValue: sqlite3_extended_errcode(sqlite3_db_handle(handle))),
            message: message ?? "error \(code)", sql: sql)
    }
}

/// The current row of a statement being stepped (``SQLiteStatementBinding/forEachRow(_:)``),
/// its columns read through the C API as GRDB's `DatabaseValue` reads them, without making one.
package struct SQLiteStatementRow {
    let handle: OpaquePointer

    /// A column value's storage class.
    package enum StorageClass { case null, integer, real, text, blob }

    package func storageClass(at index: Int32) -> StorageClass {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_INTEGER: .integer
        case SQLITE_FLOAT: .real
        case SQLITE_TEXT: .text
        case SQLITE_BLOB: .blob
        default: .null
        }
    }

    package func int64(at index: Int32) -> Int64 { sqlite3_column_int64(handle, index) }

    package func double(at index: Int32) -> Double { sqlite3_column_double(handle, index) }

    package func text(at index: Int32) -> String {
        guard let bytes = sqlite3_column_text(handle, index) else { return "" }
        return String(decoding: UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(handle, index))), as: UTF8.self)
    }

    package func blob(at index: Int32) -> [UInt8] {
        guard let bytes = sqlite3_column_blob(handle, index) else { return [] }
        return Array(UnsafeRawBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(handle, index))))
    }
}
