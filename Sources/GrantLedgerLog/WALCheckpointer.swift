import Dispatch
import Foundation
import GRDB
import GRDBSQLite

/// Copies the write-ahead log back into the database file on a connection of its own, so that
/// no commit waits for it.
///
/// SQLite's default checkpoints run inside the commit that finds 1,000 pages in the WAL: that
/// commit then copies them all and fsyncs the database file, several milliseconds that fall on
/// whichever append or projection catch-up happens to cross the line. Here the writer's commit
/// only reports the WAL's size (`sqlite3_wal_hook`, which SQLite offers for exactly this and
/// which replaces its own automatic checkpoint on that connection), and once it reaches
/// ``pages`` a PASSIVE checkpoint runs on a queue and connection of its own. PASSIVE never
/// blocks a reader or the writer; what a reader still needs stays in the WAL for the next one.
/// Its storage shuts it down as it goes (`shutdown()`): the checkpoint under way, if any,
/// finishes and its connection closes before the pool's, so the pool's writer is the last
/// connection and checkpoints the rest as it closes, as before.
public final class WALCheckpointer: @unchecked Sendable {
    /// The WAL size, in pages, from which a checkpoint is started: SQLite's own default.
    public static let pages: Int32 = 1_000

    private let path: String
    private let queue = DispatchQueue(label: "grantledger.wal-checkpoint", qos: .utility)
    private let lock = NSLock()
    // Guarded by `lock`.
    private var scheduled = false
    private var completed = 0
    private var lastError: (any Error)?
    // Used only on `queue`.
    private var connection: DatabaseQueue?
    private var closed = false

    init(path: String) { self.path = path }

    /// Takes over the checkpoints of the pool's writer connection.
    func install(on pool: DatabasePool) {
        pool.writeWithoutTransaction { db in
            let hook = Hook(checkpointer: self)
            // GRDB keeps the observer, and so the hook the C callback points to, for as long
            // as the connection lives.
            db.add(transactionObserver: hook, extent: .databaseLifetime)
            sqlite3_wal_hook(db.sqliteConnection, { context, _, _, pages in
                guard let context else { return SQLITE_OK }
                Unmanaged<Hook>.fromOpaque(context).takeUnretainedValue().committed(pages: pages)
                return SQLITE_OK
            }, Unmanaged.passUnretained(hook).toOpaque())
        }
    }

    /// Checkpoints run so far, and the last one's error, if it failed (for tests and diagnostics).
    public var status: (checkpoints: Int, lastError: (any Error)?) { lock.withLock { (completed, lastError) } }

    /// Waits for a checkpoint already started to finish.
    public func waitUntilIdle() { queue.sync {} }

    private func committed(pages: Int32) {
        guard pages >= Self.pages else { return }
        let start = lock.withLock {
            guard !scheduled else { return false }
            scheduled = true
            return true
        }
        guard start else { return }
        queue.async { self.checkpoint() }
    }

    /// Waits for the checkpoint under way and closes its connection; later commits start none.
    func shutdown() {
        queue.sync {
            closed = true
            connection = nil
        }
    }

    private func checkpoint() {
        lock.withLock { scheduled = false }
        guard !closed else { return }
        do {
            if connection == nil {
                var configuration = Configuration()
                configuration.busyMode = .timeout(1)
                // The database file is fsynced once the pages are copied, as the writer's own checkpoints were.
                configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
                connection = try DatabaseQueue(path: path, configuration: configuration)
            }
            _ = try connection?.writeWithoutTransaction { db in try db.checkpoint(.passive) }
            lock.withLock {
                completed += 1
                lastError = nil
            }
        } catch {
            // Nothing is lost: the pages stay in the WAL for the next checkpoint, or the last close.
            lock.withLock { lastError = error }
        }
    }

    /// What the writer connection's WAL hook points to: GRDB keeps it for as long as the
    /// connection lives. Weak, so that a checkpointer shut down and let go is not kept alive.
    private final class Hook: TransactionObserver {
        weak var checkpointer: WALCheckpointer?

        init(checkpointer: WALCheckpointer) { self.checkpointer = checkpointer }

        func committed(pages: Int32) { checkpointer?.committed(pages: pages) }

        func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { false }
        func databaseDidChange(with event: DatabaseEvent) {}
        func databaseDidCommit(_ db: Database) {}
        func databaseDidRollback(_ db: Database) {}
    }
}
