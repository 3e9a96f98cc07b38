import Foundation
import GRDB

/// Lets an `async` body use one GRDB connection for the length of one transaction.
///
/// GRDB runs a transaction as a synchronous closure on the connection's own queue, and a
/// connection may only be used there. The log's rules are `async` (a server database is
/// reached through suspensions), so the bridge keeps the closure open, serving the work the
/// body sends it, one piece at a time, in order, until the body is done. Other work on the same
/// connection (another append, the projections' catch-up) queues behind the transaction, as it
/// would behind any GRDB transaction. The thread that waits is GRDB's, never one of the
/// cooperative pool's.
final class ConnectionBridge: @unchecked Sendable {
    private struct Job {
        let run: (Database) -> Void
        let fail: (any Error) -> Void
    }

    enum Ending { case commit, rollback }

    /// Thrown inside the transaction's closure so GRDB rolls it back.
    struct RolledBack: Error {}

    private let condition = NSCondition()
    // Guarded by `condition`.
    private var jobs: [Job] = []
    private var ending: Ending?
    private var closed: (any Error)?

    /// Serves jobs on the connection's queue until the body ends; throws to roll back.
    func serve(_ db: Database) throws {
        while true {
            condition.lock()
            while jobs.isEmpty && ending == nil { condition.wait() }
            if jobs.isEmpty, let ending {
                condition.unlock()
                if ending == .rollback { throw RolledBack() }
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job.run(db)
        }
    }

    /// Runs `work` on the connection, inside the transaction, and returns what it returns.
    func run<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            condition.lock()
            if let closed {
                condition.unlock()
                continuation.resume(throwing: closed)
                return
            }
            jobs.append(Job(
                run: { db in continuation.resume(with: Result { try work(db) }) },
                fail: { error in continuation.resume(throwing: error) }))
            condition.signal()
            condition.unlock()
        }
    }

    /// The body is done: commit or roll back once the jobs sent are served.
    func end(_ ending: Ending) {
        condition.lock()
        if self.ending == nil { self.ending = ending }
        condition.signal()
        condition.unlock()
    }

    /// The transaction is over, or never started: jobs still waiting, and any sent later, fail
    /// with `error`.
    func close(_ error: any Error) {
        condition.lock()
        if closed == nil { closed = error }
        let orphans = jobs
        jobs.removeAll()
        condition.unlock()
        for job in orphans { job.fail(error) }
    }

    /// Runs `body` inside the transaction that `transaction` opens on a connection, serving
    /// the body's work there; commits if `body` returns, rolls back if it throws.
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
            value = try await body(bridge)
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
