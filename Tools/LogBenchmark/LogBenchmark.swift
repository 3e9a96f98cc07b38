import ArgumentParser
import Foundation
import GRDB
import GRDBSQLite
import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerPostgres

/// Measures the event log against plain SQLite on the same machine, in the same run.
///
///     swift run -c release grants-log-bench --events 1000000
@main
struct LogBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grants-log-bench",
        abstract: "Benchmark GrantLedger's event log against plain SQLite inserts and scans of equal rows.")

    @Option(help: "Events in the synthetic log.") var events = 1_000_000
    @Option(help: "Events per batched append (one transaction each).") var batch = 10_000
    @Option(help: "Single-event durable appends to time.") var singles = 500
    @Option(help: "Stream reads to time.") var streamReads = 10_000
    @Option(help: "Directory for the databases (emptied first).") var dir = "bench-out"
    @Option(help: "Seed of the synthetic log.") var seed: UInt64 = 42
    @Option(help: "Also write the results as JSON to this file.") var jsonOut: String?
    @Flag(help: "Only time each stage of appending and reading, in memory.") var stages = false
    @Option(help: "Only write the synthetic log as JSON Lines to this file (for timing the CLI).") var writeJsonl: String?
    @Option(help: """
        Also run the log on PostgreSQL at this postgres:// URL, in a new schema (ledger=) of its own,         beside SQLite in the same run (Tools/bench-postgres.sh starts a server and adds pgbench's ceiling).
        """)
    var postgres: String?

    func validate() throws {
        for (name, value) in [("--events", events), ("--batch", batch), ("--singles", singles), ("--stream-reads", streamReads)] where value < 1 {
            throw ValidationError("\(name) must be at least 1 (it was \(value)): a rate of nothing timed is no figure")
        }
    }

    func run() async throws {
        if stages { return try StageTimings.run(count: min(events, 50_000), seed: seed) }
        if let writeJsonl { return try writeLines(to: writeJsonl) }
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let people = max(1, events / 20)
        var results = Results(events: events, batch: batch)
        print("GrantLedger event-log benchmark: \(events) events, batches of \(batch), seed \(seed), \(ProcessInfo.processInfo.activeProcessorCount) cores")

        // 1. Batched append through the log: parse, validate, pseudonymise, hash, insert.
        let log = try await EventLog.create(at: "\(dir)/log.sqlite", clauses: .shapeOnly, clock: SystemClock())
        let (batched, sampledStreams, bytes, _) = try await appendBatches(to: log)
        results.averageLineBytes = bytes / max(1, events)
        results.logBatched = batched
        results.rssAfterAppend = Memory.peakMiB()
        print("  batched append ............ \(Format.rate(results.logBatched))  (avg line \(results.averageLineBytes) bytes, peak RSS \(results.rssAfterAppend) MiB)")

        // 2. Plain SQLite: the same rows, prepared, inserted in the same batches.
        // Same durability and cache as the log: the same function opens both.
        let plain = try SQLiteEventStorage.openDurablePool(path: "\(dir)/plain.sqlite")
        try plain.syncWrite { db in try db.execute(sql: Plain.schema) }
        var generator = SyntheticEvents(seed: seed, people: people)
        var elapsed = Duration.zero
        var done = 0
        while done < events {
            let count = min(batch, events - done)
            let rows = (0..<count).map { i in Plain.row(from: generator.next(), position: Int64(done + i + 1)) }
            let start = ContinuousClock.now
            try plain.syncWrite { db in
                for row in rows { try Plain.insert(row, into: db) }
            }
            elapsed += ContinuousClock.now - start
            done += count
        }
        results.plainBatched = Double(events) / elapsed.seconds
        print("  plain batched insert ...... \(Format.rate(results.plainBatched))")

        // 2b. Plain SQLite with the log's indexes (unique event id, unique stream version, one
        // party-index row per party): what SQLite alone costs for the same guarantees.
        let indexed = try SQLiteEventStorage.openDurablePool(path: "\(dir)/plain-indexed.sqlite")
        try await indexed.write { db in try db.execute(sql: Plain.schema + ";" + Plain.indexes) }
        generator = SyntheticEvents(seed: seed, people: people)
        elapsed = .zero
        done = 0
        while done < events {
            let count = min(batch, events - done)
            let rows = (0..<count).map { i -> (Plain.Row, [String]) in
                let item = generator.next()
                return (Plain.row(from: item, position: Int64(done + i + 1)), Plain.parties(of: item))
            }
            let start = ContinuousClock.now
            try await indexed.write { db in
                for (row, parties) in rows { try Plain.insert(row, parties: parties, into: db) }
            }
            elapsed += ContinuousClock.now - start
            done += count
        }
        results.plainIndexedBatched = Double(events) / elapsed.seconds
        print("  plain + same indexes ...... \(Format.rate(results.plainIndexedBatched))")

        // 3. Single-event durable appends (one transaction and one fsync each).
        results.logSingle = try await appendSingles(to: log)
        var singleGenerator = SyntheticEvents(seed: seed &+ 1, people: people)
        elapsed = .zero
        for i in 0..<singles {
            let row = Plain.row(from: singleGenerator.next(), position: Int64(events + i + 1))
            let start = ContinuousClock.now
            try plain.syncWrite { db in try Plain.insert(row, into: db) }
            elapsed += ContinuousClock.now - start
        }
        results.plainSingle = Double(singles) / elapsed.seconds
        print("  single durable append ..... \(Format.rate(results.logSingle))   plain: \(Format.rate(results.plainSingle))")

        // 4. Full read: every event decoded into its typed payload, vs a plain scan of all columns.
        var start = ContinuousClock.now
        var read = 0
        var checksum = 0
        for try await event in log.typedEvents(pageSize: 4096) {
            read += 1
            checksum &+= Int(event.envelope.position) &+ event.envelope.data.count
        }
        results.logRead = Double(read) / (ContinuousClock.now - start).seconds
        results.rssAfterRead = Memory.peakMiB()
        start = ContinuousClock.now
        read = 0
        for try await event in log.events(pageSize: 4096) {
            read += 1
            checksum &+= Int(event.position) &+ event.data.count
        }
        results.logRawRead = Double(read) / (ContinuousClock.now - start).seconds
        start = ContinuousClock.now
        let (scanned, scanSum) = try plain.syncRead { db in
            var scanned = 0, sum = 0
            let rows = try Row.fetchCursor(db, sql: Plain.select)
            while let row = try rows.next() {
                let position: Int64 = row[0]
                let data: String = row[12]
                let hash: Data = row[13]
                sum &+= Int(position) &+ data.utf8.count &+ hash.count &+ (row[2] as String).utf8.count
                scanned += 1
            }
            return (scanned, sum)
        }
        checksum &+= scanSum
        results.plainRead = Double(scanned) / (ContinuousClock.now - start).seconds
        print("  full read, typed .......... \(Format.rate(results.logRead))   plain scan: \(Format.rate(results.plainRead))  (checksum \(checksum % 1000))")

        // 5. One stream's events, read and decoded, in process.
        try plain.syncWrite { db in try db.execute(sql: "CREATE INDEX plain_stream ON plain_events (stream_id, stream_version)") }
        var logTimes: [Duration] = []
        var rawTimes: [Duration] = []
        var plainTimes: [Duration] = []
        var eventsPerStream = 0
        // Warm-up, the same for both sides: one untimed pass over a tenth of the streams, so
        // that the percentiles describe a running service rather than the first page faults.
        for stream in sampledStreams.prefix(sampledStreams.count / 10) {
            for try await _ in log.typedEvents(EventQuery(streamID: stream)) {}
            checksum &+= try plain.syncRead { db in
                var sum = 0
                let rows = try Row.fetchCursor(db.cachedStatement(sql: Plain.selectStream), arguments: [stream])
                while let row = try rows.next() { sum &+= (row[12] as String).utf8.count }
                return sum
            }
        }
        for stream in sampledStreams {
            let tRaw = ContinuousClock.now
            for try await _ in log.events(EventQuery(streamID: stream)) {}
            rawTimes.append(ContinuousClock.now - tRaw)
            let t0 = ContinuousClock.now
            var n = 0
            for try await _ in log.typedEvents(EventQuery(streamID: stream)) { n += 1 }
            logTimes.append(ContinuousClock.now - t0)
            eventsPerStream += n
            let t1 = ContinuousClock.now
            checksum &+= try plain.syncRead { db in
                var sum = 0
                let rows = try Row.fetchCursor(db.cachedStatement(sql: Plain.selectStream), arguments: [stream])
                while let row = try rows.next() { sum &+= (row[12] as String).utf8.count }
                return sum
            }
            plainTimes.append(ContinuousClock.now - t1)
        }
        results.streamEvents = Double(eventsPerStream) / Double(max(1, sampledStreams.count))
        (results.logStreamMedian, results.logStreamP99) = Format.percentiles(logTimes)
        (results.plainStreamMedian, results.plainStreamP99) = Format.percentiles(plainTimes)
        (results.rawStreamMedian, results.rawStreamP99) = Format.percentiles(rawTimes)
        results.rssPeak = Memory.peakMiB()
        print("  stream read ............... median \(results.logStreamMedian) µs, p99 \(results.logStreamP99) µs   plain: \(results.plainStreamMedian) / \(results.plainStreamP99) µs  (\(String(format: "%.1f", results.streamEvents)) events per stream)")

        let verifyStart = ContinuousClock.now
        let verification = try await log.verify()
        results.verify = Double(verification.eventsChecked) / (ContinuousClock.now - verifyStart).seconds
        guard verification.isIntact else { throw ValidationError("verify failed: \(verification.problem!)") }
        print("  verify .................... \(Format.rate(results.verify))")
        print("")
        print(results.table())
        if let postgres { try await runPostgres(url: postgres, sqlite: results) }
        if let jsonOut {
            try results.json().write(toFile: jsonOut, atomically: true, encoding: .utf8)
        }
    }
}

extension LogBenchmark {
    /// Appends the synthetic log to `log` in batches: events per second of appending, the
    /// streams sampled for the stream reads, the lines' bytes, and the CPU seconds this process
    /// spent inside the appends (the making of the lines between them left out).
    func appendBatches(to log: EventLog) async throws -> (rate: Double, sampledStreams: [String], bytes: Int, cpu: Double) {
        var cpu = 0.0
        var generator = SyntheticEvents(seed: seed, people: max(1, events / 20))
        var sampledStreams: [String] = []
        var bytes = 0
        var elapsed = Duration.zero
        var done = 0
        while done < events {
            let count = min(batch, events - done)
            var lines: [SubmissionLine] = []
            lines.reserveCapacity(count)
            for i in 0..<count {
                let item = generator.next()
                bytes += item.line.count
                lines.append(SubmissionLine(number: i + 1, bytes: item.line))
                if (done + i) % max(1, events / streamReads) == 0 { sampledStreams.append(item.streamID) }
            }
            let start = ContinuousClock.now
            let cpuStart = CPUTime.process()
            let report = try await log.append(lines)
            cpu += CPUTime.process() - cpuStart
            elapsed += ContinuousClock.now - start
            guard report.isComplete, report.appended == count else {
                throw ValidationError("append failed: \(report.issues.prefix(3))")
            }
            done += count
        }
        return (Double(events) / elapsed.seconds, sampledStreams, bytes, cpu)
    }

    /// Appends `singles` events one durable transaction each: events per second.
    func appendSingles(to log: EventLog) async throws -> Double {
        var generator = SyntheticEvents(seed: seed &+ 1, people: max(1, events / 20))
        var elapsed = Duration.zero
        for i in 0..<singles {
            let line = SubmissionLine(number: 1, bytes: generator.next().line)
            let start = ContinuousClock.now
            let report = try await log.append([line])
            elapsed += ContinuousClock.now - start
            guard report.appended == 1 else { throw ValidationError("single append \(i) failed: \(report.issues)") }
        }
        return Double(singles) / elapsed.seconds
    }

    /// The same appends and reads through the log on PostgreSQL, printed beside SQLite's.
    func runPostgres(url: String, sqlite: Results) async throws {
        var location = try PostgresLocation(url: url)
        location.schema = "bench_" + String(UInt64(Date().timeIntervalSince1970 * 1000))
        print("")
        print("PostgreSQL at \(location), schema \(location.schema)")
        let storage = try await PostgresEventStorage(location: location, create: true)
        defer { storage.close() }
        let log = try await EventLog(storage: storage, catalog: .standard, pseudonymizer: try Pseudonymizer(key: Array(repeating: 7, count: 32)),
                                     clauses: .shapeOnly, clock: SystemClock())
        let serverStart = CPUTime.localPostgres()
        let (batched, sampledStreams, _, clientCPU) = try await appendBatches(to: log)
        let serverCPU = CPUTime.localPostgres() - serverStart
        print("  batched append ............ \(Format.rate(batched))   SQLite: \(Format.rate(sqlite.logBatched))")
        let cpu = String(format: "client %.1f µs, server %.1f µs", clientCPU / Double(events) * 1e6, serverCPU / Double(events) * 1e6)
        print("  … CPU an event ............ \(cpu) (the server: this machine's postgres processes)")
        let single = try await appendSingles(to: log)
        print("  single durable append ..... \(Format.rate(single))   SQLite: \(Format.rate(sqlite.logSingle))")
        var start = ContinuousClock.now
        var read = 0
        for try await _ in log.typedEvents(pageSize: 4096) { read += 1 }
        let typed = Double(read) / (ContinuousClock.now - start).seconds
        start = ContinuousClock.now
        read = 0
        for try await _ in log.events(pageSize: 4096) { read += 1 }
        let raw = Double(read) / (ContinuousClock.now - start).seconds
        print("  full read, typed / raw .... \(Format.rate(typed)) / \(Format.rate(raw))   SQLite: \(Format.rate(sqlite.logRead)) / \(Format.rate(sqlite.logRawRead))")
        var times: [Duration] = []
        for stream in sampledStreams.prefix(sampledStreams.count / 10) { for try await _ in log.typedEvents(EventQuery(streamID: stream)) {} }
        for stream in sampledStreams {
            let t0 = ContinuousClock.now
            for try await _ in log.typedEvents(EventQuery(streamID: stream)) {}
            times.append(ContinuousClock.now - t0)
        }
        let (median, p99) = Format.percentiles(times)
        print("  stream read ............... median \(median) µs, p99 \(p99) µs   SQLite: \(sqlite.logStreamMedian) / \(sqlite.logStreamP99) µs")
        start = ContinuousClock.now
        let verification = try await log.verify()
        guard verification.isIntact else { throw ValidationError("verify failed: \(verification.problem!)") }
        let verify = Double(verification.eventsChecked) / (ContinuousClock.now - start).seconds
        print("  verify .................... \(Format.rate(verify))   SQLite: \(Format.rate(sqlite.verify))")
        print("")
        print("""
            | measure (\(events) events, batches of \(batch)) | PostgreSQL | SQLite | PostgreSQL / SQLite |
            |---|---:|---:|---:|
            | batched append, events/s | \(Format.rate(batched)) | \(Format.rate(sqlite.logBatched)) | \(String(format: "%.2f", batched / sqlite.logBatched)) |
            | … CPU an event | \(cpu) | | |
            | single durable append, events/s | \(Format.rate(single)) | \(Format.rate(sqlite.logSingle)) | \(String(format: "%.2f", single / sqlite.logSingle)) |
            | full read, typed, events/s | \(Format.rate(typed)) | \(Format.rate(sqlite.logRead)) | \(String(format: "%.2f", typed / sqlite.logRead)) |
            | full read, not decoded, events/s | \(Format.rate(raw)) | \(Format.rate(sqlite.logRawRead)) | \(String(format: "%.2f", raw / sqlite.logRawRead)) |
            | one stream's read, median / p99 µs | \(median) / \(p99) | \(sqlite.logStreamMedian) / \(sqlite.logStreamP99) | |
            | verify, events/s | \(Format.rate(verify)) | \(Format.rate(sqlite.verify)) | \(String(format: "%.2f", verify / sqlite.verify)) |
            """)
    }

    /// Streams `events` synthetic lines to a file, 10,000 at a time.
    func writeLines(to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw ValidationError("cannot create \(path)")
        }
        defer { try? handle.close() }
        var generator = SyntheticEvents(seed: seed, people: max(1, events / 20))
        var buffer: [UInt8] = []
        for i in 0..<events {
            buffer.append(contentsOf: generator.next().line)
            buffer.append(UInt8(ascii: "\n"))
            if i % 10_000 == 9_999 || i == events - 1 {
                try handle.write(contentsOf: buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        print("wrote \(events) events to \(path)")
    }
}

/// The ceiling: rows of the same shape in a table with no secondary index, no validation,
/// no hashing: just prepared inserts and a scan, with the same durability settings.
enum Plain {
    static let schema = """
        CREATE TABLE plain_events (
            position INTEGER PRIMARY KEY, event_id BLOB NOT NULL, stream_id TEXT NOT NULL,
            stream_version INTEGER NOT NULL, type TEXT NOT NULL, schema_version INTEGER NOT NULL,
            occurred_at TEXT NOT NULL, recorded_at TEXT NOT NULL, actor TEXT NOT NULL, source TEXT NOT NULL,
            correlation_id TEXT, causation_id TEXT, data TEXT NOT NULL, hash BLOB NOT NULL)
        """
    static let indexes = """
        CREATE UNIQUE INDEX plain_event_id ON plain_events (event_id);
        CREATE UNIQUE INDEX plain_stream ON plain_events (stream_id, stream_version);
        CREATE TABLE plain_parties (party TEXT NOT NULL, position INTEGER NOT NULL, PRIMARY KEY (party, position)) WITHOUT ROWID
        """
    static let insert = "INSERT INTO plain_events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    static let insertParty = "INSERT INTO plain_parties VALUES (?, ?)"

    /// The person and organisation values an event names (what the log indexes as parties).
    static func parties(of item: SyntheticEvents.Item) -> [String] {
        guard case .object(let data) = item.submission["data"] ?? .null else { return [] }
        var parties: [String] = []
        func collect(_ value: JSONValue) {
            switch value {
            case .string(let s) where s.utf8.count == 18: parties.append(s)
            case .object(let o): o.members.forEach { collect($0.value) }
            default: break
            }
        }
        collect(.object(data))
        return Array(Set(parties)).sorted()
    }

    /// The row, then its party rows; the stream version is the row's position, which keeps
    /// (stream, version) unique without a lookup.
    static func insert(_ row: Row, parties: [String], into db: Database) throws {
        try insert(row, into: db, streamVersion: row.position)
        let handle = try db.cachedStatement(sql: insertParty).sqliteStatement
        for party in parties {
            sqlite3_reset(handle)
            var text = party
            text.withUTF8 { _ = sqlite3_bind_text(handle, 1, $0.baseAddress, Int32($0.count), transient) }
            sqlite3_bind_int64(handle, 2, row.position)
            let code = sqlite3_step(handle)
            sqlite3_reset(handle)
            guard code == SQLITE_DONE else { throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "party insert failed") }
        }
    }
    static let select = "SELECT * FROM plain_events ORDER BY position"
    static let selectStream = "SELECT * FROM plain_events WHERE stream_id = ? ORDER BY stream_version"

    struct Row {
        let position: Int64
        let eventID: [UInt8]
        let streamID: String
        let type: String
        let schemaVersion: Int64
        let occurredAt: String
        let actor: String
        let source: String
        let data: [UInt8]
        let hash: [UInt8]
    }

    static func row(from item: SyntheticEvents.Item, position: Int64) -> Row {
        let s = item.submission
        return Row(
            position: position, eventID: UUIDText.parse(s["eventId"]?.stringValue ?? "") ?? [],
            streamID: item.streamID, type: s["type"]?.stringValue ?? "", schemaVersion: s["schemaVersion"]?.integerValue ?? 1,
            occurredAt: s["occurredAt"]?.stringValue ?? "", actor: s["actor"]?.stringValue ?? "",
            source: s["source"]?.stringValue ?? "", data: CanonicalJSON.encode(s["data"] ?? .null),
            hash: (0..<32).map { UInt8(truncatingIfNeeded: position &* 31 &+ Int64($0)) })
    }

    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    /// Inserts with the SQLite C API, binding each value directly: the fastest plain insert.
    static func insert(_ row: Row, into db: Database, streamVersion: Int64 = 1) throws {
        let handle = try db.cachedStatement(sql: insert).sqliteStatement
        sqlite3_reset(handle)
        func text(_ s: String, _ i: Int32) {
            var s = s
            s.withUTF8 { _ = sqlite3_bind_text(handle, i, $0.baseAddress, Int32($0.count), transient) }
        }
        func blob(_ b: [UInt8], _ i: Int32) {
            b.withUnsafeBytes { _ = sqlite3_bind_blob(handle, i, $0.baseAddress, Int32($0.count), transient) }
        }
        sqlite3_bind_int64(handle, 1, row.position)
        blob(row.eventID, 2)
        text(row.streamID, 3)
        sqlite3_bind_int64(handle, 4, streamVersion)
        text(row.type, 5)
        sqlite3_bind_int64(handle, 6, row.schemaVersion)
        text(row.occurredAt, 7)
        text("2026-11-21T00:00:00.000Z", 8)
        text(row.actor, 9)
        text(row.source, 10)
        sqlite3_bind_null(handle, 11)
        sqlite3_bind_null(handle, 12)
        row.data.withUnsafeBufferPointer { buffer in
            _ = buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                sqlite3_bind_text(handle, 13, $0, Int32(buffer.count), transient)
            }
        }
        blob(row.hash, 14)
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else { throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "plain insert failed") }
    }
}

struct Results {
    let events: Int
    let batch: Int
    var averageLineBytes = 0
    var logBatched = 0.0, plainBatched = 0.0, plainIndexedBatched = 0.0
    var logSingle = 0.0, plainSingle = 0.0
    var logRead = 0.0, plainRead = 0.0, logRawRead = 0.0
    var verify = 0.0
    var streamEvents = 0.0
    var logStreamMedian = 0, logStreamP99 = 0, plainStreamMedian = 0, plainStreamP99 = 0
    var rawStreamMedian = 0, rawStreamP99 = 0
    var rssAfterAppend = 0, rssAfterRead = 0, rssPeak = 0

    func table() -> String {
        func ratio(_ a: Double, _ b: Double) -> String { String(format: "%.0f%%", 100 * a / b) }
        return """
            | measure (\(events) events, \(averageLineBytes)-byte lines) | GrantLedger | plain SQLite | ratio | goal |
            |---|---|---|---|---|
            | batched append, events/s (batches of \(batch)) | \(Format.rate(logBatched)) | \(Format.rate(plainBatched)) | \(ratio(logBatched, plainBatched)) | ≥ 50% |
            | … plain SQLite with the log's indexes | | \(Format.rate(plainIndexedBatched)) | \(ratio(logBatched, plainIndexedBatched)) | |
            | single durable append, events/s | \(Format.rate(logSingle)) | \(Format.rate(plainSingle)) | \(ratio(logSingle, plainSingle)) | ≥ 80% |
            | full read decoded into typed events, events/s | \(Format.rate(logRead)) | \(Format.rate(plainRead)) | \(ratio(logRead, plainRead)) | ≥ 40% |
            | … the same events, not decoded, events/s | \(Format.rate(logRawRead)) | | \(ratio(logRawRead, plainRead)) | |
            | one stream's read, median / p99 µs (\(String(format: "%.1f", streamEvents)) events) | \(logStreamMedian) / \(logStreamP99) | \(plainStreamMedian) / \(plainStreamP99) | | p99 < 200 µs |
            | … the same stream's events, not decoded, median / p99 µs | \(rawStreamMedian) / \(rawStreamP99) | | | |
            | verify (recompute the chain), events/s | \(Format.rate(verify)) | | | |
            | peak RSS, MiB (after append / after read / end) | \(rssAfterAppend) / \(rssAfterRead) / \(rssPeak) | | | flat in events |
            """
    }

    func json() -> String {
        CanonicalJSON.string([
            "events": .integer(Int64(events)), "batch": .integer(Int64(batch)),
            "averageLineBytes": .integer(Int64(averageLineBytes)),
            "logBatchedPerSecond": .integer(Int64(logBatched)), "plainBatchedPerSecond": .integer(Int64(plainBatched)),
            "plainIndexedBatchedPerSecond": .integer(Int64(plainIndexedBatched)),
            "logSinglePerSecond": .integer(Int64(logSingle)), "plainSinglePerSecond": .integer(Int64(plainSingle)),
            "logReadPerSecond": .integer(Int64(logRead)), "logRawReadPerSecond": .integer(Int64(logRawRead)), "plainReadPerSecond": .integer(Int64(plainRead)),
            "streamMedianMicroseconds": .integer(Int64(logStreamMedian)), "streamP99Microseconds": .integer(Int64(logStreamP99)),
            "plainStreamMedianMicroseconds": .integer(Int64(plainStreamMedian)), "plainStreamP99Microseconds": .integer(Int64(plainStreamP99)),
            "rawStreamMedianMicroseconds": .integer(Int64(rawStreamMedian)), "rawStreamP99Microseconds": .integer(Int64(rawStreamP99)),
            "verifyPerSecond": .integer(Int64(verify)), "peakRSSMiB": .integer(Int64(rssPeak)),
        ]) + "\n"
    }
}

enum Format {
    static func rate(_ perSecond: Double) -> String {
        let n = Int(perSecond.rounded())
        var s = String(n)
        var i = s.count - 3
        while i > 0 {
            s.insert(",", at: s.index(s.startIndex, offsetBy: i))
            i -= 3
        }
        return s + "/s"
    }

    /// Median and 99th percentile in whole microseconds.
    static func percentiles(_ durations: [Duration]) -> (Int, Int) {
        let sorted = durations.map { Int($0.seconds * 1_000_000) }.sorted()
        guard !sorted.isEmpty else { return (0, 0) }
        return (sorted[sorted.count / 2], sorted[min(sorted.count - 1, sorted.count * 99 / 100)])
    }
}

enum Memory {
    /// Peak resident set size (VmHWM) in MiB, from /proc/self/status.
    static func peakMiB() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kib = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
            return kib / 1024
        }
        return -1
    }
}

extension Duration {
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}

extension DatabaseReader {
    /// GRDB's synchronous read, also from async code (where `read` would pick its async
    /// overload): the plain-SQLite ceiling is measured as it was before the log became async.
    func syncRead<T>(_ body: (Database) throws -> T) throws -> T { try read(body) }
}

extension DatabaseWriter {
    /// GRDB's synchronous write, also from async code (see ``DatabaseReader/syncRead(_:)``).
    func syncWrite<T>(_ body: (Database) throws -> T) throws -> T { try write(body) }
}

/// CPU time, user and system, in seconds.
enum CPUTime {
    /// This process's, all threads.
    static func process() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// Every process named `postgres` on this machine (a server on loopback: its backends and
    /// background writers), from `/proc`; 0 where there is none to read.
    static func localPostgres() -> Double {
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        var total = 0.0
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] where Int(entry) != nil {
            guard let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")"), stat[..<close].hasSuffix("(postgres") else { continue }
            // After the command: state, then 10 fields, then utime and stime (proc(5), fields 14 and 15).
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { continue }
            total += (user + system) / ticks
        }
        return total
    }
}
