import Foundation
import GRDB
import GrantLedgerEvents
import GrantLedgerLog
import Testing

/// The ledger as files: `EventLog.create` and `open`, the key file, and the SQLite settings
/// that make an acknowledged append durable.
@Suite("Ledger files and keys")
struct LedgerFileTests {
    @Test("create makes the database and a 0600 key file; open reads it back")
    func createAndOpen() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("grants.sqlite")
        let created = try await EventLog.create(at: path, clauses: .shapeOnly, clock: FixedClock())
        #expect(FileManager.default.fileExists(atPath: path))
        let keyPath = EventLog.defaultKeyFile(forDatabase: path)
        #expect(keyPath == path + ".key")
        let attributes = try FileManager.default.attributesOfItem(atPath: keyPath)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let keyText = String(decoding: try #require(FileManager.default.contents(atPath: keyPath)), as: UTF8.self)
        #expect(keyText.count == 65 && keyText.hasSuffix("\n"))
        try await created.appendAccepted([Sample.personRegistered(1, person: People.zhang)])
        let events = try await created.allEvents()
        try #require(events.count == 1)

        let reopened = try await EventLog.open(at: path, clauses: .shapeOnly)
        #expect(try await reopened.allEvents() == events)
        #expect(reopened.pseudonymizer != nil)
        #expect(try reopened.partyKey(for: People.zhang) == events[0].dataObject?["person"]?.stringValue)
        // create again leaves the ledger and the key as they are.
        _ = try await EventLog.create(at: path, clauses: .shapeOnly)
        #expect(String(decoding: try #require(FileManager.default.contents(atPath: keyPath)), as: UTF8.self) == keyText)
        #expect(try await EventLog.open(at: path, clauses: .shapeOnly).allEvents() == events)
    }

    @Test("the file is in WAL mode with synchronous = FULL")
    func durableSettings() throws {
        let directory = try TemporaryDirectory()
        let storage = try SQLiteEventStorage(path: directory.path("l.sqlite"), create: true)
        let mode = try storage.database.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
        // The setting that matters is the writer's: it is the connection that commits, and the
        // one on which GRDB's DatabasePool resets synchronous to NORMAL when it enables WAL.
        #expect(try storage.synchronousSetting() == 2, "2 is FULL")
    }

    @Test("the WAL is checkpointed on a connection of its own, not in the commits: it stays bounded over 24 MB of commits")
    func backgroundCheckpoints() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("l.sqlite")
        let storage = try SQLiteEventStorage(path: path, create: true)
        let checkpointer = try #require(storage.checkpointer)
        try storage.database.write { db in try db.execute(sql: "CREATE TABLE filler (bytes BLOB NOT NULL)") }
        var largest = 0
        for _ in 0..<24 {
            // About 1 MiB a commit: 256 pages of 4 KiB; the checkpoint starts from 1,000.
            try storage.database.write { db in try db.execute(sql: "INSERT INTO filler (bytes) VALUES (randomblob(1048576))") }
            checkpointer.waitUntilIdle()
            let size = try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int ?? 0
            largest = max(largest, size)
        }
        let status = checkpointer.status
        #expect(status.checkpoints >= 4, "24 MiB over a 1,000-page threshold")
        #expect(status.lastError == nil)
        #expect(largest < 8 << 20, "the WAL grew to \(largest) bytes")
        #expect(try storage.synchronousSetting() == 2)
    }

    @Test("closing a ledger while its WAL is being checkpointed closes the checkpoint's connection too: the WAL is gone, and a read-only open works at once")
    func checkpointEndsWithTheClose() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("l.sqlite")
        for round in 0..<5 {
            do {
                let storage = try SQLiteEventStorage(path: path, create: true)
                try storage.database.write { db in try db.execute(sql: "CREATE TABLE IF NOT EXISTS filler (bytes BLOB NOT NULL)") }
                // Over 1,000 pages in one commit: a checkpoint starts as the storage goes.
                try storage.database.write { db in try db.execute(sql: "INSERT INTO filler (bytes) VALUES (randomblob(6 << 20))") }
            }
            // Every connection closed with the storage, the last one removing the WAL.
            #expect(!FileManager.default.fileExists(atPath: path + "-wal"), "round \(round)")
            var configuration = Configuration()
            configuration.readonly = true
            let reader = try DatabaseQueue(path: path, configuration: configuration)
            #expect(try reader.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM filler") } == round + 1)
        }
    }

    @Test("opening a missing ledger is a typed error naming the path and no front end's flag")
    func missingLedger() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("none.sqlite")
        let error = await #expect(throws: LogError.self) { try await EventLog.open(at: path, clauses: .shapeOnly) }
        guard case .noLedger? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(error?.description == "there is no ledger at \(path).")
        #expect(!FileManager.default.fileExists(atPath: path), "open must not create a ledger")
    }

    @Test("a file that is not a ledger is refused")
    func notALedger() async throws {
        let directory = try TemporaryDirectory()
        let text = directory.path("notes.txt")
        try Data(String(repeating: "not a database\n", count: 200).utf8).write(to: URL(fileURLWithPath: text))
        let error = await #expect(throws: LogError.self) { try await EventLog.open(at: text, clauses: .shapeOnly) }
        guard case .notALedger? = error else { Issue.record("got \(String(describing: error))"); return }

        let other = directory.path("other.sqlite")
        try await DatabaseQueue(path: other).write { db in try db.execute(sql: "CREATE TABLE t (x)") }
        let noTables = await #expect(throws: LogError.self) { try await EventLog.open(at: other, clauses: .shapeOnly) }
        #expect(noTables?.description.contains("it has no event-log tables") == true)
    }

    @Test("another key file is refused as the wrong key, naming it")
    func wrongKeyFile() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("grants.sqlite")
        _ = try await EventLog.create(at: path, clauses: .shapeOnly)
        let otherKey = directory.path("other.key")
        try Data((String(repeating: "ab", count: 32) + "\n").utf8).write(to: URL(fileURLWithPath: otherKey))
        let error = await #expect(throws: LogError.self) { try await EventLog.open(at: path, keyFile: otherKey, clauses: .shapeOnly) }
        guard case .wrongKey(let named)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(named == otherKey)
        #expect(error?.description.contains("not the key this ledger was created with") == true)
    }

    @Test("create with another key names that key file")
    func createWithWrongKey() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("grants.sqlite")
        _ = try await EventLog.create(at: path, clauses: .shapeOnly)
        let otherKey = directory.path("other.key")
        try Data((String(repeating: "cd", count: 32) + "\n").utf8).write(to: URL(fileURLWithPath: otherKey))
        let error = await #expect(throws: LogError.self) { try await EventLog.create(at: path, keyFile: otherKey, clauses: .shapeOnly) }
        guard case .wrongKey(let named)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(named == otherKey)
    }

    @Test("create on a ledger whose key is lost makes no new key, and the ledger stays readable")
    func createAfterKeyLost() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("grants.sqlite")
        try await EventLog.create(at: path, clauses: .shapeOnly).appendAccepted([Sample.personRegistered(1, person: People.zhang)])
        try FileManager.default.removeItem(atPath: path + ".key")

        let error = await #expect(throws: LogError.self) { try await EventLog.create(at: path, clauses: .shapeOnly) }
        guard case .missingKey? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(!FileManager.default.fileExists(atPath: path + ".key"), "no stray key was written")
        #expect(try await EventLog.open(at: path, clauses: .shapeOnly).allEvents().count == 1)
    }

    @Test("a named key file that does not exist is an error; a missing default key only disables pseudonymising")
    func missingKeyFile() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("grants.sqlite")
        try await EventLog.create(at: path, clauses: .shapeOnly).appendAccepted([Sample.reversal(1)])
        let error = await #expect(throws: LogError.self) { try await EventLog.open(at: path, keyFile: directory.path("gone.key"), clauses: .shapeOnly) }
        guard case .missingKey? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(error?.description.contains("Reading and verifying do not need it") == true)

        try FileManager.default.removeItem(atPath: path + ".key")
        let keyless = try await EventLog.open(at: path, clauses: .shapeOnly)
        #expect(keyless.pseudonymizer == nil)
        #expect(try await keyless.allEvents().count == 1)
        #expect(try await keyless.verify().isIntact)
        let report = try await keyless.append(lines: [Sample.personRegistered(2, person: People.li)])
        #expect(report.issues.first?.message.contains("pseudonym key is not available") == true)
    }

    @Test("malformed and short keys are refused", arguments: ["xyz", String(repeating: "ab", count: 31), ""])
    func badKeyFile(contents: String) throws {
        let directory = try TemporaryDirectory()
        let keyPath = directory.path("bad.key")
        try Data(contents.utf8).write(to: URL(fileURLWithPath: keyPath))
        let error = #expect(throws: LogError.self) { try Pseudonymizer.load(keyFile: keyPath, createIfMissing: false) }
        guard case .badKey? = error else { Issue.record("got \(String(describing: error))"); return }
    }

    @Test("pseudonyms are P and 24 hex digits, stable per key, different across keys")
    func pseudonyms() throws {
        #expect(throws: LogError.self) { try Pseudonymizer(key: Array(repeating: 1, count: 31)) }
        let id = try ResidentID(validating: People.zhang)
        let a = TestKeys.primary.pseudonym(for: id)
        #expect(Pseudonym.isPseudonym(a))
        #expect(a == TestKeys.primary.pseudonym(for: try ResidentID(validating: People.zhang.lowercased())))
        #expect(a != TestKeys.other.pseudonym(for: id))
        #expect(a != TestKeys.primary.pseudonym(for: try ResidentID(validating: People.li)))
        #expect(TestKeys.primary.fingerprint != TestKeys.other.fingerprint)
        #expect(!TestKeys.primary.fingerprint.isEmpty)
    }
}
