import Foundation
import GRDB
import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerPolicy
@testable import GrantLedgerProjections
import SyntheticCity
import Testing

/// The runner: catching up, rebuilding, resuming after a crash, and agreeing with the engine.
@Suite struct RunnerTests {
    /// Every story of the tests and the catalog's examples, in one log.
    static func everything() -> [String] {
        var lines = Examples.lines + ProjectionTests.referrals().lines
        var more = Story(base: 3)
        more.disburse("PAY-9", clause: "XM-2023-187/(九)-c", payee: Story.agency, subject: ProjectionTests.w1, yuan: 1000, on: "2024-07-10")
        more.event("disbursement.reversed", stream: "disbursement:PAY-9", on: "2024-07-20", [
            "disbursementId": "PAY-9", "amount": 40_000, "reason": "银行退回",
        ])
        more.month(worker: ProjectionTests.w1, contract: "employment:\(Story.employer):HT-LW-1", month: 4, paid: false)
        lines += more.lines
        return lines
    }

    /// The ledger's SQLite file, to look at the projection tables themselves.
    static func file(_ ledger: TestLedger) -> any DatabaseWriter { (ledger.log.storage as! SQLiteEventStorage).database }

    static func rows(_ ledger: TestLedger) throws -> [String] {
        try file(ledger).read { db in
            try String.fetchAll(db, sql: "SELECT id || ' ' || status || ' ' || coalesce(amount, '-') FROM proj_entitlements ORDER BY id")
        }
    }

    @Test("two rebuilds of the same log give the same digests, equal to those of the projections kept current event by event")
    func rebuildsAgree() async throws {
        let ledger = try await TestLedger(clock: "2024-01-01T02:00:00.000Z")
        // One event at a time, the clock moving a day each: scopes come due for review as it does.
        var day = LocalDate("2024-01-01")!
        for line in Self.everything() {
            ledger.clock.set("\(day)T02:00:00.000Z")
            try await ledger.append([line])
            try ledger.projections.catchUp()
            day = day.adding(days: 20)
        }
        let incremental = try ledger.projections.digests().map(\.digest)
        let incrementalRows = try Self.rows(ledger)
        let first = try ledger.projections.rebuild().digests.map(\.digest)
        let firstRows = try Self.rows(ledger)
        let second = try ledger.projections.rebuild().digests.map(\.digest)
        #expect(first == second)
        #expect(incrementalRows == firstRows)
        #expect(incremental == first)
        #expect(!firstRows.isEmpty)
    }

    @Test("the projections hold what the engine gives for the whole log at once")
    func agreesWithEngine() async throws {
        let ledger = try await TestLedger()
        try await ledger.append(Self.everything())
        try ledger.projections.catchUp()
        let asOf = try #require(try ledger.projections.status().asOf)
        var facts: [Fact] = []
        for try await event in ledger.log.typedEvents() {
            facts.append(Fact(eventID: event.envelope.eventID, position: event.envelope.position, occurredAt: event.envelope.occurredAt,
                              payload: event.payload))
        }
        let engine = PolicyEngine(catalog: TestLedger.bundled).evaluate(facts, on: asOf)
            .map { "\($0.id) \($0.status.rawValue) \($0.amount.map { String($0.value) } ?? "-")" }.sorted()
        #expect(try Self.rows(ledger) == engine)
    }

    @Test("a crash mid catch-up loses that batch only: resuming applies no event twice and skips none")
    func crashResume() async throws {
        let ledger = try await TestLedger()
        let lines = Self.everything()
        try await ledger.append(Array(lines.prefix(5)))
        try ledger.projections.catchUp()
        try await ledger.append(Array(lines.dropFirst(5)))
        struct Crash: Error {}
        var batches = 0
        #expect(throws: Crash.self) {
            try ledger.projections.catchUp(batchSize: 7) { _ in
                batches += 1
                if batches == 3 { throw Crash() }
            }
        }
        let stopped = try #require(try ledger.projections.status().checkpoints.first?.position)
        #expect(stopped == 5 + 2 * 7)

        let reopened = try await ledger.reopened()
        let report = try reopened.projections.catchUp(batchSize: 7)
        #expect(report.eventsApplied == lines.count - Int(stopped))
        let resumed = try reopened.projections.digests()
        let reversed = try await Self.file(reopened).read { db in
            try Int64.fetchOne(db, sql: "SELECT reversed FROM proj_disbursements WHERE disbursement_id = 'PAY-9'")
        }
        #expect(reversed == 40_000, "a reversal applied twice would show here")
        #expect(resumed.map(\.digest) == (try reopened.projections.rebuild().digests.map(\.digest)))
    }

    @Test("a projection transaction commits without an fsync or secure delete, and the log's writer is back to both after it, even when it fails")
    func projectionCommitsSkipFsync() async throws {
        let ledger = try await TestLedger()
        let lines = Self.everything()
        try await ledger.append(Array(lines.dropLast(5)))
        try ledger.projections.catchUp()
        try await ledger.append(Array(lines.suffix(5)))
        let storage = ledger.log.storage as! SQLiteEventStorage
        let backend = try #require(ledger.projections.backend as? SQLiteProjectionBackend)
        func settings(_ db: Database) throws -> [Int?] {
            [try Int.fetchOne(db, sql: "PRAGMA synchronous"), try Int.fetchOne(db, sql: "PRAGMA secure_delete")]
        }
        func writer() throws -> [Int?] { try storage.database.writeWithoutTransaction { db in try settings(db) } }
        let inside = try backend.write(.live) { store in try settings(((store as! SQLProjectionStore).db as! SQLiteProjectionConnection).db) }
        #expect(inside == [1, 0], "NORMAL, no secure delete")
        #expect(try writer() == [2, 1], "FULL, secure delete")
        struct Crash: Error {}
        #expect(throws: Crash.self) { try ledger.projections.catchUp(beforeCommit: { _ in throw Crash() }) }
        #expect(try writer() == [2, 1])
        let report = try ledger.projections.catchUp()
        #expect(report.eventsApplied == 5 && !report.rebuilt)
        #expect(try writer() == [2, 1])
    }

    @Test("scopes evaluated beside the writer give the writer's own rows: they read the projection tables only as the writer looked them up, and a fund's target figures send the scope back to the writer")
    func workersMatchWriter() async throws {
        let ledger = try await TestLedger(clock: "2026-11-21T02:00:00.000Z")
        try await ledger.append(Array(SyntheticCity(seed: 2026, people: 300, months: 36).lines))
        try ledger.projections.catchUp()
        let backend = ledger.projections.backend
        let engine = PolicyEngine(catalog: ledger.projections.policies)
        struct RollBack: Error {}
        #expect(throws: RollBack.self) {
            try backend.write(.live) { store in
                // Rows changed in the writer's transaction only, which no other transaction sees.
                let db = ((store as! SQLProjectionStore).db as! SQLiteProjectionConnection).db
                try db.execute(sql: "DELETE FROM proj_links WHERE key LIKE 'app:%'; DELETE FROM proj_employer_counts WHERE rank % 2 = 0")
                let asOf = try #require(try store.asOf())
                let evaluator = ScopeEvaluator(engine: engine, catalog: ledger.log.catalog, limit: try store.checkpoint(), asOf: asOf)
                let scopes = try ScopeKind.allCases.flatMap { try store.scopes($0, after: nil, limit: 100_000) }.compactMap { Scope(key: $0.key) }
                let needingTables = try scopes.filter { scope in
                    let lookups = try evaluator.lookups(scope, store: store)
                    return (try? evaluator.evaluate(scope, lookups: lookups, store: store, tablesCurrent: false)) == nil
                }
                #expect(!needingTables.isEmpty, "the city has funds whose evaluation reads target figures")
                /// The rows a catch-up would keep, in the order it keeps them.
                func kept(by evaluator: ScopeEvaluator, readAhead: [String: [ScopeEvaluator.ReadEvent]] = [:]) throws -> [ScopeEvaluator.Rows] {
                    var rows: [ScopeEvaluator.Rows] = []
                    try ScopeWorkers.evaluate(scopes, with: evaluator, writer: store, helpers: backend, workers: 3, readAhead: readAhead) {
                        rows.append($0)
                    }
                    return rows
                }
                let alone = try scopes.map { try evaluator.evaluate($0, store: store) }
                let together = try kept(by: evaluator)
                // And with the people's events read ahead, as a catch-up reads them while it applies.
                let people = scopes.compactMap { if case .person(let id) = $0 { id } else { nil } }
                let read = ScopeEvaluator(engine: engine, catalog: ledger.log.catalog, limit: evaluator.limit, asOf: asOf)
                let ahead = try backend.read(.live) { helper in try read.reading(people: people, store: helper) }
                #expect(ahead.events.count == people.count && !ahead.streams.isEmpty)
                for (stream, facts) in ahead.streams { read.shared.hold(stream: stream, facts) }
                let readAhead = try kept(by: read, readAhead: ahead.events)
                #expect(together.map(\.scope) == scopes && readAhead.map(\.scope) == scopes)
                for (a, (b, c)) in zip(alone, zip(together, readAhead)) {
                    #expect(a.entitlements.map(EntitlementRecord.init) == b.entitlements.map(EntitlementRecord.init), "\(a.scope)")
                    #expect(a.reviewBy == b.reviewBy && a.contributions == b.contributions, "\(a.scope)")
                    #expect(a.entitlements.map(EntitlementRecord.init) == c.entitlements.map(EntitlementRecord.init), "\(a.scope) read ahead")
                    #expect(a.reviewBy == c.reviewBy && a.contributions == c.contributions, "\(a.scope) read ahead")
                }
                throw RollBack()
            }
        }
    }

    @Test("a city caught up a file at a time (its people's events read ahead while the events are applied, their rows kept while others are still evaluated) holds the rows and digests of a rebuild")
    func filesAgreeWithRebuild() async throws {
        let ledger = try await TestLedger(clock: "2026-11-21T02:00:00.000Z")
        #expect(ledger.projections.backend.concurrentReads, "the catch-ups use both cores")
        let lines = Array(SyntheticCity(seed: 11, people: 240, months: 30).lines)
        let files = 5
        var evaluated: [Int] = []
        for file in 0..<files {
            try await ledger.append(Array(lines[(lines.count * file / files)..<(lines.count * (file + 1) / files)]))
            let report = try ledger.projections.catchUp()
            #expect(report.eventsApplied < Projections.batchSize, "one catch-up a file")
            if file > 0 { evaluated.append(report.scopesEvaluated) }
        }
        #expect(evaluated.allSatisfy { $0 >= 4 * ScopeWorkers.catchUpThreshold }, "each file's people are spread over the cores: \(evaluated)")
        let incremental = try ledger.projections.digests().map(\.digest)
        let incrementalRows = try Self.rows(ledger)
        let rebuilt = try ledger.projections.rebuild().digests.map(\.digest)
        #expect(incrementalRows == (try Self.rows(ledger)))
        #expect(incremental == rebuilt)
    }

    @Test("a rebuild's indexes move with its tables: after two rebuilds each lookup is indexed once, and the swap made none again")
    func indexesFollowTheSwap() async throws {
        let ledger = try await TestLedger()
        try await ledger.append(Self.everything())
        try ledger.projections.catchUp()
        _ = try ledger.projections.rebuild()
        _ = try ledger.projections.rebuild()
        let indexes = try await Self.file(ledger).read { db in
            try Row.fetchAll(db, sql: """
                SELECT tbl_name, name FROM sqlite_master WHERE type = 'index' AND tbl_name LIKE 'proj%' AND name NOT LIKE 'sqlite_autoindex%'
                """).map { (table: $0[0] as String, name: $0[1] as String) }
        }
        let live = indexes.filter { $0.table.hasPrefix("proj_") }
        #expect(live.count == indexes.count, "no rebuild's tables are left: \(indexes)")
        #expect(Set(live.map(\.name)).count == live.count)
        // One index per lookup, all of the last rebuild's generation.
        #expect(live.filter { $0.table == "proj_links" }.map(\.name) == ["projidx_g3_links_scope_key"])
        #expect(live.filter { $0.table == "proj_entitlements" }.count == 4)
        #expect(live.allSatisfy { $0.name.hasPrefix("projidx_g3_") })
    }

    @Test("readers see the old projections or the new, never a half-built state")
    func swapIsAtomic() async throws {
        let ledger = try await TestLedger()
        try await ledger.append(Self.everything())
        try ledger.projections.catchUp()
        let before = try Self.rows(ledger)
        // Each progress callback runs between the rebuild's transactions: the live tables are whole.
        let seen = LockedBox<[[String]]>([])
        _ = try ledger.projections.rebuild { _ in
            if let rows = try? Self.rows(ledger) { seen.mutate { $0.append(rows) } }
        }
        #expect(!seen.value.isEmpty)
        #expect(seen.value.allSatisfy { $0 == before })
        #expect(try Self.rows(ledger) == before)
    }
}

extension RunnerTests {
    static let policyDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Policies").path

    @Test("projections built with other policy files are rebuilt, not extended; the same files read from disk are the same catalog")
    func policiesChange() async throws {
        let ledger = try await TestLedger()
        try await ledger.append(Examples.lines)
        #expect(try ledger.projections.catchUp().rebuilt)
        let files = try PolicyCatalog.files(in: Self.policyDirectory)
        let same = try Projections(log: ledger.log, policies: PolicyCatalog.load(files: files))
        #expect(try same.catchUp().rebuilt == false)
        let edited = files.map { ($0.name, $0.name.hasSuffix("XM-2023-187.yaml") ? $0.text + "\n# edited\n" : $0.text) }
        let other = try Projections(log: ledger.log, policies: PolicyCatalog.load(files: edited))
        #expect(try other.catchUp().rebuilt)
        #expect(try other.catchUp().rebuilt == false)
    }

    @Test("projections kept in an earlier layout of the tables (one without the layout noted) are rebuilt, not extended")
    func layoutChange() async throws {
        let ledger = try await TestLedger()
        try await ledger.append(Examples.lines)
        #expect(try ledger.projections.catchUp().rebuilt)
        #expect(try ledger.projections.catchUp().rebuilt == false)
        let digests = try ledger.projections.digests()
        // Layout 1 itself: no column noted_at (nor its index), and no layout noted.
        let layout1 = try await Self.file(ledger).read { db in
            try String.fetchAll(db, sql: "SELECT 'DROP INDEX ' || name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'proj_scopes' AND sql LIKE '%noted_at%'")
        }.joined(separator: "; ") + "; ALTER TABLE proj_scopes DROP COLUMN noted_at; DELETE FROM proj_meta WHERE key = 'layout'"
        for earlier in [layout1, "DELETE FROM proj_meta WHERE key = 'layout'", "UPDATE proj_meta SET value = '1' WHERE key = 'layout'"] {
            try await Self.file(ledger).write { db in try db.execute(sql: earlier) }
            #expect(try ledger.projections.catchUp().rebuilt, "\(earlier)")
            #expect(try await Self.file(ledger).read { db in try String.fetchOne(db, sql: "SELECT value FROM proj_meta WHERE key = 'layout'") } == "2")
            #expect(try ledger.projections.catchUp().rebuilt == false)
            #expect(try ledger.projections.digests().map(\.digest) == digests.map(\.digest))
        }
    }

    @Test("a rebuild walks each kind of scope by the event that first named it, then by key, the same a page at a time as at once")
    func scopesInNotedOrder() async throws {
        let ledger = try await TestLedger()
        try await ledger.append(Array(SyntheticCity(seed: 7, people: 150, months: 14).lines))
        _ = try ledger.projections.rebuild()
        // Each person's scope was noted at their first event (the log's index of parties says which).
        let firsts = try await Self.file(ledger).read { db in
            try Row.fetchAll(db, sql: """
                SELECT s.scope, s.noted_at, (SELECT min(position) FROM event_parties WHERE party = substr(s.scope, 8))
                FROM proj_scopes s WHERE s.scope LIKE 'person:%'
                """).map { (scope: $0[0] as String, noted: $0[1] as Int64, first: $0[2] as Int64?) }
        }
        #expect(firsts.count > 100)
        for person in firsts { #expect(person.noted == person.first, "\(person.scope)") }
        /// Every scope of `kind`, read `size` at a time, each page after the last one's last.
        func paged(_ kind: ScopeKind, by size: Int, in store: some ProjectionStore) throws -> [NotedScope] {
            var scopes: [NotedScope] = []
            while case let page = try store.scopes(kind, after: scopes.last, limit: size), !page.isEmpty { scopes += page }
            return scopes
        }
        // Scopes first named by one event (a referral names its worker and its agency; one
        // event may name two people) share a position: the key orders them, page after page.
        // Noted in a transaction that is rolled back.
        struct RollBack: Error {}
        #expect(throws: RollBack.self) {
            try ledger.projections.backend.write(.live) { store in
                let position = try #require(try store.scopes(.person, after: nil, limit: 2).last).position
                for key in ["zz-late", "aa-early", "mm-middle"] {
                    try store.noteScope(.person(key), at: position)
                    try store.noteScope(.organisation(key), at: position)
                }
                for kind in ScopeKind.allCases {
                    let all = try store.scopes(kind, after: nil, limit: 100_000)
                    let tied = all.filter { $0.position == position }.map(\.key)
                    #expect(tied.count >= 3 && tied == tied.sorted())
                    for size in [1, 2] { #expect(try paged(kind, by: size, in: store) == all) }
                }
                throw RollBack()
            }
        }
        try ledger.projections.backend.read(.live) { store in
            for kind in ScopeKind.allCases {
                let all = try store.scopes(kind, after: nil, limit: 100_000)
                #expect(!all.isEmpty)
                #expect(all.allSatisfy { $0.key.hasPrefix(kind.prefix) })
                #expect(zip(all, all.dropFirst()).allSatisfy { ($0.position, $0.key) < ($1.position, $1.key) })
                #expect(try paged(kind, by: 3, in: store) == all)
            }
            // Not key order: in this log some person is named before another whose key sorts first.
            let people = try store.scopes(.person, after: nil, limit: 100_000).map(\.key)
            #expect(people != people.sorted())
            #expect(try store.scopeCount() == Int64(people.count + store.scopes(.organisation, after: nil, limit: 100_000).count))
        }
    }

    @Test("a rebuild overtaken by another stops without swapping in tables it did not fill")
    func supersededRebuild() async throws {
        let ledger = try await TestLedger()
        try await ledger.append(Self.everything())
        try ledger.projections.catchUp()
        let before = try Self.rows(ledger)
        let started = LockedBox(false)
        let other = try await ledger.reopened()
        #expect(throws: ProjectionError.rebuildSuperseded) {
            _ = try ledger.projections.rebuild { _ in
                // Mid-way, a second rebuild (another process, say) starts and finishes.
                guard !started.value else { return }
                started.mutate { $0 = true }
                _ = try? other.projections.rebuild()
            }
        }
        #expect(try Self.rows(ledger) == before)
    }
}

final class LockedBox<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T
    init(_ value: T) { stored = value }
    var value: T { lock.withLock { stored } }
    func mutate(_ body: (inout T) -> Void) { lock.withLock { body(&stored) } }
}
