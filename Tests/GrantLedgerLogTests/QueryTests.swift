import GrantLedgerEvents
import GrantLedgerLog
import Testing

/// Contract: reading by position range, stream, type and limit, in position order.
@Suite("Queries")
struct QueryTests {
    static let file = [
        Sample.enterpriseRegistered(1, code: Organisations.kejiCompany),   // 1
        Sample.reversal(2, disbursement: "D-A"),                          // 2
        Sample.personRegistered(3, person: People.zhang),                 // 3
        Sample.reversal(4, disbursement: "D-B"),                          // 4
        Sample.reversal(5, disbursement: "D-A"),                          // 5
        Sample.enterpriseRegistered(6, code: Organisations.agency),       // 6
        Sample.reversal(7, disbursement: "D-A"),                          // 7
    ]

    static func log(_ backend: Backend) async throws -> EventLog {
        let log = try await backend.makeLedger().log()
        try await log.appendAccepted(file)
        return log
    }

    @Test("position ranges are inclusive", arguments: Backend.allCases)
    func positions(backend: Backend) async throws {
        let log = try await Self.log(backend)
        #expect(try await log.positions(EventQuery()) == [1, 2, 3, 4, 5, 6, 7])
        #expect(try await log.positions(EventQuery(from: 3)) == [3, 4, 5, 6, 7])
        #expect(try await log.positions(EventQuery(to: 2)) == [1, 2])
        #expect(try await log.positions(EventQuery(from: 4, to: 4)) == [4])
        #expect(try await log.positions(EventQuery(from: 8)) == [])
        #expect(try await log.positions(EventQuery(from: 5, to: 100)) == [5, 6, 7])
    }

    @Test("type, stream and limit, alone and together", arguments: Backend.allCases)
    func filters(backend: Backend) async throws {
        let log = try await Self.log(backend)
        #expect(try await log.positions(EventQuery(type: "disbursement.reversed")) == [2, 4, 5, 7])
        #expect(try await log.positions(EventQuery(type: "enterprise.registered")) == [1, 6])
        #expect(try await log.positions(EventQuery(type: "no.such-type")) == [])
        #expect(try await log.positions(EventQuery(streamID: "disbursement:D-A")) == [2, 5, 7])
        #expect(try await log.positions(EventQuery(streamID: "organisation:\(Organisations.agency)")) == [6])
        #expect(try await log.positions(EventQuery(limit: 3)) == [1, 2, 3])
        #expect(try await log.positions(EventQuery(from: 3, type: "disbursement.reversed", limit: 2)) == [4, 5])
        #expect(try await log.positions(EventQuery(from: 3, streamID: "disbursement:D-A", type: "disbursement.reversed")) == [5, 7])
        #expect(try await log.positions(EventQuery(streamID: "disbursement:D-A", limit: 1)) == [2])
        #expect(try await log.positions(EventQuery(streamID: "disbursement:D-A", type: "enterprise.registered")) == [])
    }

    @Test("reading stops when the body says so", arguments: Backend.allCases)
    func stopEarly(backend: Backend) async throws {
        let log = try await Self.log(backend)
        var seen: [Int64] = []
        for try await event in log.events() {
            seen.append(event.position)
            if !(event.position < 3) { break }
        }
        #expect(seen == [1, 2, 3])
    }

    @Test("a read session sees one consistent log", arguments: Backend.allCases)
    func readSession(backend: Backend) async throws {
        let log = try await Self.log(backend)
        let (head, count, version) = try await log.read { reader in
            let count = try await reader.events(EventQuery(), after: 0, limit: 100).count
            return (try await reader.lastEvent(), count, try await reader.version(ofStream: "disbursement:D-A"))
        }
        #expect(head?.position == 7)
        #expect(count == 7)
        #expect(version == 3)
        #expect(try await log.read { try await $0.version(ofStream: "disbursement:none") } == nil)
        #expect(try await log.read { try await $0.recordedHead() } == head)
    }

    @Test("an event is found by its id", arguments: Backend.allCases)
    func byID(backend: Backend) async throws {
        let log = try await Self.log(backend)
        await #expect(try log.event(withID: Sample.eventID(5))?.position == 5)
        await #expect(try log.event(withID: Sample.eventID(99)) == nil)
        await #expect(try log.event(withID: "not a uuid") == nil)
    }
}
