import Foundation
import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerPolicy
import GrantLedgerPostgres

/// The projections of one ledger: kept current as events arrive, rebuilt from the log on
/// demand, and read by the query commands and the service.
///
/// They live in the same database as the log (for SQLite, tables `proj_…` in the ledger
/// file), so an event and the rows it produces can commit in one transaction. The runner and
/// the readers reach them only through a `ProjectionBackend` and its `ProjectionStore`s. A checkpoint per projection records the last
/// position applied, in the same transaction as the rows: after a crash the runner resumes
/// from it, applying no event twice and skipping none.
///
/// Entitlements are evaluated on the *business date of the log*: the date (China Standard
/// Time) on which its last event was recorded. Two rebuilds of the same log therefore give
/// the same rows, on any machine and any day. Each scope's evaluation notes the first later
/// date on which its result could change with no new event (a year ends, a rating runs out);
/// when the log's date reaches it, the scope is evaluated again.
public final class Projections: Sendable {
    public let log: EventLog
    public let policies: PolicyCatalog
    /// The rules engine of `policies`, made once: making it works out every rule's candidates
    /// key, a fortieth of a one-event catch-up.
    let engine: PolicyEngine
    /// Where the projections are kept; the catch-up, the rebuild and the readers speak only to it.
    let backend: any ProjectionBackend
    /// Whether the live tables are known to have every index: projections built by an earlier
    /// version may lack one added since. Checked once per instance, not at every catch-up.
    private let indexesChecked = Flag()
    private let leftoversChecked = Flag()

    public init(log: EventLog, policies: PolicyCatalog) throws {
        self.log = log
        self.policies = policies
        self.engine = PolicyEngine(catalog: policies)
        self.backend = try Self.backend(beside: log)
    }

    /// Where the projections of `log` are kept: in its SQLite file, or in its PostgreSQL schema
    /// (on the connections the storage keeps for synchronous callers).
    static func backend(beside log: EventLog) throws -> any ProjectionBackend {
        if let storage = log.storage as? SQLiteEventStorage { return SQLiteProjectionBackend(database: storage.database) }
        guard let storage = log.storage as? PostgresEventStorage else { throw ProjectionError.unsupportedStorage }
        return PostgresProjectionBackend(pool: storage.blocking)
    }

    /// Reads the log of `log` synchronously, on a snapshot, through the connections its
    /// projections use: for what an answer drawn from them needs of the log (a person's
    /// places, their masked ID) while it is assembled on one thread. Needs no policy catalog.
    public static func readingLog<T>(of log: EventLog, _ body: (any TransactionEventReader) throws -> T) throws -> T {
        try backend(beside: log).read(.live) { store in try body(store.events) }
    }

    /// The projections, in the order their digests are printed.
    public static let names = ProjectionSchema.projections.map(\.name)

    /// Events a rebuild applies per transaction.
    static let eventsPerChunk = 20_000

    /// Scopes a rebuild evaluates per transaction.
    static let scopesPerBatch = 500

    /// Events applied per transaction while catching up.
    public static let batchSize = 2_000

    // MARK: - Catching up

    public struct CatchUpReport: Sendable, Equatable {
        public var eventsApplied = 0
        public var scopesEvaluated = 0
        /// The checkpoint after catching up.
        public var position: Int64 = 0
        public var asOf: LocalDate?
        /// True when the projections did not exist and were built with a rebuild.
        public var rebuilt = false
    }

    /// Applies every event past the checkpoint, in transactions of ``batchSize`` events, and
    /// re-evaluates the scopes they touch. With no projections yet, builds them (a rebuild).
    /// It stops at the first batch short of ``batchSize``: events appended while that batch
    /// was applied are the next call's.
    ///
    /// `beforeCommit` is for tests: it runs inside each batch's transaction with the batch's
    /// last position and may throw, to show that a crash loses the batch and nothing else.
    /// `continuing` is asked before each batch after the first: a service stopping gracefully
    /// answers false, and the projections stay consistent at the last batch's checkpoint.
    @discardableResult
    public func catchUp(batchSize: Int = Projections.batchSize, beforeCommit: ((Int64) throws -> Void)? = nil,
                        continuing: () -> Bool = { true }) throws -> CatchUpReport {
        let (exists, builtWith, layout) = try backend.read(.live) { store in
            let exists = try store.tablesExist()
            return (exists, exists ? try store.meta("policies") : nil, exists ? try store.meta("layout") : nil)
        }
        // Projections built with other policy files, or kept in another layout of the tables
        // (an earlier version's), are rebuilt rather than extended.
        if !exists || builtWith != policies.fingerprint || layout.flatMap(Int.init) ?? 1 != ProjectionSchema.layout {
            let report = try rebuild()
            return CatchUpReport(eventsApplied: Int(report.position), scopesEvaluated: report.scopes, position: report.position,
                                 asOf: report.asOf, rebuilt: true)
        }
        if !indexesChecked.isSet {
            try backend.write(.live) { store in try store.createIndexes() }
            indexesChecked.set()
        }
        if !leftoversChecked.isSet {
            try dropLeftoversOfKilledRebuild()
            leftoversChecked.set()
        }
        var report = CatchUpReport()
        while true {
            let done = try backend.write(.live) { store -> Bool in
                let batch = ProjectionBatch(store: store, engine: engine, catalog: log.catalog, helpers: backend)
                let applied = try batch.catchUp(upTo: .max, limit: batchSize, beforeCommit: beforeCommit)
                report.eventsApplied += applied.events
                report.scopesEvaluated += applied.scopes
                report.position = applied.position
                report.asOf = applied.asOf
                // A short batch reached the head: no second transaction only to find nothing more.
                return applied.events < batchSize
            }
            if done || !continuing() { return report }
        }
    }

    // MARK: - Rebuilding

    /// The new tables of a rebuild whose process is gone (killed, or its machine restarted)
    /// are dropped: they would otherwise hold a copy of the projections until the next rebuild.
    /// A rebuild still running, here or on another machine, keeps them.
    func dropLeftoversOfKilledRebuild() throws {
        let owner = try backend.read(.rebuilding) { store in try store.tablesExist() ? try store.meta("rebuild-process") ?? "" : nil }
        guard let owner, !RebuildProcess.isRunning(owner) else { return }
        try backend.write(.rebuilding) { store in
            // Another process may have started a rebuild since: only its own leftovers go.
            if try store.tablesExist(), try store.meta("rebuild-process") ?? "" == owner { try store.dropTables() }
        }
    }

    public struct RebuildReport: Sendable {
        public var position: Int64
        public var asOf: LocalDate?
        public var scopes: Int
        /// Each projection's digest: SHA-256 of its rows in key order.
        public var digests: [(name: String, digest: String)]
    }

    public struct RebuildProgress: Sendable {
        public enum Phase: String, Sendable { case events, scopes }
        public let phase: Phase
        public let done: Int64
        public let total: Int64
    }

    /// Builds every projection afresh from position 0 into new tables, catches them up to the
    /// head, and swaps them for the live ones in one transaction. Readers see the old
    /// projections until the swap and the new ones after; never a half-built state.
    ///
    /// `workers` is how many scopes are evaluated at once (one per core by default).
    public func rebuild(workers: Int = ScopeWorkers.defaultCount, progress: (@Sendable (RebuildProgress) -> Void)? = nil) throws -> RebuildReport {
        // A rebuild owns the new tables by a token; one started later takes them over, and this
        // one then stops at its next transaction instead of swapping in tables it did not fill.
        let token = UUID().uuidString
        try backend.write(.rebuilding) { store in
            try store.dropTables()
            try store.createTables()
            try store.setMeta("rebuild", token)
            try store.setMeta("rebuild-process", RebuildProcess.current)
            try store.setMeta("policies", policies.fingerprint)
            try store.setMeta("layout", String(ProjectionSchema.layout))
        }
        @Sendable func owned(_ store: any ProjectionStore) throws {
            let owner = try store.tablesExist() ? try store.meta("rebuild") : nil
            guard owner == token else { throw ProjectionError.rebuildSuperseded }
        }
        let engine = self.engine
        let catalog = log.catalog
        let backend = self.backend
        // Events: in transactions of a chunk each, so appends by others wait at most one chunk.
        // The next chunk is read and decoded in a read transaction while this one is applied.
        let head = try backend.read(.live) { store in try store.events.lastEvent()?.position ?? 0 }
        @Sendable func chunk(after position: Int64) throws -> [DecodedEvent] {
            try backend.read(.rebuilding) { store in
                try store.events.events(EventQuery(to: head), after: position, limit: Self.eventsPerChunk)
            }.map { try DecodedEvent($0, catalog: catalog) }
        }
        var position: Int64 = 0
        let memo = RebuildMemo()
        var next = position < head ? Prefetch { try chunk(after: 0) } : nil
        while let pending = next {
            let decoded = try pending.take()
            guard let last = decoded.last?.event.position else { break }
            next = last < head ? Prefetch { try chunk(after: last) } : nil
            position = try backend.write(.rebuilding) { store in
                try owned(store)
                return try ProjectionBatch(store: store, engine: engine, catalog: catalog).applyEvents(decoded, memo: memo) ?? position
            }
            // Freeing a chunk's events takes a while: not on the writer's thread.
            Self.release(consume decoded)
            progress?(RebuildProgress(phase: .events, done: position, total: head))
        }
        // Scopes: each evaluated once, on the final date, a batch at a time: the batch on
        // every core (ScopeWorkers), its rows then written in one transaction.
        let (total, asOf, checkpoint) = try backend.write(.rebuilding) { store in
            try owned(store)
            try store.createEvaluationIndexes()
            return (try store.scopeCount(), try store.asOf(), try store.checkpoint())
        }
        var evaluated: Int64 = 0
        if let asOf {
            let evaluator = ScopeEvaluator(engine: engine, catalog: catalog, limit: checkpoint, asOf: asOf)
            // People before organisations: an organisation's yearly counts are its workers' kept parts.
            // The next batch is evaluated while this one's rows are written: an evaluation reads
            // what the events made, and an organisation's the parts its workers' evaluations
            // kept, all written before the organisations' first batch begins.
            @Sendable func batch(of kind: ScopeKind, after: NotedScope?) throws -> (rows: [ScopeEvaluator.Rows], last: NotedScope?) {
                let scopes = try backend.read(.rebuilding) { store in
                    try owned(store)
                    return try store.scopes(kind, after: after, limit: Self.scopesPerBatch)
                }
                guard let last = scopes.last else { return ([], nil) }
                return (try ScopeWorkers.evaluate(scopes.compactMap { Scope(key: $0.key) }, with: evaluator, on: backend, workers: workers), last)
            }
            for kind in ScopeKind.allCases {
                var next: Prefetch? = Prefetch { try batch(of: kind, after: nil) }
                while let pending = next {
                    let (rows, last) = try pending.take()
                    guard let last else { break }
                    next = Prefetch { try batch(of: kind, after: last) }
                    try backend.write(.rebuilding) { store in
                        try owned(store)
                        for scope in rows { try evaluator.keep(scope, store: store, fresh: true) }
                    }
                    evaluated += Int64(rows.count)
                    progress?(RebuildProgress(phase: .scopes, done: evaluated, total: total))
                }
            }
        }
        // The limits shared across scopes, once every scope has its rows; then swap, and
        // apply whatever was appended meanwhile as an ordinary catch-up.
        try backend.write(.rebuilding) { store in
            try owned(store)
            // Their scopes are evaluated again with what the whole log used: replacing rows by scope needs the indexes.
            try store.createIndexes()
            try ProjectionBatch(store: store, engine: engine, catalog: catalog).applySharedLimits()
            try store.removeMeta("rebuild")
            try store.replaceLive()
        }
        let caughtUp = try catchUp()
        let digests = try self.digests()
        return RebuildReport(position: caughtUp.position == 0 ? position : caughtUp.position,
                             asOf: try status().asOf, scopes: Int(evaluated) + caughtUp.scopesEvaluated, digests: digests)
    }

    /// Frees `value` on another thread.
    private static func release<Value: Sendable>(_ value: consuming Value) {
        let kept = value
        DispatchQueue.global().async { withExtendedLifetime(kept) {} }
    }

    // MARK: - State

    public struct Status: Sendable {
        public var exists: Bool
        public var checkpoints: [(projection: String, position: Int64)]
        public var asOf: LocalDate?
        public var head: Int64
    }

    public func status() throws -> Status {
        try backend.read(.live) { store in
            let head = try store.events.lastEvent()?.position ?? 0
            guard try store.tablesExist() else { return Status(exists: false, checkpoints: [], asOf: nil, head: head) }
            return Status(exists: true, checkpoints: try store.checkpoints(), asOf: try store.asOf(), head: head)
        }
    }

    /// Each projection's digest over its live rows.
    public func digests() throws -> [(name: String, digest: String)] {
        try backend.read(.live) { store in try store.digests() }
    }

    /// A reader of the live projections, caught up first.
    public func reader() throws -> ProjectionReader {
        try catchUp()
        return try ProjectionReader(backend: backend, log: log, policies: policies)
    }

    /// A reader of the live projections as they stand, without catching them up: it never
    /// writes, for a service whose projections a background task keeps current. Nil while the
    /// projections have never been built. They may lag the log's head; the reader's position
    /// says how far they reach.
    public func liveReader() throws -> ProjectionReader? {
        guard try backend.read(.live, { store in try store.tablesExist() }) else { return nil }
        return try ProjectionReader(backend: backend, log: log, policies: policies)
    }
}

public enum ProjectionError: Error, CustomStringConvertible, Equatable {
    case unsupportedStorage
    case unknownEntitlement(String)
    case positionBeyondHead(Int64, head: Int64)
    case rebuildSuperseded
    /// A projection table holds a row the projections could not have written.
    case damaged(table: String, reason: String)

    public var description: String {
        switch self {
        case .unsupportedStorage: "projections are kept beside a log in an SQLite file or on PostgreSQL; this log has another storage"
        case .unknownEntitlement(let id):
            "no entitlement \"\(id)\": ids look like CLAUSE#KEY"
        case .positionBeyondHead(let position, let head):
            "position \(position) is past the last event (\(head)): a position runs from 0 to \(head)"
        case .rebuildSuperseded:
            "another rebuild of the same ledger started and took over; this one stopped without changing the live projections"
        case .damaged(let table, let reason):
            "the projections' \(table) table holds a row they could not have written (\(reason)): it was changed outside GrantLedger. `grants rebuild` makes the projections again from the log; `grants verify --projections` compares them with it first."
        }
    }
}

extension Projections {
    /// China Standard Time's offset from UTC in milliseconds: the bureaus record in it.
    public static let businessDayOffset: Int64 = 8 * 3_600_000

    /// The business date of a recording time: its date in China Standard Time (UTC+8). The
    /// projections judge entitlements on the business date of the log's last event.
    public static func businessDate(of time: Timestamp) -> LocalDate {
        Timestamp(millisecondsSinceEpoch: time.millisecondsSinceEpoch + businessDayOffset).date
    }
}

/// Work started on another thread now, whose result is waited for later: the next chunk of a
/// rebuild's events, read and decoded while the writer applies the last.
final class Prefetch<Value: Sendable>: @unchecked Sendable {
    private let done = DispatchGroup()
    private var result: Result<Value, any Error>?

    init(_ work: @escaping @Sendable () throws -> Value) {
        done.enter()
        DispatchQueue.global().async {
            self.result = Result(catching: work)
            self.done.leave()
        }
    }

    /// The value, once computed; the prefetch keeps no reference to it.
    func take() throws -> Value {
        done.wait()
        defer { result = nil }
        return try result!.get()
    }
}

/// A fact learnt once and kept: set, never unset.
/// Which process a rebuild runs in: `host:pid`, so that a rebuild's leftovers can be told
/// from a rebuild under way.
enum RebuildProcess {
    static var current: String { "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)" }

    /// Whether the process `owner` names still runs. Unknown (another machine's, or a rebuild
    /// from before owners were kept, named by "") counts as running unless it is this machine's.
    static func isRunning(_ owner: String) -> Bool {
        guard let colon = owner.lastIndex(of: ":"), let pid = Int32(owner[owner.index(after: colon)...]) else { return true }
        guard owner[..<colon] == ProcessInfo.processInfo.hostName else { return true }
        if pid == ProcessInfo.processInfo.processIdentifier { return true }
        return kill(pid, 0) == 0 || errno != ESRCH
    }
}

final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    // Guarded by `lock`.
    private var value = false

    var isSet: Bool { lock.withLock { value } }

    func set() { lock.withLock { value = true } }
}
