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

    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await pool.runIfActive(body)
    }
}
