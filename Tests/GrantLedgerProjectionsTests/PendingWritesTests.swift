import Foundation
import GRDB
import GrantLedgerPostgres
import PostgresNIO
import SyntheticCity
@testable import GrantLedgerProjections
import Testing

/// The writes a PostgreSQL transaction gathers (`PendingWrites`) must leave the tables as the
/// same writes made one by one do. The reference is SQLite running each write as it comes.
@Suite("Pending writes")
struct PendingWritesTests {
    @Test("an insert joins its statement's rows past other tables' writes, not past its own table's")
    func grouping() throws {
        let pending = PendingWrites()
        let a = SQLInsert("a", ["k", "v"], .replace(key: ["k"])), b = SQLInsert("b", ["k", "n"], .ignore)
        pending.insert(a, [.text("x"), .integer(1)])
        pending.insert(b, [.text("x"), .integer(1)])
        pending.insert(a, [.text("y"), .integer(2)])
        pending.write("DELETE FROM a WHERE k = ?", [.text("x")], table: "a")
        pending.insert(b, [.text("y"), .integer(2)])
        pending.insert(a, [.text("x"), .integer(3)])
        let sent = pending.take()
        #expect(sent.map(\.statement) == [
            .insert(a, rows: 2), .insert(b, rows: 2), .other("DELETE FROM a WHERE k = ?"), .insert(a, rows: 1),
        ])
        #expect(sent[0].values == [.text("x"), .integer(1), .text("y"), .integer(2)])
        #expect(pending.isEmpty && pending.count == 0)
    }

    @Test("a write that may read other tables keeps its place among all the writes")
    func barrier() {
        let pending = PendingWrites()
        let a = SQLInsert("a", ["k", "v"], .ignore), b = SQLInsert("b", ["k", "v"], .ignore)
        pending.insert(a, [.text("x"), .integer(1)])
        pending.insert(b, [.text("x"), .integer(1)])
        pending.write("INSERT INTO b (k, v) SELECT k, v FROM a", [], table: nil)
        pending.insert(a, [.text("y"), .integer(2)])
        #expect(pending.take().map(\.statement) == [
            .insert(a, rows: 1), .insert(b, rows: 1), .other("INSERT INTO b (k, v) SELECT k, v FROM a"), .insert(a, rows: 1),
        ])
    }

    @Test("rows given one key by a replacing insert: the last stays, where the first was")
    func replacedInPlace() {
        let pending = PendingWrites()
        let a = SQLInsert("a", ["k", "v"], .replace(key: ["k"]))
        pending.insert(a, [.text("x"), .integer(1)])
        pending.insert(a, [.text("y"), .integer(2)])
        pending.insert(a, [.text("x"), .integer(3)])
        let sent = pending.take()
        #expect(sent.map(\.statement) == [.insert(a, rows: 2)])
        #expect(sent[0].values == [.text("x"), .integer(3), .text("y"), .integer(2)])
    }

    @Test("many rows go in statements of a power of two rows, within PostgreSQL's 65,535 values")
    func sizes() {
        let pending = PendingWrites()
        let narrow = SQLInsert("a", ["k"], .fail)
        for index in 0..<300 { pending.insert(narrow, [.integer(Int64(index))]) }
        let wide = SQLInsert("b", (0..<300).map { "c\($0)" }, .fail)
        for _ in 0..<300 { pending.insert(wide, Array(repeating: .null, count: 300)) }
        let sent = pending.take()
        #expect(sent.map(\.statement) == [256, 32, 8, 4].map { .insert(narrow, rows: $0) }
            + Array(repeating: .insert(wide, rows: 128), count: 2) + [32, 8, 4].map { .insert(wide, rows: $0) })
        #expect(sent.map(\.values.count) == [256, 32, 8, 4] + [128, 128, 32, 8, 4].map { $0 * 300 })
        #expect(sent.flatMap(\.values).prefix(300) == (0..<300).map { .integer(Int64($0)) }[...])
    }

    @Test("the table of a plain DELETE or UPDATE; none for a write that reads")
    func tableOfWrite() {
        #expect(PendingWrites.table(ofWrite: "DELETE FROM proj_pooled WHERE scope = ?") == "proj_pooled")
        #expect(PendingWrites.table(ofWrite: "UPDATE proj_clawbacks SET recovered = recovered + ? WHERE clawback_id = ?") == "proj_clawbacks")
        #expect(PendingWrites.table(ofWrite: "INSERT INTO a (k) SELECT k FROM b") == nil)
        #expect(PendingWrites.table(ofWrite: "DELETE FROM a WHERE k IN (SELECT k FROM b)") == nil)
        #expect(PendingWrites.table(ofWrite: "DELETE FROM a") == nil)
    }

    @Test("a read of some tables takes their writes only; the others wait on, and rows keep joining them")
    func readOfSomeTables() {
        let pending = PendingWrites()
        let a = SQLInsert("proj_a", ["k"], .ignore), ab = SQLInsert("proj_ab", ["k"], .ignore)
        pending.insert(a, [.text("x")])
        pending.insert(ab, [.text("x")])
        pending.write("DELETE FROM proj_a WHERE k = ?", [.text("y")], table: "proj_a")
        #expect(pending.tables == ["proj_a", "proj_ab"])
        let named = pending.tables!.filter { PendingWrites.names("SELECT k FROM proj_ab WHERE k = ?", $0) }
        #expect(pending.take(only: named).map(\.statement) == [.insert(ab, rows: 1)])
        pending.insert(ab, [.text("y")])
        #expect(pending.count == 3)
        #expect(pending.take().map(\.statement) == [.insert(a, rows: 1), .other("DELETE FROM proj_a WHERE k = ?"), .insert(ab, rows: 1)])
        // A write that may read any table: a read then takes everything.
        pending.insert(a, [.text("z")])
        pending.write("INSERT INTO proj_ab (k) SELECT k FROM proj_a", [], table: nil)
        #expect(pending.tables == nil)
        #expect(pending.take(only: ["proj_ab"]).count == 2 && pending.isEmpty)
    }

    @Test("a table is named as a whole word")
    func naming() {
        #expect(PendingWrites.names("SELECT k FROM proj_links WHERE scope = ?", "proj_links"))
        #expect(PendingWrites.names("SELECT t.k FROM proj_a t JOIN proj_links c ON c.k = t.k", "proj_links"))
        #expect(PendingWrites.names("SELECT * FROM proj_links", "proj_links"))
        #expect(!PendingWrites.names("SELECT k FROM projnext_links WHERE scope = ?", "proj_links"))
        #expect(!PendingWrites.names("SELECT k FROM proj_links_old WHERE scope = ?", "proj_links"))
        #expect(!PendingWrites.names("SELECT k FROM proj_links2, xproj_links", "proj_links"))
    }

    @Test("random writes, gathered and sent at random reads of one table, read and leave SQLite's tables as written one by one",
          arguments: [1, 2, 3])
    func sameTablesOnSQLite(seed: UInt64) throws {
        let script = WriteScript(seed: seed)
        let expected = try script.oneByOne()
        let gathered = try DatabaseQueue()
        let found = try gathered.write { db in
            let connection = SQLiteProjectionConnection(db: db)
            try script.create(connection)
            let pending = PendingWrites()
            func send(_ statements: [(statement: PendingWrites.Statement, values: [SQLValue])]) throws {
                for (statement, values) in statements {
                    switch statement {
                    case .insert(let insert, let rows): try connection.execute(insert.sql(rows: rows), values)
                    case .other(let sql): try connection.execute(sql, values)
                    }
                }
            }
            var reads: [[String]] = []
            for step in script.steps {
                if let table = step.read {
                    try send(pending.take(only: [table], maximumRows: 8))
                    reads.append(try WriteScript.contents(connection, of: [table]))
                }
                step.gather(into: pending)
            }
            try send(pending.take())
            return reads + [try WriteScript.contents(connection)]
        }
        #expect(found == expected)
        #expect(expected.count > 100 && expected.last!.count > 200)
    }

    @Test("random writes on PostgreSQL, gathered by its projection connection, read and leave the tables as SQLite's one by one",
          .enabled(if: PendingWritesTests.server != nil, "needs GRANTLEDGER_TEST_POSTGRES"), arguments: [1, 2, 3])
    func sameTablesOnPostgres(seed: UInt64) throws {
        let script = WriteScript(seed: seed)
        let expected = try script.oneByOne()

        var location = try PostgresLocation(url: try #require(Self.server))
        location.schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(24)
        let pool = PostgresBlockingPool(location: location, kept: 1)
        defer { pool.close() }
        let found = try pool.write { connection in
            try connection.execute(PostgresQuery(unsafeSQL: "CREATE SCHEMA \"\(location.schema)\""))
            let db = PostgresProjectionConnection(connection: connection)
            // Each read sends what waits for its table, as the store's reads do.
            return try script.run(on: db)
        }
        #expect(found == expected)
        try pool.write { try $0.execute(PostgresQuery(unsafeSQL: "DROP SCHEMA \"\(location.schema)\" CASCADE")) }
    }

    static var server: String? {
        ProcessInfo.processInfo.environment["GRANTLEDGER_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    }
}

/// A seeded sequence of writes to three small tables, of every kind the store makes: inserts
/// that replace, ignore or must not conflict, plain deletes and updates, and an insert that
/// reads another table; some steps are preceded by a read.
private struct WriteScript {
    struct Step {
        let sql: String
        let insert: SQLInsert?
        let values: [SQLValue]
        /// A table read before the write, if any.
        let read: String?

        func run(on connection: some ProjectionConnection) throws {
            if let insert { try connection.insert(insert, values) } else { try connection.execute(sql, values) }
        }

        func gather(into pending: PendingWrites) {
            if let insert { pending.insert(insert, values) } else { pending.write(sql, values, table: PendingWrites.table(ofWrite: sql)) }
        }
    }

    let steps: [Step]

    init(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let replaceA = SQLInsert("a", ["k", "v", "note"], .replace(key: ["k"]))
        let ignoreA = SQLInsert("a", ["k", "v", "note"], .ignore)
        let ignoreB = SQLInsert("b", ["k", "n"], .ignore)
        let replaceB = SQLInsert("b", ["k", "n"], .replace(key: ["k", "n"]))
        let failC = SQLInsert("c", ["id", "k", "v"], .fail)
        var steps: [Step] = []
        var nextID: Int64 = 0, copies: Int64 = 0
        for _ in 0..<3_000 {
            let key = SQLValue.text("k\(random.next() % 40)")
            let number = SQLValue.integer(Int64(random.next() % 1_000))
            let note: SQLValue = random.next() % 4 == 0 ? .null : .text("n\(random.next() % 7)")
            let read = random.next() % 25 == 0 ? ["a", "b", "c"][Int(random.next() % 3)] : nil
            func step(_ sql: String, _ values: [SQLValue]) -> Step { Step(sql: sql, insert: nil, values: values, read: read) }
            func step(_ insert: SQLInsert, _ values: [SQLValue]) -> Step { Step(sql: insert.sql, insert: insert, values: values, read: read) }
            switch random.next() % 100 {
            case 0..<30: steps.append(step(replaceA, [key, number, note]))
            case 30..<45: steps.append(step(ignoreA, [key, number, note]))
            case 45..<60: steps.append(step(ignoreB, [key, .integer(Int64(random.next() % 5))]))
            case 60..<68: steps.append(step(replaceB, [key, .integer(Int64(random.next() % 5))]))
            case 68..<82:
                nextID += 1
                steps.append(step(failC, [.integer(nextID), key, number]))
            case 82..<88: steps.append(step("DELETE FROM a WHERE k = ?", [key]))
            case 88..<92: steps.append(step("DELETE FROM c WHERE k = ?", [key]))
            case 92..<97: steps.append(step("UPDATE a SET v = v + ? WHERE k = ?", [number, key]))
            default:
                // Ids of their own, below zero: ten for each such step.
                copies += 1
                steps.append(step("INSERT INTO c (id, k, v) SELECT ? - n, k, n FROM b WHERE k = ?", [.integer(-10 * copies), key]))
            }
        }
        self.steps = steps
    }

    /// The steps on `connection`, each read's rows, then every table's.
    func run(on connection: some ProjectionConnection) throws -> [[String]] {
        try create(connection)
        var reads: [[String]] = []
        for step in steps {
            if let table = step.read { reads.append(try Self.contents(connection, of: [table])) }
            try step.run(on: connection)
        }
        return reads + [try Self.contents(connection)]
    }

    /// The reference: ``run(on:)`` on SQLite, each write as it comes.
    func oneByOne() throws -> [[String]] {
        try DatabaseQueue().write { db in try run(on: SQLiteProjectionConnection(db: db)) }
    }

    func create(_ connection: some ProjectionConnection) throws {
        let integer = connection.dialect.integer, text = connection.dialect.text
        try connection.execute("CREATE TABLE a (k \(text) PRIMARY KEY, v \(integer) NOT NULL, note \(text))", [SQLValue]())
        try connection.execute("CREATE TABLE b (k \(text) NOT NULL, n \(integer) NOT NULL, PRIMARY KEY (k, n))", [SQLValue]())
        try connection.execute("CREATE TABLE c (id \(integer) PRIMARY KEY, k \(text) NOT NULL, v \(integer) NOT NULL)", [SQLValue]())
    }

    static func contents(_ connection: some ProjectionConnection, of tables: [String] = ["a", "b", "c"]) throws -> [String] {
        var lines: [String] = []
        let orders = ["a": "k", "b": "k, n", "c": "id"]
        for table in tables {
            try connection.forEachRow("SELECT * FROM \(table) ORDER BY \(orders[table]!)", [], table: table) { lines.append("\(table) \($0.values)") }
        }
        return lines
    }
}
