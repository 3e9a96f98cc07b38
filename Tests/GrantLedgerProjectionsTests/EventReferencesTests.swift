import GrantLedgerEvents
import GrantLedgerLog
@testable import GrantLedgerProjections
import SyntheticCity
import Testing

/// What an event names is read straight from its stored bytes (`CanonicalJSONView`); the walk
/// over the parsed tree is the reference it must agree with.
@Suite struct EventReferencesTests {
    @Test func theBytesGiveWhatTheParsedTreeGivesForEveryEventOfASyntheticCity() async throws {
        let ledger = try await TestLedger()
        try await ledger.append(Array(SyntheticCity(seed: 11, people: 120, months: 14).lines))
        let events = try await ledger.log.allEvents()
        let catalog = ledger.log.catalog
        var types: Set<String> = [], named = 0
        for event in events {
            let definition = try #require(catalog.definition(type: event.type, version: event.schemaVersion))
            // What the log wrote is read from the bytes, never through the fallback.
            let fast = try EventReferences(reading: event, definition: definition)
            let exact = try EventReferences(parsing: event, definition: definition)
            #expect(fast == exact, "position \(event.position), \(event.type)")
            types.insert(event.type)
            if !(fast.persons.isEmpty && fast.organisations.isEmpty) { named += 1 }
        }
        // The comparison covers many kinds of event, and most of them name somebody.
        #expect(types.count >= 20)
        #expect(named * 10 >= events.count * 9)
    }

    @Test func escapedValuesAndKeysUnexpectedShapesAndWhitespaceAgreeToo() throws {
        let catalog = EventCatalog.standard
        let datas = [
            // Escapes in values: the bytes' reading decodes them.
            #"{"amount":100000,"applicationId":"A\"1","clause":"XM-1","disbursementId":"D\u00411","payee":{"organisation":"ORG\\9"},"subject":"P\n1"}"#,
            // An escaped key: the bytes' reading refuses it and the tree is walked.
            #"{"amount":100000,"clause":"XM-1","disbursementId":"D1","p\u0061yee":{"person":"P2"},"subject":"P3"}"#,
            // Values of other kinds where ids are expected, and whitespace between tokens.
            #" { "amount" : 1 , "clause" : "XM-1" , "disbursementId" : 7 , "payee" : { "person" : null , "organisation" : [ "O" ] } , "subject" : { } } "#,
            #"{"amount":100000,"clause":"XM-1","disbursementId":"D1","payee":"nobody","subject":"P4"}"#,
        ]
        let version = try #require(catalog.currentVersion(of: "disbursement.made"))
        let definition = try #require(catalog.definition(type: "disbursement.made", version: version))
        for (n, data) in datas.enumerated() {
            let event = RecordedEvent(
                position: Int64(n + 1), eventID: "e\(n)", streamID: "disbursement:D\(n)", streamVersion: 1, type: "disbursement.made",
                schemaVersion: definition.version, occurredAt: LocalDate("2025-01-01")!, recordedAt: Timestamp("2025-01-01T00:00:00.000Z")!,
                actor: "t", source: "t", correlationID: nil, causationID: nil, data: Array(data.utf8), hash: [])
            let fast = try EventReferences(event, catalog: catalog)
            #expect(fast == (try EventReferences(parsing: event, definition: definition)), "case \(n)")
            // Only the escaped key needs the fallback.
            #expect((try? EventReferences(reading: event, definition: definition)) == (n == 1 ? nil : fast), "case \(n)")
            #expect(!fast.persons.isEmpty || !fast.organisations.isEmpty || n == 2, "case \(n) named nobody")
        }
    }
}
