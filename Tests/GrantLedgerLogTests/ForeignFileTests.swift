import Foundation
import GRDB
import GrantLedgerEvents
import GrantLedgerLog
import Testing

/// Issue #15, item 8: nothing is created or changed in a file before it is known to be a ledger.
@Suite("Files that are not ledgers are left as they were")
struct ForeignFileTests {
    static func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    static func siblings(_ path: String) -> [String] {
        ["-wal", "-shm", "-journal"].filter { FileManager.default.fileExists(atPath: path + $0) }
    }

    @Test("an empty file is refused as empty, and stays empty", arguments: [false, true])
    func empty(create: Bool) async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("empty.sqlite")
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        if create {
            // `grants init` on an empty file: the one case where the file is made a ledger.
            _ = try await EventLog.create(at: path, clauses: .shapeOnly)
            #expect(try Self.bytes(path).count > 0)
            return
        }
        let error = await #expect(throws: LogError.self) { try await EventLog.open(at: path, clauses: .shapeOnly) }
        #expect(error?.description.contains("the file is empty") == true)
        #expect(try Self.bytes(path).isEmpty)
        #expect(Self.siblings(path).isEmpty)
    }

    @Test("another program's database keeps its bytes and its rollback journal, opened or created over")
    func foreign() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("other.sqlite")
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in try db.execute(sql: "CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT); INSERT INTO accounts (owner) VALUES ('x')") }
        try queue.close()
        let before = try Self.bytes(path)
        for create in [false, true] {
            let error = await #expect(throws: LogError.self) {
                _ = create ? try await EventLog.create(at: path, keyFile: directory.path("k"), clauses: .shapeOnly)
                    : try await EventLog.open(at: path, clauses: .shapeOnly)
            }
            #expect(error?.description.contains("not a GrantLedger database") == true)
        }
        #expect(try Self.bytes(path) == before)
        #expect(Self.siblings(path).isEmpty)
        let mode = try await DatabaseQueue(path: path).read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "delete")
        #expect(!FileManager.default.fileExists(atPath: directory.path("k")))
    }

    @Test("a file that is not SQLite at all is refused by its header, untouched")
    func notSQLite() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("notes.sqlite")
        try Data("SQLite format 2, or a spreadsheet\n".utf8).write(to: URL(fileURLWithPath: path))
        let error = await #expect(throws: LogError.self) { try await EventLog.open(at: path, clauses: .shapeOnly) }
        #expect(error?.description.contains("not an SQLite database") == true)
        #expect(Self.siblings(path).isEmpty)
    }
}
