import GrantLedgerEvents
import GrantLedgerLog
import Testing

/// Contract: resident IDs and names never reach the events. Person fields and person streams
/// hold keyed pseudonyms; the raw ID and name live only in the erasable personal-data table.
@Suite("Personal data")
struct PersonalDataTests {
    /// Every place an event can name a person: a person stream, a top-level person field, a
    /// nested payee, an optional subject; and a name.
    static let file = [
        Sample.personRegistered(1, person: People.zhang, name: "张三丰"),
        Sample.groupJoined(2, person: People.zhang),
        Sample.certificateIssued(3, number: "S3502002024000123", holder: People.li, employer: Organisations.kejiCompany),
        Sample.paymentToWorker(4, person: People.wang),
        Sample.paymentToEnterprise(5, code: Organisations.jinjiangFactory, subject: People.chen),
        Sample.employmentStarted(6, employee: People.zhao, employer: Organisations.jinjiangFactory),
        Sample.personRegistered(7, person: People.li, name: "李四"),
    ]

    @Test("no stored value contains a raw resident ID or name; the key opens them", arguments: Backend.allCases)
    func noRawIDs(backend: Backend) async throws {
        let ledger = try await backend.makeLedger()
        let log = try await ledger.log()
        try await log.appendAccepted(Self.file)
        let stored = try await ledger.tampering.storedText(exceptTables: [])
        #expect(stored.count > 50, "the scan must see the stored columns")
        for id in People.all {
            let leaks = stored.filter { $0.contains(id) || $0.contains(id.lowercased()) }
            #expect(leaks.isEmpty, "\(ResidentID.mask(id)) stored raw in \(leaks.count) value(s)")
        }
        for name in ["张三丰", "李四"] {
            #expect(!stored.contains { $0.contains(name) }, "name \(name) stored")
        }
        // The pseudonyms are what the events and the party index hold instead.
        let parties = try await ledger.tampering.storedText(inTable: "event_parties")
        for id in People.all { #expect(parties.contains(TestKeys.pseudonym(id))) }
        // The sealed records open with the key, each to its person.
        for id in People.all {
            #expect(try await log.personalRecord(pseudonym: TestKeys.pseudonym(id))?.residentID.digits == id, "\(ResidentID.mask(id))")
        }
        #expect(try await log.personalRecord(pseudonym: TestKeys.pseudonym(People.zhang))?.name == "张三丰")
        #expect(try await log.personalRecord(pseudonym: TestKeys.pseudonym(People.li))?.name == "李四")
    }

    @Test("person fields hold the pseudonym, P and 24 hex digits", arguments: Backend.allCases)
    func personFieldsPseudonymised(backend: Backend) async throws {
        let log = try await backend.makeLedger().log()
        try await log.appendAccepted(Self.file)
        let events = try await log.allEvents()
        try #require(events.count == Self.file.count)
        let holder = try #require(events[2].dataObject?["holder"]?.stringValue)
        #expect(holder == TestKeys.pseudonym(People.li))
        #expect(Pseudonym.isPseudonym(holder))
        #expect(holder.count == 25 && holder.hasPrefix("P"))
        #expect(events[3].dataObject?["payee"]?.objectValue?["person"]?.stringValue == TestKeys.pseudonym(People.wang))
        #expect(events[4].dataObject?["subject"]?.stringValue == TestKeys.pseudonym(People.chen))
        #expect(events[5].dataObject?["employee"]?.stringValue == TestKeys.pseudonym(People.zhao))
        // Organisations are not personal data: credit codes stay as they are.
        #expect(events[2].dataObject?["employer"]?.stringValue == Organisations.kejiCompany)
    }

    @Test("person:<resident ID> streams are rewritten to person:<pseudonym>", arguments: Backend.allCases)
    func personStreams(backend: Backend) async throws {
        let log = try await backend.makeLedger().log()
        try await log.appendAccepted(Self.file)
        let stream = "person:" + TestKeys.pseudonym(People.zhang)
        let events = try await log.allEvents()
        try #require(events.count == Self.file.count)
        #expect(events[0].streamID == stream)
        #expect(events[1].streamID == stream)
        #expect(events[1].streamVersion == 2)
        await #expect(try log.allEvents(EventQuery(streamID: stream)).map(\.position) == [1, 2])
        await #expect(try log.allEvents(EventQuery(streamID: "person:\(People.zhang)")).isEmpty)
        // Expected versions are checked against the rewritten stream.
        try await log.appendAccepted([Sample.groupJoined(8, person: People.zhang, group: "veteran", expected: "2")])
    }

    @Test("a lower-case x check character is the same person", arguments: Backend.allCases)
    func lowerCaseX(backend: Backend) async throws {
        let ledger = try await backend.makeLedger()
        let log = try await ledger.log()
        let lower = People.zhang.lowercased()
        try await log.appendAccepted([Sample.personRegistered(1, person: lower), Sample.groupJoined(2, person: People.zhang)])
        let events = try await log.allEvents()
        try #require(events.count == 2)
        #expect(events.map(\.streamID) == Array(repeating: "person:" + TestKeys.pseudonym(People.zhang), count: 2))
        #expect(events[0].dataObject?["person"]?.stringValue == TestKeys.pseudonym(People.zhang))
        let stored = try await ledger.tampering.storedText(exceptTables: [])
        #expect(!stored.contains { $0.contains(lower) || $0.contains(People.zhang) })
    }

    @Test("names leave the event and are kept, with the ID, in personal data", arguments: Backend.allCases)
    func namesStripped(backend: Backend) async throws {
        let log = try await backend.makeLedger().log()
        try await log.appendAccepted(Self.file)
        let registered = try await #require(try log.allEvents().first)
        #expect(registered.dataObject?["name"] == nil)
        #expect(registered.dataObject?.keys.sorted() == ["person", "registeredIn", "registrationKind"])
        let record = try await #require(try log.personalRecord(pseudonym: TestKeys.pseudonym(People.zhang)))
        #expect(record.residentID.digits == People.zhang)
        #expect(record.name == "张三丰")
        // A person named without a name still gets a record; a later name fills it in.
        await #expect(try log.personalRecord(pseudonym: TestKeys.pseudonym(People.wang))?.name == nil)
        await #expect(try log.personalRecord(pseudonym: TestKeys.pseudonym(People.li))?.name == "李四")
    }

    @Test("a resident ID outside a person field is refused, and no message repeats it", arguments: Backend.allCases)
    func idsInTextRefused(backend: Backend) async throws {
        let log = try await backend.makeLedger().log()
        let report = try await log.append(lines: [
            Sample.event(1, stream: "disbursement:D1", type: "disbursement.reversed",
                data: #"{"disbursementId":"D1","amount":1,"reason":"退给\#(People.li)"}"#),
            Sample.event(2, stream: "disbursement:X\(People.wang)", type: "disbursement.reversed",
                data: #"{"disbursementId":"D2","amount":1,"reason":"x"}"#),
            // A person field with a wrong check digit.
            Sample.personRegistered(3, person: "350203199001011234", stream: "person:P0123456789abcdef01234567"),
        ])
        #expect(report.issues.map { "\($0.line) \($0.path)" } == ["1 $.data.reason", "2 $.streamId", "3 $.data.person"])
        for issue in report.issues {
            for id in People.all + ["350203199001011234"] {
                #expect(!issue.message.contains(id), "line \(issue.line) repeats a resident ID")
            }
        }
        #expect(try await log.allEvents().isEmpty)
    }

    // MARK: - Keys

    @Test("without the key, a resident ID is a rejected line that says how to fix it", arguments: Backend.allCases)
    func missingKey(backend: Backend) async throws {
        let ledger = try await backend.makeLedger()
        try await ledger.log().appendAccepted([Sample.reversal(1)])
        let keyless = try await ledger.log(key: nil)
        let report = try await keyless.append(lines: [Sample.reversal(2), Sample.paymentToWorker(3, person: People.wang)])
        #expect(!report.isComplete)
        let issue = try #require(report.issues.first)
        #expect(issue.line == 2)
        #expect(issue.message.contains("pseudonym key is not available"))
        #expect(issue.needsKey, "a front end can add how to give the key")
        #expect(!issue.message.contains("--"), "the log names no front end's flag")
        // A person stream needs the key too.
        let stream = try await keyless.append(lines: [Sample.event(4, stream: "person:\(People.li)", type: "person.group-joined",
            data: #"{"group":"veteran","person":"\#(TestKeys.pseudonym(People.li))","since":"2024-01-01"}"#)])
        #expect(stream.issues.first?.message.contains("pseudonym key is not available") == true)
        #expect(stream.issues.first?.needsKey == true)
        #expect(try await keyless.allEvents().count == 1)
    }

    @Test("without the key, events naming people by pseudonym and events naming no one append", arguments: Backend.allCases)
    func keylessAppendsPseudonyms(backend: Backend) async throws {
        let ledger = try await backend.makeLedger()
        let keyless = try await ledger.log(key: nil)
        let pseudonym = TestKeys.pseudonym(People.li)
        try await keyless.appendAccepted([
            Sample.reversal(1),
            Sample.event(2, stream: "person:\(pseudonym)", type: "person.group-joined",
                data: #"{"group":"veteran","person":"\#(pseudonym)","since":"2024-01-01"}"#),
        ])
        #expect(try await keyless.allEvents(EventQuery(party: pseudonym)).map(\.position) == [2])
        await #expect(try keyless.personalRecord(pseudonym: pseudonym) == nil)
    }

    @Test("reading, querying by pseudonym and verifying work without the key", arguments: Backend.allCases)
    func readWithoutKey(backend: Backend) async throws {
        let ledger = try await backend.makeLedger()
        try await ledger.log().appendAccepted(Self.file)
        let reader = try await ledger.log(key: nil)
        #expect(reader.pseudonymizer == nil)
        #expect(try await reader.allEvents().count == Self.file.count)
        await #expect(try reader.verify().isIntact)
        let pseudonym = TestKeys.pseudonym(People.zhang)
        #expect(try reader.partyKey(for: pseudonym) == pseudonym)
        #expect(try await reader.allEvents(EventQuery(party: pseudonym)).map(\.position) == [1, 2])
        var typed = 0
        for try await _ in reader.typedEvents() { typed += 1 }
        #expect(typed == Self.file.count)
        // A resident ID cannot be looked up without the key, and the error says so, masked.
        let error = #expect(throws: EventLog.PartyError.self) { try reader.partyKey(for: People.zhang) }
        #expect(error?.description.contains("needs the pseudonym key") == true)
        #expect(error?.description.contains(People.zhang) == false)
    }

    @Test("a second, different key is refused as the wrong key", arguments: Backend.allCases)
    func wrongKey(backend: Backend) async throws {
        let ledger = try await backend.makeLedger()
        try await ledger.log(key: TestKeys.primary).appendAccepted([Sample.personRegistered(1, person: People.zhang)])
        let error = await #expect(throws: LogError.self) { try await ledger.log(key: TestKeys.other) }
        guard case .wrongKey? = error else {
            Issue.record("expected wrongKey, got \(String(describing: error))")
            return
        }
        #expect(error?.description.contains("not the key this ledger was created with") == true)
        // The right key still works, and the first key used became the ledger's key.
        await #expect(try ledger.log(key: TestKeys.primary).allEvents().count == 1)
    }

    @Test("the first key used with an empty ledger becomes its key", arguments: Backend.allCases)
    func firstKeyWins(backend: Backend) async throws {
        let ledger = try await backend.makeLedger()
        _ = try await ledger.log(key: nil)
        _ = try await ledger.log(key: TestKeys.other)
        await #expect(throws: LogError.self) { try await ledger.log(key: TestKeys.primary) }
    }

    // MARK: - Forgetting

    @Test("forget erases personal data; events, hashes and verification are unchanged", arguments: Backend.allCases)
    func forget(backend: Backend) async throws {
        let ledger = try await backend.makeLedger()
        let log = try await ledger.log()
        try await log.appendAccepted(Self.file)
        let before = try await log.allEvents()
        let pseudonym = TestKeys.pseudonym(People.zhang)

        #expect(try await log.forget(person: People.zhang).pseudonym == pseudonym)
        #expect(try await log.personalRecord(pseudonym: pseudonym) == nil)
        let personal = try await ledger.tampering.storedText(inTable: "personal_data_sealed")
        #expect(!personal.contains(pseudonym))
        // Others are kept.
        #expect(personal.contains(TestKeys.pseudonym(People.li)))
        #expect(try await log.personalRecord(pseudonym: TestKeys.pseudonym(People.li))?.residentID.digits == People.li)
        #expect(try await log.allEvents() == before)
        let report = try await log.verify()
        #expect(report.isIntact)
        #expect(report.eventsChecked == Int64(Self.file.count))
        // The events are still found by the pseudonym, and by the ID through the key.
        #expect(try await log.allEvents(EventQuery(party: try log.partyKey(for: People.zhang))).map(\.position) == [1, 2])
        // The erasure is recorded, by pseudonym only.
        #expect(try await ledger.tampering.storedText(inTable: "personal_data_erasures").contains(pseudonym))

        // Forgetting again only wipes again.
        let again = try await log.forget(person: People.zhang)
        #expect(again.alreadyErased && again.wiped)
    }

    @Test("forget accepts a pseudonym, and refuses an organisation or a stranger", arguments: Backend.allCases)
    func forgetByPseudonym(backend: Backend) async throws {
        let log = try await backend.makeLedger().log()
        try await log.appendAccepted(Self.file)
        let pseudonym = TestKeys.pseudonym(People.wang)
        await #expect(try log.forget(person: pseudonym).pseudonym == pseudonym)
        await #expect(throws: EventLog.PartyError.self) { try await log.forget(person: Organisations.kejiCompany) }
        await #expect(throws: LogError.self) { try await log.forget(person: "P000000000000000000000000") }
        await #expect(throws: EventLog.PartyError.self) { try await log.forget(person: "350203199001011234") }
    }
}
