import Foundation
import GrantLedgerLog
import GrantLedgerPostgres
import PostgresNIO
import GrantLedgerProjections
import GrantLedgerService
import SyntheticCity
import Testing

/// The projections of a ledger on PostgreSQL: the same statements as SQLite's, in the ledger's
/// schema. For the same log they must give the same rows (the digests) and the same answers.
@Suite("Projections on PostgreSQL", .enabled(if: TestServer.url != nil, "needs GRANTLEDGER_TEST_POSTGRES"))
struct PostgresProjectionsTests {
    static func freshURL() throws -> String { try TestServer.freshURL() }

    static let city = Array(SyntheticCity(seed: 5, people: 150, months: 14).lines)

    static func lines(_ text: some Collection<String>) -> [SubmissionLine] {
        text.enumerated().map { SubmissionLine(number: $0.offset + 1, bytes: Array($0.element.utf8)) }
    }

    @Test("the synthetic city's log, loaded on PostgreSQL: the projections rebuilt there give SQLite's digests and answers")
    func sameDigestsAndAnswers() async throws {
        let directory = try TestLedger.directory()
        let configuration = TestLedger.configuration(in: directory)
        let sqlite = try await Ledger.create(configuration)
        #expect(try await sqlite.append(Self.lines(Self.city)).report.isComplete)
        let digests = try sqlite.rebuild().digests.map(\.digest)

        let export = directory.appendingPathComponent("city.jsonl").path
        let exported = try await Ledger.export(from: .file(configuration.databasePath), to: export)
        var onPostgres = configuration
        onPostgres.databasePath = try Self.freshURL()
        onPostgres.keyFile = sqlite.keyFilePath
        let loaded = try await Ledger.load(export, into: try LedgerLocation(onPostgres.databasePath))
        #expect(loaded == exported)
        #expect(loaded.events == Self.city.count)
        let postgres = try await Ledger.open(onPostgres)
        #expect(try await postgres.head() == (try await sqlite.head()))

        // Built the first time they are asked for, as on SQLite.
        let entitlements = try postgres.entitlements()
        #expect(try postgres.projections().digests().map(\.digest) == digests)
        #expect(try postgres.rebuild().digests.map(\.digest) == digests)

        let expected = try sqlite.entitlements()
        #expect(entitlements.value.map(\.entitlement) == expected.value.map(\.entitlement))
        #expect(entitlements.position == expected.position)
        let person = try #require(expected.value.compactMap(\.entitlement.subject).first { $0.hasPrefix("P") })
        #expect(try postgres.timeline(of: person).value == (try sqlite.timeline(of: person).value))
        #expect(try postgres.funds().value == (try sqlite.funds().value))
        #expect("\(try postgres.findings().value)" == "\(try sqlite.findings().value)")
        // A snapshot's projections are built in memory from the PostgreSQL log.
        let earlier = Moment(position: 400)
        #expect(try postgres.digests(at: earlier).value == (try sqlite.digests(at: earlier).value))
        #expect(try postgres.verifyProjections().isIntact)
        #expect(try postgres.maskedID(pseudonym: person) == (try sqlite.maskedID(pseudonym: person)))
    }

    @Test("kept current batch by batch on PostgreSQL, the projections equal a rebuild of the same log")
    func incrementalEqualsRebuild() async throws {
        let configuration = try TestServer.freshConfiguration().configuration
        let ledger = try await Ledger.create(configuration)
        let batches = stride(from: 0, to: Self.city.count, by: 700).map { Array(Self.city[$0..<min($0 + 700, Self.city.count)]) }
        var caughtUp = 0
        for (index, batch) in batches.enumerated() {
            let outcome = try await ledger.append(Self.lines(batch))
            #expect(outcome.report.isComplete)
            if case .updated(let report)? = outcome.projections {
                caughtUp += index == 0 ? 0 : report.eventsApplied
            } else {
                Issue.record("batch \(index) was not caught up: \(String(describing: outcome.projections))")
            }
        }
        #expect(caughtUp == Self.city.count - batches[0].count)
        let live = try ledger.projections().digests().map(\.digest)
        #expect(try ledger.rebuild().digests.map(\.digest) == live)
    }

    @Test("the catch-up lease: one holder at a time; released, or its session ended on the server, another takes it")
    func catchUpLease() async throws {
        let configuration = try TestServer.freshConfiguration().configuration
        let one = try await Ledger.create(configuration)
        let two = try await Ledger.open(configuration)
        let held = try #require(try one.takeCatchUpLease())
        #expect(held.isHeld)
        #expect(try two.takeCatchUpLease() == nil)
        held.release()
        #expect(!held.isHeld)
        let taken = try #require(try two.takeCatchUpLease())
        #expect(try one.takeCatchUpLease() == nil)

        // The holder's process gone: the server ends its session, and the lock with it.
        let location = try PostgresLocation(url: configuration.databasePath)
        let admin = try PostgresBlockingConnection.connect(location)
        defer { admin.close() }
        let key = admin.lockKey("catch-up-lease")
        let ended = try admin.rows("""
            SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted
            AND classid::int8 = \(Int64(UInt64(bitPattern: key) >> 32)) AND objid::int8 = \(Int64(UInt64(bitPattern: key) & 0xffff_ffff)) AND objsubid = 1
            """)
        #expect(ended.count == 1)
        #expect(!taken.isHeld)
        #expect(try one.takeCatchUpLease() != nil)
    }

    @Test("under the service's role (the README's grants), the projections are built and kept current, and tokens kept")
    func serviceRole() async throws {
        let owner = try TestServer.freshConfiguration().configuration
        let made = try await Ledger.create(owner)
        // The owner makes the ledger and its log; the service's role makes and owns the projections.
        #expect(try await made.append(Self.lines(Self.city.prefix(1_500)), catchUp: false).report.isComplete)
        let location = try PostgresLocation(url: owner.databasePath)
        let role = "svc_" + location.schema.dropFirst(2).prefix(20)
        let admin = try PostgresBlockingConnection.connect(location)
        defer { admin.close() }
        try admin.execute(PostgresQuery(unsafeSQL: "CREATE ROLE \(role) LOGIN"))
        for grant in try PostgresEventStorage.serviceGrants(schema: location.schema, role: String(role)) {
            try admin.execute(PostgresQuery(unsafeSQL: grant))
        }

        var service = owner
        var url = try #require(URLComponents(string: owner.databasePath))
        url.user = String(role)
        service.databasePath = try #require(url.string)
        let ledger = try await Ledger.open(service)
        let built = try ledger.rebuild().digests
        let more = try await ledger.append(Self.lines(Self.city.dropFirst(1_500).prefix(500)))
        guard case .updated(let report)? = more.projections else {
            Issue.record("not caught up: \(String(describing: more.projections))")
            return
        }
        #expect(report.eventsApplied == 500)
        #expect(try ledger.projections().digests().map(\.digest) != built.map(\.digest))
        #expect(try ledger.verifyProjections().isIntact)
        let issued = try ledger.tokens().create(role: .intake, scope: nil, label: "portal", catalog: try ledger.policies().places)
        #expect(try ledger.tokens().authenticate(issued.bearer).tokenID == issued.record.id)
        #expect(try made.tokens().list().map(\.id) == [issued.record.id], "every instance, under any role, sees the same tokens")
    }

    @Test("a ledger made on PostgreSQL names its key file")
    func keyFileNamed() async throws {
        var configuration = TestLedger.configuration(in: try TestLedger.directory())
        configuration.databasePath = try Self.freshURL()
        let error = await #expect(throws: LedgerError.self) { try await Ledger.create(configuration) }
        guard case .keyFileNeeded? = error else {
            Issue.record("\(String(describing: error))")
            return
        }
    }
}

/// The PostgreSQL server the tests may fill with ledgers: `GRANTLEDGER_TEST_POSTGRES`.
enum TestServer {
    static var url: String? {
        ProcessInfo.processInfo.environment["GRANTLEDGER_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A configuration for a new ledger of its own on the server, its key file in a new directory.
    static func freshConfiguration() throws -> (directory: URL, configuration: LedgerConfiguration) {
        let directory = try TestLedger.directory()
        var configuration = TestLedger.configuration(in: directory)
        configuration.databasePath = try freshURL()
        configuration.keyFile = directory.appendingPathComponent("ledger.key").path
        return (directory, configuration)
    }

    /// The server's URL for a new ledger of its own (a fresh schema).
    static func freshURL() throws -> String {
        let base = try #require(url)
        let schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(24)
        return base + (base.contains("?") ? "&" : "?") + "ledger=" + schema
    }
}
