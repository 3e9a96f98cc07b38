import Foundation
import Testing

/// `grants demo`: the README's first command, on a fresh directory.
@Suite("grants demo")
struct DemoCommandTests {
    @Test("loads the seed targets, a city and five stories, and tours them: clauses, the 1000 + 1000 schedule, the cap, 以工代训, a clawback, targets, equal digests")
    func tour() async throws {
        let directory = try LedgerDirectory()
        let result = try await directory.grants("demo", "--db", directory.path("demo.sqlite"), db: false)
        #expect(result.status == 0, "\(result)")
        let out = result.stdoutLines
        func line(_ pattern: Regex<Substring>) -> Bool { out.contains { $0.firstMatch(of: pattern) != nil } }
        #expect(line(/^ +117 events: seed targets/))
        #expect(line(/^ +[0-9]+ events: a generated city of 600 people/))
        #expect(line(/^ +[0-9]+ events: five hand-made stories/))
        #expect(line(/^The hash chain is intact/))
        // The agency: 1000 + 1000 for the worker who stays, 1000 and a forfeited tranche for the one who leaves.
        #expect(line(/\(九\)-b +91350200MA31XM002D +after 3 months +¥1,000\.00 +¥1,000\.00 +2024-03-31 +paid/))
        #expect(line(/\(九\)-c +91350200MA31XM002D +after 6 months +¥1,000\.00 +¥0\.00 +2024-06-30 +due/))
        #expect(line(/\(九\)-c +91350200MA31XM002D +after 6 months +¥1,000\.00 +¥0\.00 +– +forfeited/))
        // The cap: three trainings paid to the school, the fourth capped, and why.
        #expect(out.filter { $0.firstMatch(of: /^XM-2023-187\/\(一\)-a#class:XM-2024-SM-00[123]\/P[0-9a-f]+ .* eligible +¥1,000\.00/) != nil }.count == 3)
        #expect(line(/^XM-2023-187\/\(一\)-a#class:XM-2024-SM-004\/P[0-9a-f]+ .* capped/))
        #expect(line(/XM-2023-187\/general-cap: already 3 subsidised trainings in 2024/))
        // 以工代训: six of the eight insured months, 400 paid so far.
        #expect(line(/^JJ-2019-79\/6\.7#employment:.* 91350582MA2XJJ001R +eligible +¥1,200\.00 +¥400\.00 +¥800\.00/))
        // The revoked certificate: its subsidy excluded, nothing left paid after the recovery.
        #expect(line(/^XM-2023-187\/\(一\)-c#certificate:S3502002024000123 .* excluded .* ¥0\.00 +¥0\.00 +¥0\.00/))
        // Targets: a town of annex 1, and the city's two totals side by side.
        #expect(line(/^JJ-2019-79-A1-09-2021 +陈埭镇 +training-person-times .* 800\s/))
        #expect(line(/^JJ-2019-79-GOAL-TRAINING +晋江市 .* 18000\s/))
        #expect(line(/^JJ-2019-79-A1-TOTAL +晋江市 .* 20000\s/))
        #expect(line(/^Timeline of 620102\*{8}1233/))
        for person in ["620102199608081238", "620102199507071233", "350211199706123020", "350582198506150021", "35020319900101123X"] {
            #expect(!out.contains { $0.contains(person) }, "a resident ID printed in full")
        }
        let digests = out.filter { $0.firstMatch(of: /^(entitlements|payments|performance|funds) +[0-9a-f]{64}$/) != nil }
        #expect(digests.count == 4, "\(out.suffix(12))")
        // Rebuilding the demo ledger again gives the same digests. (A second demo would not:
        // it makes a new ledger with a new pseudonym key.)
        let again = try await directory.grants("rebuild", "--db", directory.path("demo.sqlite"), db: false)
        #expect(again.stdoutLines.filter { digests.contains($0) }.count == 4, "\(again)")
    }
}
