import Foundation
import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerPolicy
import GrantLedgerPostgres
import GrantLedgerProjections
import GrantLedgerService
import PostgresNIO
import SyntheticCity

/// The same log measured on PostgreSQL, beside SQLite in the same run (`--postgres URL`).
struct PostgresResult {
    var loadSeconds = 0.0
    var rebuild = RebuildResult()
    /// Whether the rebuild's digests equal SQLite's for the same log.
    var sameDigests = false
    var catchUp = Latency()
    var fileCatchUpSeconds = 0.0
    var timeline = Latency()
    var partyEntitlements = Latency()
    var entitlementByID = Latency()

    var rebuildRate: Double { Double(rebuild.position) / max(rebuild.seconds, 1e-9) }
}

extension SizeRun {
    /// A new schema on the server holding this run's log as generated (moved with an export
    /// and a load, as `grants export` and `grants load` do); its URL.
    func loadPostgres(_ server: PostgresLocation) async throws -> (location: PostgresLocation, seconds: Double) {
        var location = server
        location.schema = "bench_\(events)_\(getpid())"
        let start = ContinuousClock.now
        let export = path + ".export"
        try? FileManager.default.removeItem(atPath: export)  // a killed run's
        defer { try? FileManager.default.removeItem(atPath: export) }
        try Self.dropSchema(location)
        // As `grants export` (with the key: a log from before personal data was sealed is sealed then) and `grants load`.
        let exported = try await Ledger.export(from: .file(path), to: export, keyFile: EventLog.defaultKeyFile(forDatabase: path))
        let counts = try await Ledger.load(export, into: .postgres(location))
        guard counts.events == events else { throw BenchmarkError("PostgreSQL holds \(counts.events) events, not \(events)") }
        guard counts == exported else { throw BenchmarkError("the load took \(counts), but the export wrote \(exported)") }
        // Statistics for the planner, as after any bulk load.
        let connection = try PostgresBlockingConnection.connect(location)
        defer { connection.close() }
        try connection.execute("ANALYZE events")
        try connection.execute("ANALYZE event_parties")
        let seconds = (ContinuousClock.now - start).seconds
        say("  PostgreSQL: the log loaded into \(location.schema) in \(Format.seconds(seconds))")
        return (location, seconds)
    }

    /// The rebuild (in a child process), the catch-ups and the queries on PostgreSQL: the same
    /// steps, events and picks as on SQLite, from the same generator state.
    mutating func measurePostgres(_ loaded: (location: PostgresLocation, seconds: Double), generator: SyntheticCity.Generator) async throws -> PostgresResult {
        let location = loaded.location
        var measured = PostgresResult()
        measured.loadSeconds = loaded.seconds
        say("  PostgreSQL, the same log:")
        measured.rebuild = try Self.rebuildInChild(location.urlWithoutPassword)
        measured.sameDigests = measured.rebuild.digests == result.rebuild.digests
        say("  PostgreSQL rebuild: \(Format.rate(measured.rebuildRate)) (\(Format.percent(measured.rebuildRate / max(result.rebuildRate, 1e-9))) of SQLite's), "
            + "digests \(measured.sameDigests ? "equal to" : "DIFFERENT from") SQLite's, peak \(measured.rebuild.peakMiB) MiB")

        let storage = try await PostgresEventStorage(location: location)
        defer { storage.close() }
        let log = try await EventLog.open(storage: storage, keyFile: EventLog.defaultKeyFile(forDatabase: path), required: true,
                                          clauses: .shapeOnly, clock: FixedClock())
        let projections = try Projections(log: log, policies: try PolicyCatalog.bundled())
        // The same steps, on a copy of this run whose results are PostgreSQL's.
        var side = self
        side.result = SizeResult()
        var generator = generator
        try await side.catchUp(log: log, projections: projections, generator: &generator)
        try await side.fileCatchUp(log: log, projections: projections, generator: &generator)
        try side.query(projections: projections)
        measured.catchUp = side.result.catchUp
        measured.fileCatchUpSeconds = side.result.fileCatchUpSeconds
        measured.timeline = side.result.timeline
        measured.partyEntitlements = side.result.partyEntitlements
        measured.entitlementByID = side.result.entitlementByID
        try Self.dropSchema(location)
        return measured
    }

    static func dropSchema(_ location: PostgresLocation) throws {
        let connection = try PostgresBlockingConnection.connect(location)
        defer { connection.close() }
        try connection.execute(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \"\(location.schema)\" CASCADE"))
    }
}
