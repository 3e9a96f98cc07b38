import Dispatch
import Foundation
import GrantLedgerLog

/// Evaluates many scopes at once in several transactions: one scope's evaluation only reads
/// (the log, and the tables the events filled), so a rebuild or a large catch-up spreads its
/// scopes over every core while a single writer keeps their rows.
///
/// Workers take the next scope from a shared counter rather than a fixed share, so that the few
/// organisations, each reading thousands of their employees' events, do not leave a core idle
/// behind them. The results come back in the order of `scopes`, whatever the interleaving.
public enum ScopeWorkers {
    /// Evaluations run at once: one per core.
    public static let defaultCount = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// A catch-up spreads its people over the cores from this many on: below it, starting a
    /// read transaction on another thread costs more than it saves.
    static let catchUpThreshold = 8

    /// A rebuild's scopes, on the pool's readers: its tables were committed before they are evaluated.
    static func evaluate(
        _ scopes: [Scope], with evaluator: ScopeEvaluator, on backend: any ProjectionBackend, workers: Int = defaultCount
    ) throws -> [ScopeEvaluator.Rows] {
        let work = Work(count: scopes.count)
        // A run of scopes at a time: its people's lookups and events are read in one request each.
        @Sendable func evaluateRuns(_ store: any ProjectionStore) throws {
            while let run = work.next(upTo: runLength) {
                let some = Array(scopes[run])
                let lookups = try evaluator.readingEvents(of: some, evaluator.lookups(some, store: store), store: store)
                for (index, lookup) in zip(run, lookups) {
                    work.finish(index, with: try evaluator.evaluate(scopes[index], lookups: lookup, store: store))
                }
            }
        }
        // A backend whose reads run one at a time gains nothing from more threads.
        guard backend.concurrentReads, workers > 1, scopes.count > 1 else {
            try backend.read(.rebuilding) { store in try evaluateRuns(store) }
            return try work.results().map { $0! }
        }
        DispatchQueue.concurrentPerform(iterations: min(workers, (scopes.count + runLength - 1) / runLength)) { _ in
            do {
                try backend.read(.rebuilding) { store in try evaluateRuns(store) }
            } catch {
                work.fail(error)
            }
        }
        return try work.results().map { $0! }
    }

    /// Scopes a rebuild's worker takes at a time.
    static let runLength = 32

    /// People a catch-up's helper takes at a time: fewer than a rebuild's, so that the writer's
    /// own thread, taking one at a time, finds some left.
    static let catchUpRunLength = 8

    /// A catch-up's people, evaluated in the writer's transaction (`store`) and, beside it, in
    /// read transactions on the live tables of `helpers`.
    ///
    /// A read transaction sees the log the writer reads (it was committed before the catch-up
    /// began) but not the rows the writer's transaction has made so far. So what a scope reads
    /// of the projection tables is looked up on the writer first (`ScopeEvaluator.Lookups`), and
    /// a helper reads only the log. An evaluation that would read more (a fund's target
    /// figures) stops on a helper and is done again on the writer. The one table a helper reads
    /// is the class filings, of streams other than those `filed` in the writer's transaction:
    /// those it reads from the log (`ScopeEvaluator.scannedStreams`).
    static func evaluate(
        _ scopes: [Scope], with evaluator: ScopeEvaluator, writer store: some ProjectionStore, helpers backend: (any ProjectionBackend)?,
        filed: Set<String> = [], workers: Int = defaultCount
    ) throws -> [ScopeEvaluator.Rows] {
        let lookups = try evaluator.lookups(scopes, store: store)
        guard let backend, backend.concurrentReads, workers > 1, scopes.count >= catchUpThreshold else {
            return try scopes.indices.map { try evaluator.evaluate(scopes[$0], lookups: lookups[$0], store: store) }
        }
        let work = Work(count: scopes.count)
        let helpers = DispatchGroup()
        let beside = { var beside = evaluator; beside.scannedStreams = filed; return beside }()
        for _ in 1..<min(workers, scopes.count) {
            DispatchQueue.global().async(group: helpers) {
                do {
                    try backend.read(.live) { helper in
                        // A run of people at a time, their events read from the log in one request.
                        while let run = work.next(upTo: catchUpRunLength) {
                            let read = try beside.readingEvents(of: Array(scopes[run]), Array(lookups[run]), store: helper)
                            for (index, lookup) in zip(run, read) {
                                do {
                                    work.finish(index, with: try beside.evaluate(scopes[index], lookups: lookup, store: helper, tablesCurrent: false))
                                } catch is ScopeEvaluator.NeedsCurrentTables {
                                    continue  // left for the writer
                                }
                            }
                        }
                    }
                } catch {
                    work.fail(error)
                }
            }
        }
        // The writer's own thread takes scopes too, and waits for the helpers even when it fails.
        do {
            while let index = work.next() { work.finish(index, with: try evaluator.evaluate(scopes[index], lookups: lookups[index], store: store)) }
        } catch {
            work.fail(error)
        }
        helpers.wait()
        return try work.results().enumerated().map { index, rows in
            try rows ?? evaluator.evaluate(scopes[index], lookups: lookups[index], store: store)
        }
    }

    /// The shared counter and the results; the first error stops every worker at its next scope.
    private final class Work: @unchecked Sendable {
        private let lock = NSLock()
        private var taken = 0
        private var rows: [ScopeEvaluator.Rows?]
        private var error: (any Error)?

        init(count: Int) { rows = Array(repeating: nil, count: count) }

        func next() -> Int? { next(upTo: 1)?.lowerBound }

        /// The next indexes, at most `count` of them.
        func next(upTo count: Int) -> Range<Int>? {
            lock.withLock {
                guard error == nil, taken < rows.count else { return nil }
                let run = taken..<min(taken + count, rows.count)
                taken = run.upperBound
                return run
            }
        }

        func finish(_ index: Int, with result: ScopeEvaluator.Rows) { lock.withLock { rows[index] = result } }

        func fail(_ error: any Error) { lock.withLock { if self.error == nil { self.error = error } } }

        /// Each scope's rows, nil where a worker left it to the writer.
        func results() throws -> [ScopeEvaluator.Rows?] {
            try lock.withLock {
                if let error { throw error }
                return rows
            }
        }
    }
}
