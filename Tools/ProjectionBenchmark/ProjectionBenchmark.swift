import ArgumentParser
import Foundation
import GRDB
import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerPostgres
import GrantLedgerPolicy
import GrantLedgerProjections
import SyntheticCity

/// Measures the projections on synthetic ledgers (``SyntheticCity``), for each log size:
///
/// 1. builds the log, in appends of 10,000 events (not timed beyond a progress line);
/// 2. scans every event row with plain SQLite, and 3. with `EventLog.typedEvents`;
/// 4. rebuilds the projections, in a child process of this executable (`--rebuild-only`), so
///    that 5. its maximum resident set size (wait4) is the rebuild's alone;
/// 6. appends one event at a time (a certificate, an employment month, a payment, in turn)
///    and times `catchUp()` after each;
/// 7. times timelines and entitlement queries on one live reader.
///
/// The recording clock and the pseudonym key are fixed by the seed, so a seed gives the same
/// rows and digests on every run.
///
///     swift build -c release --scratch-path .build-bench --product grants-projection-bench
///     .build-bench/release/grants-projection-bench --sizes 100000,1000000 --markdown
@main
struct ProjectionBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grants-projection-bench",
        abstract: "Benchmark GrantLedger's projections: rebuild vs a plain scan, rebuild memory, one-event catch-up, queries.")

    @Option(help: "Events in the synthetic log.") var events = 100_000
    @Option(help: "Several log sizes, comma-separated (e.g. 100000,1000000); replaces --events.") var sizes: String?
    @Option(help: "Working directory for the ledgers (default: a new temporary directory).") var dir: String?
    @Flag(help: "Keep the ledger files.") var keep = false
    @Flag(help: ArgumentHelp(
        "Keep each generated log as ledger-N.base.sqlite in --dir and, when it is there, start from a copy of it instead of generating the log again.",
        discussion: "The log of a seed and size is the same on every run; at 10M events generating it takes most of the run."))
    var reuseLogs = false
    @Option(help: "Seed of the synthetic city.") var seed: UInt64 = 42
    @Option(help: ArgumentHelp(
        "How many people's stories the synthetic city tells at once (default: the city's, 400).",
        discussion: """
            Each story is told in date order, the stories interleaved at random. With 400, a person's \
            events lie within about 8,000 positions of each other; a province's feeds, month by month, \
            spread them over the whole log. A larger number gives a log of that shape (its base file \
            with --reuse-logs is ledger-N-iK.base.sqlite).
            """)) var interleaving = SyntheticCity.defaultInterleaving
    @Option(help: "Events appended one at a time, each followed by a timed catch-up.") var catchUps = 200
    @Option(help: "Queries of each kind to time.") var queries = 1000
    @Option(help: "Events appended as one file after the one-event catch-ups, to time that file's catch-up.") var fileEvents = 2_000
    @Option(help: "Files of --file-events events appended one after another; the median catch-up is reported.") var files = 5
    @Flag(help: "Print every timed one-event catch-up: its event, scopes and time (to look into the tail).") var printEach = false
    @Flag(help: "Also print a Markdown table row per size.") var markdown = false
    @Flag(help: "Add up SQLite's time per statement in the rebuild and the timed catch-ups, and print the longest.")
    var profileSQL = false
    @Option(help: ArgumentHelp(
        "Also measure the projections on this PostgreSQL server (postgres://…), beside SQLite in the same run.",
        discussion: "Each log is loaded into a new schema there (bench_<size>_<pid>, dropped at the end unless --keep); the rebuild, the catch-ups and the queries are then measured on it as on the SQLite file."))
    var postgres: String?
    @Option(help: "Only rebuild the projections of this ledger file and report (the benchmark runs this in a child process to measure the rebuild's memory alone).")
    var rebuildOnly: String?
    @Option(help: ArgumentHelp("With --rebuild-only: write the result as JSON to this file.", visibility: .hidden))
    var resultFile: String?

    func validate() throws {
        guard interleaving >= 1 else { throw ValidationError("--interleaving: at least one story is told at a time, not \(interleaving)") }
    }

    func run() async throws {
        if let rebuildOnly { return try await RebuildChild.run(ledger: rebuildOnly, resultFile: resultFile, profileSQL: profileSQL) }
        let sizes = try self.sizes.map { text in
            try text.split(separator: ",").map { part in
                guard let n = Int(part.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "")), n > 0 else {
                    throw ValidationError("--sizes: \"\(part)\" is not a positive number of events")
                }
                return n
            }
        } ?? [events]
        let directory = dir ?? FileManager.default.temporaryDirectory.appendingPathComponent("projection-bench-\(getpid())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)

        say("GrantLedger projection benchmark")
        say("  machine: \(Machine.summary)")
        say("  seed \(seed), \(interleaving) stories told at once; recording clock fixed at \(FixedClock.instant), so entitlements are evaluated on 2025-12-31")
        say("  ledgers in \(directory)\(keep ? " (kept)" : "")")
        var results: [SizeResult] = []
        for size in sizes {
            let path = "\(directory)/ledger-\(size).sqlite"
            if reuseLogs, dir == nil { throw ValidationError("--reuse-logs keeps the logs in --dir: name one, under a .build-* folder") }
            let shape = interleaving == SyntheticCity.defaultInterleaving ? "" : "-i\(interleaving)"
            var run = SizeRun(events: size, path: path, seed: seed, interleaving: interleaving, catchUps: catchUps, queries: queries, fileEvents: fileEvents, files: files,
                              printEach: printEach, profileSQL: profileSQL, base: reuseLogs ? "\(directory)/ledger-\(size)\(shape).base.sqlite" : nil,
                              postgres: try postgres.map { try PostgresLocation(url: $0) })
            let result = try await run.measure()
            results.append(result)
            say()
            say(result.report())
            if !keep { SizeRun.remove(path) }
        }
        if !keep, dir == nil { try? FileManager.default.removeItem(atPath: directory) }
        say()
        say(SizeResult.summary(results))
        if markdown {
            say()
            say(SizeResult.markdownHeader)
            for result in results { say(result.markdownRow) }
        }
    }
}

/// The measurements of one log size, in order.
struct SizeRun {
    let events: Int
    let path: String
    let seed: UInt64
    let catchUps: Int
    let queries: Int
    let fileEvents: Int
    let files: Int
    let printEach: Bool
    let profileSQL: Bool
    /// Where the generated log is kept, to be copied rather than generated again.
    let base: String?
    /// The server to measure the same log on, beside SQLite.
    let postgres: PostgresLocation?
    /// How many people's stories the city tells at once.
    let interleaving: Int
    var result = SizeResult()

    init(events: Int, path: String, seed: UInt64, interleaving: Int = SyntheticCity.defaultInterleaving, catchUps: Int, queries: Int, fileEvents: Int = 2_000,
         files: Int = 5, printEach: Bool = false, profileSQL: Bool, base: String? = nil, postgres: PostgresLocation? = nil) {
        self.interleaving = interleaving
        self.postgres = postgres
        self.printEach = printEach
        self.fileEvents = fileEvents
        self.files = max(1, files)
        self.base = base
        self.events = events
        self.path = path
        self.seed = seed
        self.catchUps = catchUps
        self.queries = queries
        self.profileSQL = profileSQL
        result.events = events
    }

    static func remove(_ path: String) {
        for suffix in ["", "-wal", "-shm", ".key"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// Copies a closed ledger, its write-ahead log and its key file. A symbolic link is copied
    /// as the file it names: copied as a link, the run would append to the kept log itself.
    static func copy(_ from: String, to: String) throws {
        remove(to)
        for suffix in ["", "-wal", ".key"] where FileManager.default.fileExists(atPath: from + suffix) {
            let source = URL(fileURLWithPath: from + suffix).resolvingSymlinksInPath().path
            try FileManager.default.copyItem(atPath: source, toPath: to + suffix)
        }
    }

    /// A plain SQLite connection to the ledger file, read-only, opened afresh (so that it
    /// sees tables another process made).
    func plain() throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = true
        return try DatabaseQueue(path: path, configuration: configuration)
    }

    mutating func measure() async throws -> SizeResult {
        say()
        say("\(Format.grouped(events)) events (load average \(Machine.load))")
        result.loadBefore = Machine.load
        var generator = try await build()
        // The same log on PostgreSQL, moved before SQLite's catch-ups append to it; measured after them.
        var onPostgres: (location: PostgresLocation, seconds: Double)?
        if let postgres { onPostgres = try await loadPostgres(postgres) }
        let generatorAtBase = generator
        try profile()
        try await scans()
        try rebuild()
        // A new log and projections on the file the child rebuilt.
        let log = try await EventLog.open(at: path, clauses: .shapeOnly, clock: FixedClock())
        let projections = try Projections(log: log, policies: try PolicyCatalog.bundled())
        try await catchUp(log: log, projections: projections, generator: &generator)
        try await fileCatchUp(log: log, projections: projections, generator: &generator)
        try query(projections: projections)
        result.parentPeakMiB = Memory.peakMiB()
        if let onPostgres { result.postgres = try await measurePostgres(onPostgres, generator: generatorAtBase) }
        result.loadAfter = Machine.load
        return result
    }

    // MARK: 1. Build

    private mutating func build() async throws -> SyntheticCity.Generator {
        if let base, FileManager.default.fileExists(atPath: base) {
            // The kept log: the generator is run through the same events, unappended, so that
            // the catch-ups continue the city where the log ends.
            let start = ContinuousClock.now
            try Self.copy(base, to: path)
            var generator = SyntheticCity(seed: seed, interleaving: interleaving).makeIterator()
            for _ in 0..<events { _ = generator.next() }
            let head = try await plain().read { db in try Int64.fetchOne(db, sql: "SELECT max(position) FROM events") ?? 0 }
            guard head == events else { throw BenchmarkError("\(base) holds \(head) events, not \(events): remove it to generate it again") }
            say("  the log: a copy of \(base), and the generator run through its events, in \(Format.seconds((ContinuousClock.now - start).seconds))")
            result.buildSeconds = (ContinuousClock.now - start).seconds
            result.people = generator.peopleStarted
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            result.fileMiB = Double((attributes[.size] as? NSNumber)?.intValue ?? 0) / 1_048_576
            return generator
        }
        let generator = try await generate()
        if let base { try Self.copy(path, to: base) }
        return generator
    }

    private mutating func generate() async throws -> SyntheticCity.Generator {
        Self.remove(path)
        // A pseudonym key from the seed, so that the same seed gives the same rows and digests.
        var random = SplitMix64(seed: seed ^ 0x6B65_7966_696C_65)
        let key = (0..<32).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        guard FileManager.default.createFile(atPath: EventLog.defaultKeyFile(forDatabase: path), contents: Data((Hex.string(key) + "\n").utf8),
                                             attributes: [.posixPermissions: 0o600])
        else { throw BenchmarkError("cannot write the key file beside \(path)") }
        let log = try await EventLog.create(at: path, clauses: .shapeOnly, clock: FixedClock())
        var generator = SyntheticCity(seed: seed, interleaving: interleaving).makeIterator()
        let start = ContinuousClock.now
        var done = 0
        var nextReport = 0
        while done < events {
            let count = min(10_000, events - done)
            var lines: [SubmissionLine] = []
            lines.reserveCapacity(count)
            for i in 0..<count { lines.append(SubmissionLine(number: i + 1, bytes: generator.next()!)) }
            let report = try await log.append(lines)
            guard report.isComplete, report.appended == count else {
                throw BenchmarkError("appending events \(done + 1)-\(done + count) failed: \(report.issues.prefix(5).map(\.description))")
            }
            done += count
            if done >= nextReport || done == events {
                let elapsed = (ContinuousClock.now - start).seconds
                say("  building the log: \(Format.grouped(done)) events, \(Format.seconds(elapsed)) (\(Format.rate(Double(done) / elapsed)))")
                nextReport += max(10_000, events / 5)
            }
        }
        result.buildSeconds = (ContinuousClock.now - start).seconds
        result.people = generator.peopleStarted
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        result.fileMiB = Double((attributes[.size] as? NSNumber)?.intValue ?? 0) / 1_048_576
        return generator
    }

    // MARK: What the log holds

    private mutating func profile() throws {
        let start = ContinuousClock.now
        try plain().read { db in
            result.types = try Row.fetchAll(db, sql: "SELECT type, count(*) FROM events GROUP BY type ORDER BY 2 DESC, 1").map { ($0[0], $0[1]) }
            // Events per party. An organisation's scope reads its own events and every event of
            // the people it employed: how many people, and how many events in all (the overlap
            // counted twice). event_parties has no index by position: the pairs come from the data.
            var personal: [String: Int] = [:], own: [String: Int] = [:]
            let counts = try Row.fetchCursor(db, sql: "SELECT party, count(*) FROM event_parties GROUP BY party")
            while let row = try counts.next() {
                let party: String = row[0]
                if party.hasPrefix("P") { personal[party] = row[1] } else { own[party] = row[1] }
            }
            func stats(_ counts: [String: Int]) -> PartyStats {
                PartyStats(count: counts.count, mean: Double(counts.values.reduce(0, +)) / Double(max(1, counts.count)), max: counts.values.max() ?? 0)
            }
            result.persons = stats(personal)
            result.organisations = stats(own)
            var employed: [String: Set<String>] = [:]
            let hires = try Row.fetchCursor(db, sql: """
                SELECT json_extract(data, '$.employer'), json_extract(data, '$.employee') FROM events WHERE type = 'employment.started'
                """)
            while let row = try hires.next() { employed[row[0] as String, default: []].insert(row[1]) }
            let employees = employed.values.map(\.count)
            let read = employed.map { organisation, people in own[organisation, default: 0] + people.reduce(0) { $0 + personal[$1, default: 0] } }
            result.employers = EmployerStats(
                count: employed.count, meanEmployees: Double(employees.reduce(0, +)) / Double(max(1, employees.count)),
                maxEmployees: employees.max() ?? 0, meanEvents: Double(read.reduce(0, +)) / Double(max(1, read.count)), maxEvents: read.max() ?? 0)
        }
        say("  profiled the log in \(Format.seconds((ContinuousClock.now - start).seconds))")
    }

    // MARK: 2-3. Scans

    private mutating func scans() async throws {
        let plain = try plain()
        // Read every page once, untimed, so that both scans (and the rebuild after them) start
        // from the same warm page cache.
        try plain.syncRead { db in _ = try Row.fetchOne(db, sql: "SELECT count(*), sum(length(data)), sum(length(hash)) FROM events") }
        var start = ContinuousClock.now
        var (scanned, checksum) = try plain.syncRead { db in
            var scanned = 0, checksum = 0
            let rows = try Row.fetchCursor(db, sql: "SELECT * FROM events ORDER BY position")
            while let row = try rows.next() {
                let position: Int64 = row[0]
                let data: String = row[12]
                checksum &+= Int(position) &+ data.utf8.count
                scanned += 1
            }
            return (scanned, checksum)
        }
        result.plainScanRate = Double(scanned) / (ContinuousClock.now - start).seconds
        say("  plain scan: \(Format.rate(result.plainScanRate))")

        let log = try await EventLog.open(at: path, clauses: .shapeOnly, clock: FixedClock())
        var typed = 0
        start = ContinuousClock.now
        for try await event in log.typedEvents(pageSize: 4096) {
            typed += 1
            checksum &+= Int(event.envelope.position)
        }
        result.typedScanRate = Double(typed) / (ContinuousClock.now - start).seconds
        guard typed == scanned, scanned == events else { throw BenchmarkError("scanned \(scanned) rows and \(typed) typed events of \(events)") }
        say("  typed scan: \(Format.rate(result.typedScanRate))  (checksum \(checksum % 1000))")
    }

    // MARK: 4-5. Rebuild, in a child process

    private mutating func rebuild() throws {
        result.rebuild = try Self.rebuildInChild(path, profileSQL: profileSQL)
        guard result.rebuild.position == Int64(events) else {
            throw BenchmarkError("the rebuild reached position \(result.rebuild.position), not \(events)")
        }
        try plain().read { db in
            result.entitlementStatuses = try Row.fetchAll(db, sql: "SELECT status, count(*) FROM proj_entitlements GROUP BY status ORDER BY 2 DESC")
                .map { ($0[0], $0[1]) }
            result.scopeKinds = try Row.fetchAll(db, sql: """
                SELECT substr(scope, 1, instr(scope, ':') - 1), count(*) FROM proj_scopes GROUP BY 1 ORDER BY 1 DESC
                """).map { ($0[0], $0[1]) }
        }
        say("  rebuild: \(Format.rate(result.rebuildRate)) (\(Format.percent(result.rebuildRatio)) of the plain scan), "
            + "\(Format.grouped(result.rebuild.scopes)) scopes, peak \(result.rebuild.peakMiB) MiB")
    }

    /// Rebuilds the projections of `ledger` (a file, or a postgres:// URL) in a child process:
    /// its result, with the child's own peak memory (``RebuildResult/peakMiB``).
    static func rebuildInChild(_ ledger: String, profileSQL: Bool = false) throws -> RebuildResult {
        let resultPath = FileManager.default.temporaryDirectory.appendingPathComponent("rebuild-\(getpid())-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: resultPath) }
        say("  rebuilding in a child process…")
        let status = try ChildProcess.run(["--rebuild-only", ledger, "--result-file", resultPath] + (profileSQL ? ["--profile-sql"] : []))
        guard status == 0 else { throw BenchmarkError("the rebuild's process exited with status \(status)") }
        // The child's own high-water mark (its VmHWM, in the result), not wait4's: posix_spawn
        // starts the child in the parent's memory (CLONE_VM), and at exec Linux counts that
        // memory's high-water mark into the child's ru_maxrss, so wait4 reports at least the
        // parent's peak (985 MiB after building a 1M log of 70,000 people, for a rebuild whose
        // own peak was 284).
        return try JSONDecoder().decode(RebuildResult.self, from: Data(contentsOf: URL(fileURLWithPath: resultPath)))
    }

    // MARK: 6. One event, then catch up

    mutating func catchUp(log: EventLog, projections: Projections, generator: inout SyntheticCity.Generator) async throws {
        let warmUp = 9
        var random = SplitMix64(seed: seed &+ 7)
        // People whose stories were very likely told to the end.
        let told = max(1, generator.peopleStarted - 2_000)
        var used: Set<Int> = []
        let idle = try projections.catchUp()
        guard idle.eventsApplied == 0 else { throw BenchmarkError("the rebuilt projections were \(idle.eventsApplied) events behind") }
        var durations: [SyntheticCity.Generator.LateEvent: [Duration]] = [:]
        var scopes: [SyntheticCity.Generator.LateEvent: Int] = [:]
        let profiler = SQLProfiler()
        if profileSQL, let storage = log.storage as? SQLiteEventStorage { profiler.install(on: storage.database) }
        for round in 0..<(warmUp + catchUps) {
            if round == warmUp { profiler.reset() }
            let kind = SyntheticCity.Generator.LateEvent.allCases[round % SyntheticCity.Generator.LateEvent.allCases.count]
            var person: Int
            repeat { person = random.int(0..<told) } while !used.insert(person).inserted && used.count < told
            let line = generator.lateEvent(kind, person: person)
            let appended = try await log.append([SubmissionLine(number: 1, bytes: line)])
            guard appended.isComplete, appended.appended == 1 else { throw BenchmarkError("appending a \(kind) failed: \(appended.issues)") }
            let start = ContinuousClock.now
            let report = try projections.catchUp()
            let elapsed = ContinuousClock.now - start
            guard report.eventsApplied == 1, !report.rebuilt else { throw BenchmarkError("catch-up applied \(report.eventsApplied) events") }
            guard round >= warmUp else { continue }
            if printEach { say("    catch-up \(round - warmUp + 1): \(kind), \(report.scopesEvaluated) scopes, \(Format.ms(elapsed.seconds * 1000)) ms") }
            durations[kind, default: []].append(elapsed)
            scopes[kind, default: 0] += report.scopesEvaluated
        }
        result.catchUp = Latency(durations.values.flatMap { $0 })
        result.catchUpByKind = SyntheticCity.Generator.LateEvent.allCases.map { kind in
            (String(describing: kind), Latency(durations[kind] ?? []),
             Double(scopes[kind] ?? 0) / Double(max(1, durations[kind]?.count ?? 0)))
        }
        say("  catch-up after one event (\(catchUps) times, after \(warmUp) untimed): \(result.catchUp.summary)")
        if profileSQL { result.catchUpSQLProfile = profiler.report() }
    }

    // MARK: 6b. A file

    /// The next events of the city, appended as one file as intake does; then the time the
    /// catch-up takes beyond the append. Several files one after another, for the median: one
    /// file's time swings with the machine's load.
    mutating func fileCatchUp(log: EventLog, projections: Projections, generator: inout SyntheticCity.Generator) async throws {
        var appends: [Double] = [], catchUps: [Double] = [], scopes: [Int] = []
        for _ in 0..<files {
            let lines = (0..<fileEvents).map { SubmissionLine(number: $0 + 1, bytes: generator.next()!) }
            let appendStart = ContinuousClock.now
            let appended = try await log.append(lines)
            appends.append((ContinuousClock.now - appendStart).seconds)
            guard appended.isComplete, appended.appended == fileEvents else {
                throw BenchmarkError("appending a file of \(fileEvents) events failed: \(appended.issues.prefix(5).map(\.description))")
            }
            let start = ContinuousClock.now
            let report = try projections.catchUp()
            catchUps.append((ContinuousClock.now - start).seconds)
            scopes.append(report.scopesEvaluated)
        }
        let median = catchUps.indices.sorted { catchUps[$0] < catchUps[$1] }[catchUps.count / 2]
        result.fileEvents = fileEvents
        result.fileAppendSeconds = appends[median]
        result.fileCatchUpSeconds = catchUps[median]
        result.fileCatchUpAll = catchUps
        result.fileScopes = scopes[median]
        say("  \(files) files of \(Format.grouped(fileEvents)) events, caught up in \(catchUps.map { Format.ms($0 * 1000) }.joined(separator: ", ")) ms "
            + "(\(scopes.map(String.init).joined(separator: ", ")) scopes); median \(Format.ms(result.fileCatchUpSeconds * 1000)) ms")
    }

    // MARK: 7. Queries

    mutating func query(projections: Projections) throws {
        var people = Reservoir<String>(capacity: 5_000, seed: seed &+ 13)
        var ids = Reservoir<String>(capacity: 5_000, seed: seed &+ 17)
        try plain().read { db in
            let parties = try String.fetchCursor(db, sql: "SELECT DISTINCT party FROM event_parties WHERE party >= 'P' AND party < 'Q'")
            while let party = try parties.next() { people.offer(party) }
            let entitlements = try String.fetchCursor(db, sql: "SELECT id FROM proj_entitlements")
            while let id = try entitlements.next() { ids.offer(id) }
        }
        guard !people.items.isEmpty, !ids.items.isEmpty else { throw BenchmarkError("no people or no entitlements to query") }
        let reader = try projections.reader()
        var random = SplitMix64(seed: seed &+ 19)
        let warmUp = 50

        func time(_ body: () throws -> Void) rethrows -> Duration {
            let start = ContinuousClock.now
            try body()
            return ContinuousClock.now - start
        }
        var timelines: [Duration] = [], events = 0
        for round in 0..<(warmUp + queries) {
            let party = random.pick(people.items)
            var timeline: Timeline?
            let elapsed = try time { timeline = try reader.timeline(party: party) }
            if round >= warmUp {
                timelines.append(elapsed)
                events += timeline?.events.count ?? 0
            }
        }
        var byParty: [Duration] = [], found = 0
        for round in 0..<(warmUp + queries) {
            let party = random.pick(people.items)
            var views: [EntitlementView] = []
            let elapsed = try time { views = try reader.entitlements(EntitlementFilter(party: party)) }
            if round >= warmUp {
                byParty.append(elapsed)
                found += views.count
            }
        }
        var byID: [Duration] = []
        for round in 0..<(warmUp + queries) {
            let id = random.pick(ids.items)
            var view: EntitlementView?
            let elapsed = try time { view = try reader.entitlement(id: id) }
            guard view != nil else { throw BenchmarkError("entitlement \(id) not found") }
            if round >= warmUp { byID.append(elapsed) }
        }
        result.timeline = Latency(timelines)
        result.timelineEvents = Double(events) / Double(max(1, queries))
        result.partyEntitlements = Latency(byParty)
        result.partyEntitlementCount = Double(found) / Double(max(1, queries))
        result.entitlementByID = Latency(byID)
        say("  queries: timeline \(result.timeline.summary), entitlements(party:) \(result.partyEntitlements.summary), entitlement(id:) \(result.entitlementByID.summary)")
    }
}

extension DatabaseReader {
    /// GRDB's synchronous read, also from async code (where `read` would pick its async
    /// overload): the plain-SQLite ceiling is measured as it was before the log became async.
    func syncRead<T>(_ body: (Database) throws -> T) throws -> T { try read(body) }
}
