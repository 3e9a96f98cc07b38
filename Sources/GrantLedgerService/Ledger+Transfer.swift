import Foundation
import GrantLedgerLog
import GrantLedgerPostgres

/// Where a ledger's log is: an SQLite file, or a schema on a PostgreSQL server.
public enum LedgerLocation: Sendable, CustomStringConvertible {
    case file(String)
    case postgres(PostgresLocation)

    /// A `postgres://` (or `postgresql://`) URL, or else a file path.
    public init(_ text: String) throws(LogError) {
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            self = .postgres(try PostgresLocation(url: text))
        } else {
            self = .file(text)
        }
    }

    public var description: String {
        switch self {
        case .file(let path): path
        case .postgres(let location): location.description
        }
    }
}

extension Ledger {
    /// Writes the ledger at `location` to `path` as one canonical export (``LedgerTransfer``),
    /// from one snapshot, while appends go on. The file is written beside `path` and renamed
    /// into place once complete; an existing file is never overwritten. `-` writes to standard
    /// output. The pseudonym key is not in it.
    ///
    /// With `keyFile` (and it exists), the ledger is opened with its key first: a ledger from
    /// before personal data was sealed is sealed then, as at any open with the key, and its
    /// people go into the export sealed. Without it, such a ledger is refused
    /// (``LedgerTransferError/personalDataInTheClear``) rather than exported without them.
    public static func export(from location: LedgerLocation, to path: String, keyFile: String? = nil) async throws -> LedgerTransfer.Counts {
        let storage = try await openStorage(location, create: false)
        defer { (storage as? PostgresEventStorage)?.close() }
        if keyFile != nil, !storage.isReadOnly {
            _ = try await EventLog.open(storage: storage, keyFile: keyFile, required: false, clauses: .shapeOnly)
        }
        if path == "-" {
            let output = FileHandle.standardOutput
            return try await LedgerTransfer.export(from: storage) { line in output.write(Data((line + "\n").utf8)) }
        }
        guard !FileManager.default.fileExists(atPath: path) else {
            throw LogError.unreadableInput(path: path, reason: "it exists already; an export never overwrites a file")
        }
        let partial = path + ".partial"
        guard FileManager.default.createFile(atPath: partial, contents: nil, attributes: [.posixPermissions: 0o600]),
              let handle = FileHandle(forWritingAtPath: partial)
        else { throw LogError.unreadableInput(path: path, reason: "its directory cannot be written") }
        var buffer: [UInt8] = []
        do {
            let counts = try await LedgerTransfer.export(from: storage) { line in
                buffer.append(contentsOf: line.utf8)
                buffer.append(0x0A)
                if buffer.count >= 1 << 20 {
                    try handle.write(contentsOf: buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            try handle.write(contentsOf: buffer)
            try handle.synchronize()
            try handle.close()
            try FileManager.default.moveItem(atPath: partial, toPath: path)
            return counts
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
    }

    /// Loads an export into a new ledger at `location`: a file that does not exist yet, or a
    /// schema that holds no ledger. All of it, or nothing: a file made for it is removed again
    /// when the load fails.
    public static func load(_ path: String, into location: LedgerLocation) async throws -> LedgerTransfer.Counts {
        let lines = try JSONLinesReader(path: path)
        var made: String?
        if case .file(let target) = location {
            guard !FileManager.default.fileExists(atPath: target) else {
                throw LedgerTransferError.notEmpty
            }
            made = target
        }
        do {
            let storage = try await openStorage(location, create: true)
            defer { (storage as? PostgresEventStorage)?.close() }
            return try await LedgerTransfer.load(into: storage, lines: lines)
        } catch {
            if let made {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: made + suffix) }
            }
            throw error
        }
    }

    static func openStorage(_ location: LedgerLocation, create: Bool) async throws -> any EventStorage {
        switch location {
        case .file(let path): try SQLiteEventStorage(path: path, create: create)
        case .postgres(let postgres): try await PostgresEventStorage(location: postgres, create: create)
        }
    }
}
