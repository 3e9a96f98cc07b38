import Foundation
import GrantLedgerLog
import GrantLedgerPostgres
import PostgresNIO
import Testing

/// The synchronous connections the projections and the tokens use: writes sent without
/// waiting still fail their transaction, whole, when one of them fails.
@Suite("PostgreSQL blocking connections", .enabled(if: TestPostgres.location != nil, "needs GRANTLEDGER_TEST_POSTGRES"))
struct PostgresBlockingTests {
    @Test("a write sent without waiting that fails fails its transaction: nothing of it is kept, and the error is the server's")
    func sentWriteFails() throws {
        let location = try TestPostgres.freshLocation()
        let admin = try PostgresBlockingConnection.connect(location)
        defer { admin.close() }
        try admin.execute(PostgresQuery(unsafeSQL: "CREATE SCHEMA \"\(location.schema)\""))
        try admin.execute("CREATE TABLE t (k TEXT PRIMARY KEY)")
        let pool = PostgresBlockingPool(location: location, kept: 1)
        defer { pool.close() }
        func count() throws -> Int64 { try pool.read { try $0.rows("SELECT count(*) FROM t").first!.decode(Int64.self) } }

        let refused = #expect(throws: LogError.self) {
            try pool.write { connection in
                try connection.send("INSERT INTO t VALUES ('a')")
                try connection.send("INSERT INTO t VALUES ('a')")
                try connection.send("INSERT INTO t VALUES ('b')")
            }
        }
        #expect("\(refused!)".contains("duplicate key"), "\(refused!)")
        #expect(try count() == 0)
        // A read after a failed write reports the write's failure, not the aborted transaction's.
        let read = #expect(throws: LogError.self) {
            try pool.write { connection in
                try connection.send("INSERT INTO t VALUES ('x'), ('x')")
                _ = try connection.rows("SELECT 1")
            }
        }
        #expect("\(read!)".contains("duplicate key"), "\(read!)")
        // The connection kept after the rollbacks works.
        try pool.write { connection in
            for key in 0..<3_000 { try connection.send(PostgresQuery(unsafeSQL: "INSERT INTO t VALUES ('k\(key)')")) }
        }
        #expect(try count() == 3_000)
    }

    @Test("a session that does not answer in time is taken for gone, and closed so that the server ends it")
    func answersWithinALimit() throws {
        let location = try TestPostgres.freshLocation()
        let busy = try PostgresBlockingConnection.connect(location)
        defer { busy.close() }
        #expect(busy.answers(within: .seconds(5)))
        let pid = try busy.rows("SELECT pg_backend_pid()").first!.decode(Int32.self)

        // Its next request waits behind a statement of two seconds: no answer within 200 ms.
        try busy.send("SELECT pg_sleep(2)")
        let start = ContinuousClock.now
        #expect(!busy.answers(within: .milliseconds(200)))
        #expect(ContinuousClock.now - start < .seconds(2))

        // Closed on our side, the session ends on the server (once its statement is done).
        let admin = try PostgresBlockingConnection.connect(location)
        defer { admin.close() }
        var alive = true
        for _ in 0..<100 where alive {
            alive = try admin.rows(PostgresQuery(unsafeSQL: "SELECT count(*) FROM pg_stat_activity WHERE pid = \(pid)"))
                .first!.decode(Int64.self) > 0
            if alive { Thread.sleep(forTimeInterval: 0.1) }
        }
        #expect(!alive)
        #expect(!busy.answers(within: .seconds(5)))
    }
}
