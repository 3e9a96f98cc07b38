import Foundation
import Testing

@Suite("grants policies")
struct PoliciesCommandTests {
    @Test("check passes on the bundled catalog")
    func checkBundled() async throws {
        let directory = try LedgerDirectory()
        let result = try await directory.grants("policies", "check", db: false)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == "ok: 5 documents, 52 rules, 12 provisions and cross-cutting rules\n")
    }

    @Test("check passes on the source tree's Policies/ folder")
    func checkPoliciesFolder() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let directory = try LedgerDirectory()
        let result = try await directory.grants("policies", "check", "--policies", root.appendingPathComponent("Policies").path, db: false)
        #expect(result.status == 0, "\(result)")
    }

    @Test("check names the file, line, field and fix of each error in a broken catalog, and exits 1")
    func checkBroken() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let directory = try LedgerDirectory()
        let policies = directory.path("policies")
        try FileManager.default.createDirectory(atPath: policies, withIntermediateDirectories: true)
        let original = try String(contentsOf: root.appendingPathComponent("Policies/JJ-2019-79.yaml"), encoding: .utf8)
        // Two mistakes a policy officer could make: a misspelt field, and a tier above the printed range.
        let broken = original
            .replacingOccurrences(of: "    payee: department\n", with: "    payer: department\n")
            .replacingOccurrences(of: "range: {min: 500_000, max: 5_000_000}", with: "range: {min: 500_000, max: 4_000_000}")
        #expect(broken != original)
        try broken.write(toFile: policies + "/JJ-2019-79.yaml", atomically: true, encoding: .utf8)
        let result = try await directory.grants("policies", "check", "--policies", policies, db: false)
        #expect(result.status == 1)
        let lines = result.stdoutLines
        #expect(lines.contains { $0.contains("/JJ-2019-79.yaml:") && $0.contains("error: rules[") && $0.contains("unknown field `payer`") && $0.contains("Did you mean `payee`?") })
        #expect(lines.contains { $0.contains("error: JJ-2019-79/4.1.amount: ¥5,000,000.00 is outside the document's range ¥500,000.00–¥4,000,000.00") })
        #expect(lines.last?.hasSuffix("errors in the policy catalog") == true)
    }

    @Test("check on a directory that does not exist says what to do")
    func checkMissingDirectory() async throws {
        let directory = try LedgerDirectory()
        let result = try await directory.grants("policies", "check", "--policies", directory.path("nowhere"), db: false)
        #expect(result.status == 1)
        #expect(result.stdout.contains("cannot read the policy directory. Pass --policies with a directory of policy files"))
    }

    @Test("list shows the rules in force on a date")
    func list() async throws {
        let directory = try LedgerDirectory()
        let result = try await directory.grants("policies", "list", "--on", "2020-06-01", db: false)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.hasPrefix("JJ-2019-79  晋政办〔2019〕79号  晋江市  in force 2019-12-20 to 2021-12-31\n"))
        #expect(result.stdout.contains("JJ-2019-79/6.2-b         worker       by certificate.level: L1 ¥3,000.00, L2 ¥2,000.00, L3 ¥1,500.00, L4 ¥1,000.00, L5 ¥700.00"))
        #expect(!result.stdout.contains("XM-2023-187"))
        let none = try await directory.grants("policies", "list", "--on", "2019-01-01", db: false)
        #expect(none.stdout == "no document is in force on 2019-01-01\n")
        let bad = try await directory.grants("policies", "list", "--on", "2020-13-01", db: false)
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--on 2020-13-01: write a date as YYYY-MM-DD"))
    }

    @Test("list --json gives one object per rule")
    func listJSON() async throws {
        let directory = try LedgerDirectory()
        let result = try await directory.grants("policies", "list", "--jurisdiction", "330108", "--json", db: false)
        let objects = try result.stdoutLines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(objects.count == 14)
        #expect(objects.allSatisfy { ($0["clause"] as? String)?.hasPrefix("BJ-2023/") == true })
    }
}
