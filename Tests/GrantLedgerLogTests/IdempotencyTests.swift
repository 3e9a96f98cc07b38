import GrantLedgerEvents
import GrantLedgerLog
import Testing

/// Contract: an event id is the same event forever. Sending it again is a no-op; sending it
/// with different content is rejected.
@Suite("Idempotency by event id")
struct IdempotencyTests {
    static let file = [
        Sample.personRegistered(1, person: People.zhang, expected: #""none""#),
        Sample.enterpriseRegistered(2, code: Organisations.kejiCompany),
        Sample.certificateIssued(3, number: "S3502002024000123", holder: People.zhang),
        Sample.paymentToWorker(4, person: People.zhang),
    ]

    @Test("re-sending a file: every line a duplicate, complete, nothing new", arguments: Backend.allCases)
    func resend(backend: Backend) async throws {
        let ledger = try await backend.makeLedger()
        let log = try await ledger.log()
        try await log.appendAccepted(Self.file)
        let before = try await log.allEvents()
        let head = try await log.head()
        let parties = try await ledger.tampering.storedText(inTable: "event_parties")

        // A later clock: a true re-append would record a different time and hash.
        let later = try await ledger.log(clock: FixedClock(time: Timestamp(millisecondsSinceEpoch: 1_800_000_000_000)))
        let report = try await later.append(lines: Self.file)
        #expect(report.isComplete)
        #expect(report.committed)
        #expect(report.appended == 0)
        #expect(report.duplicates == 4)
        #expect(report.firstPosition == nil)
        #expect(report.outcomes == (1...4).map { .duplicate(line: $0, position: Int64($0), eventID: Sample.eventID($0)) })
        #expect(try await log.allEvents() == before)
        #expect(try await log.head() == head)
        #expect(try await ledger.tampering.storedText(inTable: "event_parties") == parties)
        #expect(try await log.verify().isIntact)
    }

    @Test("a file partly appended before: old lines duplicates, new lines appended", arguments: Backend.allCases)
    func partlyNew(backend: Backend) async throws {
        let log = try await backend.makeLedger().log()
        try await log.appendAccepted(Array(Self.file.prefix(2)))
        let report = try await log.append(lines: Self.file)
        #expect(report.isComplete)
        #expect(report.duplicates == 2)
        #expect(report.appended == 2)
        #expect(report.firstPosition == 3)
        #expect(report.lastPosition == 4)
    }

    @Test("same id, different content: rejected, naming the position it is at", arguments: Backend.allCases)
    func sameIDDifferentContent(backend: Backend) async throws {
        let log = try await backend.makeLedger().log()
        try await log.appendAccepted(Self.file)
        let changed = Sample.paymentToWorker(4, person: People.zhang, amount: 999)
        let report = try await log.append(lines: [Sample.reversal(5), changed])
        #expect(!report.isComplete)
        #expect(report.appended == 0)
        let issue = try #require(report.issues.first)
        #expect(report.issues.count == 1)
        #expect(issue.line == 2)
        #expect(issue.path == "$.data")
        #expect(issue.message.contains("event id \(Sample.eventID(4)) is already in the log at position 4"))
        #expect(issue.message.contains("different data"))
        #expect(try await log.allEvents().count == 4)
    }

    @Test("same id in another stream or with another date is a different event", arguments: Backend.allCases)
    func envelopeDifferences(backend: Backend) async throws {
        let log = try await backend.makeLedger().log()
        try await log.appendAccepted([Sample.reversal(1)])
        let otherStream = Sample.reversal(1, disbursement: "D2")
        let otherDate = Sample.event(1, stream: "disbursement:D1", type: "disbursement.reversed", occurredAt: "2024-03-06",
            data: #"{"disbursementId":"D1","amount":100,"reason":"退票"}"#)
        let report = try await log.append(lines: [otherStream, otherDate])
        #expect(report.issues.map(\.path) == ["$.streamId", "$.occurredAt"])
        #expect(report.issues.allSatisfy { $0.message.contains("already in the log at position 1") })
    }

    @Test("the same event twice in one file is appended once", arguments: Backend.allCases)
    func duplicateWithinFile(backend: Backend) async throws {
        let log = try await backend.makeLedger().log()
        let line = Sample.personRegistered(1, person: People.li)
        let report = try await log.append(lines: [line, Sample.reversal(2), line])
        #expect(report.isComplete)
        #expect(report.appended == 2)
        #expect(report.duplicates == 1)
        #expect(report.outcomes.last == .duplicate(line: 3, position: 1, eventID: Sample.eventID(1)))
        #expect(try await log.allEvents().count == 2)
    }

    @Test("one id with two contents in one file: rejected, nothing appended", arguments: Backend.allCases)
    func conflictWithinFile(backend: Backend) async throws {
        let log = try await backend.makeLedger().log()
        let report = try await log.append(lines: [Sample.reversal(1, amount: 100), Sample.reversal(1, amount: 200)])
        #expect(!report.isComplete)
        #expect(report.issues.map(\.line) == [2])
        // Not "in the log": nothing of the file was. The line that gave it first.
        #expect(report.issues.first?.message.contains("was given on line 1 of this append") == true)
        #expect(try await log.allEvents().isEmpty)
    }

    @Test("an event id differing only in letter case is the same event", arguments: Backend.allCases)
    func caseInsensitiveIDs(backend: Backend) async throws {
        let log = try await backend.makeLedger().log()
        let lower = Sample.event(1, stream: "disbursement:D1", type: "disbursement.reversed",
            data: #"{"disbursementId":"D1","amount":1,"reason":"x"}"#).replacingOccurrences(of: Sample.eventID(1), with: "abcdefab-0000-4000-8000-00000000000a")
        let upper = lower.replacingOccurrences(of: "abcdefab-0000-4000-8000-00000000000a", with: "ABCDEFAB-0000-4000-8000-00000000000A")
        try await log.appendAccepted([lower])
        let report = try await log.append(lines: [upper])
        #expect(report.isComplete)
        #expect(report.duplicates == 1)
    }
}

/// Issue #15, item 3: the names an event gives are not in the log, so the same id sent again
/// with only a name changed is told apart by a keyed digest of its names, kept beside it.
@Suite("Idempotency covers the names the log does not keep")
struct NamesDigestTests {
    @Test("the same event id with only the person's name changed is rejected, naming the difference; the true resend is a duplicate",
          arguments: Backend.allCases)
    func renamed(backend: Backend) async throws {
        let log = try await backend.makeLedger().log()
        try await log.appendAccepted([Sample.personRegistered(1, person: People.zhang, name: "张三")])
        let resend = try await log.append(lines: [Sample.personRegistered(1, person: People.zhang, name: "张三")])
        #expect(resend.duplicates == 1 && resend.committed)
        for other in ["李四", nil] as [String?] {
            let renamed = try await log.append(lines: [Sample.personRegistered(1, person: People.zhang, name: other)])
            #expect(!renamed.committed)
            #expect(renamed.issues.first?.message.contains("a different name given beside a person") == true, "\(renamed.issues)")
        }
        // An event that gave no name, sent again with one, is not the same event either.
        try await log.appendAccepted([Sample.personRegistered(2, person: People.li, name: nil)])
        let named = try await log.append(lines: [Sample.personRegistered(2, person: People.li, name: "李四")])
        #expect(!named.committed)
    }

    @Test("events recorded before digests were kept are resent without their names compared; forgetting erases the digests")
    func legacyAndForget() async throws {
        let ledger = try await Backend.onDiskPool.makeLedger()
        let log = try await ledger.log()
        try await log.appendAccepted([Sample.personRegistered(1, person: People.zhang, name: "张三")])
        #expect(!(try await ledger.tampering.storedText(inTable: "event_names_digests").isEmpty))
        // As a ledger from before: no digest, and the meta saying where digests begin moved on.
        try await ledger.tampering.execute("DELETE FROM event_names_digests; UPDATE ledger_meta SET value = '2' WHERE key = 'names-digests-from'")
        let resend = try await log.append(lines: [Sample.personRegistered(1, person: People.zhang, name: "张三")])
        #expect(resend.duplicates == 1)
        try await log.appendAccepted([Sample.personRegistered(2, person: People.li, name: "李四")])
        #expect(!(try await ledger.tampering.storedText(inTable: "event_names_digests").isEmpty))
        _ = try await log.forget(person: People.li)
        #expect(try await ledger.tampering.storedText(inTable: "event_names_digests").isEmpty)
    }
}
