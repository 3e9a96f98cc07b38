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

/// A file of several chunks is looked up ahead of what is stored: on a server database, the two
/// chunks before the one looked up may still be being stored while it is, so that the server
/// stores while the log decides. What those chunks added must count all the same.
@Suite struct ChunkBoundaryTests {
    /// Certificates on lines 1 up to `count`, event ids 1 up to `count` (``PipelineTests/lines(_:from:)``).
    static func certificates(_ count: Int, from first: Int = 1) -> [String] {
        PipelineTests.lines(count, from: first).map { String(decoding: $0.bytes, as: UTF8.self) }
    }

    /// A clawback order, which opens its stream `clawback:C1`.
    static func clawbackC1(_ n: Int) -> String {
        Sample.event(n, stream: "clawback:C1", type: "clawback.ordered",
            data: #"{"clawbackId":"C1","clause":"XM-2025-189/15","payee":{"kind":"worker","person":"\#(People.li)"},"amount":1000,"reason":"certificate-revoked","orderedBy":"市人社局"}"#)
    }

    @Test("the next chunk sees the events and stream versions of the chunk before, not yet stored", arguments: Backend.allCases)
    func acceptedAcrossTheBoundary(backend: Backend) async throws {
        let log = try await backend.makeLedger().log()
        let size = EventLog.chunkSize
        // Chunk 1 ends with Zhang's registration, version 1 of his stream.
        var lines = Self.certificates(size - 1) + [Sample.personRegistered(20_001, person: People.zhang)]
        // Chunk 2 starts by extending his stream at version 1 and resending line 3 as it was.
        lines += [Sample.groupJoined(20_002, person: People.zhang, expected: "1"), Self.certificates(3)[2]]
        lines += Self.certificates(size - 2, from: 10_001)
        // Chunk 3 extends his stream again, at version 2: stored by then.
        lines += [Sample.groupJoined(20_003, person: People.zhang, group: "migrant-worker", expected: "2")]
        let report = try await log.append(lines: lines)
        let complete = report.isComplete
        try #require(complete, "\(report.issues.prefix(3).map(\.description))")
        #expect(report.appended == lines.count - 1)
        #expect(report.duplicates == 1)
        let resent = try await log.append(lines: [Self.certificates(3)[2]])
        #expect(resent.outcomes == [.duplicate(line: 1, position: 3, eventID: Sample.eventID(3))])
        let stream = "person:" + TestKeys.pseudonym(People.zhang)
        let versions = try await log.allEvents(EventQuery(streamID: stream)).map(\.streamVersion)
        #expect(versions == [1, 2, 3])
        #expect(try await log.verify().isIntact)
    }

    @Test("a chunk sees the events and stream versions of the chunks one, two and three before it",
          arguments: Backend.allCases, [1, 2, 3])
    func acceptedChunksLater(backend: Backend, later: Int) async throws {
        let log = try await backend.makeLedger().log()
        let size = EventLog.chunkSize
        // Chunk 1 ends with Zhang's registration (version 1 of his stream) and line 6 is a certificate.
        var lines = Self.certificates(size - 1) + [Sample.personRegistered(20_001, person: People.zhang)]
        // Whole chunks of other certificates between.
        for gap in 1..<later { lines += Self.certificates(size, from: 100_000 * gap) }
        // The chunk `later` chunks on extends his stream at version 1, resends line 3 as it was,
        // and gives line 6's event id with other content.
        let changed = Sample.certificateIssued(6, number: "S100006", holder: People.li, level: "L3")
        lines += [Sample.groupJoined(20_002, person: People.zhang, expected: "1"), Self.certificates(3)[2], changed]
        let report = try await log.append(lines: lines)
        try #require(report.issues.map(\.line) == [lines.count], "\(report.issues.map(\.description))")
        #expect(report.issues[0].message.contains("was given on line 6 of this append with a different data"), "\(report.issues[0].message)")
        #expect(report.duplicates == 1)
        #expect(try await log.head() == nil)
        // Without the changed line, all of it goes in: his stream at versions 1 and 2.
        let accepted = try await log.append(lines: Array(lines.dropLast()))
        try #require(accepted.isComplete, "\(accepted.issues.prefix(3).map(\.description))")
        #expect(accepted.appended == lines.count - 2 && accepted.duplicates == 1)
        let stream = "person:" + TestKeys.pseudonym(People.zhang)
        #expect(try await log.allEvents(EventQuery(streamID: stream)).map(\.streamVersion) == [1, 2])
        #expect(try await log.verify().isIntact)
    }

    @Test("what the chunk before added is refused again across the boundary, and nothing is appended", arguments: Backend.allCases)
    func refusedAcrossTheBoundary(backend: Backend) async throws {
        let log = try await backend.makeLedger().log()
        let size = EventLog.chunkSize
        var lines = Self.certificates(size - 2) + [Sample.personRegistered(20_001, person: People.zhang), Self.clawbackC1(20_002)]
        // Chunk 2: line 6's event id with other content; Zhang's stream as if new; C1 opened again.
        let changed = Sample.certificateIssued(6, number: "S100006", holder: People.li, level: "L3")
        lines += [changed, Sample.groupJoined(20_003, person: People.zhang, expected: #""none""#), Self.clawbackC1(20_004)]
        let report = try await log.append(lines: lines)
        #expect(report.appended == 0)
        try #require(report.issues.map(\.line) == [size + 1, size + 2, size + 3], "\(report.issues.map(\.description))")
        #expect(report.issues[0].message.contains("was given on line 6 of this append with a different data"), "\(report.issues[0].message)")
        #expect(report.issues[1].versionConflict?.actual == 1)
        #expect(report.issues[2].message.contains("line \(size) of this append opened it"), "\(report.issues[2].message)")
        #expect(try await log.head() == nil)
    }
}

/// The store's last guard: an event id already stored is refused in the domain's words, on every
/// backend (the log checks first; a store that slipped past it must still not write).
@Suite struct StoreGuardTests {
    @Test(arguments: Backend.allCases)
    func anEventIDStoredAgainIsADuplicateNotDatabaseText(backend: Backend) async throws {
        let ledger = try await backend.makeLedger()
        let log = try await ledger.log()
        try await log.appendAccepted(ChunkBoundaryTests.certificates(2))
        let first = try #require(try await log.allEvents().first)
        let head = try #require(try await log.head())
        let again = RecordedEvent(
            position: head.position + 1, eventID: first.eventID, streamID: "certificate:S999999", streamVersion: 1, type: first.type,
            schemaVersion: first.schemaVersion, occurredAt: first.occurredAt, recordedAt: first.recordedAt, actor: first.actor,
            source: first.source, correlationID: nil, causationID: nil, data: first.data, hash: first.hash)
        await #expect(throws: EventStorageConflict.duplicateEventID(first.eventID)) {
            try await ledger.storage.write { writer in
                try await writer.store([StoredEvent(again, parties: [])], people: [], head: ChainHead(position: again.position, hash: again.hash))
            }
        }
        #expect(try await log.head() == head)
    }
}

/// What an append reads first, in one request where the backend can: the same answer as the
/// three reads it stands for.
@Suite struct AppendStartTests {
    static func both(_ ledger: TestLedger, setting: String) async throws -> (AppendStart, AppendStart) {
        try await ledger.storage.write { writer in
            let one = try await writer.appendStart(setting: setting)
            let three = AppendStart(head: try await writer.lastEvent(), erased: try await writer.erasedPseudonyms(),
                                    setting: try await writer.metadata(setting))
            return (one, three)
        }
    }

    @Test(arguments: Backend.allCases)
    func theSameAsTheThreeReads(backend: Backend) async throws {
        let ledger = try await backend.makeLedger()
        let log = try await ledger.log()
        for setting in ["names-digests-from", "no-such-setting"] {
            let (one, three) = try await Self.both(ledger, setting: setting)
            #expect(one == three)
            #expect(one.head == nil && one.erased.isEmpty)
        }
        try await log.appendAccepted([Sample.personRegistered(1, person: People.zhang), Sample.personRegistered(2, person: People.li)])
        _ = try await log.forget(person: People.zhang)
        for setting in ["names-digests-from", "no-such-setting"] {
            let (one, three) = try await Self.both(ledger, setting: setting)
            #expect(one == three)
            #expect(one.head == (try await log.head()))
            #expect(one.erased == [TestKeys.pseudonym(People.zhang)])
        }
    }
}

/// An append starts from what the last append of its log committed (stream versions, people
/// whose records the store holds), when the log's head is still the one that append left: and
/// asks the store again when another writer has appended since, or when that append was rolled
/// back.
@Suite struct AppendMemoryTests {
    @Test(arguments: Backend.allCases)
    func anotherWritersAppendIsSeen(backend: Backend) async throws {
        let ledger = try await backend.makeLedger()
        let first = try await ledger.log(), second = try await ledger.log()
        try await first.appendAccepted([Sample.personRegistered(1, person: People.zhang)])
        // Its stream at version 1 through the first log, then at 2 through the other.
        try await first.appendAccepted([Sample.groupJoined(2, person: People.zhang, expected: "1")])
        try await second.appendAccepted([Sample.groupJoined(3, person: People.zhang, group: "migrant-worker", expected: "2")])
        // The first log remembers version 2: the head moved, so it asks the store (3).
        let stale = try await first.append(lines: [Sample.groupJoined(4, person: People.zhang, group: "disabled", expected: "2")])
        #expect(stale.issues.first?.versionConflict?.actual == 3, "\(stale.issues.map(\.description))")
        try await first.appendAccepted([Sample.groupJoined(5, person: People.zhang, group: "disabled", expected: "3")])
        // And from its own memory, appends in a row keep counting.
        try await first.appendAccepted([Sample.groupJoined(6, person: People.zhang, group: "veteran", expected: "4")])
        let rolledBack = try await first.append(lines: [Sample.groupJoined(7, person: People.zhang, group: "employment-difficulty", expected: "5"), "{"])
        #expect(rolledBack.appended == 0)
        try await first.appendAccepted([Sample.groupJoined(8, person: People.zhang, group: "employment-difficulty", expected: "5")])
        let stream = "person:" + TestKeys.pseudonym(People.zhang)
        #expect(try await first.allEvents(EventQuery(streamID: stream)).map(\.streamVersion) == [1, 2, 3, 4, 5, 6])
        #expect(try await first.verify().isIntact)
    }

    @Test(arguments: Backend.allCases)
    func peopleRememberedAsStored(backend: Backend) async throws {
        let ledger = try await backend.makeLedger()
        let log = try await ledger.log()
        try await log.appendAccepted([Sample.personRegistered(1, person: People.zhang), Sample.personRegistered(2, person: People.li, name: "李四")])
        try await log.forget(person: People.zhang)
        // Both are remembered as stored: Zhang's erasure still refuses his resident ID.
        let refused = try await log.append(lines: [Sample.groupJoined(3, person: People.zhang, expected: "1")])
        #expect(refused.appended == 0 && refused.issues.first?.message.contains("was erased") == true, "\(refused.issues.map(\.description))")
        // Li, named again without a name, keeps the record held, name and all.
        try await log.appendAccepted([Sample.groupJoined(4, person: People.li, expected: "1")])
        let li = try await log.personalRecord(pseudonym: TestKeys.pseudonym(People.li))
        #expect(li?.residentID.digits == People.li && li?.name == "李四")
        // A person first named in a rolled-back append is not remembered: the next append
        // that names them stores their record.
        let rolledBack = try await log.append(lines: [Sample.personRegistered(5, person: People.wang), "{"])
        #expect(rolledBack.appended == 0)
        try await log.appendAccepted([Sample.groupJoined(6, person: People.wang)])
        #expect(try await log.personalRecord(pseudonym: TestKeys.pseudonym(People.wang))?.residentID.digits == People.wang)
    }
}
