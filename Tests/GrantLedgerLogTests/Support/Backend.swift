import Foundation
import GRDB
import GrantLedgerEvents
import GrantLedgerLog

/// What the contract suite needs of a backend: a fresh, empty store, and the means to tamper
/// with it as an attacker with write access to its database could. The suite knows a backend
/// only through this factory; every contract test runs against each one in ``Backend``.
protocol StorageFactory: Sendable {
    /// A fresh, empty store. `directory` is the test's own, removed when the ledger is released.
    func makeStore(in directory: TemporaryDirectory) async throws -> (storage: any EventStorage, tampering: any LedgerTampering)
}

/// Every backend the contract suite runs against, each by its factory. A new backend adds a
/// case and a factory; every contract test then runs against it too.
enum Backend: String, CaseIterable, Sendable, CustomStringConvertible {
    case inMemoryQueue = "in-memory DatabaseQueue"
    case onDiskQueue = "on-disk DatabaseQueue"
    case onDiskPool = "on-disk DatabasePool (WAL)"
    case postgres = "PostgreSQL"

    /// The SQLite backends always; PostgreSQL when a server is given (`TestPostgres`), as
    /// `.ci/run` gives one.
    static var allCases: [Backend] {
        [.inMemoryQueue, .onDiskQueue, .onDiskPool] + (TestPostgres.location != nil ? [.postgres] : [])
    }

    var description: String { rawValue }

    var factory: any StorageFactory {
        switch self {
        case .inMemoryQueue: SQLiteFactory(kind: .inMemory)
        case .onDiskQueue: SQLiteFactory(kind: .onDiskQueue)
        case .onDiskPool: SQLiteFactory(kind: .onDiskPool)
        case .postgres: PostgresFactory()
        }
    }

    /// A fresh, empty ledger store on this backend.
    func makeLedger() async throws -> TestLedger {
        let directory = try TemporaryDirectory()
        let (storage, tampering) = try await factory.makeStore(in: directory)
        return TestLedger(backend: self, storage: storage, tampering: tampering, directory: directory)
    }
}

/// SQLite through GRDB: in memory, on disk through one connection, or in WAL mode through a pool.
struct SQLiteFactory: StorageFactory {
    enum Kind { case inMemory, onDiskQueue, onDiskPool }
    let kind: Kind

    func makeStore(in directory: TemporaryDirectory) async throws -> (storage: any EventStorage, tampering: any LedgerTampering) {
        let storage: SQLiteEventStorage
        switch kind {
        case .inMemory:
            storage = try SQLiteEventStorage.inMemory()
        case .onDiskQueue:
            let queue = try DatabaseQueue(path: directory.path("ledger.sqlite"), configuration: Self.durableConfiguration)
            storage = try SQLiteEventStorage(database: queue, create: true)
        case .onDiskPool:
            storage = try SQLiteEventStorage(path: directory.path("ledger.sqlite"), create: true)
        }
        return (storage, SQLiteTampering(database: storage.database))
    }

    /// What the production pool sets, for the hand-made on-disk queue.
    static var durableConfiguration: Configuration {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA secure_delete = ON")
        }
        return configuration
    }
}

/// One ledger store under test, and the temporary directory that holds it (removed when the
/// ledger is released).
final class TestLedger: Sendable {
    let backend: Backend
    let storage: any EventStorage
    let tampering: any LedgerTampering
    let directory: TemporaryDirectory

    init(backend: Backend, storage: any EventStorage, tampering: any LedgerTampering, directory: TemporaryDirectory) {
        self.backend = backend
        self.storage = storage
        self.tampering = tampering
        self.directory = directory
    }

    /// An event log over this store. Several logs may share one store (a second key, no key).
    /// The log keeps the store's directory alive for as long as it lives.
    func log(
        key: Pseudonymizer? = TestKeys.primary, catalog: EventCatalog = .standard, clauses: ClauseCheck = .shapeOnly,
        clock: any RecordingClock = FixedClock()
    ) async throws -> EventLog {
        try await EventLog(storage: KeepingAlive(storage: storage, owner: self), catalog: catalog, pseudonymizer: key,
                           clauses: clauses, clock: clock)
    }
}

/// A storage that forwards to another and holds on to the ledger (and so its temporary
/// directory) it belongs to. It also shows that the log needs nothing of a backend but the
/// ``EventStorage`` protocol.
struct KeepingAlive: EventStorage {
    let storage: any EventStorage
    let owner: TestLedger

    func write<T: Sendable>(_ body: (any EventStorageWriter) async throws -> T) async throws -> T { try await storage.write(body) }
    func read<T: Sendable>(_ body: (any EventStorageReader) async throws -> T) async throws -> T { try await storage.read(body) }
}

/// What an attacker with write access to the database could do, and what an auditor reading
/// the raw tables sees. The contract tests use it to check that the log notices tampering and
/// never stores personal data outside the erasable table.
protocol LedgerTampering: Sendable {
    /// Every value stored in every table except `except`, as text (blobs as UTF-8 and hex).
    func storedText(exceptTables except: Set<String>) async throws -> [String]
    /// Every value stored in the named table, as text.
    func storedText(inTable table: String) async throws -> [String]
    /// Runs a statement as is (e.g. an UPDATE the triggers should refuse).
    func execute(_ sql: String) async throws
    /// Removes the triggers that keep `events` append-only.
    func dropAppendOnlyTriggers() async throws
    /// The stored data text of the event at `position`.
    func data(at position: Int64) async throws -> String
    /// Overwrites the stored data text of the event at `position`.
    func setData(_ data: String, at position: Int64) async throws
    func deleteEvent(at position: Int64) async throws
}

struct SQLiteTampering: LedgerTampering {
    let database: any DatabaseWriter

    func storedText(exceptTables except: Set<String>) throws -> [String] {
        let tables = try database.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        return try tables.filter { !except.contains($0) }.flatMap { try storedText(inTable: $0) }
    }

    func storedText(inTable table: String) throws -> [String] {
        try database.read { db in
            var values: [String] = []
            let rows = try Row.fetchCursor(db, sql: "SELECT * FROM \(table.quotedDatabaseIdentifier)")
            while let row = try rows.next() {
                for (_, value) in row {
                    switch value.storage {
                    case .null: continue
                    case .int64(let i): values.append(String(i))
                    case .double(let d): values.append(String(d))
                    case .string(let s): values.append(s)
                    case .blob(let data):
                        values.append(String(decoding: data, as: UTF8.self))
                        values.append(data.map { String(format: "%02x", $0) }.joined())
                    }
                }
            }
            return values
        }
    }

    func execute(_ sql: String) throws {
        try database.write { db in try db.execute(sql: sql) }
    }

    func dropAppendOnlyTriggers() throws {
        try execute("DROP TRIGGER events_refuse_update; DROP TRIGGER events_refuse_delete")
    }

    func data(at position: Int64) throws -> String {
        let data = try database.read { db in
            try String.fetchOne(db, sql: "SELECT data FROM events WHERE position = ?", arguments: [position])
        }
        guard let data else { throw TestFailure("no event at position \(position)") }
        return data
    }

    func setData(_ data: String, at position: Int64) throws {
        try database.write { db in
            try db.execute(sql: "UPDATE events SET data = ? WHERE position = ?", arguments: [data, position])
            guard db.changesCount == 1 else { throw TestFailure("no event at position \(position) to alter") }
        }
    }

    func deleteEvent(at position: Int64) throws {
        try database.write { db in
            try db.execute(sql: "DELETE FROM events WHERE position = ?", arguments: [position])
            guard db.changesCount == 1 else { throw TestFailure("no event at position \(position) to delete") }
        }
    }
}

/// A directory under the system's temporary directory, removed on release.
final class TemporaryDirectory: Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("grantledger-log-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
