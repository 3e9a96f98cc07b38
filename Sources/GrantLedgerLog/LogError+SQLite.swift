import GRDB

extension LogError {
    /// An error from below, in the log's words where it has them: a damaged file, a full disk.
    /// a stored value not of its kind. Other errors pass through as they are.
    public static func translating(_ error: any Error) -> any Error {
        if error is RowDecodingError { return LogError.unreadableValue }
        guard let database = error as? DatabaseError else { return error }
        switch database.resultCode {
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: return LogError.damaged
        case .SQLITE_FULL: return LogError.diskFull
        case .SQLITE_IOERR: return LogError.inputOutput
        case .SQLITE_READONLY: return LogError.readOnly
        default: return error
        }
    }
}
