import GrantLedgerEvents
import GrantLedgerLog
import Testing

/// Contract: positions are 1, 2, 3, … with no gaps, across appends and failed appends; stream
/// versions count each stream's events from 1.
@Suite("Positions and stream versions")
struct PositionTests {
    @Test("an empty log has no head and no events", arguments: Backend.allCases)
    func emptyLog(backend: Backend) async throws {
        let log = try await backend.makeLedger().log()
        #expect(try await log.head() == nil)
        #expect(try await log.allEvents().isEmpty)
        let report = try await log.verify()
        #expect(report.isIntact)
        #expect(report.eventsChecked == 0)
    }

    @Test("positions are gapless from 1 across appends, even after a rejected append", arguments: Backend.allCases)
    func gaplessPositions(backend: Backend) async throws {
        let log = try await backend.makeLedger().log()
        let first = try await log.appendAccepted([
            Sample.enterpriseRegistered(1, code: Organisations.kejiCompany),
            Sample.personRegistered(2, person: People.zhang),
        ])
        #expect(first.firstPosition == 1)
        #expect(first.lastPosition == 2)

        let rejected = try await log.append(lines: [Sample.reversal(3), "{not json"])
        #expect(!rejected.isComplete)

        let second = try await log.appendAccepted([Sample.reversal(4), Sample.reversal(5), Sample.personRegistered(6, person: People.li)])
        #expect(second.firstPosition == 3)
        #expect(second.lastPosition == 5)
        #expect(try await log.allEvents().map(\.position) == [1, 2, 3, 4, 5])
        await #expect(try log.head()?.position == 5)
        #expect(try await log.allEvents().map(\.eventID) == [1, 2, 4, 5, 6].map(Sample.eventID))
    }

    @Test("each line's outcome names its position and event id", arguments: Backend.allCases)
    func outcomes(backend: Backend) async throws {
        let log = try await backend.makeLedger().log()
        let report = try await log.appendAccepted([Sample.reversal(1), Sample.reversal(2)])
        #expect(report.outcomes == [
            .appended(line: 1, position: 1, eventID: Sample.eventID(1)),
            .appended(line: 2, position: 2, eventID: Sample.eventID(2)),
        ])
        #expect(report.lines == 2)
        #expect(report.appended == 2)
        #expect(report.committed)
    }

    @Test("stream versions count each stream from 1, interleaved in one append and across appends", arguments: Backend.allCases)
    func streamVersions(backend: Backend) async throws {
        let log = try await backend.makeLedger().log()
        try await log.appendAccepted([
            Sample.reversal(1, disbursement: "D-A"),
            Sample.reversal(2, disbursement: "D-B"),
            Sample.reversal(3, disbursement: "D-A"),
        ])
        try await log.appendAccepted([Sample.reversal(4, disbursement: "D-B"), Sample.reversal(5, disbursement: "D-A")])
        let versions = try await log.allEvents().map { "\($0.streamID)@\($0.streamVersion)" }
        #expect(versions == [
            "disbursement:D-A@1", "disbursement:D-B@1", "disbursement:D-A@2", "disbursement:D-B@2", "disbursement:D-A@3",
        ])
        await #expect(try log.allEvents(EventQuery(streamID: "disbursement:D-A")).map(\.streamVersion) == [1, 2, 3])
    }

    @Test("the envelope is stored as sent, with the log's recording time", arguments: Backend.allCases)
    func envelopeRoundTrip(backend: Backend) async throws {
        let clock = FixedClock()
        let log = try await backend.makeLedger().log(clock: clock)
        let line = #"{"eventId":"ABCDEF01-2345-4678-9ABC-DEF012345678","streamId":"disbursement:D9","type":"disbursement.reversed","schemaVersion":1,"occurredAt":"2024-02-29","actor":"finance_batch","source":"treasury-feed","correlationId":"11111111-2222-4333-8444-555555555555","causationId":"66666666-7777-4888-9999-AAAAAAAAAAAA","data":{"reason":"退票","amount":2500,"disbursementId":"D9"}}"#
        try await log.appendAccepted([line])
        let event = try await #require(try log.allEvents().first)
        #expect(event.eventID == "abcdef01-2345-4678-9abc-def012345678")
        #expect(event.streamID == "disbursement:D9")
        #expect(event.type == "disbursement.reversed")
        #expect(event.schemaVersion == 1)
        #expect(event.occurredAt.description == "2024-02-29")
        #expect(event.recordedAt == clock.time)
        #expect(event.actor == "finance_batch")
        #expect(event.source == "treasury-feed")
        #expect(event.correlationID == "11111111-2222-4333-8444-555555555555")
        #expect(event.causationID == "66666666-7777-4888-9999-aaaaaaaaaaaa")
        // Stored in canonical JSON: members sorted, no whitespace.
        #expect(event.dataText == #"{"amount":2500,"disbursementId":"D9","reason":"退票"}"#)
        await #expect(try log.event(withID: "ABCDEF01-2345-4678-9ABC-DEF012345678")?.position == 1)
    }

    @Test("submissions built in code append like lines", arguments: Backend.allCases)
    func appendSubmissions(backend: Backend) async throws {
        let log = try await backend.makeLedger().log()
        let submission = EventSubmission(
            eventID: Sample.eventID(1), streamID: "disbursement:D1", expectedVersion: .noStream,
            type: "disbursement.reversed", schemaVersion: 1, occurredAt: try #require(LocalDate("2024-03-05")),
            actor: "tool", source: "code", data: JSONObject(["disbursementId": "D1", "amount": 100, "reason": "退票"]))
        let report = try await log.append([submission])
        #expect(report.isComplete)
        #expect(report.appended == 1)
        let again = try await log.append([submission])
        #expect(again.isComplete)
        #expect(again.duplicates == 1)
        #expect(try await log.allEvents().count == 1)
    }
}
