import GrantLedgerLog
import GrantLedgerPostgres
import PostgresNIO

/// The right to keep a ledger's projections current, held by one of the processes that serve
/// it: on PostgreSQL, several service instances share one ledger, and exactly one of them
/// catches up at a time.
///
/// On PostgreSQL the lease is a session-level advisory lock of the ledger's projections
/// (`pg_try_advisory_lock`), held on a connection of its own for as long as the lease lives.
/// When its process dies the server closes the session and the lock goes with it, so another
/// instance takes the lease at its next try; one that loses its connection loses the lease.
/// Correctness does not rest on the lease: every projection transaction also takes the
/// projections' transaction lock, so even two catch-ups at once would apply each event once.
/// The lease only keeps the others from doing the same work.
///
/// On SQLite the ledger is one file on one machine, and the lease is always granted.
public final class CatchUpLease: Sendable {
    private let connection: PostgresBlockingConnection?

    init(connection: PostgresBlockingConnection?) {
        self.connection = connection
    }

    /// Whether the lease still stands: on PostgreSQL, whether its session still answers, within
    /// ``answerLimit`` (one that does not is closed, and the lease is lost with it).
    public var isHeld: Bool {
        guard let connection else { return true }
        return connection.answers(within: Self.answerLimit)
    }

    /// How long the lease's session has to answer whether it still stands. A healthy server
    /// answers in milliseconds; a lease given up wrongly only lets another instance catch up.
    static let answerLimit = TimeAmount.seconds(5)

    /// Gives the lease up: another instance takes it at its next try. The lock is released
    /// and the release waited for before the session closes: a closed session's locks go
    /// only once the server has noticed, and another's try meanwhile would find it held.
    public func release() {
        guard let connection, !connection.isClosed else { return }
        _ = try? connection.execute("SELECT pg_advisory_unlock(\(connection.lockKey("catch-up-lease")))")
        connection.close()
    }

    deinit { release() }
}

extension Projections {
    /// Takes the catch-up lease of `log`'s projections, or nil when another process holds it.
    public static func takeCatchUpLease(of log: EventLog) throws -> CatchUpLease? {
        guard let storage = log.storage as? PostgresEventStorage else { return CatchUpLease(connection: nil) }
        let connection = try PostgresBlockingConnection.connect(storage.location)
        do {
            let granted = try connection.rows("SELECT pg_try_advisory_lock(\(connection.lockKey("catch-up-lease")))")
                .first.map { try $0.decode(Bool.self) } ?? false
            guard granted else {
                connection.close()
                return nil
            }
            return CatchUpLease(connection: connection)
        } catch {
            connection.close()
            throw error
        }
    }
}
