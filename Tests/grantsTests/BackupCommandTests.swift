import Foundation
import Testing

@Suite("grants backup and restore")
struct BackupCommandTests {
    @Test("backup copies and verifies; restore brings it back, refuses to overwrite, and --replace moves the old ledger aside")
    func roundTrip() async throws {
        let directory = try await LedgerDirectory.initialised()
        try directory.write("events.jsonl", lines: [Sample.reversal(1), Sample.reversal(2), Sample.reversal(3)])
        #expect(try await directory.grants("append", "events.jsonl").status == 0)
        let copy = directory.path("copy.sqlite")

        let backup = try await directory.grants("backup", copy)
        #expect(backup.status == 0, "\(backup)")
        #expect(backup.stdoutLines.first?.hasPrefix("Backed up \(directory.db) to \(copy): 3 events verified, head 3:") == true, "\(backup)")
        #expect(backup.stdoutLines.last == "The pseudonym key is not in the copy: keep \(directory.keyFile) apart from it.")
        let again = try await directory.grants("backup", copy)
        #expect(again.status != 0)
        #expect(again.stderr.contains("already exists"), "\(again)")

        let refused = try await directory.grants("restore", copy)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("\(directory.db) already exists"), "\(refused)")

        let restored = try await directory.grants("restore", copy, "--replace")
        #expect(restored.status == 0, "\(restored)")
        #expect(restored.stdoutLines.first?.hasPrefix("Restored \(copy) to \(directory.db): 3 events verified, head 3:") == true, "\(restored)")
        #expect(restored.stdoutLines.contains { $0.hasPrefix("The ledger that was there is now \(directory.db).before-restore-") })
        #expect(try await directory.grants("verify").status == 0)

        let garbage = directory.path("garbage.sqlite")
        try Data(String(repeating: "x", count: 5000).utf8).write(to: URL(fileURLWithPath: garbage))
        let notLedger = try await directory.grants("restore", garbage, "--replace")
        #expect(notLedger.status != 0)
        #expect(notLedger.stderr.contains("is not a GrantLedger ledger"), "\(notLedger)")
    }
}
