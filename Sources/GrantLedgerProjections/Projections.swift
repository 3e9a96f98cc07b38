import Foundation
import GRDB
import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerPolicy

/// The projections of one ledger: kept current as events arrive, rebuilt from the log on
/// demand, and read by the query commands and the service.
///
/// They live in the ledger file beside the log (tables `proj_…`), so an event and the rows it
/// produces can commit in one transaction. A checkpoint per projection records the last
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
    let database: any DatabaseWriter

    public init(log: EventLog, policies: PolicyCatalog) throws {
        guard let storage = log.storage as? SQLiteEventStorage else {
            throw ProjectionError.unsupportedStorage
        }
        self.log = log
        self.policies = policies
        self.database = storage.database
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
    ///
    /// `beforeCommit` is for tests: it runs inside each batch's transaction with the batch's
    /// last position and may throw, to show that a crash loses the batch and nothing else.
    /// `continuing` is asked before each batch after the first: a service stopping gracefully
    /// answers false, and the projections stay consistent at the last batch's checkpoint.
    @discardableResult
    public func catchUp(batchSize: Int = Projections.batchSize, beforeCommit: ((Int64) throws -> Void)? = nil,
                        continuing: () -> Bool = { true }) throws -> CatchUpReport {
        let (exists, builtWith) = try database.read { db in
            let exists = try ProjectionSchema.live.exists(db)
            let policies = exists ? try String.fetchOne(db, sql: "SELECT value FROM \(ProjectionSchema.live[.meta]) WHERE key = 'policies'") : nil
            return (exists, policies)
        }
        // Projections built with other policy files are rebuilt rather than extended.
        if !exists || builtWith != policies.fingerprint {
            let report = try rebuild()
            return CatchUpReport(eventsApplied: Int(report.position), scopesEvaluated: report.scopes, position: report.position,
                                 asOf: report.asOf, rebuilt: true)
        }
        var report = CatchUpReport()
        var first = true
        while true {
            let done = try database.write { db -> Bool in
                // Projections built by an earlier version may lack an index added since.
                if first { try ProjectionSchema.live.createIndexes(db) }
                first = false
                let batch = try ProjectionBatch(schema: .live, db: db, engine: PolicyEngine(catalog: policies), catalog: log.catalog)
                let applied = try batch.catchUp(upTo: .max, limit: batchSize, beforeCommit: beforeCommit)
                report.eventsApplied += applied.events
                report.scopesEvaluated += applied.scopes
                report.position = applied.position
                report.asOf = applied.asOf
                return applied.events == 0
            }
            if done || !continuing() { return report }
        }
    }

    // MARK: - Rebuilding

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
        try database.write { db in
            try ProjectionSchema.next.drop(db)
            try ProjectionSchema.next.create(db)
            try db.execute(sql: "INSERT INTO \(ProjectionSchema.next[.meta]) (key, value) VALUES ('rebuild', ?), ('policies', ?)",
                           arguments: [token, policies.fingerprint])
        }
        func owned(_ db: Database) throws {
            // Asked of SQLite itself: a reader's cached schema may predate the other rebuild's swap.
            let exists = try Bool.fetchOne(db, sql: "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = ?",
                                           arguments: [ProjectionSchema.next[.meta]]) ?? false
            let owner = exists
                ? try String.fetchOne(db, sql: "SELECT value FROM \(ProjectionSchema.next[.meta]) WHERE key = 'rebuild'") : nil
            guard owner == token else { throw ProjectionError.rebuildSuperseded }
        }
        let engine = PolicyEngine(catalog: policies)
        let catalog = log.catalog
        // Events: in transactions of a chunk each, so appends by others wait at most one chunk.
        // The next chunk is read and decoded on a reader while this one is applied.
        let head = try database.read { db in try SQLiteEventStorage.reader(on: db).lastEvent()?.position ?? 0 }
        let database = self.database
        @Sendable func chunk(after position: Int64) throws -> [DecodedEvent] {
            try database.read { db in
                try SQLiteEventStorage.reader(on: db).events(EventQuery(to: head), after: position, limit: Self.eventsPerChunk)
            }.map { try DecodedEvent($0, catalog: catalog) }
        }
        var position: Int64 = 0
        var next = position < head ? Prefetch { try chunk(after: 0) } : nil
        while let pending = next {
            let decoded = try pending.value()
            guard let last = decoded.last?.event.position else { break }
            next = last < head ? Prefetch { try chunk(after: last) } : nil
            position = try database.write { db in
                try owned(db)
                let batch = try ProjectionBatch(schema: .next, db: db, engine: engine, catalog: catalog)
                return try batch.applyEvents(decoded) ?? position
            }
            progress?(RebuildProgress(phase: .events, done: position, total: head))
        }
        // Scopes: each evaluated once, on the final date, a batch at a time: the batch on
        // every core (ScopeWorkers), its rows then written in one transaction.
        let (total, asOf, checkpoint) = try database.write { db in
            try owned(db)
            try ProjectionSchema.next.createEvaluationIndexes(db)
            let total = try Int64.fetchOne(db, sql: "SELECT count(*) FROM \(ProjectionSchema.next[.scopes])") ?? 0
            return (total, try ProjectionSchema.next.asOf(db), try ProjectionSchema.next.checkpoint(db))
        }
        var evaluated: Int64 = 0
        if let asOf {
            let evaluator = ScopeEvaluator(engine: engine, catalog: catalog, schema: .next, limit: checkpoint, asOf: asOf)
            var after = ""
            while true {
                let keys = try database.read { db in
                    try owned(db)
                    return try String.fetchAll(db, sql: "SELECT scope FROM \(ProjectionSchema.next[.scopes]) WHERE scope > ? ORDER BY scope LIMIT ?",
                                        arguments: [after, Self.scopesPerBatch])
                }
                guard let last = keys.last else { break }
                let rows = try ScopeWorkers.evaluate(keys.compactMap(Scope.init(key:)), with: evaluator, on: database, workers: workers)
                try database.write { db in
                    try owned(db)
                    for scope in rows { try evaluator.keep(scope, store: db, fresh: true) }
                }
                after = last
                evaluated += Int64(rows.count)
                progress?(RebuildProgress(phase: .scopes, done: evaluated, total: total))
            }
        }
        // The limits shared across scopes, once every scope has its rows; then swap, and
        // apply whatever was appended meanwhile as an ordinary catch-up.
        try database.write { db in
            try owned(db)
            try ProjectionBatch(schema: .next, db: db, engine: engine, catalog: catalog).applySharedLimits()
            try db.execute(sql: "DELETE FROM \(ProjectionSchema.next[.meta]) WHERE key = 'rebuild'")
            try ProjectionSchema.next.swap(into: .live, db)
        }
        let caughtUp = try catchUp()
        let digests = try self.digests()
        return RebuildReport(position: caughtUp.position == 0 ? position : caughtUp.position,
                             asOf: try status().asOf, scopes: Int(evaluated) + caughtUp.scopesEvaluated, digests: digests)
    }

    // MARK: - State

    public struct Status: Sendable {
        public var exists: Bool
        public var checkpoints: [(projection: String, position: Int64)]
        public var asOf: LocalDate?
        public var head: Int64
    }

    public func status() throws -> Status {
        try database.read { db in
            let head = try SQLiteEventStorage.reader(on: db).lastEvent()?.position ?? 0
            guard try ProjectionSchema.live.exists(db) else { return Status(exists: false, checkpoints: [], asOf: nil, head: head) }
            let rows = try Row.fetchAll(db, sql: "SELECT projection, position FROM \(ProjectionSchema.live[.checkpoints]) ORDER BY projection")
            return Status(exists: true, checkpoints: rows.map { ($0[0], $0[1]) }, asOf: try ProjectionSchema.live.asOf(db), head: head)
        }
    }

    /// Each projection's digest over its live rows.
    public func digests() throws -> [(name: String, digest: String)] {
        try database.read { db in try ProjectionDigest.digests(db, schema: .live) }
    }

    /// A reader of the live projections, caught up first.
    public func reader() throws -> ProjectionReader {
        try catchUp()
        return try ProjectionReader(database: database, schema: .live, log: log, policies: policies)
    }

    /// A reader of the live projections as they stand, without catching them up: it never
    /// writes, for a service whose projections a background task keeps current. Nil while the
    /// projections have never been built. They may lag the log's head; the reader's position
    /// says how far they reach.
    public func liveReader() throws -> ProjectionReader? {
        guard try database.read({ db in try ProjectionSchema.live.exists(db) }) else { return nil }
        return try ProjectionReader(database: database, schema: .live, log: log, policies: policies)
    }
}

public enum ProjectionError: Error, CustomStringConvertible, Equatable {
    case unsupportedStorage
    case unknownEntitlement(String)
    case positionBeyondHead(Int64, head: Int64)
    case rebuildSuperseded

    public var description: String {
        switch self {
        case .unsupportedStorage: "projections are kept in an SQLite ledger file; this log has another storage"
        case .unknownEntitlement(let id):
            "no entitlement \"\(id)\": ids look like CLAUSE#KEY"
        case .positionBeyondHead(let position, let head):
            "position \(position) is past the last event (\(head)): a position runs from 0 to \(head)"
        case .rebuildSuperseded:
            "another rebuild of the same ledger started and took over; this one stopped without changing the live projections"
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

    func value() throws -> Value {
        done.wait()
        return try result!.get()
    }
}
