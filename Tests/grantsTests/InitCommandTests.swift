import Foundation
import Testing

@Suite("grants init")
struct InitCommandTests {
    @Test("creates the database and a 0600 key file beside it")
    func createsLedger() async throws {
        let directory = try LedgerDirectory()
        let result = try await directory.grants("init")
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.isEmpty)
        #expect(result.stdoutLines == [
            "Ledger \(directory.db): empty.",
            "Pseudonym key \(directory.keyFile): keep it apart from copies of the ledger; auditors do not need it.",
        ])
        #expect(FileManager.default.fileExists(atPath: directory.db))
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.keyFile)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let key = try String(contentsOfFile: directory.keyFile, encoding: .utf8)
        #expect(key.trimmingCharacters(in: .newlines).count == 64)
        #expect(key.trimmingCharacters(in: .newlines).allSatisfy { $0.isHexDigit })
    }

    @Test("is safe to repeat: the ledger and key are kept")
    func repeatable() async throws {
        let directory = try await LedgerDirectory.initialised()
        let key = try String(contentsOfFile: directory.keyFile, encoding: .utf8)
        try directory.write("events.jsonl", lines: [Sample.reversal(1), Sample.reversal(2)])
        #expect(try await directory.grants("append", "events.jsonl").status == 0)
        let again = try await directory.grants("init")
        #expect(again.status == 0)
        #expect(again.stdoutLines.first == "Ledger \(directory.db): 2 events.")
        #expect(try String(contentsOfFile: directory.keyFile, encoding: .utf8) == key)
    }

    @Test("--key-file names where the key goes")
    func keyFileOption() async throws {
        let directory = try LedgerDirectory()
        let keyFile = directory.path("elsewhere.key")
        let result = try await directory.grants("init", "--key-file", keyFile)
        #expect(result.status == 0)
        #expect(result.stdout.contains("Pseudonym key \(keyFile):"))
        #expect(FileManager.default.fileExists(atPath: keyFile))
        #expect(!FileManager.default.fileExists(atPath: directory.keyFile))
    }

    @Test("another ledger's key is refused, naming the key file")
    func wrongKey() async throws {
        let directory = try await LedgerDirectory.initialised()
        let other = try await LedgerDirectory.initialised()
        let result = try await directory.grants("init", "--key-file", other.keyFile)
        #expect(result.status == 1)
        #expect(result.stderr.contains("the key in \(other.keyFile) is not the key this ledger was created with"))
    }

    @Test("after the key is lost, init makes no new key and the ledger can still be read")
    func keyLost() async throws {
        let directory = try await LedgerDirectory.initialised()
        try directory.write("events.jsonl", lines: [Sample.personRegistered(1, person: Sample.zhang)])
        #expect(try await directory.grants("append", "events.jsonl").status == 0)
        try FileManager.default.removeItem(atPath: directory.keyFile)

        let result = try await directory.grants("init")
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("the pseudonym key file \(directory.keyFile) does not exist"))
        #expect(!FileManager.default.fileExists(atPath: directory.keyFile))
        let events = try await directory.grants("events")
        #expect(events.status == 0, "\(events)")
        #expect(events.stdoutLines.last == "1 event.")
    }

    @Test("without --db or GRANTS_DB, the ledger is ./grants.sqlite")
    func defaultPath() async throws {
        let directory = try LedgerDirectory()
        let result = try await directory.grants("init", db: false)
        #expect(result.status == 0)
        #expect(result.stdoutLines.first == "Ledger grants.sqlite: empty.")
        #expect(FileManager.default.fileExists(atPath: directory.path("grants.sqlite")))
        #expect(FileManager.default.fileExists(atPath: directory.path("grants.sqlite.key")))
    }
}
