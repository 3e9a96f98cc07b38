import Foundation
import GRDB
import GrantLedgerEvents
import GrantLedgerLog

/// What a backup or a restore did, and the chain it checked.
public struct BackupReport: Sendable {
    /// Where the copy is.
    public let path: String
    /// The copy's last event (nil: the ledger was empty).
    public let head: ChainHead?
    /// Events whose hashes were recomputed in the copy.
    public let eventsChecked: Int64
    /// The copy's size in bytes.
    public let bytes: Int64
}

/// Why a backup or a restore was refused. Nothing was written in the destination's place.
public enum BackupError: Error, Sendable, CustomStringConvertible {
    /// The destination exists; a backup or restore never overwrites a file.
    case destinationExists(String)
    /// The file is not a ledger, or not one that can be read.
    case notALedger(path: String, reason: String)
    /// The file is a ledger whose chain does not verify: what verification found.
    case doesNotVerify(path: String, problem: String)
    /// The copy could not be written.
    case cannotWrite(path: String, reason: String)
    /// The key file at the destination is not the key the backup's ledger was made with.
    case wrongKey(keyFile: String)
    /// The ledger is kept in another storage than an SQLite file.
    case unsupportedStorage

    public var description: String {
        switch self {
        case .destinationExists(let path): "\(path) already exists: a backup or restore never overwrites a file; choose another path, or move that file away first"
        case .notALedger(let path, let reason): "\(path) is not a GrantLedger ledger (\(reason)), so it is not restored"
        case .doesNotVerify(let path, let problem): "\(path) does not verify, so it is not restored: \(problem)"
        case .cannotWrite(let path, let reason): "cannot write \(path): \(reason)"
        case .wrongKey(let keyFile): "the key in \(keyFile) is not the key the backup's ledger was made with, so its pseudonyms would match no one in it: nothing was restored; restore beside the backup's own key file"
        case .unsupportedStorage:
            "backups copy an SQLite ledger file; a ledger on PostgreSQL is backed up with pg_dump or point-in-time recovery, or copied with `grants export` (see the README, PostgreSQL)"
        }
    }
}

extension Ledger {
    /// Copies the ledger, while appends go on, into a new file at `path`, then verifies the
    /// copy's hash chain.
    ///
    /// The copy is SQLite's online backup of one read snapshot: every event committed before
    /// the backup began is in it, and nothing of an append in flight. It is written beside
    /// `path` and renamed into place only once complete and verified, readable by its owner
    /// alone: it holds what the ledger holds, personal data included. The pseudonym key is
    /// not in it: keep the key file apart, and back it up once.
    public func backup(to path: String) async throws -> BackupReport {
        guard let storage = log.storage as? SQLiteEventStorage else { throw BackupError.unsupportedStorage }
        guard !FileManager.default.fileExists(atPath: path) else { throw BackupError.destinationExists(path) }
        let partial = path + ".partial"
        Self.removeDatabaseFiles(at: partial)
        do {
            try Self.copy(from: storage.database, toNewFile: partial)
        } catch {
            Self.removeDatabaseFiles(at: partial)
            throw BackupError.cannotWrite(path: path, reason: "\(error)")
        }
        return try await Self.verifiedPlacement(of: partial, at: path)
    }

    /// Brings a backup back as the ledger at `databasePath`, refusing a file that is not a
    /// ledger or whose chain does not verify. It never overwrites: a ledger already at
    /// `databasePath` is refused unless `replacing`, and then it is moved aside to
    /// `<databasePath>.before-restore-<time>` rather than deleted. Returns the verified copy's
    /// report, and the path the replaced ledger was moved to, if any.
    ///
    /// When a key file exists at `keyFile`, it must be the key the backup's ledger was made
    /// with; the restore is refused otherwise.
    public static func restore(from backup: String, to databasePath: String, keyFile: String? = nil, replacing: Bool = false,
                               now: Timestamp = SystemClock().now()) async throws -> (report: BackupReport, movedAside: String?) {
        _ = try await verify(file: backup)
        let keyPath = keyFile ?? EventLog.defaultKeyFile(forDatabase: databasePath)
        if FileManager.default.fileExists(atPath: keyPath) {
            let key = try Pseudonymizer.load(keyFile: keyPath, createIfMissing: false)
            let recorded = try await DatabaseQueue(path: backup, configuration: readOnly).read { db in
                try String.fetchOne(db, sql: "SELECT value FROM ledger_meta WHERE key = 'key-fingerprint'")
            }
            if let recorded, recorded != key.fingerprint { throw BackupError.wrongKey(keyFile: keyPath) }
        }
        let partial = databasePath + ".restoring"
        removeDatabaseFiles(at: partial)
        do {
            let source = try DatabaseQueue(path: backup, configuration: readOnly)
            try copy(from: source, toNewFile: partial)
        } catch {
            removeDatabaseFiles(at: partial)
            throw BackupError.cannotWrite(path: databasePath, reason: "\(error)")
        }
        var movedAside: String?
        if FileManager.default.fileExists(atPath: databasePath) {
            guard replacing else {
                removeDatabaseFiles(at: partial)
                throw BackupError.destinationExists(databasePath)
            }
            let stamp = now.description.replacingOccurrences(of: ":", with: "")
            let aside = databasePath + ".before-restore-" + stamp
            for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: databasePath + suffix) {
                try FileManager.default.moveItem(atPath: databasePath + suffix, toPath: aside + suffix)
            }
            movedAside = aside
        }
        let report = try await verifiedPlacement(of: partial, at: databasePath)
        return (report, movedAside)
    }

    // MARK: - Helpers

    static var readOnly: Configuration {
        var configuration = Configuration()
        configuration.readonly = true
        return configuration
    }

    /// SQLite's online backup of `source`'s snapshot into a new file, made durable.
    static func copy(from source: any DatabaseReader, toNewFile path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw BackupError.cannotWrite(path: path, reason: "check that its folder exists and is writable")
        }
        let destination = try DatabaseQueue(path: path)
        try source.backup(to: destination)
        // One file, whatever the source's journal: the copy is complete in itself.
        try destination.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA journal_mode = DELETE")
        }
        try destination.close()
    }

    /// Verifies the file at `path`, then renames it to `destination`.
    static func verifiedPlacement(of path: String, at destination: String) async throws -> BackupReport {
        let checked: (head: ChainHead?, events: Int64)
        do {
            checked = try await verify(file: path)
        } catch {
            removeDatabaseFiles(at: path)
            throw error
        }
        guard !FileManager.default.fileExists(atPath: destination) else {
            removeDatabaseFiles(at: path)
            throw BackupError.destinationExists(destination)
        }
        try FileManager.default.moveItem(atPath: path, toPath: destination)
        let bytes = (try? FileManager.default.attributesOfItem(atPath: destination)[.size] as? NSNumber)?.int64Value ?? 0
        return BackupReport(path: destination, head: checked.head, eventsChecked: checked.events, bytes: bytes)
    }

    /// Opens a ledger file read-only and verifies its chain against its recorded head.
    static func verify(file path: String) async throws -> (head: ChainHead?, events: Int64) {
        guard FileManager.default.fileExists(atPath: path) else { throw BackupError.notALedger(path: path, reason: "there is no such file") }
        let log: EventLog
        do {
            let storage = try SQLiteEventStorage(database: try DatabaseQueue(path: path, configuration: readOnly), create: false, migrate: false)
            log = try await EventLog(storage: storage, pseudonymizer: nil, clauses: .shapeOnly)
        } catch let error as LogError {
            throw BackupError.notALedger(path: path, reason: Self.reason(error))
        } catch let error as DatabaseError {
            throw BackupError.notALedger(path: path, reason: error.resultCode == .SQLITE_NOTADB ? "the file is not an SQLite database" : "it cannot be read")
        }
        let report = try await log.verify()
        if let problem = report.problem { throw BackupError.doesNotVerify(path: path, problem: problem.description) }
        return (report.head, report.eventsChecked)
    }

    static func reason(_ error: LogError) -> String {
        switch error {
        case .notALedger(_, let reason): reason
        default: "\(error)"
        }
    }

    static func removeDatabaseFiles(at path: String) {
        for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}
