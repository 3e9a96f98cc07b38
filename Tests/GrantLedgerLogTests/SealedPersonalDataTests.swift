import Foundation
import GRDB
import GrantLedgerEvents
@testable import GrantLedgerLog
import Testing

/// Issue #15, item 1: a copy of the ledger file without its key reveals no resident ID and no
/// name. Resident IDs and names are sealed (`PersonalDataSeal`); the files are owner-only.
@Suite("Personal data sealed")
struct SealedPersonalDataTests {
    static let names = ["张三丰", "李四"]

    /// The bytes of the ledger file and of whatever SQLite keeps beside it.
    static func rawBytes(of path: String) -> [UInt8] {
        ["", "-wal", "-shm", "-journal"].flatMap { suffix in
            FileManager.default.contents(atPath: path + suffix).map { [UInt8]($0) } ?? []
        }
    }

    static func leaks(in bytes: [UInt8]) -> [String] {
        let texts = People.all + People.all.map { $0.lowercased() } + names
        return texts.filter { text in
            let needle = Array(text.utf8)
            return bytes.count >= needle.count && (0...(bytes.count - needle.count)).contains { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }
        }.map { People.all.contains($0.uppercased()) ? ResidentID.mask($0.uppercased()) : $0 }
    }

    /// A log over the ledger file at `path`, as a command would open it.
    static func open(_ path: String, create: Bool = false, key: Pseudonymizer? = TestKeys.primary) async throws -> (SQLiteEventStorage, EventLog) {
        let storage = try SQLiteEventStorage(path: path, create: create)
        return (storage, try await EventLog(storage: storage, pseudonymizer: key, clauses: .shapeOnly, clock: FixedClock()))
    }

    @Test func theFileAndItsWALHoldNoResidentIDAndNoNameWhileOpenAndAfter() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("ledger.sqlite")
        do {
            let (_, log) = try await Self.open(path, create: true)
            try await log.appendAccepted(PersonalDataTests.file)
            // One record erased, another sealed again over its old one: no page is left holding either in the clear.
            try await log.forget(person: People.zhang)
            try await log.appendAccepted([Sample.personRegistered(8, person: People.li, name: "李四")])
            #expect(Self.leaks(in: Self.rawBytes(of: path)).isEmpty, "while open: \(Self.leaks(in: Self.rawBytes(of: path)))")
            #expect(try await log.personalRecord(pseudonym: TestKeys.pseudonym(People.zhang)) == nil)
            #expect(try await log.personalRecord(pseudonym: TestKeys.pseudonym(People.li))?.name == "李四")
            // A new event naming the erased person by resident ID is refused: it would hold the ID again.
            let refused = try await log.append(lines: [Sample.personRegistered(9, person: People.zhang, name: "张三丰")])
            #expect(refused.appended == 0 && refused.issues.first?.message.contains("personal data was erased") == true)
        }
        #expect(Self.rawBytes(of: path).count > 8_192)
        #expect(Self.leaks(in: Self.rawBytes(of: path)).isEmpty, "after closing: \(Self.leaks(in: Self.rawBytes(of: path)))")
    }

    @Test func aLedgerFromBeforeSealingIsSealedAtItsFirstOpenWithTheKey() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("ledger.sqlite")
        do {
            let (_, log) = try await Self.open(path, create: true)
            try await log.appendAccepted(PersonalDataTests.file)
        }
        // Back to the clear table the first format kept, as a ledger written before sealing has it.
        do {
            let queue = try DatabaseQueue(path: path)
            try await queue.write { db in
                try db.execute(sql: "CREATE TABLE personal_data (pseudonym TEXT PRIMARY KEY, resident_id TEXT NOT NULL, name TEXT)")
                for id in People.all {
                    try db.execute(sql: "INSERT INTO personal_data VALUES (?, ?, ?)",
                                   arguments: [TestKeys.pseudonym(id), id, id == People.zhang ? "张三丰" : id == People.li ? "李四" : nil])
                }
                try db.execute(sql: "DELETE FROM personal_data_sealed")
                try db.execute(sql: "DELETE FROM ledger_meta WHERE key = 'personal-data'")
            }
        }
        // The search finds what a clear table holds: every ID and both names.
        #expect(Self.leaks(in: Self.rawBytes(of: path)).count >= People.all.count + Self.names.count, "the clear table is what the test starts from")
        // Without the key nothing can be sealed: the log opens, and the clear rows wait.
        do { _ = try await Self.open(path, key: nil) }
        do {
            let (storage, log) = try await Self.open(path)
            for id in People.all { #expect(try await log.personalRecord(pseudonym: TestKeys.pseudonym(id))?.residentID.digits == id) }
            #expect(try await log.personalRecord(pseudonym: TestKeys.pseudonym(People.li))?.name == "李四")
            #expect(try await storage.read { try await $0.metadata("personal-data") } == "sealed")
        }
        #expect(Self.leaks(in: Self.rawBytes(of: path)).isEmpty, "after sealing: \(Self.leaks(in: Self.rawBytes(of: path)))")
        let tables = try await DatabaseQueue(path: path).read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'") }
        #expect(!tables.contains("personal_data"))
    }

    @Test func aSealedRecordChangedOrMovedToAnotherPseudonymDoesNotOpenAndWithoutTheKeyNothingOpens() async throws {
        let ledger = try await Backend.onDiskPool.makeLedger()
        let log = try await ledger.log()
        try await log.appendAccepted(PersonalDataTests.file)
        let (zhang, li) = (TestKeys.pseudonym(People.zhang), TestKeys.pseudonym(People.li))
        // Another key, or none, cannot read what is held.
        let keyless = try await ledger.log(key: nil)
        await #expect(throws: LogError.self) { try await keyless.personalRecord(pseudonym: zhang) }
        let held = try #require(try sealed(zhang, in: ledger))
        #expect(throws: LogError.self) { _ = try TestKeys.other.personalData.open(held, pseudonym: zhang) }
        #expect(try TestKeys.primary.personalData.open(held, pseudonym: zhang).residentID.digits == People.zhang)
        // Li's sealed record under Zhang's pseudonym.
        try await ledger.tampering.execute("UPDATE personal_data_sealed SET sealed = (SELECT sealed FROM personal_data_sealed WHERE pseudonym = '\(li)') WHERE pseudonym = '\(zhang)'")
        let moved = await #expect(throws: LogError.self) { try await log.personalRecord(pseudonym: zhang) }
        guard case .unsealablePersonalData(let pseudonym)? = moved else {
            Issue.record("expected unsealablePersonalData, got \(String(describing: moved))")
            return
        }
        #expect(pseudonym == zhang)
        #expect(moved.map { String(describing: $0) }?.contains("Restore the ledger from a backup") == true)
        // Its first byte changed (to 0x00, or to 0x01 if it was 0x00).
        try await ledger.tampering.execute(
            "UPDATE personal_data_sealed SET sealed = (CASE WHEN substr(sealed, 1, 1) = X'00' THEN X'01' ELSE X'00' END) || substr(sealed, 2) WHERE pseudonym = '\(li)'")
        await #expect(throws: LogError.self) { try await log.personalRecord(pseudonym: li) }
    }

    private func sealed(_ pseudonym: String, in ledger: TestLedger) throws -> [UInt8]? {
        try (ledger.storage as? SQLiteEventStorage)?.readSynchronously { try $0.sealedPersonalData(pseudonym: pseudonym) }
    }

    @Test func aNewLedgerFileAndTheFilesSQLiteKeepsBesideItAreOwnerOnly() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("ledger.sqlite")
        let (_, log) = try await Self.open(path, create: true)
        try await log.appendAccepted(PersonalDataTests.file)
        for suffix in ["", "-wal", "-shm"] {
            let attributes = try FileManager.default.attributesOfItem(atPath: path + suffix)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600, "ledger.sqlite\(suffix)")
        }
    }
}

/// Issue #15, item 2: erasure is complete, or says it is not yet. Even sealed, an erased record
/// would still open with the key while an old copy of its page is in the file or the WAL.
@Suite("Forgetting wipes the file, or says a reader holds it back")
struct ForgetWipeTests {
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        haystack.count >= needle.count && (0...(haystack.count - needle.count)).contains { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
    }

    @Test("with a reader open, forget erases and says the wipe waits; run again after, the sealed bytes are gone")
    func readerHoldsTheWipeBack() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("ledger.sqlite")
        let (storage, log) = try await SealedPersonalDataTests.open(path, create: true)
        try await log.appendAccepted(PersonalDataTests.file)
        let pseudonym = TestKeys.pseudonym(People.zhang)
        let sealed = try #require(try await storage.read { try await $0.sealedPersonalData(pseudonym: pseudonym) })
        // Another program reading: a snapshot taken before the erasure, held open.
        var configuration = Configuration()
        configuration.allowsUnsafeTransactions = true
        let reader = try DatabaseQueue(path: path, configuration: configuration)
        try await reader.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN DEFERRED")
            _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM personal_data_sealed")
        }
        let first = try await log.forget(person: People.zhang)
        #expect(!first.alreadyErased)
        #expect(!first.wiped, "a reader holds an older snapshot: the wipe cannot be complete")
        try await reader.writeWithoutTransaction { db in try db.execute(sql: "COMMIT") }
        try reader.close()

        let second = try await log.forget(person: People.zhang)
        #expect(second.alreadyErased && second.wiped)
        #expect(!Self.contains(SealedPersonalDataTests.rawBytes(of: path), sealed), "the sealed record is still in the file or its WAL")
        #expect((try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0 == 0)
    }
}
