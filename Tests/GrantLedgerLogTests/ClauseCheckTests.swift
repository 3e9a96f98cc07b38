import GrantLedgerEvents
import GrantLedgerLog
import Testing

/// Contract: a log opened with a clause registry (the policy catalog, in the product) rejects
/// a line whose clause field names no clause of it, as it rejects any invalid field: located
/// by line and JSON path, typed, and with nothing of the file written.
@Suite("Clause ids checked against a registry")
struct ClauseCheckTests {
    /// Stands in for the policy catalog, which this layer cannot know.
    struct Registry: ClauseRegistry {
        let ids: Set<String> = ["XM-2023-187/(一)-a", "XM-2023-187/(九)-b"]
        func contains(clause: String) -> Bool { ids.contains(clause) }
        func suggestions(for clause: String) -> [String] {
            let folded = ClauseID.foldingFullWidth(clause)
            return ids.contains(folded) ? [folded] : []
        }
    }

    static func payment(_ n: Int, clause: String) -> String {
        Sample.event(n, stream: "disbursement:D\(n)", type: "disbursement.made",
            data: #"{"disbursementId":"D\#(n)","clause":"\#(clause)","payee":{"kind":"worker","person":"\#(People.li)"},"amount":100}"#)
    }

    @Test("a clause the registry lacks rejects the file: line, path, the typed clause and the id meant; head unchanged",
          arguments: Backend.allCases)
    func rejected(backend: Backend) async throws {
        let ledger = try await backend.makeLedger()
        let log = try await ledger.log(clauses: .registry(Registry()))
        try await log.appendAccepted([Sample.reversal(1), Self.payment(2, clause: "XM-2023-187/(一)-a")])
        let headBefore = try await log.head()

        let report = try await log.append(lines: [Self.payment(3, clause: "XM-2023-187/(九)-b"), Self.payment(4, clause: "XM-2023-187/（九）-b")])
        #expect(!report.committed)
        #expect(report.appended == 0)
        #expect(report.rejectedLineNumbers == [2])
        #expect(report.outcomes == [.withheld(line: 1), .rejected(line: 2)])
        let issue = try #require(report.issues.first)
        #expect(issue.description == #"line 2: $.data.clause: "XM-2023-187/（九）-b" is not a clause of the policy catalog; did you mean XM-2023-187/(九)-b?"#)
        #expect(issue.unknownClause == UnknownClause(path: "$.data.clause", clause: "XM-2023-187/（九）-b", suggestions: ["XM-2023-187/(九)-b"]))
        #expect(try await log.head() == headBefore)
        #expect(try await log.allEvents().count == 2)
    }

    @Test("shape only records any well-formed id; resent to a log that checks, it is a duplicate, not a rejection",
          arguments: Backend.allCases)
    func shapeOnlyThenResent(backend: Backend) async throws {
        let ledger = try await backend.makeLedger()
        let line = Self.payment(1, clause: "XM-2026-1/3")
        try await ledger.log(clauses: .shapeOnly).appendAccepted([line])
        let checked = try await ledger.log(clauses: .registry(Registry()))
        let again = try await checked.append(lines: [line])
        #expect(again.isComplete)
        #expect(again.duplicates == 1)
        // The same event id with other content is still refused, for that and not the clause.
        let changed = try await checked.append(lines: [Self.payment(1, clause: "XM-2026-1/4")])
        #expect(changed.issues.first?.message.contains("already in the log") == true, "\(changed.issues)")
    }
}
