import GrantLedgerEvents
import GrantLedgerLog
import Testing

/// Contract: `verify` recomputes the chain and names the first position that was altered,
/// removed or reordered, whatever an attacker with write access to the database did.
@Suite("Verification")
struct VerificationTests {
    static let count: Int64 = 6

    /// A ledger with six events, each with a distinct amount.
    static func ledger(_ backend: Backend) async throws -> (TestLedger, EventLog) {
        let ledger = try await backend.makeLedger()
        let log = try await ledger.log()
        try await log.appendAccepted([Sample.personRegistered(1, person: People.zhang)] + (2...Int(count)).map {
            Sample.reversal($0, disbursement: "D\($0 % 2)", amount: 100 + $0)
        })
        return (ledger, log)
    }

    @Test("an intact log verifies, reporting its head", arguments: Backend.allCases)
    func intact(backend: Backend) async throws {
        let (_, log) = try await Self.ledger(backend)
        let report = try await log.verify()
        #expect(report.isIntact)
        #expect(report.problem == nil)
        #expect(report.eventsChecked == Self.count)
        let last = try await #require(try log.allEvents().last)
        #expect(report.head == ChainHead(position: Self.count, hash: last.hash))
        await #expect(try log.head() == report.head)
    }

    @Test("every stored hash chains to the one before", arguments: Backend.allCases)
    func chained(backend: Backend) async throws {
        let (_, log) = try await Self.ledger(backend)
        var previous = HashChain.genesis
        for event in try await log.allEvents() {
            #expect(event.hash.count == 32)
            #expect(HashChain.hash(of: event, previous: previous) == event.hash, "position \(event.position)")
            previous = event.hash
        }
    }

    @Test("one altered byte of data at position k is named as k",
        arguments: Backend.allCases, [Int64(1), 3, 6])
    func alteredData(backend: Backend, k: Int64) async throws {
        let (ledger, log) = try await Self.ledger(backend)
        try await ledger.tampering.dropAppendOnlyTriggers()
        let data = try await ledger.tampering.data(at: k)
        var bytes = Array(data.utf8)
        // Change one digit (an amount, or a division code) by one.
        let index = try #require(bytes.lastIndex { (UInt8(ascii: "0")...UInt8(ascii: "8")).contains($0) })
        bytes[index] += 1
        try await ledger.tampering.setData(String(decoding: bytes, as: UTF8.self), at: k)
        #expect(try await ledger.tampering.data(at: k) != data)

        let report = try await log.verify()
        #expect(!report.isIntact)
        #expect(report.problem == .altered(position: k))
        #expect(report.problem?.position == k)
        #expect(report.eventsChecked == k - 1)
        #expect(report.problem?.description.contains("position \(k) does not match its hash") == true)
    }

    @Test("an altered envelope column is named too",
        arguments: Backend.allCases, [
            "actor = 'mallory'", "source = 'elsewhere'", "stream_id = 'disbursement:D9'", "type = 'disbursement.made'",
            "stream_version = 7", "correlation_id = '11111111-2222-4333-8444-555555555555'",
            "recorded_at = '2030-01-01T00:00:00.000Z'", "hash = zeroblob(32)",
        ])
    func alteredColumn(backend: Backend, assignment: String) async throws {
        let (ledger, log) = try await Self.ledger(backend)
        try await ledger.tampering.dropAppendOnlyTriggers()
        try await ledger.tampering.execute("UPDATE events SET \(assignment) WHERE position = 4")
        await #expect(try log.verify().problem == .altered(position: 4))
    }

    @Test("a removed middle event is named as missing", arguments: Backend.allCases, [Int64(1), 3])
    func removed(backend: Backend, k: Int64) async throws {
        let (ledger, log) = try await Self.ledger(backend)
        try await ledger.tampering.dropAppendOnlyTriggers()
        try await ledger.tampering.deleteEvent(at: k)
        let report = try await log.verify()
        #expect(report.problem == .missing(from: k, to: k))
        #expect(report.problem?.position == k)
        #expect(report.problem?.description == "position \(k) is missing: an event was removed")
    }

    @Test("several removed events are named as a range", arguments: Backend.allCases)
    func removedRange(backend: Backend) async throws {
        let (ledger, log) = try await Self.ledger(backend)
        try await ledger.tampering.dropAppendOnlyTriggers()
        try await ledger.tampering.deleteEvent(at: 3)
        try await ledger.tampering.deleteEvent(at: 4)
        await #expect(try log.verify().problem == .missing(from: 3, to: 4))
    }

    @Test("removing the last event is noticed as truncation", arguments: Backend.allCases)
    func truncated(backend: Backend) async throws {
        let (ledger, log) = try await Self.ledger(backend)
        try await ledger.tampering.dropAppendOnlyTriggers()
        try await ledger.tampering.deleteEvent(at: Self.count)
        let report = try await log.verify()
        #expect(report.problem == .truncated(lastPosition: Self.count - 1, recordedPosition: Self.count))
        #expect(report.problem?.position == Self.count)
        #expect(report.eventsChecked == Self.count - 1)
    }

    @Test("swapping the data of two events names the first of them", arguments: Backend.allCases)
    func reordered(backend: Backend) async throws {
        let (ledger, log) = try await Self.ledger(backend)
        try await ledger.tampering.dropAppendOnlyTriggers()
        let (a, b) = (try await ledger.tampering.data(at: 2), try await ledger.tampering.data(at: 5))
        try await ledger.tampering.setData(b, at: 2)
        try await ledger.tampering.setData(a, at: 5)
        await #expect(try log.verify().problem == .altered(position: 2))
    }

    @Test("unreadable stored values are reported, not thrown", arguments: Backend.allCases)
    func unreadable(backend: Backend) async throws {
        let (ledger, log) = try await Self.ledger(backend)
        try await ledger.tampering.dropAppendOnlyTriggers()
        try await ledger.tampering.execute("UPDATE events SET occurred_at = 'yesterday' WHERE position = 2")
        let report = try await log.verify()
        guard case .unreadable(let position, _)? = report.problem else {
            Issue.record("expected unreadable, got \(String(describing: report.problem))")
            return
        }
        #expect(position == 2)
    }

    // MARK: - Anchors

    @Test("a correct anchor passes; a wrong hash is an anchor mismatch at its position", arguments: Backend.allCases)
    func anchors(backend: Backend) async throws {
        let (_, log) = try await Self.ledger(backend)
        let events = try await log.allEvents()
        try #require(events.count == Int(Self.count))
        let good = try #require(Anchor("3:\(events[2].hashHex)"))
        #expect(good.position == 3)
        #expect(good.hash == events[2].hash)
        let head = try #require(Anchor("\(Self.count):\(events[5].hashHex)"))
        await #expect(try log.verify(anchors: [good, head]).isIntact)

        let wrong = try #require(Anchor("3:\(events[3].hashHex)"))
        let report = try await log.verify(anchors: [wrong])
        #expect(report.problem == .anchorMismatch(position: 3))
        #expect(report.problem?.position == 3)
    }

    @Test("an anchor beyond the end of the log means the log was cut short", arguments: Backend.allCases)
    func anchorBeyondEnd(backend: Backend) async throws {
        let (_, log) = try await Self.ledger(backend)
        let anchor = try #require(Anchor("9:" + String(repeating: "ab", count: 32)))
        await #expect(try log.verify(anchors: [anchor]).problem == .truncated(lastPosition: Self.count, recordedPosition: 9))
    }

    @Test("a chain rewritten from position k passes alone but fails against an older anchor", arguments: Backend.allCases)
    func rewrittenChain(backend: Backend) async throws {
        let (ledger, log) = try await Self.ledger(backend)
        let original = try await log.allEvents()
        try #require(original.count == Int(Self.count))
        let anchor = try #require(Anchor("5:\(original[4].hashHex)"))
        try await ledger.tampering.dropAppendOnlyTriggers()

        // An attacker changes the data of position 3 and recomputes every hash after it.
        var previous = original[1].hash
        for event in original[2...] {
            let data = event.position == 3 ? Array(event.dataText.replacingOccurrences(of: "103", with: "999").utf8) : event.data
            let forged = RecordedEvent(
                position: event.position, eventID: event.eventID, streamID: event.streamID, streamVersion: event.streamVersion,
                type: event.type, schemaVersion: event.schemaVersion, occurredAt: event.occurredAt,
                recordedAt: event.recordedAt, actor: event.actor, source: event.source, correlationID: event.correlationID,
                causationID: event.causationID, data: data, hash: [])
            let hash = HashChain.hash(of: forged, previous: previous)
            let hex = RecordedEvent.hex(hash)
            try await ledger.tampering.execute("""
                UPDATE events SET data = '\(String(decoding: data, as: UTF8.self))', hash = X'\(hex)' WHERE position = \(event.position)
                """)
            previous = hash
        }
        try await ledger.tampering.execute("UPDATE ledger_head SET hash = X'\(RecordedEvent.hex(previous))'")
        #expect(try await log.allEvents().dropFirst(2).first?.dataText.contains("999") == true)

        await #expect(try log.verify().isIntact, "a recomputed chain is self-consistent")
        await #expect(try log.verify(anchors: [anchor]).problem == .anchorMismatch(position: 5))
    }

    @Test("anchor text is POSITION:HASH with 64 hex digits")
    func anchorParsing() {
        let hash = String(repeating: "0f", count: 32)
        #expect(Anchor("1:\(hash)") != nil)
        #expect(Anchor("12:\(hash.uppercased())")?.position == 12)
        for bad in ["", "1", "1:", ":\(hash)", "0:\(hash)", "-1:\(hash)", "1:\(hash.dropLast(2))", "1:\(hash)00",
            "x:\(hash)", "1:\(hash.dropLast())g", "1:2:\(hash)"]
        {
            #expect(Anchor(bad) == nil, "\(bad)")
        }
    }
}
