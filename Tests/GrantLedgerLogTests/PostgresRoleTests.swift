import Foundation
import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerPostgres
import PostgresNIO
import Testing

/// Contract, PostgreSQL: the append-only rule holds in the database twice over, by the trigger
/// (whoever asks) and by the grants of the service's role (no UPDATE, DELETE or TRUNCATE of
/// events), and the log works in full under that role.
@Suite("PostgreSQL service role", .enabled(if: TestPostgres.location != nil, "needs GRANTLEDGER_TEST_POSTGRES"))
struct PostgresRoleTests {
    @Test("the service's role appends, reads, forgets and verifies, but may not change or remove an event")
    func serviceRole() async throws {
        let owner = try TestPostgres.freshLocation()
        let role = "svc_" + owner.schema.dropFirst(2).prefix(20)
        let ownerStorage = try await PostgresEventStorage(location: owner, create: true, maximumConnections: 2)
        defer { ownerStorage.close() }
        try await ownerStorage.client.withConnection { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE ROLE \(role) LOGIN"), logger: PostgresTampering.logger)
            for grant in try PostgresEventStorage.serviceGrants(schema: owner.schema, role: String(role)) {
                try await connection.query(PostgresQuery(unsafeSQL: grant), logger: PostgresTampering.logger)
            }
        }
        var service = owner
        service.user = String(role)
        let storage = try await PostgresEventStorage(location: service, maximumConnections: 2)
        defer { storage.close() }
        let log = try await EventLog(storage: storage, catalog: .standard, pseudonymizer: TestKeys.primary, clauses: .shapeOnly,
                                     clock: FixedClock())
        try await log.appendAccepted([Sample.personRegistered(1, person: People.zhang, name: "张三"), Sample.reversal(2)])
        try await log.appendAccepted([Sample.personRegistered(3, person: People.li, name: "李四")])
        #expect(try await log.allEvents().map(\.position) == [1, 2, 3])
        _ = try await log.forget(person: People.li)
        #expect(try await log.verify().isIntact)

        for statement in ["UPDATE events SET actor = 'mallory'", "DELETE FROM events WHERE position = 1", "TRUNCATE events"] {
            let refused = await #expect(throws: (any Error).self) {
                try await storage.client.withConnection { connection in
                    try await connection.query(
                        PostgresQuery(unsafeSQL: statement.replacingOccurrences(of: "events", with: "\"\(owner.schema)\".events")),
                        logger: PostgresTampering.logger)
                }
            }
            #expect(PostgresTampering.describe(refused!).contains("permission denied"), "\(statement)")
        }
        #expect(try await log.allEvents().count == 3)
    }

    @Test("a role name that is not a plain identifier is refused before any SQL is written")
    func badRoleName() {
        #expect(throws: LogError.self) { try PostgresEventStorage.serviceGrants(schema: "grantledger", role: "x; DROP TABLE events") }
    }
}

@Suite("PostgreSQL service role, as documented")
struct PostgresGrantsDocumentationTests {
    @Test("the README's grants are what serviceGrants gives for its example")
    func readmeGrants() throws {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        for grant in try PostgresEventStorage.serviceGrants(schema: "xiamen", role: "grants_service") {
            #expect(text.contains(grant + ";\n"), "README lacks: \(grant)")
        }
    }
}
