import GRDB
import GrantLedgerLog
import Testing

/// Issue #15, item 9: SQLite's errors a person can act on, in the log's words.
@Suite struct StorageErrorWordingTests {
    @Test func aFullDiskSaysNothingWasWritten() {
        let full = LogError.translating(DatabaseError(resultCode: .SQLITE_FULL, message: "database or disk is full"))
        #expect(String(describing: full).contains("wrote nothing"))
        let corrupt = LogError.translating(DatabaseError(resultCode: .SQLITE_CORRUPT))
        #expect(String(describing: corrupt).contains("Restore the ledger from your last backup"))
        let other = LogError.translating(DatabaseError(resultCode: .SQLITE_BUSY))
        #expect(other is DatabaseError)
    }
}
