import Foundation
import GRDB

/// Lets an `async` body use one GRDB connection for the length of one transaction.
///
/// GRDB runs a transaction as a synchronous closure on the connection's own queue, and a
/// connection may only be used there. The log's rules are `async` (a server database is
/// reached through suspensions), so the bridge keeps that closure open until the body is done,
/// and serves it there:
///
/// - the bridge is the body's task executor: the body's own code runs on the connection's
///   thread, inside the transaction, so its calls to the store (``run(_:)``) run at once,
///   without a thread hand-off;
/// - work the body waits for elsewhere (a chunk prepared on another core) resumes it on the
///   connection's thread again;
/// - work sent from another thread is queued and served in order.
///
/// Other work on the same connection (another append, the projections' catch-up) queues
/// behind the transaction, as it would behind any GRDB transaction. The thread that waits is
/// GRDB's, never one of the cooperative pool's.
final class ConnectionBridge: TaskExecutor, @unchecked Sendable {
    private enum Item {
        /// A job of a task that prefers this executor: the body, resumed.
        case task(UnownedJob)
        /// Work on the connection sent from another thread.
        case work(run: (Database) -> Void, fail: (any Error) -> Void)
    }

    enum Ending { case commit, rollback }

    /// Thrown inside the transaction's closure so GRDB rolls it back.
    struct RolledBack: Error {}

    private let condition = NSCondition()
    // Guarded by `condition`.
    private var items: [Item] = []
    private var ending: Ending?
    private var closed: (any Error)?
    /// Set on the serving thread while it serves: the connection, and the thread itself.
    private var serving: (db: Database, thread: Thread)?

    /// Serves the body and its work on the connection's queue until the body ends; throws to
    /// roll back.
    func serve(_ db: Database) throws {
        condition.lock()
        serving = (db, Thread.current)
        condition.unlock()
        defer {
            condition.lock()
            serving = nil
            condition.unlock()
        }
        while true {
            condition.lock()
            while items.isEmpty && ending == nil { condition.wait() }
            if items.isEmpty, let ending {
                condition.unlock()
                if ending == .rollback { throw RolledBack() }
                return
            }
            let item = items.removeFirst()
            condition.unlock()
            switch item {
            case .task(let job): job.runSynchronously(on: asUnownedTaskExecutor())
            case .work(let run, _): run(db)
            }
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        guard closed == nil else {
            condition.unlock()
            // The transaction is over: a straggling job runs where any other would.
            globalConcurrentExecutor.enqueue(job)
            return
        }
        items.append(.task(job))
        condition.signal()
        condition.unlock()
    }

    /// Runs `work` on the connection, inside the transaction, and returns what it returns: at
    /// once when called on the serving thread (the body, running here), else in turn.
    func run<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        if let db = connectionOnThisThread() { return try work(db) }
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            condition.lock()
            if let closed {
                condition.unlock()
                continuation.resume(throwing: closed)
                return
            }
            items.append(.work(
                run: { db in continuation.resume(with: Result { try work(db) }) },
                fail: { error in continuation.resume(throwing: error) }))
            condition.signal()
            condition.unlock()
        }
    }

    /// The connection, when this is the thread that serves it.
    private func connectionOnThisThread() -> Database? {
        condition.lock()
        defer { condition.unlock() }
        guard let serving, serving.thread === Thread.current else { return nil }
        return serving.db
    }

    /// The body is done: commit or roll back once the work sent is served.
    func end(_ ending: Ending) {
        condition.lock()
        if self.ending == nil { self.ending = ending }
        condition.signal()
        condition.unlock()
    }

    /// The transaction is over, or never started: work still waiting, and any sent later, fails
    /// with `error`; task jobs still queued run elsewhere.
    func close(_ error: any Error) {
        condition.lock()
        if closed == nil { closed = error }
        let orphans = items
        items.removeAll()
        condition.unlock()
        for item in orphans {
            switch item {
            case .task(let job): globalConcurrentExecutor.enqueue(job)
            case .work(_, let fail): fail(error)
            }
        }
    }

    /// Runs `body` inside the transaction that `transaction` opens on a connection, serving
    /// the body there; commits if `body` returns, rolls back if it throws.
    static func perform<T: Sendable>(
        transaction: @escaping @Sendable (_ serve: @escaping @Sendable (Database) throws -> Void) async throws -> Void,
        _ body: (ConnectionBridge) async throws -> T
    ) async throws -> T {
        let bridge = ConnectionBridge()
        let connection = Task {
            do {
                try await transaction { db in try bridge.serve(db) }
                bridge.close(TransactionEnded())
            } catch {
                bridge.close(error)
                throw error
            }
        }
        let value: T
        do {
            value = try await withTaskExecutorPreference(bridge) { try await body(bridge) }
        } catch {
            bridge.end(.rollback)
            _ = await connection.result
            throw error
        }
        bridge.end(.commit)
        try await connection.value
        return value
    }

    /// Work sent after the transaction ended.
    struct TransactionEnded: Error, CustomStringConvertible {
        var description: String { "the transaction has already ended" }
    }
}
