import Foundation
import Testing

/// Clause ids are checked against the policy catalog at intake, not only for their shape
/// (issue #11, item 6): `grants append` and `grants import` refuse an id the catalog lacks,
/// naming the id probably meant, unless --allow-unknown-clauses says to record it.
@Suite("grants append and import: clause ids must be the catalog's")
struct ClauseCheckTests {
    /// Full-width parentheses, as a Chinese input method types them.
    static let fullWidth = "XM-2023-187/（九）-b"
    /// A clause the catalog divides into -a, -b and -c.
    static let divided = "XM-2023-187/(九)"

    @Test("a clause not in the catalog rejects the file: line, JSON path and the ids meant; the ledger is unchanged, exit 1")
    func appendRefused() async throws {
        let directory = try await LedgerDirectory.initialised()
        try directory.write("first.jsonl", lines: [Sample.reversal(1)])
        #expect(try await directory.grants("append", "first.jsonl").status == 0)
        let head = try await directory.grants("verify")

        try directory.write("bad.jsonl", lines: [
            Sample.paymentToWorker(2, person: Sample.li, clause: "XM-2023-187/(九)-b"),
            Sample.paymentToWorker(3, person: Sample.li, clause: Self.fullWidth),
            Sample.paymentToWorker(4, person: Sample.li, clause: Self.divided),
        ])
        let result = try await directory.grants("append", "bad.jsonl")
        #expect(result.status == 1, "\(result)")
        let lines = result.stdoutLines
        #expect(lines.contains(#"bad.jsonl:2: $.data.clause: "XM-2023-187/（九）-b" is not a clause of the policy catalog; did you mean XM-2023-187/(九)-b?"#),
                "\(result)")
        #expect(lines.contains(#"bad.jsonl:3: $.data.clause: "XM-2023-187/(九)" is not a clause of the policy catalog; did you mean XM-2023-187/(九)-a, XM-2023-187/(九)-b or XM-2023-187/(九)-c?"#),
                "\(result)")
        #expect(lines.contains { $0.contains("append with --allow-unknown-clauses") }, "\(result)")
        #expect(lines.last?.hasPrefix("Rejected 2 of 3 lines; nothing was appended.") == true, "\(result)")
        #expect(try await directory.eventObjects().map { $0["eventId"] as? String } == [Sample.eventID(1)])
        #expect(try await directory.grants("verify").stdout == head.stdout)

        let json = try await directory.grants("append", "bad.jsonl", "--json")
        #expect(json.status == 1)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let issues = try #require(report["issues"] as? [[String: Any]])
        #expect(issues.map { $0["path"] as? String } == ["$.data.clause", "$.data.clause"])
        #expect(issues.first?["clause"] as? String == Self.fullWidth)
        #expect(issues.first?["suggestions"] as? [String] == ["XM-2023-187/(九)-b"])
    }

    @Test("--allow-unknown-clauses records them; the file sent again without it is all duplicates, exit 0")
    func allowed() async throws {
        let directory = try await LedgerDirectory.initialised()
        try directory.write("new-document.jsonl", lines: [
            Sample.paymentToWorker(1, person: Sample.li, clause: Self.divided),
            Sample.paymentToWorker(2, person: Sample.li, clause: "XM-2026-1/3"),
        ])
        let result = try await directory.grants("append", "new-document.jsonl", "--allow-unknown-clauses")
        #expect(result.status == 0, "\(result)")
        #expect(result.stdoutLines.contains("Appended 2 events at positions 1-2."), "\(result)")
        let again = try await directory.grants("append", "new-document.jsonl")
        #expect(again.status == 0, "\(again)")
        #expect(again.stdoutLines.contains("Appended 0 events; 2 already in the ledger (duplicates, skipped)."), "\(again)")
        #expect(try await directory.eventObjects().count == 2)
    }

    /// A feed whose clause comes straight from a column, without a code table.
    static let mapping = """
        title: test payments
        event: disbursement.made
        stream: "disbursement:{disbursementId}"
        key: [disbursementId]
        occurredAt: 日期
        actor: batch:test
        source: test-feed
        fields:
          disbursementId: 单号
          clause: 条款
          payee.kind: {value: agency}
          payee.organisation: 单位
          amount:
            column: 金额
            unit: yuan
        """

    static let feed = [
        "单号,条款,单位,金额,日期",
        "T-1,XM-2023-187/(九)-b,91350200MA31XM002D,1000,2024-04-12",
        "T-2,\(fullWidth),91350200MA31XM002D,1000,2024-04-12",
    ]

    @Test("import: a row's clause not in the catalog is a bad row, file:line: column N (name), with the id meant; the rest is appended")
    func importRefused() async throws {
        let directory = try await LedgerDirectory.initialised()
        try directory.write("payments.yaml", lines: [Self.mapping])
        try directory.write("payments.csv", lines: Self.feed)
        let result = try await directory.grants("import", "csv", "payments.csv", "--mapping", "payments.yaml")
        #expect(result.status == 1, "\(result)")
        #expect(result.stdoutLines.contains(#"payments.csv:3: column 2 (条款): "XM-2023-187/（九）-b" is not a clause of the policy catalog; did you mean XM-2023-187/(九)-b?"#),
                "\(result)")
        #expect(result.stdoutLines.contains { $0.hasSuffix("1 appended, 0 already in the ledger, 1 bad; positions 1–1") }, "\(result)")
        let errors = try String(contentsOfFile: directory.path("payments.errors.csv"), encoding: .utf8)
        #expect(errors.contains("T-2,\(Self.fullWidth)"), "\(errors)")

        let atomic = try await LedgerDirectory.initialised()
        try atomic.write("payments.yaml", lines: [Self.mapping])
        try atomic.write("payments.csv", lines: Self.feed)
        let refused = try await atomic.grants("import", "csv", "payments.csv", "--mapping", "payments.yaml", "--all-or-nothing")
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stdoutLines.contains(#"payments.csv:3: column 2 (条款): "XM-2023-187/（九）-b" is not a clause of the policy catalog; did you mean XM-2023-187/(九)-b?"#),
                "\(refused)")
        #expect(try await atomic.eventObjects().isEmpty)
    }

    @Test("import --allow-unknown-clauses records the row; imported again without it, nothing is bad or appended")
    func importAllowed() async throws {
        let directory = try await LedgerDirectory.initialised()
        try directory.write("payments.yaml", lines: [Self.mapping])
        try directory.write("payments.csv", lines: Self.feed)
        let allowed = try await directory.grants("import", "csv", "payments.csv", "--mapping", "payments.yaml", "--allow-unknown-clauses")
        #expect(allowed.status == 0, "\(allowed)")
        #expect(try await directory.eventObjects().count == 2)
        for again in [
            try await directory.grants("import", "csv", "payments.csv", "--mapping", "payments.yaml"),
            try await directory.grants("import", "csv", "payments.csv", "--mapping", "payments.yaml", "--all-or-nothing"),
        ] {
            #expect(again.status == 0, "\(again)")
            #expect(again.stdoutLines.contains { $0.hasSuffix("0 appended, 2 already in the ledger, 0 bad") }, "\(again)")
        }
    }
}
