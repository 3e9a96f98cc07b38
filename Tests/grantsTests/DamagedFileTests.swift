import Foundation
import Testing

/// Issue #15, item 9: a corrupt or truncated ledger says what to do, not SQLite's words.
@Suite("A damaged ledger file")
struct DamagedFileTests {
    @Test("a truncated ledger: every command says the file is damaged and to restore a backup", arguments: [2, 9])
    func truncated(keptTenths: Int) async throws {
        let directory = try await LedgerDirectory.initialised()
        try directory.write("events.jsonl", lines: (1...400).map { Sample.reversal($0) })
        #expect(try await directory.grants("append", "events.jsonl").status == 0)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: directory.db)[.size] as? Int)
        let handle = try #require(FileHandle(forUpdatingAtPath: directory.db))
        try handle.truncate(atOffset: UInt64(size * keptTenths / 10))
        try handle.close()
        for command in ["events", "verify"] {
            let result = try await directory.grants(command)
            #expect(result.status == 1, "\(command): \(result)")
            #expect(result.stderr.contains("the ledger file is damaged"), "\(command): \(result.stderr)")
            #expect(result.stderr.contains("Restore the ledger from your last backup"))
            #expect(!result.stderr.contains("SQLite error") && !result.stderr.contains("PRAGMA"), "\(result.stderr)")
        }
    }
}
