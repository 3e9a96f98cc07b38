import Dispatch
import Foundation
import GrantLedgerLog

/// Evaluates many scopes at once in several read transactions: one scope's evaluation only reads
/// (the log, and the tables the events filled), so a rebuild spreads its scopes over every
/// core while a single writer keeps their rows.
///
/// Workers take the next scope from a shared counter rather than a fixed share, so that the few
/// organisations, each reading thousands of their employees' events, do not leave a core idle
/// behind them. The results come back in the order of `scopes`, whatever the interleaving.
public enum ScopeWorkers {
    /// Evaluations run at once: one per core.
    public static let defaultCount = max(1, ProcessInfo.processInfo.activeProcessorCount)

    static func evaluate(
        _ scopes: [Scope], with evaluator: ScopeEvaluator, on backend: any ProjectionBackend, workers: Int = defaultCount
    ) throws -> [ScopeEvaluator.Rows] {
        // A backend whose reads run one at a time gains nothing from more threads.
        guard backend.concurrentReads, workers > 1, scopes.count > 1 else {
            return try backend.read(.rebuilding) { store in try scopes.map { try evaluator.evaluate($0, store: store) } }
        }
        let work = Work(count: scopes.count)
        DispatchQueue.concurrentPerform(iterations: min(workers, scopes.count)) { _ in
            do {
                try backend.read(.rebuilding) { store in
                    while let index = work.next() {
                        work.finish(index, with: try evaluator.evaluate(scopes[index], store: store))
                    }
                }
            } catch {
                work.fail(error)
            }
        }
        return try work.results()
    }

    /// The shared counter and the results; the first error stops every worker at its next scope.
    private final class Work: @unchecked Sendable {
        private let lock = NSLock()
        private var taken = 0
        private var rows: [ScopeEvaluator.Rows?]
        private var error: (any Error)?

        init(count: Int) { rows = Array(repeating: nil, count: count) }

        func next() -> Int? {
            lock.withLock {
                guard error == nil, taken < rows.count else { return nil }
                defer { taken += 1 }
                return taken
            }
        }

        func finish(_ index: Int, with result: ScopeEvaluator.Rows) { lock.withLock { rows[index] = result } }

        func fail(_ error: any Error) { lock.withLock { if self.error == nil { self.error = error } } }

        func results() throws -> [ScopeEvaluator.Rows] {
            try lock.withLock {
                if let error { throw error }
                return rows.map { $0! }
            }
        }
    }
}
