import GrantLedgerEvents
import GrantLedgerLog
import Testing

/// Contract: the store itself refuses to change or remove an event, even to someone bypassing
/// the log with plain SQL.
@Suite("Append-only storage")
struct AppendOnlyTests {
    @Test("UPDATE and DELETE of events are refused with the append-only message",
        arguments: Backend.allCases, [
            "UPDATE events SET actor = 'mallory' WHERE position = 1",
            "UPDATE events SET data = '{}'",
            "DELETE FROM events WHERE position = 2",
            "DELETE FROM events",
        ])
    func refused(backend: Backend, statement: String) async throws {
        let ledger = try await backend.makeLedger()
        let log = try await ledger.log()
        try await log.appendAccepted([Sample.personRegistered(1, person: People.zhang), Sample.reversal(2)])
        let before = try await log.allEvents()

        let error = await #expect(throws: (any Error).self) { try await ledger.tampering.execute(statement) }
        #expect(String(describing: error).contains("events are append-only: record a correction as a new event"))
        #expect(try await log.allEvents() == before)
        await #expect(try log.verify().isIntact)
    }

    @Test("a forged event inserted behind the log's back is named", arguments: Backend.allCases)
    func forgedInsert(backend: Backend) async throws {
        let ledger = try await backend.makeLedger()
        let log = try await ledger.log()
        try await log.appendAccepted([Sample.reversal(1), Sample.reversal(2)])
        try await ledger.tampering.execute("""
            INSERT INTO events (position, event_id, stream_id, stream_version, type, schema_version, occurred_at,
                recorded_at, actor, source, data, hash)
            SELECT 3, X'00000000000040008000000000000099', stream_id, 3, type, schema_version, occurred_at,
                recorded_at, actor, source, replace(data, '100', '900000'), hash FROM events WHERE position = 2
            """)
        await #expect(try log.verify().problem == .altered(position: 3))
    }

    @Test("a later append continues the chain after a failed one", arguments: Backend.allCases)
    func chainContinues(backend: Backend) async throws {
        let log = try await backend.makeLedger().log()
        try await log.appendAccepted([Sample.reversal(1)])
        _ = try await log.append(lines: [Sample.reversal(2), "[]"])
        try await log.appendAccepted([Sample.reversal(3)])
        let report = try await log.verify()
        #expect(report.isIntact)
        #expect(report.eventsChecked == 2)
    }
}
