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
