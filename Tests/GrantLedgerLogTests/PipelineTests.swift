import GrantLedgerEvents
import GrantLedgerLog
import Testing

/// Appending and typed reading run in two stages on two cores once a file or a read spans
/// several chunks (``EventLog/chunkSize`` events). These tests cross chunk boundaries.
@Suite struct PipelineTests {
    /// `count` certificate events on distinct streams, as submission lines.
    static func lines(_ count: Int, from first: Int = 1) -> [SubmissionLine] {
        (first..<first + count).map { n in
            let line = Sample.certificateIssued(n, number: "S\(100_000 + n)", holder: People.all[n % People.all.count])
            return SubmissionLine(number: n - first + 1, bytes: Array(line.utf8))
        }
    }

    static var count: Int { EventLog.chunkSize * 2 + 300 }

    @Test(arguments: Backend.allCases)
    func appendsManyChunksInOrder(backend: Backend) async throws {
        let ledger = try await backend.makeLedger()
        let log = try await ledger.log()
        let report = try await log.append(Self.lines(Self.count))
        #expect(report.isComplete)
        #expect(report.appended == Self.count)
        #expect((report.firstPosition, report.lastPosition) == (1, Int64(Self.count)))
        var expected: Int64 = 1
        for try await event in log.events() {
            #expect(event.position == expected)
            #expect(event.eventID == Sample.eventID(Int(expected)))
            expected += 1
        }
        #expect(expected == Int64(Self.count) + 1)
        #expect(try await log.verify().isIntact)
    }

    @Test(arguments: Backend.allCases)
    func aBadLineInALaterChunkRejectsTheWholeFile(backend: Backend) async throws {
        let ledger = try await backend.makeLedger()
        let log = try await ledger.log()
        var lines = Self.lines(Self.count)
        let badLine = EventLog.chunkSize * 2 + 7
        lines[badLine - 1] = SubmissionLine(number: badLine, bytes: Array(#"{"eventId": "not-a-uuid"}"#.utf8))
        let report = try await log.append(lines)
        #expect(!report.isComplete)
        #expect(report.appended == 0)
        #expect(report.rejectedLines == 1)
        #expect(report.issues.allSatisfy { $0.line == badLine })
        #expect(try await log.head() == nil)
    }

    @Test(arguments: Backend.allCases)
    func typedReadsDeliverEveryEventInOrderAndStopWhenAsked(backend: Backend) async throws {
        let ledger = try await backend.makeLedger()
        let log = try await ledger.log()
        await #expect(try log.append(Self.lines(Self.count)).isComplete)

        var positions: [Int64] = []
        for try await event in log.typedEvents() {
            positions.append(event.envelope.position)
            #expect(event.payload is CertificateIssued)
        }
        #expect(positions == Array(1...Int64(Self.count)))

        // Stop inside the second chunk: nothing after the stop is delivered.
        let stopAt = EventLog.chunkSize + 17
        var delivered = 0
        for try await _ in log.typedEvents() {
            delivered += 1
            if !(delivered < stopAt) { break }
        }
        #expect(delivered == stopAt)
    }

    @Test func aReadFailureInALaterChunkIsThrownAtItsPosition() async throws {
        let ledger = try await Backend.onDiskQueue.makeLedger()
        let log = try await ledger.log()
        await #expect(try log.append(Self.lines(Self.count)).isComplete)
        let broken = Int64(EventLog.chunkSize + 5)
        try await ledger.tampering.dropAppendOnlyTriggers()
        try await ledger.tampering.setData("{\"certificateNumber\":1}", at: broken)
        var delivered: Int64 = 0
        await #expect(throws: LogError.self) {
            for try await _ in log.typedEvents() {
                delivered += 1
            }
        }
        #expect(delivered == broken - 1)
    }
}

/// What a rolled-back append reports about its good lines, and about input that broke off.
@Suite struct RolledBackAppendTests {
    @Test func goodLinesOfARejectedFileAreWithheldNotAppended() async throws {
        let ledger = try await Backend.inMemoryQueue.makeLedger()
        let log = try await ledger.log()
        var lines = PipelineTests.lines(3)
        lines.append(SubmissionLine(number: 4, bytes: Array("{".utf8)))
        let report = try await log.append(lines)
        #expect(report.outcomes == [.withheld(line: 1), .withheld(line: 2), .withheld(line: 3), .rejected(line: 4)])
        #expect(try await log.head() == nil)
    }

    @Test func inputThatCannotBeReadToTheEndAppendsNothing() async throws {
        let ledger = try await Backend.inMemoryQueue.makeLedger()
        let log = try await ledger.log()
        let lines = PipelineTests.lines(2) + [SubmissionLine(number: 3, readError: "Input/output error")]
        let report = try await log.append(lines)
        #expect(!report.isComplete)
        #expect(report.issues.map(\.line) == [3])
        #expect(report.issues.first?.message.contains("could not be read") == true)
        #expect(try await log.head() == nil)
    }
}
