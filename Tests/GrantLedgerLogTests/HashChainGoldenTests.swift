import GrantLedgerEvents
import GrantLedgerLog
import Testing

/// Pins the canonical encoding, the pseudonym derivation and the chain forever: a fixed key,
/// a fixed clock and a fixed two-event input must give these exact bytes on every backend. If
/// this test fails, existing ledgers would no longer verify: do not update the constants,
/// fix the change that broke them. (The values were cross-checked against an independent
/// implementation of the encoding documented in HashChain.swift, using Python's hmac/hashlib.)
@Suite("Hash chain golden values")
struct HashChainGoldenTests {
    static let input = [
        #"{"eventId":"7d0c0a3e-6a53-4c1b-9d3e-2f1a5b6c7d8e","streamId":"person:35020319900101123X","expectedVersion":"none","type":"person.registered","schemaVersion":1,"occurredAt":"2024-03-01","actor":"case-worker-7","source":"siming-counter","data":{"person":"35020319900101123X","name":"张三","registeredIn":"350203","registrationKind":"unemployment"}}"#,
        #"{"eventId":"0b9e4f52-1c2d-4e3f-8a7b-6c5d4e3f2a1b","streamId":"certificate:S3502002024000123","type":"certificate.issued","schemaVersion":2,"occurredAt":"2024-03-05","actor":"portal-batch","source":"xm-training-portal","correlationId":"5f6e7d8c-9b0a-4c1d-8e2f-3a4b5c6d7e8f","causationId":"7d0c0a3e-6a53-4c1b-9d3e-2f1a5b6c7d8e","data":{"certificateNumber":"S3502002024000123","holder":"35020319900101123X","kind":"skill-level","occupation":"电工","level":"L4","issuer":"厦门市职业技能鉴定中心","employer":"91350200MA31XM001A"}}"#,
    ]
    static let clock = FixedClock(time: Timestamp(millisecondsSinceEpoch: 1_709_614_800_123))  // 2024-03-05T05:00:00.123Z

    static let pseudonym = "P4ee861776258eefd3d4b24b4"
    static let firstData = #"{"person":"P4ee861776258eefd3d4b24b4","registeredIn":"350203","registrationKind":"unemployment"}"#
    static let hashes = [
        "1214d933071e5e561843aad491220b2bb2099d2273c2bebb662ecce7ce86988b",
        "de15147af04c05355b9f0a6e3ef5283da8541dd5c66b85540b18edcc44bd3501",
    ]

    @Test("a fixed input gives fixed pseudonyms, data and hashes", arguments: Backend.allCases)
    func golden(backend: Backend) async throws {
        let log = try await backend.makeLedger().log(key: TestKeys.primary, clock: Self.clock)
        let report = try await log.append(lines: Self.input)
        #expect(report.isComplete)
        let events = try await log.allEvents()
        try #require(events.count == 2)
        #expect(TestKeys.pseudonym(People.zhang) == Self.pseudonym)
        #expect(events[0].streamID == "person:" + Self.pseudonym)
        #expect(events[0].recordedAt.description == "2024-03-05T05:00:00.123Z")
        #expect(events[0].dataText == Self.firstData)
        #expect(events.map(\.hashHex) == Self.hashes)
        await #expect(try log.verify(anchors: [try #require(Anchor("2:" + Self.hashes[1]))]).isIntact)
    }

    @Test("the hash covers each envelope field and the previous hash")
    func hashInputs() throws {
        let base = RecordedEvent(
            position: 1, eventID: "7d0c0a3e-6a53-4c1b-9d3e-2f1a5b6c7d8e", streamID: "s:1", streamVersion: 1, type: "t.x",
            schemaVersion: 1, occurredAt: try #require(LocalDate("2024-03-01")), recordedAt: Self.clock.time, actor: "a",
            source: "b", correlationID: nil, causationID: nil, data: Array("{}".utf8), hash: [])
        func with(position: Int64 = 1, streamID: String = "s:1", actor: String = "a", source: String = "b",
            correlationID: String? = nil, data: String = "{}") -> RecordedEvent {
            RecordedEvent(position: position, eventID: base.eventID, streamID: streamID, streamVersion: 1, type: base.type,
                schemaVersion: 1, occurredAt: base.occurredAt, recordedAt: base.recordedAt, actor: actor, source: source,
                correlationID: correlationID, causationID: nil, data: Array(data.utf8), hash: [])
        }
        let reference = HashChain.hash(of: base, previous: HashChain.genesis)
        #expect(HashChain.genesis == [UInt8](repeating: 0, count: 32))
        #expect(reference.count == 32)
        #expect(HashChain.hash(of: with(), previous: HashChain.genesis) == reference)
        let variants = [
            with(position: 2), with(streamID: "s:2"),
            // Length prefixes keep field boundaries apart: "a" + "b" is not "ab" + "".
            with(actor: "ab", source: ""),
            with(correlationID: "x"), with(data: "{ }"),
        ]
        for variant in variants { #expect(HashChain.hash(of: variant, previous: HashChain.genesis) != reference) }
        #expect(HashChain.hash(of: base, previous: reference) != reference)
    }
}
