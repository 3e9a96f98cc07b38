import GrantLedgerEvents

/// Errors of the event log, in words that say what was wrong and what to do about it in the
/// ledger's terms. A front end adds how to do it with its own means (the command line, its
/// flags; see `LedgerErrorWording` in `Sources/grants`).
public enum LogError: Error, Sendable, CustomStringConvertible {
    case missingKey(path: String)
    case badKey(reason: String)
    case wrongKey(path: String)
    case notALedger(path: String, reason: String)
    case noLedger(path: String)
    case storage(String)
    case corruptEvent(position: Int64, reason: String)
    /// A row of one of the log's tables holds a value that is not of its kind (a NULL, a
    /// number for text…): the file was changed by something other than this program.
    case corruptTable(table: String, reason: String)
    /// A stored value is not of its column's kind, in a table whose reader has no better name
    /// for it (the projections' tables, most often).
    case unreadableValue
    case personNotFound(String)
    case unreadableInput(path: String, reason: String)
    case busy(seconds: Int)
    case unsealablePersonalData(pseudonym: String)
    /// The database file is corrupt or truncated.
    case damaged
    /// The disk holding the ledger is full.
    case diskFull
    /// The ledger can only be read here, and the command writes.
    case readOnly
    /// Reading or writing the file failed below SQLite: the disk, or the file's own structure.
    case inputOutput

    public var description: String {
        switch self {
        case .missingKey(let path):
            "the pseudonym key file \(path) does not exist. Resident IDs cannot be pseudonymised without it: restore it from your backup, or give the path of the ledger's key. Reading and verifying do not need it."
        case .badKey(let reason):
            reason
        case .wrongKey(let path):
            "the key in \(path) is not the key this ledger was created with, so its pseudonyms would match no one already recorded. Use the ledger's own key file."
        case .notALedger(let path, let reason):
            "\(path) is not a GrantLedger database (\(reason))."
        case .noLedger(let path):
            "there is no ledger at \(path)."
        case .storage(let message):
            "the database failed: \(message)"
        case .corruptEvent(let position, let reason):
            "the event at position \(position) cannot be read: \(reason). Run `grants verify` to check the log."
        case .corruptTable(let table, let reason):
            "the ledger's \(table) table cannot be read: \(reason). The file was changed outside GrantLedger: restore it from your last backup, then run `grants verify`."
        case .unreadableValue:
            "the ledger file holds a value that is not of its kind (an empty value, or text where a number belongs): it was changed outside GrantLedger, and this command wrote nothing. If `grants verify` passes, the change is in the projections: `grants rebuild` makes them again from the log. If it fails, restore the ledger from your last backup."
        case .personNotFound(let who):
            "no personal data is held for \(who)"
        case .unreadableInput(let path, let reason):
            "cannot read \(path): \(reason)"
        case .damaged:
            "the ledger file is damaged: SQLite found a corrupt or truncated database, and this command wrote nothing. Restore the ledger from your last backup, then run `grants verify` on it."
        case .diskFull:
            "the disk holding the ledger is full: this command wrote nothing (its transaction was rolled back). Free some space and run it again."
        case .readOnly:
            "the ledger file, or the directory it is in, is read-only for this user: this command writes (an append, a forget, a rebuild, catching up the projections), and wrote nothing. Reading commands (events, verify, entitlements, timeline…) work on it as it is; to write, copy it somewhere writable or change its permissions."
        case .inputOutput:
            "the ledger file could not be read or written (an I/O error): the disk failed, or the file is damaged. This command wrote nothing. Check the disk; if it is sound, restore the ledger from your last backup and run `grants verify`."
        case .unsealablePersonalData(let pseudonym):
            "the personal data held for \(pseudonym) does not open with this ledger's key: it was changed, or sealed under another key. Restore the ledger from a backup, and run `grants verify`."
        case .busy(let seconds):
            "another append has held the ledger for more than \(seconds) seconds, so this one gave up and wrote nothing; send it again when that one has finished"
        }
    }
}
