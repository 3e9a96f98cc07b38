import Foundation
import Testing

@Suite("grants export and load")
struct TransferCommandTests {
    @Test("export, load into a new file, export again: the same bytes; the copy verifies; nothing is overwritten or loaded twice")
    func roundTrip() async throws {
        let directory = try await LedgerDirectory.initialised()
        try directory.write("events.jsonl", lines: [Sample.reversal(1), Sample.reversal(2), Sample.reversal(3)])
        #expect(try await directory.grants("append", "events.jsonl").status == 0)

        let exported = try await directory.grants("export", "a.export")
        #expect(exported.status == 0, "\(exported)")
        #expect(exported.stdoutLines.first?.hasPrefix("Exported \(directory.db) to a.export: 3 events (head 3:") == true, "\(exported)")
        let again = try await directory.grants("export", "a.export")
        #expect(again.status != 0)
        #expect(again.stderr.contains("exists already; an export never overwrites a file"), "\(again)")

        let moved = directory.path("moved.sqlite")
        let loaded = try await directory.grants("load", "a.export", "--db", moved, db: false)
        #expect(loaded.status == 0, "\(loaded)")
        #expect(loaded.stdoutLines.first?.hasPrefix("Loaded a.export into \(moved): 3 events (head 3:") == true, "\(loaded)")
        try FileManager.default.copyItem(atPath: directory.keyFile, toPath: moved + ".key")
        #expect(try await directory.grants("verify", "--db", moved, db: false).status == 0)
        #expect(try await directory.grants("export", "b.export", "--db", moved, db: false).status == 0)
        #expect(FileManager.default.contents(atPath: directory.path("a.export")) == FileManager.default.contents(atPath: directory.path("b.export")))

        let twice = try await directory.grants("load", "a.export", "--db", moved, db: false)
        #expect(twice.status != 0)
        #expect(twice.stderr.contains("already holds events"), "\(twice)")

        // One byte of one event changed: refused, naming the line, and no ledger left behind.
        let text = try String(contentsOfFile: directory.path("a.export"), encoding: .utf8)
        try text.replacingOccurrences(of: #"\"amount\":100"#, with: #"\"amount\":900"#)
            .write(toFile: directory.path("altered.export"), atomically: true, encoding: .utf8)
        let altered = try await directory.grants("load", "altered.export", "--db", directory.path("other.sqlite"), db: false)
        #expect(altered.status != 0)
        #expect(altered.stderr.contains("line 2 of the export: event 1 does not hash to its recorded hash"), "\(altered)")
        #expect(!FileManager.default.fileExists(atPath: directory.path("other.sqlite")))

        let badURL = try await directory.grants("load", "a.export", "--db", "postgres://nobody", db: false)
        #expect(badURL.status != 0)
        #expect(badURL.stderr.contains("the database URL is not usable"), "\(badURL)")
    }
}

@Suite("grants on PostgreSQL", .enabled(if: ProcessInfo.processInfo.environment["GRANTLEDGER_TEST_POSTGRES"].map { !$0.isEmpty } ?? false,
                                        "needs GRANTLEDGER_TEST_POSTGRES"))
struct PostgresCommandTests {
    /// The test server's URL with a new ledger schema of its own.
    static func url(ledger: String) -> String {
        let base = ProcessInfo.processInfo.environment["GRANTLEDGER_TEST_POSTGRES"]!
        return base + (base.contains("?") ? "&" : "?") + "ledger=" + ledger
    }

    @Test("load into a schema, verify it there with and without the key, export it back: the same bytes")
    func loadVerifyExport() async throws {
        let directory = try await LedgerDirectory.initialised()
        try directory.write("events.jsonl", lines: [Sample.reversal(1), Sample.reversal(2), Sample.reversal(3)])
        #expect(try await directory.grants("append", "events.jsonl").status == 0)
        #expect(try await directory.grants("export", "a.export").status == 0)
        let url = Self.url(ledger: "cli_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16))

        let loaded = try await directory.grants("load", "a.export", "--db", url, db: false)
        #expect(loaded.status == 0, "\(loaded)")
        let verified = try await directory.grants("verify", "--db", url, "--key-file", directory.keyFile, db: false)
        #expect(verified.status == 0, "\(verified)")
        #expect(verified.stdoutLines.first == "Intact: 3 events, hashes chained from position 1 to 3.", "\(verified)")
        #expect(!verified.output.contains("grantledger@"), "the URL's user and password stay out of the report")
        let projections = try await directory.grants("verify", "--db", url, "--projections", db: false)
        #expect(projections.status == 0, "\(projections)")
        #expect(projections.stdoutLines.last == "Projections: never built, nothing to compare.", "\(projections)")
        let rebuilt = try await directory.grants("rebuild", "--db", url, db: false)
        #expect(rebuilt.status == 0, "\(rebuilt)")
        let compared = try await directory.grants("verify", "--db", url, "--projections", db: false)
        #expect(compared.stdoutLines.last?.hasPrefix("Projections intact") == true, "\(compared)")
        #expect(try await directory.grants("export", "b.export", "--db", url, db: false).status == 0)
        #expect(FileManager.default.contents(atPath: directory.path("a.export")) == FileManager.default.contents(atPath: directory.path("b.export")))

        let empty = try await directory.grants("verify", "--db", Self.url(ledger: "no_ledger_here"), db: false)
        #expect(empty.status != 0)
        #expect(empty.stderr.contains("holds no ledger"), "\(empty)")
        #expect(empty.stderr.contains("Check --db and its ledger= schema."), "\(empty)")
    }
}
