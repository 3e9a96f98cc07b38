import GrantLedgerEvents
import GrantLedgerLog
import Testing

/// Contract: an append is one transaction. One bad line among good ones writes nothing, and
/// every problem is reported with its line number, JSON path and message.
@Suite("Append atomicity")
struct AppendAtomicityTests {
    @Test("one bad line among good ones: nothing written, head unchanged, the issue located", arguments: Backend.allCases)
    func oneBadLine(backend: Backend) async throws {
        let ledger = try await backend.makeLedger()
        let log = try await ledger.log()
        try await log.appendAccepted([Sample.reversal(1)])
        let headBefore = try await log.head()

        let badLevel = Sample.certificateIssued(4, number: "S3502002024000123", holder: People.li, level: "L9")
        let report = try await log.append(lines: [
            Sample.personRegistered(2, person: People.zhang),
            Sample.enterpriseRegistered(3, code: Organisations.kejiCompany),
            badLevel,
            Sample.reversal(5),
        ])
        #expect(!report.isComplete)
        #expect(!report.committed)
        #expect(report.appended == 0)
        #expect(report.firstPosition == nil && report.lastPosition == nil)
        #expect(report.lines == 4)
        #expect(report.rejectedLines == 1)
        #expect(report.outcomes.contains(.rejected(line: 3)))
        let issue = try #require(report.issues.first)
        #expect(report.issues.count == 1)
        #expect(issue.line == 3)
        #expect(issue.path == "$.data.level")
        #expect(issue.message.contains("\"L9\" is not allowed"))
        #expect(issue.description.hasPrefix("line 3: $.data.level: "))

        #expect(try await log.head() == headBefore)
        #expect(try await log.allEvents().map(\.eventID) == [Sample.eventID(1)])
        // Nothing of the rejected batch leaked into the side tables either.
        #expect(try await log.personalRecord(pseudonym: TestKeys.pseudonym(People.zhang)) == nil)
        #expect(try await log.allEvents(EventQuery(party: Organisations.kejiCompany)).isEmpty)
        #expect(try await ledger.tampering.storedText(inTable: "event_parties").isEmpty)
        #expect(try await log.verify().isIntact)
    }

    @Test("every issue of every bad line is reported with line and path", arguments: Backend.allCases)
    func everyIssueReported(backend: Backend) async throws {
        let log = try await backend.makeLedger().log()
        let report = try await log.append(lines: [
            Sample.reversal(1),
            // Line 2: two problems in one event.
            #"{"eventId":"not-a-uuid","streamId":"disbursement:D1","type":"disbursement.reversed","schemaVersion":1,"occurredAt":"2024-13-01","actor":"a","source":"s","data":{"disbursementId":"D1","amount":100,"reason":"x"}}"#,
            Sample.reversal(3),
            // Line 4: not JSON at all.
            #"{"eventId": "#,
            // Line 5: an unknown type.
            Sample.event(5, stream: "x:y", type: "nothing.happened", data: "{}"),
            // Line 6: a data field of the wrong kind, and an unknown one.
            Sample.event(6, stream: "disbursement:D6", type: "disbursement.reversed",
                data: #"{"disbursementId":"D6","amount":"100","reason":"x","colour":"red"}"#),
        ])
        #expect(!report.isComplete)
        #expect(report.rejectedLines == 4)
        #expect(report.appended == 0)
        let located = Set(report.issues.map { "\($0.line) \($0.path)" })
        #expect(located == [
            "2 $.eventId", "2 $.occurredAt", "4 $", "5 $.type", "6 $.data.amount", "6 $.data.colour",
        ])
        for issue in report.issues { #expect(!issue.message.isEmpty, "line \(issue.line) \(issue.path)") }
        #expect(report.outcomes.filter { if case .rejected = $0 { true } else { false } }.count == 4)
        #expect(try await log.allEvents().isEmpty)
        await #expect(try log.head() == nil)
    }

    @Test("a file can be fixed and sent again whole", arguments: Backend.allCases)
    func fixAndResend(backend: Backend) async throws {
        let log = try await backend.makeLedger().log()
        let good = [Sample.personRegistered(1, person: People.zhang), Sample.reversal(2)]
        let rejected = try await log.append(lines: good + [Sample.reversal(3, amount: -5)])
        #expect(rejected.issues.map(\.path) == ["$.data.amount"])
        let fixed = try await log.append(lines: good + [Sample.reversal(3, amount: 5)])
        #expect(fixed.isComplete)
        #expect(fixed.appended == 3)
        #expect(try await log.allEvents().map(\.position) == [1, 2, 3])
    }
}
