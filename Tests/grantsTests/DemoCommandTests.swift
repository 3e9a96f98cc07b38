import Foundation
import Testing

/// `grants demo`: the README's first command, on a fresh directory.
@Suite("grants demo")
struct DemoCommandTests {
    @Test("tours the log and the projections: clauses, the 1000 + 1000 schedule, a district ratio, a timeline, equal digests")
    func tour() async throws {
        let directory = try LedgerDirectory()
        let result = try await directory.grants("demo", "--db", directory.path("demo.sqlite"), db: false)
        #expect(result.status == 0, "\(result)")
        let out = result.stdoutLines
        func line(_ pattern: Regex<Substring>) -> Bool { out.contains { $0.firstMatch(of: pattern) != nil } }
        #expect(line(/^XM-2023-187\/\(九\)-b#referral:e0000000-0000-4000-8000-0+2 +XM-2023-187\/\(九\)-b +91350200MA31XM002D +eligible +¥1,000\.00 +¥1,000\.00/))
        #expect(line(/\(九\)-b +91350200MA31XM002D +after 3 months +¥1,000\.00 +¥1,000\.00 +2024-03-31 +paid/))
        #expect(line(/\(九\)-c +91350200MA31XM002D +after 6 months +¥1,000\.00 +¥0\.00 +2024-06-30 +due/))
        #expect(line(/^XM-SM-2024-PX +思明区 +training-person-times .* 4 +1 +25\.00%/))
        #expect(line(/^Timeline of 620102\*{8}1238/))
        #expect(!out.contains { $0.contains("620102199608081238") }, "a resident ID printed in full")
        let digests = out.filter { $0.firstMatch(of: /^(entitlements|payments|performance|funds) +[0-9a-f]{64}$/) != nil }
        #expect(digests.count == 4, "\(out.suffix(12))")
        // Rebuilding the demo ledger again gives the same digests. (A second demo would not:
        // it makes a new ledger with a new pseudonym key.)
        let again = try await directory.grants("rebuild", "--db", directory.path("demo.sqlite"), db: false)
        #expect(again.stdoutLines.filter { digests.contains($0) }.count == 4, "\(again)")
    }
}
