import Foundation
import GRDB
import SyntheticCity
@testable import GrantLedgerProjections
import Testing

/// The projections' SQLite connection reads its rows through the C API (`SQLiteStatementRow`),
/// not through GRDB's `Row`: GRDB's rows are the reference it is held to.
@Suite("The projections' SQLite connection")
struct SQLiteConnectionTests {
    static let select = "SELECT a, b, c, d, e FROM t WHERE rowid > ? ORDER BY rowid"

    /// GRDB's reading of a row, as the connection's values.
    static func reference(_ row: Row) -> [SQLValue] { row.databaseValues.map(SQLiteProjectionConnection.value) }

    /// A table of fixed rows of every storage class and edge, then `random` rows of random ones.
    static func table(_ db: Database, random: Int, seed: UInt64) throws {
        try db.execute(sql: "CREATE TABLE t (a, b, c, d, e)")
        try db.execute(sql: """
            INSERT INTO t VALUES (NULL, 0, -1.5, '', X''), (9223372036854775807, -9223372036854775808, 1e300, 'x', X'00FF00'),
                ('厦门市 思明区 😀', 'a\tb\nc', 0.1, X'E58EA6', 'é')
            """)
        var generator = SplitMix64(seed: seed)
        let alphabet = Array("ab 0-9 厦门湖里区 é😀\"'\\")
        for _ in 0..<random {
            let values: [DatabaseValue] = (0..<5).map { _ in
                switch Int.random(in: 0..<5, using: &generator) {
                case 0: .null
                case 1: Int64.random(in: .min ... .max, using: &generator).databaseValue
                case 2: Double.random(in: -1e12 ... 1e12, using: &generator).databaseValue
                case 3: String((0..<Int.random(in: 0..<40, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }).databaseValue
                default: Data((0..<Int.random(in: 0..<40, using: &generator)).map { _ in UInt8.random(in: 0 ... 255, using: &generator) }).databaseValue
                }
            }
            try db.execute(sql: "INSERT INTO t VALUES (?, ?, ?, ?, ?)", arguments: StatementArguments(values))
        }
    }

    @Test("rows read through the C API hold what GRDB's rows hold: every storage class, its edges and 2,000 random rows",
          arguments: [1, 2] as [UInt64])
    func readsAsGRDB(seed: UInt64) throws {
        try DatabaseQueue().write { db in
            try Self.table(db, random: 2_000, seed: seed)
            let connection = SQLiteProjectionConnection(db: db)
            for after in [0, 2, 1_500] as [Int64] {
                var read: [[SQLValue]] = []
                try connection.forEachRow(Self.select, [.integer(after)], table: "t") { read.append($0.values) }
                let expected = try Row.fetchAll(db, sql: Self.select, arguments: [after]).map(Self.reference)
                #expect(read.count == 2_003 - Int(after))
                #expect(read == expected)
            }
        }
    }

    @Test("a read given the wrong number of values fails with GRDB's error; a read its body stops leaves the statement to start again")
    func wrongCountAndStoppedReads() throws {
        try DatabaseQueue().write { db in
            try Self.table(db, random: 10, seed: 3)
            let connection = SQLiteProjectionConnection(db: db)
            #expect(throws: DatabaseError.self) { try connection.forEachRow(Self.select, [], table: "t") { _ in } }
            struct Stop: Error {}
            var seen = 0
            #expect(throws: Stop.self) {
                try connection.forEachRow(Self.select, [.integer(0)], table: "t") { _ in
                    seen += 1
                    if seen == 3 { throw Stop() }
                }
            }
            var read: [[SQLValue]] = []
            try connection.forEachRow(Self.select, [.integer(0)], table: "t") { read.append($0.values) }
            #expect(read == (try Row.fetchAll(db, sql: Self.select, arguments: [0]).map(Self.reference)))
            #expect(read.count == 13)
        }
    }
}
