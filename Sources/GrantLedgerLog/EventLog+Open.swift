import Foundation
import GrantLedgerEvents

extension EventLog {
    /// The key file used when none is named: beside the database, `<db>.key`.
    public static func defaultKeyFile(forDatabase path: String) -> String { path + ".key" }

    /// Creates a ledger (database and pseudonym key) at `path`, or opens it if it exists.
    public static func create(
        at path: String, keyFile: String? = nil, clauses: ClauseCheck, clock: any RecordingClock = SystemClock()
    ) async throws -> EventLog {
        try await create(storage: try SQLiteEventStorage(path: path, create: true), keyFile: keyFile ?? defaultKeyFile(forDatabase: path),
                         clauses: clauses, clock: clock)
    }

    /// Makes `storage`, a new or existing ledger, a log with the pseudonym key in `keyPath`,
    /// made there if it is missing and the ledger has none yet.
    public static func create(
        storage: any EventStorage, keyFile keyPath: String, clauses: ClauseCheck, clock: any RecordingClock = SystemClock()
    ) async throws -> EventLog {
        // A ledger that already has a key gets no new one: it would match no one recorded, and
        // left behind it would stop the ledger being opened at all.
        if !FileManager.default.fileExists(atPath: keyPath),
            try await storage.read({ try await $0.metadata("key-fingerprint") }) != nil
        {
            throw LogError.missingKey(path: keyPath)
        }
        let pseudonymizer = try Pseudonymizer.load(keyFile: keyPath, createIfMissing: true)
        do {
            return try await EventLog(storage: storage, pseudonymizer: pseudonymizer, clauses: clauses, clock: clock)
        } catch LogError.wrongKey {
            throw LogError.wrongKey(path: keyPath)
        }
    }

    /// Opens an existing ledger. The key file is loaded if it exists; without it the log can
    /// be read and verified but not given resident IDs.
    public static func open(
        at path: String, keyFile: String? = nil, clauses: ClauseCheck, clock: any RecordingClock = SystemClock()
    ) async throws -> EventLog {
        try await open(storage: try SQLiteEventStorage(path: path, create: false), keyFile: keyFile ?? defaultKeyFile(forDatabase: path),
                       required: keyFile != nil, clauses: clauses, clock: clock)
    }

    /// Opens the log over `storage` with the key in `keyFile`, loaded when the file is there (a
    /// `required` one, named by the caller, must be); a key that is not the ledger's is refused,
    /// naming its file. Without a key the log can be read and verified.
    public static func open(
        storage: any EventStorage, keyFile: String?, required: Bool, clauses: ClauseCheck, clock: any RecordingClock = SystemClock()
    ) async throws -> EventLog {
        var pseudonymizer: Pseudonymizer?
        if let keyFile, required || FileManager.default.fileExists(atPath: keyFile) {
            pseudonymizer = try Pseudonymizer.load(keyFile: keyFile, createIfMissing: false)
        }
        do {
            return try await EventLog(storage: storage, pseudonymizer: pseudonymizer, clauses: clauses, clock: clock)
        } catch LogError.wrongKey {
            throw LogError.wrongKey(path: keyFile ?? "the key given")
        }
    }
}
