import Foundation
import GrantLedgerEvents
import GrantLedgerLog
import Logging
import PostgresNIO
import Testing

@testable import GrantLedgerPostgres

/// An event's row read straight from its cells (``EventCells``) gives what postgres-nio's
/// decoding of the row gives, and leaves a row of other kinds to that decoding.
@Suite struct EventCellsTests {
    static let logger = Logger(label: "grantledger.tests.event-cells")

    /// Every row of the ledger's events table, as `select` (given the schema's quoted name) selects it.
    static func rows(of storage: PostgresEventStorage, _ select: (String) -> String) async throws -> [PostgresRow] {
        let sql = select("\"\(storage.location.schema)\"")
        return try await storage.client.withConnection { connection in
            var rows: [PostgresRow] = []
            for try await row in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Self.logger) { rows.append(row) }
            return rows
        }
    }

    @Test(.enabled(if: TestPostgres.location != nil, "needs GRANTLEDGER_TEST_POSTGRES"))
    func theCellsGiveWhatTheRowsDecodingGives() async throws {
        let ledger = try await Backend.postgres.makeLedger()
        let log = try await ledger.log()
        // Text in Chinese, backslashes and quotes, NULL and non-NULL correlation and causation ids.
        let caused = Sample.event(3, stream: "disbursement:D9", type: "disbursement.reversed",
                                  data: #"{"disbursementId":"D9","amount":100,"reason":"退票 \"O\\Brien\" \\N"}"#)
            .replacingOccurrences(
                of: #""type":"#, with: #""correlationId":"c0000001-0000-4000-8000-000000000001","causationId":"\#(Sample.eventID(2))","type":"#)
        try await log.appendAccepted([
            Sample.enterpriseRegistered(1, code: Organisations.kejiCompany), Sample.personRegistered(2, person: People.zhang), caused,
        ])
        let storage = try #require(ledger.storage as? PostgresEventStorage)
        let rows = try await Self.rows(of: storage) { "SELECT \(PostgresAccess.columns) FROM \($0).events ORDER BY position" }
        let stored = try await log.allEvents()
        try #require(rows.count == 3 && stored.count == 3)
        for (row, event) in zip(rows, stored) {
            let fromCells = try #require(EventCells.event(from: row), "position \(event.position): the cells were not read")
            #expect(fromCells == (try PostgresAccess.decodedEvent(from: row)))
            #expect(fromCells == event)
        }
        #expect(stored[2].correlationID == "c0000001-0000-4000-8000-000000000001" && stored[2].causationID == Sample.eventID(2))
        #expect(stored[0].correlationID == nil && stored[0].causationID == nil)
        #expect(String(decoding: stored[2].data, as: UTF8.self).contains(#"退票 \"O\\Brien\" \\N"#))

        // A row whose position is text, not a bigint: left to postgres-nio's decoding, which
        // names the event as corrupt rather than stopping.
        let odd = try await Self.rows(of: storage) {
            "SELECT position::text, " + PostgresAccess.columns.split(separator: ",").dropFirst().joined(separator: ",")
                + " FROM \($0).events ORDER BY position"
        }
        try #require(odd.count == 3)
        #expect(EventCells.event(from: odd[0]) == nil)
        #expect(throws: LogError.self) { try PostgresAccess.event(from: odd[0]) }
    }
}
