import GRDB
import GRDBSQLite

/// Binds and steps a cached GRDB statement through the SQLite C API.
///
/// Used only for the statements run once per event or person while appending (insert, party
/// index, personal data), and for the projections' inserts. Building `StatementArguments` boxes
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


    private func error(_ code: Int32) -> DatabaseError {
        let message = sqlite3_db_handle(handle).flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
        let sql = sqlite3_sql(handle).map { String(cString: $0) }
        return DatabaseError(resultCode: ResultCode(rawValue: sqlite3_extended_errcode(sqlite3_db_handle(handle))),
            message: message ?? "error \(code)", sql: sql)
    }
}
