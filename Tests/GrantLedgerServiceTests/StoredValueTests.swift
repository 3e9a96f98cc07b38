import Foundation
import GRDB
import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerProjections
import GrantLedgerService
import Testing

/// Issue #15, item 7: no stored value stops a command. A NULL, a value of the wrong kind or an
/// absurd amount, written into the file by something other than GrantLedger, is refused in the
/// ledger's words, naming where it is. (`grants-file-fuzz` tries a hundred thousand such files.)
@Suite("Stored values that are not of their kind")
struct StoredValueTests {
    /// A new ledger of the examples with its projections built, closed again.
    static func examplesWithProjections() async throws -> LedgerConfiguration {
        let configuration = TestLedger.configuration(in: try TestLedger.directory())
        let ledger = try await Ledger.create(configuration)
        _ = try await ledger.append(Examples.submissionLines)
        _ = try ledger.entitlements()
        return configuration
    }

    /// A ledger of the examples, its projections built, then `change` run on the file with the
    /// append-only triggers and NOT NULL constraints removed (as the sqlite3 shell can).
    static func damaged(_ change: String) async throws -> Ledger {
        let configuration = try await examplesWithProjections()
        let queue = try DatabaseQueue(path: configuration.databasePath)
        try await queue.writeWithoutTransaction { db in
            for name in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger'") {
                try db.execute(sql: "DROP TRIGGER \(name)")
            }
            try db.execute(sql: "PRAGMA writable_schema = ON")
            try db.execute(sql: "UPDATE sqlite_master SET sql = replace(sql, 'NOT NULL', '') WHERE type = 'table'")
            try db.execute(sql: "PRAGMA writable_schema = OFF")
        }
        try queue.close()
        // A new connection reads the loosened schema.
        let changing = try DatabaseQueue(path: configuration.databasePath)
        try await changing.write { db in try db.execute(sql: change) }
        try changing.close()
        return try await Ledger.open(configuration)
    }

    @Test("a NULL or mistyped value in an event: verify names its position, and reading the events refuses there",
          arguments: ["type = NULL", "data = NULL", "occurred_at = 7", "hash = NULL", "event_id = NULL"])
    func nullInEvents(change: String) async throws {
        let ledger = try await Self.damaged("UPDATE events SET \(change) WHERE position = 3")
        let report = try await ledger.verify()
        #expect(report.problem?.position == 3, "\(String(describing: report.problem))")
        await #expect(throws: LogError.self) {
            for try await _ in ledger.log.events(EventQuery()) {}
        }
    }

    @Test("a value SQLite converts (text for a number, bytes for text): the chain no longer matches at its position",
          arguments: ["stream_version = 'x'", "correlation_id = X'00ff'", "schema_version = 2.5", "actor = 12"])
    func convertedInEvents(change: String) async throws {
        let ledger = try await Self.damaged("UPDATE events SET \(change) WHERE position = 3")
        let report = try await ledger.verify()
        #expect(report.problem == .altered(position: 3), "\(String(describing: report.problem))")
    }

    @Test("a NULL in the recorded head or the party index: verify names the table")
    func nullBesideEvents() async throws {
        for (change, table) in [("UPDATE ledger_head SET hash = NULL", "ledger_head"),
                                ("UPDATE event_parties SET party = 12 WHERE position = 2", "event_parties")] {
            let report = try await Self.damaged(change).verify()
            #expect(report.problem?.table == table, "\(change): \(String(describing: report.problem))")
        }
    }

    @Test("an amount of the wrong kind in a projection: the read names the table, and a rebuild cures it",
          arguments: ["UPDATE proj_entitlements SET amount = 'lots'", "UPDATE proj_entitlements SET amount = -9223372036854775808",
                      "UPDATE proj_disbursements SET match_key = 'one-part'", "UPDATE proj_entitlements SET detail = '{'"])
    func projectionAmount(change: String) async throws {
        let ledger = try await Self.damaged(change)
        let before = try await Self.digests(ledger)
        let standing = ledger.readingProjectionsAsTheyStand()
        #expect {
            _ = try standing.entitlements()
            _ = try standing.findings()
        } throws: { error in
            guard case ProjectionError.damaged(let table, _) = error else { return false }
            return change.contains("proj_" + table)
        }
        _ = try ledger.rebuild()
        _ = try standing.entitlements()
        _ = try standing.findings()
        #expect(try await Self.digests(ledger) != before)
    }

    @Test("a rebuild's generation number changed to nonsense: the rebuild still names its indexes apart")
    func generation() async throws {
        let ledger = try await Self.damaged("UPDATE proj_meta SET value = '-7' WHERE key = 'index-generation'")
        let first = try ledger.rebuild()
        let second = try ledger.rebuild()
        #expect(first.digests.map(\.digest) == second.digests.map(\.digest))
    }

    static func digests(_ ledger: Ledger) async throws -> [String] {
        try ledger.readingProjectionsAsTheyStand().digests().value.map(\.digest)
    }
}

/// Issue #15, item 10: a killed rebuild's new tables do not stay until the next rebuild.
@Suite("Leftovers of a killed rebuild")
struct RebuildLeftoverTests {
    /// A ledger with projections, and a copy of them under the rebuild's prefix as a rebuild
    /// run by `owner` would have left them.
    static func leftovers(owner: String) async throws -> LedgerConfiguration {
        let configuration = try await StoredValueTests.examplesWithProjections()
        let queue = try DatabaseQueue(path: configuration.databasePath)
        try await queue.write { db in
            for table in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'proj\\_%' ESCAPE '\\'") {
                try db.execute(sql: "CREATE TABLE projnext_\(table.dropFirst(5)) AS SELECT * FROM \(table)")
            }
            // (Copied without its primary key: the live tables' own owner goes first.)
            try db.execute(sql: "DELETE FROM projnext_meta WHERE key = 'rebuild-process'")
            try db.execute(sql: "INSERT INTO projnext_meta (key, value) VALUES ('rebuild-process', ?)", arguments: [owner])
        }
        try queue.close()
        return configuration
    }

    static func nextTables(_ configuration: LedgerConfiguration) async throws -> Int {
        try await DatabaseQueue(path: configuration.databasePath).read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name LIKE 'projnext\\_%' ESCAPE '\\'") ?? 0
        }
    }

    @Test("a rebuild whose process is gone: its tables are dropped at the next catch-up")
    func killed() async throws {
        let configuration = try await Self.leftovers(owner: "\(ProcessInfo.processInfo.hostName):2147483646")
        #expect(try await Self.nextTables(configuration) > 0)
        _ = try await Ledger.open(configuration).entitlements()
        #expect(try await Self.nextTables(configuration) == 0)
    }

    @Test("a rebuild still running (this process), or on another machine: its tables stay")
    func running() async throws {
        for owner in ["\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)", "another-host:12"] {
            let configuration = try await Self.leftovers(owner: owner)
            let before = try await Self.nextTables(configuration)
            _ = try await Ledger.open(configuration).entitlements()
            #expect(try await Self.nextTables(configuration) == before, "\(owner)")
        }
    }
}

/// Issue #15, item 4: the projections never drop money silently. A payment or clawback id used
/// twice (a ledger from before such events were refused) keeps both, and is a finding.
@Suite("A payment id used twice")
struct ReusedPaymentIDTests {
    @Test("both are counted, and the second is a finding", arguments: ["disbursement.made", "clawback.ordered"])
    func reused(type: String) async throws {
        let ledger = try await StoredValueTests.damaged("""
            INSERT INTO events (position, event_id, stream_id, stream_version, type, schema_version, occurred_at, recorded_at,
                                actor, source, correlation_id, causation_id, data, hash)
            SELECT (SELECT max(position) + 1 FROM events), randomblob(16), stream_id, stream_version + 100, type, schema_version,
                   occurred_at, recorded_at, actor, source, correlation_id, causation_id, data, hash
            FROM events WHERE type = '\(type)'
            """)
        _ = try ledger.rebuild()
        let findings = try ledger.findings().value.findings
        let reused = try #require(findings.first { $0.kind == "reused-payment-id" })
        #expect(reused.disbursements.count == 1)
        #expect(reused.amount > 0)
        #expect(reused.detail.contains("both are counted"))
    }
}
