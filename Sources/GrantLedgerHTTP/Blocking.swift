import NIOConcurrencyHelpers
import NIOPosix

/// Runs blocking work (SQLite) off the cooperative thread pool, on a pool of its own. It has
/// more threads than cores on purpose: appends wait on SQLite's write lock, and must not take
/// every thread from the reads that WAL lets run beside them.
enum Blocking {
    static let pool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 16)
        pool.start()
        return pool
    }()

    /// Runs work on the pool and, once it has started, waits for it to finish even when the
    /// task is cancelled (work still queued then never runs): for writes (an append, an import,
    /// a rebuild, the catch-up), whose caller must learn how they ended.
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await pool.runIfActive(body)
    }

    /// Runs async ledger work (an append, an import: parsing and hashing between the store's
    /// suspensions) with the pool as its executor, so that it does not hold the threads that
    /// serve connections. Cancellation reaches the work, which decides where it may stop.
    static func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await withTaskExecutorPreference(executor, operation: body)
    }

    static let executor = PoolExecutor(pool: pool)

    /// The pool as a task executor.
    final class PoolExecutor: TaskExecutor {
        let pool: NIOThreadPool
        init(pool: NIOThreadPool) { self.pool = pool }

        func enqueue(_ job: consuming ExecutorJob) {
            let job = UnownedJob(job)
            pool.submit { _ in job.runSynchronously(on: self.asUnownedTaskExecutor()) }
        }
    }

    /// Runs a read on the pool, and stops waiting for it when the task is cancelled (a request
    /// past its time limit, ``TimeLimitMiddleware``): the caller gets `CancellationError` at
    /// once. A read that has not started never runs; one that has runs to its end on the pool
    /// (SQLite work cannot be interrupted safely) and its answer is dropped. Only for work whose
    /// answer may be dropped: writes use ``run(_:)``.
    static func read<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        let waiter = Waiter<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                guard waiter.wait(continuation) else { return }
                pool.submit { state in
                    guard state == .active, waiter.isWaiting else { return waiter.finish(.failure(CancellationError())) }
                    waiter.finish(Result(catching: body))
                }
            }
        } onCancel: {
            waiter.finish(.failure(CancellationError()))
        }
    }

    /// The caller of a read, resumed once: by the read's answer or by cancellation, whichever
    /// comes first.
    private final class Waiter<T: Sendable>: Sendable {
        private enum State {
            case starting
            case waiting(CheckedContinuation<T, any Error>)
            case finished
        }

        private let state = NIOLockedValueBox(State.starting)

        /// Keeps the continuation to resume; false, having resumed it, when cancelled already.
        func wait(_ continuation: CheckedContinuation<T, any Error>) -> Bool {
            let cancelled = state.withLockedValue { state in
                if case .finished = state { return true }
                state = .waiting(continuation)
                return false
            }
            if cancelled { continuation.resume(throwing: CancellationError()) }
            return !cancelled
        }

        /// Whether the caller still waits for the answer.
        var isWaiting: Bool {
            state.withLockedValue { if case .waiting = $0 { true } else { false } }
        }

        /// Resumes the caller with `result`, unless it was resumed already.
        func finish(_ result: Result<T, any Error>) {
            let continuation: CheckedContinuation<T, any Error>? = state.withLockedValue { state in
                defer { state = .finished }
                if case .waiting(let continuation) = state { return continuation }
                return nil
            }
            continuation?.resume(with: result)
        }
    }
}
