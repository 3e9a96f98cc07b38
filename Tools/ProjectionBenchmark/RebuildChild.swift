import Foundation
import GRDB
import GRDBSQLite
import GrantLedgerLog
import GrantLedgerPostgres
import GrantLedgerPolicy
import GrantLedgerProjections

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a rebuild reports from its own process.
struct RebuildResult: Codable {
    var position: Int64 = 0
    var seconds = 0.0
    /// From the start to the last event batch (dropping and creating the new tables included).
    var eventsPhaseSeconds = 0.0
    /// From the last event batch to the last scope batch.
    var scopesPhaseSeconds = 0.0
    /// The swap (with the secondary indexes), the final catch-up and the digests.
    var finishSeconds = 0.0
    /// `digests()` alone, timed again after the rebuild: the part of `finishSeconds` it takes.
    var digestSeconds = 0.0
    var scopes = 0
    var asOf: String?
    var digests: [[String]] = []
    /// VmHWM of the process at the end.
    var peakMiB = 0
    /// SQLite's own allocations at their highest (page caches of every connection, statements).
    var sqlitePeakMiB = 0
    /// Each scope batch: scopes done by its end, and its seconds. Scopes go in key order, so
    /// organisations' (`org:…`) come first, then people's.
    var scopeBatches: [[Double]] = []
    /// With --profile-sql: the statements that took longest.
    var sqlProfile: String?
}

/// `grants-projection-bench --rebuild-only LEDGER`: rebuilds the projections of a ledger and
/// reports, in a process of its own, so that its peak memory is the rebuild's alone.
enum RebuildChild {
    static func run(ledger path: String, resultFile: String?, profileSQL: Bool) async throws {
        let log: EventLog
        if path.hasPrefix("postgres://") {
            // A ledger on PostgreSQL: the rebuild needs no key.
            let storage = try await PostgresEventStorage(location: try PostgresLocation(url: path))
            log = try await EventLog.open(storage: storage, keyFile: nil, required: false, clauses: .shapeOnly)
        } else {
            log = try await EventLog.open(at: path, clauses: .shapeOnly)
        }
        let projections = try Projections(log: log, policies: try PolicyCatalog.bundled())
        let profiler = SQLProfiler()
        if profileSQL, let storage = log.storage as? SQLiteEventStorage { profiler.install(on: storage.database) }
        let phases = PhaseClock()
        let start = ContinuousClock.now
        let report = try projections.rebuild { phases.note($0) }
        let total = (ContinuousClock.now - start).seconds
        let digestStart = ContinuousClock.now
        _ = try projections.digests()
        var result = RebuildResult()
        result.digestSeconds = (ContinuousClock.now - digestStart).seconds
        result.position = report.position
        result.seconds = total
        let (eventsEnd, scopesEnd) = phases.ends
        result.eventsPhaseSeconds = eventsEnd
        result.scopesPhaseSeconds = max(0, scopesEnd - eventsEnd)
        result.finishSeconds = max(0, total - max(scopesEnd, eventsEnd))
        result.scopes = report.scopes
        result.scopeBatches = phases.scopeBatches
        result.asOf = report.asOf?.description
        result.digests = report.digests.map { [$0.name, $0.digest] }
        result.peakMiB = Memory.peakMiB()
        result.sqlitePeakMiB = Int(sqlite3_memory_highwater(0) / 1_048_576)
        if profileSQL { result.sqlProfile = profiler.report() }
        let json = try JSONEncoder().encode(result)
        if let resultFile {
            try json.write(to: URL(fileURLWithPath: resultFile))
        } else {
            say(String(decoding: json, as: UTF8.self))
            if let profile = result.sqlProfile { say(profile) }
        }
    }
}

/// Notes when each phase of a rebuild last reported, and prints its progress by tenths.
final class PhaseClock: @unchecked Sendable {
    private let lock = NSLock()
    private let start = ContinuousClock.now
    private var eventsEnd = 0.0
    private var scopesEnd = 0.0
    private var tenths: [Projections.RebuildProgress.Phase: Int64] = [:]
    private var batches: [[Double]] = []

    func note(_ progress: Projections.RebuildProgress) {
        lock.withLock {
            let elapsed = (ContinuousClock.now - start).seconds
            switch progress.phase {
            case .events: eventsEnd = elapsed
            case .scopes:
                batches.append([Double(progress.done), elapsed - (batches.isEmpty ? eventsEnd : scopesEnd)])
                scopesEnd = elapsed
            }
            let tenth = progress.done * 10 / max(1, progress.total)
            if tenth > tenths[progress.phase, default: 0] {
                tenths[progress.phase] = tenth
                say("      rebuild: \(progress.phase.rawValue) \(Format.grouped(Int(progress.done))) of "
                    + "\(Format.grouped(Int(progress.total))) at \(Format.seconds(elapsed))")
            }
        }
    }

    var ends: (events: Double, scopes: Double) { lock.withLock { (eventsEnd, scopesEnd) } }
    var scopeBatches: [[Double]] { lock.withLock { batches } }
}

/// Runs this executable again with `arguments` and waits for it.
enum ChildProcess {
    /// Its exit status (128 + the signal's number if a signal ended it).
    static func run(_ arguments: [String]) throws -> Int32 {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, nil, nil, argv, envp)
        guard spawned == 0 else { throw BenchmarkError("cannot start \(executable): error \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { throw BenchmarkError("waiting for the child process failed: errno \(errno)") }
        }
        return status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }
}

struct BenchmarkError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Adds up the time SQLite spends in each statement on a database's writer connection (the
/// one the projections write and read the log on), by statement text. SQLite times a
/// statement from its first step to its end, to the millisecond: for a cursor, that includes
/// the caller's work between rows (decoding the events, for the log's reads); a statement's
/// average is only meaningful over many runs. Tracing slows the rebuild by about a third.
final class SQLProfiler: @unchecked Sendable {
    private let lock = NSLock()
    private var statements: [String: (count: Int, seconds: Double, max: Double)] = [:]

    func install(on database: any DatabaseWriter) {
        database.writeWithoutTransaction { db in
            db.trace(options: .profile) { event in
                guard case let .profile(statement, duration) = event else { return }
                self.note(statement.sql, duration)
            }
        }
    }

    private func note(_ sql: String, _ seconds: Double) {
        lock.withLock {
            var entry = statements[sql, default: (0, 0, 0)]
            entry.count += 1
            entry.seconds += seconds
            entry.max = Swift.max(entry.max, seconds)
            statements[sql] = entry
        }
    }

    func reset() { lock.withLock { statements = [:] } }

    /// The statements that took longest in all, one line each.
    func report(top: Int = 12, indent: String = "    ") -> String {
        lock.withLock {
            let total = statements.values.reduce(0) { $0 + $1.seconds }
            var lines = ["\(indent)SQL on the writer connection: \(String(format: "%.2f", total)) s in \(Format.grouped(statements.values.reduce(0) { $0 + $1.count })) statements; longest in all:"]
            for (raw, entry) in statements.sorted(by: { $0.value.seconds > $1.value.seconds }).prefix(top) {
                let sql = raw.split(whereSeparator: \.isWhitespace).joined(separator: " ")
                let text = sql.count > 150 ? sql.prefix(147) + "..." : Substring(sql)
                lines.append(String(format: "\(indent)  %8.3f s %9ld× %8.3f ms avg %8.2f ms max  ", entry.seconds, entry.count,
                                    entry.seconds * 1000 / Double(entry.count), entry.max * 1000) + text)
            }
            return lines.joined(separator: "\n")
        }
    }
}
