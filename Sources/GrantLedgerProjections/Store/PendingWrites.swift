/// A transaction's writes to the projection tables, gathered until a read of their tables or
/// the commit, then sent as few statements as keep their effect: on PostgreSQL each statement is a
/// turn on the server, and a rebuild makes tens of thousands of single-row inserts.
///
/// Writes to different tables commute (the projection tables have no triggers and no foreign
/// keys), so only each table's own writes keep their order: an insert joins the rows of the
/// same statement waiting for its table as long as no other write to that table came after
/// them. Rows that an `ON CONFLICT (key) DO UPDATE` insert gives the same key replace one
/// another in place, as one after the other would (PostgreSQL refuses one statement that
/// updates a row twice); `DO NOTHING` keeps the first, within one statement as across two. A
/// write that may touch other tables than its own (nil `table`) keeps its place among all.
final class PendingWrites {
    /// One statement's writes: an insert's rows, or one other write.
    private struct Batch {
        let insert: SQLInsert?
        /// The table written; nil for a write that may touch others too.
        let table: String?
        let sql: String
        var rows: [[SQLValue]]
        /// Where the row with each key is (`replace` inserts only).
        var rowOfKey: [[SQLValue]: Int] = [:]
    }

    private var batches: [Batch] = []
    /// The batch a table's next insert may join: the table's last, if it is an insert's.
    private var open: [String: Int] = [:]
    /// Whether a write that may touch any table waits: then every read waits for everything.
    private var unbounded = false
    /// Rows (and other writes) waiting, across batches.
    private(set) var count = 0

    var isEmpty: Bool { batches.isEmpty }

    /// The tables with writes waiting, all of them if a write waits whose tables are not known.
    var tables: Set<String>? { unbounded ? nil : Set(open.keys) }

    /// An insert of one row, to be sent with the others of its statement.
    func insert(_ statement: SQLInsert, _ values: [SQLValue]) {
        precondition(values.count == statement.columns.count, "a row has a value for each column")
        if let index = open[statement.table], batches[index].insert == statement {
            if let keys = statement.keyIndexes {
                let key = keys.map { values[$0] }
                if let row = batches[index].rowOfKey[key] {
                    batches[index].rows[row] = values
                    return
                }
                batches[index].rowOfKey[key] = batches[index].rows.count
            }
            batches[index].rows.append(values)
            count += 1
            return
        }
        count += 1
        var batch = Batch(insert: statement, table: statement.table, sql: statement.sql, rows: [values])
        if let keys = statement.keyIndexes { batch.rowOfKey[keys.map { values[$0] }] = 0 }
        open[statement.table] = batches.count
        batches.append(batch)
    }

    /// Any other write: after the earlier writes to `table`, or, when it may touch more
    /// tables than one (nil), after every earlier write.
    func write(_ sql: String, _ values: [SQLValue], table: String?) {
        count += 1
        if let table {
            open[table] = batches.count
        } else {
            open.removeAll(keepingCapacity: true)
            unbounded = true
        }
        batches.append(Batch(insert: nil, table: table, sql: sql, rows: [values]))
    }

    /// The statements to send, in order, and the writes forgotten. An insert's rows are sent
    /// in statements of a power of two rows each, at most `maximumRows` (and 65,535 values,
    /// PostgreSQL's limit), so that a few prepared statements serve every count.
    ///
    /// With `only`, just the writes to those tables (a read of them must see them): the others
    /// keep waiting, in their order. While a write waits whose tables are not known, every
    /// write is taken.
    func take(only: Set<String>? = nil, maximumRows: Int = 256) -> [(statement: Statement, values: [SQLValue])] {
        var taken = batches
        if let only, !unbounded {
            taken = []
            var kept: [Batch] = []
            open.removeAll(keepingCapacity: true)
            count = 0
            for batch in batches {
                if let table = batch.table, !only.contains(table) {
                    open[table] = kept.count
                    count += batch.rows.count
                    kept.append(batch)
                } else {
                    taken.append(batch)
                }
            }
            batches = kept
        } else {
            batches.removeAll(keepingCapacity: true)
            open.removeAll(keepingCapacity: true)
            unbounded = false
            count = 0
        }
        var statements: [(Statement, [SQLValue])] = []
        for batch in taken {
            guard let insert = batch.insert else {
                statements.append((.other(batch.sql), batch.rows[0]))
                continue
            }
            let largest = Self.powerOfTwo(atMost: min(maximumRows, 65_535 / insert.columns.count))
            var start = 0
            while start < batch.rows.count {
                let size = Self.powerOfTwo(atMost: min(largest, batch.rows.count - start))
                var values: [SQLValue] = []
                values.reserveCapacity(size * insert.columns.count)
                for row in batch.rows[start..<start + size] { values.append(contentsOf: row) }
                statements.append((.insert(insert, rows: size), values))
                start += size
            }
        }
        return statements
    }

    enum Statement: Hashable {
        case insert(SQLInsert, rows: Int)
        case other(String)
    }

    private static func powerOfTwo(atMost limit: Int) -> Int {
        precondition(limit >= 1)
        return 1 << (Int.bitWidth - 1 - limit.leadingZeroBitCount)
    }

    /// Whether `sql` names `table`: as a whole word, not as the start or end of a longer name.
    static func names(_ sql: String, _ table: String) -> Bool {
        func isNamePart(_ character: Character) -> Bool { character.isLetter || character.isNumber || character == "_" }
        var searched = sql.startIndex..<sql.endIndex
        while let found = sql.range(of: table, range: searched) {
            let before = found.lowerBound == sql.startIndex ? nil : sql[sql.index(before: found.lowerBound)]
            let after = found.upperBound == sql.endIndex ? nil : sql[found.upperBound]
            if !(before.map(isNamePart) ?? false), !(after.map(isNamePart) ?? false) { return true }
            searched = found.upperBound..<sql.endIndex
        }
        return false
    }

    /// The table a write of the projections' own changes, if it is plain enough to say:
    /// `DELETE FROM t WHERE …` or `UPDATE t SET …` reading no other table. Nil for any other.
    static func table(ofWrite sql: String) -> String? {
        guard !sql.contains("SELECT") else { return nil }
        let words = sql.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: true)
        if words.count >= 4, words[0] == "DELETE", words[1] == "FROM", words[3].hasPrefix("WHERE") { return String(words[2]) }
        if words.count >= 3, words[0] == "UPDATE", words[2].hasPrefix("SET") { return String(words[1]) }
        return nil
    }
}
