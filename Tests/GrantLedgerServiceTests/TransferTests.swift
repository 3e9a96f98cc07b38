import Foundation
import GrantLedgerLog
import GrantLedgerPostgres
import GrantLedgerService
import SyntheticCity
import Testing

/// A city's ledger moved SQLite → PostgreSQL → SQLite through `grants export` and `grants load`:
/// the same file from every hop, the same chain head, and the same projection digests rebuilt.
@Suite("Moving a ledger between backends")
struct TransferTests {
    static var postgres: PostgresLocation? {
        guard let url = ProcessInfo.processInfo.environment["GRANTLEDGER_TEST_POSTGRES"], !url.isEmpty else { return nil }
        var location = try? PostgresLocation(url: url)
        location?.schema = "move_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20)
        return location
    }

    @Test("the synthetic city: SQLite, then PostgreSQL (when a server is given), then SQLite again")
    func cityMoves() async throws {
        let directory = try TestLedger.directory()
        let configuration = TestLedger.configuration(in: directory)
        let ledger = try await Ledger.create(configuration)
        let lines = Array(SyntheticCity(seed: 5, people: 150, months: 14).lines)
        let outcome = try await ledger.append(lines.enumerated().map { SubmissionLine(number: $0.offset + 1, bytes: Array($0.element.utf8)) })
        #expect(outcome.report.isComplete)
        let head = try #require(try await ledger.head())
        let digests = try ledger.rebuild().digests.map(\.digest)

        var export = directory.appendingPathComponent("city.jsonl").path
        let counts = try await Ledger.export(from: .file(configuration.databasePath), to: export)
        #expect(counts.events == lines.count && counts.head == head)
        let first = try String(contentsOfFile: export, encoding: .utf8)

        if let postgres = Self.postgres {
            #expect(try await Ledger.load(export, into: .postgres(postgres)).head == head)
            export = directory.appendingPathComponent("from-postgres.jsonl").path
            #expect(try await Ledger.export(from: .postgres(postgres), to: export).head == head)
            #expect(try String(contentsOfFile: export, encoding: .utf8) == first)
        }

        var moved = TestLedger.configuration(in: directory)
        moved.databasePath = directory.appendingPathComponent("moved.sqlite").path
        moved.keyFile = ledger.keyFilePath
        #expect(try await Ledger.load(export, into: .file(moved.databasePath)).head == head)
        let reopened = try await Ledger.open(moved)
        #expect(try await reopened.head() == head)
        #expect(try reopened.rebuild().digests.map(\.digest) == digests)
        #expect(try await reopened.verify().isIntact)
    }

    @Test("an export never overwrites a file, and a load never goes into a ledger that exists")
    func neverOverwrites() async throws {
        let directory = try TestLedger.directory()
        let configuration = TestLedger.configuration(in: directory)
        let ledger = try await Ledger.create(configuration)
        #expect(try await ledger.append(Examples.submissionLines).report.isComplete)
        let export = directory.appendingPathComponent("x.jsonl").path
        let exported = try await Ledger.export(from: .file(configuration.databasePath), to: export)
        #expect(exported.events == Examples.submissionLines.count)
        let written = try String(contentsOfFile: export, encoding: .utf8)
        await #expect(throws: LogError.self) { try await Ledger.export(from: .file(configuration.databasePath), to: export) }
        // The refused export left the file as it was.
        #expect(try String(contentsOfFile: export, encoding: .utf8) == written)
        await #expect(throws: LedgerTransferError.notEmpty) { try await Ledger.load(export, into: .file(configuration.databasePath)) }
        // A failed load leaves no file behind.
        let cut = directory.appendingPathComponent("cut.jsonl").path
        let text = try String(contentsOfFile: export, encoding: .utf8)
        try String(text.split(separator: "\n").dropLast().joined(separator: "\n")).write(toFile: cut, atomically: true, encoding: .utf8)
        let target = directory.appendingPathComponent("new.sqlite").path
        await #expect(throws: LedgerTransferError.self) { try await Ledger.load(cut, into: .file(target)) }
        #expect(!FileManager.default.fileExists(atPath: target))
    }
}
