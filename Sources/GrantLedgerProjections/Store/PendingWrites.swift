/// A transaction's writes to the projection tables, gathered until its next read or its
/// commit, then sent as few statements as keep their effect: on PostgreSQL each statement is a
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
        let sql: String
        var rows: [[SQLValue]]
        /// Where the row with each key is (`replace` inserts only).
        var rowOfKey: [[SQLValue]: Int] = [:]
    }

    private var batches: [Batch] = []
    /// The batch a table's next insert may join: the table's last, if it is an insert's.
    private var open: [String: Int] = [:]
    /// Rows waiting, across batches.
    private(set) var count = 0

    var isEmpty: Bool { batches.isEmpty }

    /// An insert of one row, to be sent with the others of its statement.
    func insert(_ statement: SQLInsert, _ values: [SQLValue]) {
        precondition(values.count == statement.columns.count, "a row has a value for each column")
        count += 1
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
            return
        }
        var batch = Batch(insert: statement, sql: statement.sql, rows: [values])
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
        }
        batches.append(Batch(insert: nil, sql: sql, rows: [values]))
    }

    /// The statements to send, in order, and the writes forgotten. An insert's rows are sent
    /// in statements of a power of two rows each, at most `maximumRows` (and 65,535 values,
    /// PostgreSQL's limit), so that a few prepared statements serve every count.
    func take(maximumRows: Int = 256) -> [(statement: Statement, values: [SQLValue])] {
        var statements: [(Statement, [SQLValue])] = []
        for batch in batches {
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
        batches.removeAll(keepingCapacity: true)
        open.removeAll(keepingCapacity: true)
        count = 0
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
