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

    /// A catch-up spreads its scopes over the cores from this many on: below it, starting a
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

    /// A catch-up's scopes of one kind (its people, then its organisations), evaluated in the
    /// writer's transaction (`store`) and, beside it, in read transactions on the live tables of
    /// `helpers`, each scope's rows given to `keep` on the writer's thread in the order of
    /// `scopes`, as soon as they and those before them are evaluated: the writer keeps rows
    /// while the helpers still evaluate.
    ///
    /// A read transaction sees the log the writer reads (it was committed before the catch-up
    /// began) but not the rows the writer's transaction has made so far. So what a scope reads
    /// of the projection tables is looked up on the writer first (`ScopeEvaluator.Lookups`), and
    /// a helper reads only the log. An evaluation that would read more (a fund's target
    /// figures) stops on a helper and is done again on the writer. The one table a helper reads
    /// is the class filings, of streams other than those `filed` in the writer's transaction:
    /// those it reads from the log (`ScopeEvaluator.scannedStreams`).
    ///
    /// What `keep` writes (a person's entitlements, review date, parts in their employers'
    /// counts and draws on shared limits) is none of what a person's evaluation reads (the log,
    /// the links looked up before any is kept, the class filings and target facts the events
    /// made), so a scope the writer evaluates after keeping others' rows sees what it would
    /// have seen before.
    ///
    /// The same holds for organisations evaluated after the people (their lookups, made on the
    /// writer, read the parts of their yearly counts the people's rows just kept), and for
    /// scopes evaluated again with the `usage` of shared limits.
    ///
    /// `readAhead`: people's events read while the catch-up's events were applied (``ReadAhead``).
    static func evaluate(
        _ scopes: [Scope], with evaluator: ScopeEvaluator, writer store: some ProjectionStore, helpers backend: (any ProjectionBackend)?,
        filed: Set<String> = [], workers: Int = defaultCount, readAhead: [String: [ScopeEvaluator.ReadEvent]] = [:],
        usage: PooledUsage? = nil, keep: (ScopeEvaluator.Rows) throws -> Void
    ) throws {
        let lookups = try evaluator.lookups(scopes, store: store).enumerated().map { index, lookup in
            guard case .person(let id) = scopes[index], let read = readAhead[id] else { return lookup }
            var lookup = lookup
            lookup.events = read
            return lookup
        }
        guard let backend, backend.concurrentReads, workers > 1, scopes.count >= catchUpThreshold else {
            for index in scopes.indices { try keep(try evaluator.evaluate(scopes[index], lookups: lookups[index], store: store, usage: usage)) }
            return
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
                                    work.finish(index, with: try beside.evaluate(scopes[index], lookups: lookup, store: helper, usage: usage,
                                                                                 tablesCurrent: false))
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
        // The writer's own thread takes scopes too, keeping the rows ready in order after each,
        // and waits for the helpers even when it fails.
        var kept = 0
        do {
            while let index = work.next() {
                work.finish(index, with: try evaluator.evaluate(scopes[index], lookups: lookups[index], store: store, usage: usage))
                while kept < scopes.count, let rows = work.result(kept) {
                    try keep(rows)
                    kept += 1
                }
            }
        } catch {
            work.fail(error)
        }
        helpers.wait()
        let results = try work.results()
        for index in kept..<scopes.count {
            try keep(try results[index] ?? evaluator.evaluate(scopes[index], lookups: lookups[index], store: store, usage: usage))
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

        /// The rows of scope `index`, if evaluated yet.
        func result(_ index: Int) -> ScopeEvaluator.Rows? { lock.withLock { rows[index] } }

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

/// People's events read on another core while a catch-up's writer applies its events: the
/// people the events name are evaluated next, and reading their events and the streams that
/// give them context (and decoding them) is most of an evaluation that is not the engine.
///
/// It reads in a read transaction of its own, which sees the log the writer reads (committed
/// before the catch-up began), and only the log. The context streams go to the evaluator's
/// ``ContextFacts``; the people's events are handed over by ``finish()``. What it has not read
/// by then, or could not read, the evaluation reads as it would have.
final class ReadAhead: @unchecked Sendable {
    private let lock = NSLock()
    private let done = DispatchGroup()
    private var events: [String: [ScopeEvaluator.ReadEvent]] = [:]
    private var stopped = false

    /// Starts reading `people`, a run at a time, when there are enough to gain from another
    /// core and `backend`'s reads run beside its writer; nil otherwise.
    static func start(people: [String], evaluator: ScopeEvaluator, backend: (any ProjectionBackend)?,
                      workers: Int = ScopeWorkers.defaultCount) -> ReadAhead? {
        guard let backend, backend.concurrentReads, workers > 1, people.count >= ScopeWorkers.catchUpThreshold else { return nil }
        let ahead = ReadAhead()
        ahead.done.enter()
        DispatchQueue.global().async {
            defer { ahead.done.leave() }
            // A failed read is left to the evaluation, which reads again and reports it.
            try? backend.read(.live) { store in
                var start = 0
                while start < people.count, !ahead.isStopped {
                    let run = Array(people[start..<min(start + ScopeWorkers.catchUpRunLength, people.count)])
                    let (events, streams) = try evaluator.reading(people: run, store: store)
                    for (stream, facts) in streams { evaluator.shared.hold(stream: stream, facts) }
                    ahead.lock.withLock { ahead.events.merge(events) { held, _ in held } }
                    start += run.count
                }
            }
        }
        return ahead
    }

    private var isStopped: Bool { lock.withLock { stopped } }

    /// Stops reading (after the run in hand) and gives the people's events read so far.
    func finish() -> [String: [ScopeEvaluator.ReadEvent]] {
        lock.withLock { stopped = true }
        done.wait()
        return lock.withLock { events }
    }
}
