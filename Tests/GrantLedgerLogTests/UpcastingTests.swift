import GrantLedgerEvents
import GrantLedgerLog
import Testing

/// Contract: old events are upgraded when read, never rewritten.
@Suite("Upcasting")
struct UpcastingTests {
    @Test("certificate.issued v1 with grade 中级工 reads back typed as level L4; the stored data stays v1",
        arguments: Backend.allCases)
    func certificateV1(backend: Backend) async throws {
        let log = try await backend.makeLedger().log()
        try await log.appendAccepted([
            Sample.certificateIssuedV1(1, number: "Q2019-0001", holder: People.wang, grade: "中级工"),
            Sample.certificateIssued(2, number: "S2024-0002", holder: People.li, level: "L2"),
            Sample.certificateIssuedV1(3, number: "Q2019-0003", holder: People.chen, grade: "一级"),
        ])

        let stored = try await #require(try log.allEvents().first)
        #expect(stored.schemaVersion == 1)
        #expect(stored.dataObject?["grade"]?.stringValue == "中级工")
        #expect(stored.dataObject?["level"] == nil)

        var certificates: [(Int64, Int, CertificateIssued)] = []
        for try await event in log.typedEvents() {
            let payload = try #require(event.payload as? CertificateIssued)
            certificates.append((event.envelope.position, event.envelope.schemaVersion, payload))
        }
        try #require(certificates.map(\.0) == [1, 2, 3])
        #expect(certificates.map(\.2.level) == [.l4, .l2, .l1])
        #expect(certificates.map(\.1) == [1, 2, 1], "the envelope keeps the stored schema version")
        #expect(certificates[0].2.certificateNumber == "Q2019-0001")
        #expect(certificates[0].2.holder == TestKeys.pseudonym(People.wang))
        #expect(certificates[0].2.kind == .vocationalQualification)

        // Reading did not rewrite anything.
        #expect(try await log.allEvents().first == stored)
        await #expect(try log.verify().isIntact)
    }

    @Test("typed reads honour the query", arguments: Backend.allCases)
    func typedQuery(backend: Backend) async throws {
        let log = try await backend.makeLedger().log()
        try await log.appendAccepted([
            Sample.reversal(1),
            Sample.certificateIssuedV1(2, number: "Q1", holder: People.wang, grade: "高级技师"),
        ])
        var levels: [CertificateLevel?] = []
        for try await event in log.typedEvents(EventQuery(type: "certificate.issued")) {
            levels.append((event.payload as? CertificateIssued)?.level)
        }
        #expect(levels == [.l1])
        var reversal: DisbursementReversed?
        for try await event in log.typedEvents(EventQuery(to: 1)) {
            reversal = event.payload as? DisbursementReversed
        }
        #expect(reversal?.amount == Fen(100))
    }
}
