import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerPostgres
import Testing

/// Contract: a party query finds every event that names a person or an organisation anywhere
/// in its data, and only those.
@Suite("Party queries")
struct PartyQueryTests {
    static let file = [
        Sample.personRegistered(1, person: People.zhang),                                   // 1 zhang
        Sample.enterpriseRegistered(2, code: Organisations.kejiCompany),                     // 2 keji
        Sample.certificateIssued(3, number: "C3", holder: People.zhang, employer: Organisations.kejiCompany), // 3 zhang, keji
        Sample.paymentToWorker(4, person: People.zhang),                                    // 4 zhang (nested payee)
        Sample.paymentToEnterprise(5, code: Organisations.kejiCompany, subject: People.zhang), // 5 keji (payee), zhang
        Sample.paymentToWorker(6, person: People.li),                                       // 6 li
        Sample.employmentStarted(7, employee: People.li, employer: Organisations.jinjiangFactory), // 7 li, jinjiang
        Sample.reversal(8),                                                                 // 8 nobody
    ]

    @Test("a person is found everywhere they are named, by ID or pseudonym", arguments: Backend.allCases)
    func person(backend: Backend) async throws {
        let log = try await backend.makeLedger().log()
        try await log.appendAccepted(Self.file)
        let key = try log.partyKey(for: People.zhang)
        #expect(key == TestKeys.pseudonym(People.zhang))
        #expect(try await log.positions(EventQuery(party: key)) == [1, 3, 4, 5])
        #expect(try await log.positions(EventQuery(party: try log.partyKey(for: People.li))) == [6, 7])
        #expect(try await log.positions(EventQuery(party: try log.partyKey(for: People.wang))) == [])
    }

    @Test("an organisation is found as subject, employer and nested payee", arguments: Backend.allCases)
    func organisation(backend: Backend) async throws {
        let log = try await backend.makeLedger().log()
        try await log.appendAccepted(Self.file)
        #expect(try log.partyKey(for: Organisations.kejiCompany) == Organisations.kejiCompany)
        #expect(try await log.positions(EventQuery(party: Organisations.kejiCompany)) == [2, 3, 5])
        #expect(try await log.positions(EventQuery(party: Organisations.jinjiangFactory)) == [7])
    }

    @Test("party combines with type, stream, range and limit", arguments: Backend.allCases)
    func combined(backend: Backend) async throws {
        let log = try await backend.makeLedger().log()
        try await log.appendAccepted(Self.file)
        let zhang = TestKeys.pseudonym(People.zhang)
        #expect(try await log.positions(EventQuery(type: "disbursement.made", party: zhang)) == [4, 5])
        #expect(try await log.positions(EventQuery(streamID: "disbursement:D5", party: zhang)) == [5])
        #expect(try await log.positions(EventQuery(from: 2, to: 4, party: zhang)) == [3, 4])
        #expect(try await log.positions(EventQuery(party: zhang, limit: 2)) == [1, 3])
    }

    @Test("people and organisations in arrays and arrays of objects are indexed and pseudonymised", arguments: Backend.allCases)
    func arrays(backend: Backend) async throws {
        let ledger = try await backend.makeLedger()
        let log = try await ledger.log(catalog: TeamFormed.catalog)
        try await log.appendAccepted([
            TeamFormed.line(1, members: [People.wang, People.chen], sponsors: [Organisations.agency]),
            TeamFormed.line(2, roster: [(People.zhao, "赵六", Organisations.publicInstitution), (People.wang, nil, nil)]),
            TeamFormed.line(3, sponsors: [Organisations.trainingSchool, Organisations.agency]),
        ])
        #expect(try await log.positions(EventQuery(party: TestKeys.pseudonym(People.wang))) == [1, 2])
        #expect(try await log.positions(EventQuery(party: TestKeys.pseudonym(People.chen))) == [1])
        #expect(try await log.positions(EventQuery(party: TestKeys.pseudonym(People.zhao))) == [2])
        #expect(try await log.positions(EventQuery(party: Organisations.agency)) == [1, 3])
        #expect(try await log.positions(EventQuery(party: Organisations.publicInstitution)) == [2])
        #expect(try await log.positions(EventQuery(party: Organisations.trainingSchool)) == [3])

        let events = try await log.allEvents()
        try #require(events.count == 3)
        #expect(events[0].dataObject?["members"] == .array([
            .string(TestKeys.pseudonym(People.wang)), .string(TestKeys.pseudonym(People.chen)),
        ]))
        let entry = try #require(events[1].dataObject?["roster"]?.arrayValue?.first?.objectValue)
        #expect(entry["person"]?.stringValue == TestKeys.pseudonym(People.zhao))
        #expect(entry["name"] == nil)
        await #expect(try log.personalRecord(pseudonym: TestKeys.pseudonym(People.zhao))?.name == "赵六")
        await #expect(try log.personalRecord(pseudonym: TestKeys.pseudonym(People.chen))?.residentID.digits == People.chen)

        let stored = try await ledger.tampering.storedText(exceptTables: [])
        for id in [People.wang, People.chen, People.zhao] {
            #expect(!stored.contains { $0.contains(id) }, "\(ResidentID.mask(id)) stored raw")
        }
        #expect(!stored.contains { $0.contains("赵六") })

        var decoded: [TeamFormed] = []
        for try await event in log.typedEvents() {
            if let team = event.payload as? TeamFormed { decoded.append(team) }
        }
        try #require(decoded.map(\.teamId) == ["T1", "T2", "T3"])
        #expect(decoded[1].roster?.first?.employer == Organisations.publicInstitution)
    }

    @Test("an event naming one party twice is listed once", arguments: Backend.allCases)
    func namedTwice(backend: Backend) async throws {
        let log = try await backend.makeLedger().log(catalog: TeamFormed.catalog)
        try await log.appendAccepted([TeamFormed.line(1, members: [People.li], roster: [(People.li, nil, Organisations.agency)])])
        #expect(try await log.positions(EventQuery(party: TestKeys.pseudonym(People.li))) == [1])
    }

    @Test("party keys: credit codes and pseudonyms pass through, other text is refused", arguments: Backend.allCases)
    func partyKeys(backend: Backend) async throws {
        let log = try await backend.makeLedger().log()
        let pseudonym = TestKeys.pseudonym(People.chen)
        #expect(try log.partyKey(for: pseudonym) == pseudonym)
        #expect(try log.partyKey(for: People.zhang.lowercased()) == TestKeys.pseudonym(People.zhang))
        let error = #expect(throws: EventLog.PartyError.self) { try log.partyKey(for: "350203199001011234") }
        #expect(error?.description.contains("350203199001011234") == false)
        #expect(error?.description.contains("350203********1234") == true)
        #expect(throws: EventLog.PartyError.self) { try log.partyKey(for: "厦门某公司") }
    }
}

/// Several parties' events read at once in a transaction (what a rebuild's evaluations of
/// people read): each party's events as its own party query gives them.
@Suite("Party queries in a transaction")
struct TransactionPartyQueryTests {
    @Test("several parties at once: each one's events in position order, up to the limit", arguments: Backend.allCases)
    func severalParties(backend: Backend) async throws {
        let ledger = try await backend.makeLedger()
        let log = try await ledger.log()
        try await log.appendAccepted(PartyQueryTests.file)
        let zhang = try log.partyKey(for: People.zhang), li = try log.partyKey(for: People.li)
        let parties = [zhang, Organisations.kejiCompany, li, "nobody", zhang]
        @Sendable func read(_ reader: any TransactionEventReader) throws -> [String: [Int64]] {
            try reader.events(ofParties: parties, through: 6).mapValues { $0.map(\.position) }
        }
        let found = try await Self.inTransaction(ledger, read)
        #expect(found == [zhang: [1, 3, 4, 5], Organisations.kejiCompany: [2, 3, 5], li: [6], "nobody": []])
        for party in Set(parties) {
            #expect(try await log.positions(EventQuery(to: 6, party: party)) == found[party])
        }
    }
}

extension TransactionPartyQueryTests {
    /// `body` with the log's reader inside a read transaction, on either backend.
    static func inTransaction<T: Sendable>(_ ledger: TestLedger, _ body: @escaping @Sendable (any TransactionEventReader) throws -> T) async throws -> T {
        if let storage = ledger.storage as? PostgresEventStorage { return try storage.blocking.read { try body($0.events) } }
        return try await (ledger.storage as! SQLiteEventStorage).database.read { try body(SQLiteEventStorage.reader(on: $0)) }
    }

    @Test("several streams at once: each one's events as its own stream query gives them, up to the limit", arguments: Backend.allCases)
    func severalStreams(backend: Backend) async throws {
        let ledger = try await backend.makeLedger()
        let log = try await ledger.log()
        try await log.appendAccepted(PartyQueryTests.file)
        @Sendable func read(_ reader: any TransactionEventReader) throws -> (found: [String: [Int64]], expected: [String: [Int64]]) {
            var streams: [String] = []
            try reader.forEachEvent(EventQuery()) { streams.append($0.streamID); return true }
            streams.append("stream:none")
            let found = try reader.events(ofStreams: streams + streams, through: 6).mapValues { $0.map(\.position) }
            var expected: [String: [Int64]] = [:]
            for stream in streams {
                var positions: [Int64] = []
                try reader.forEachEvent(EventQuery(to: 6, streamID: stream)) { positions.append($0.position); return true }
                expected[stream] = positions
            }
            return (found, expected)
        }
        let (found, expected) = try await Self.inTransaction(ledger, read)
        #expect(found == expected)
        #expect(found.count == 9 && found["stream:none"] == [] && found.values.joined().count == 6)
    }
}
