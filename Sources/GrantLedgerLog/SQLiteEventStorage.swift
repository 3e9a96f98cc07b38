import Foundation
import GRDB
import GrantLedgerEvents

/// The SQLite backend: one database file in WAL mode with `synchronous = FULL`, so that a
/// write transaction that has returned survives a process crash or a power cut.
///
/// Tables: `events` (one row per event; `position` is the rowid; unique event ids and
/// (stream, version) pairs; triggers refuse UPDATE and DELETE), `event_parties` (which events
/// name which person or organisation), `ledger_head`, `ledger_meta`, and `personal_data` (raw
/// resident IDs and names, the only table a person's erasure touches).
public final class SQLiteEventStorage: EventStorage {
    public let database: any DatabaseWriter
    /// Checkpoints the WAL of a ledger file off the writer's commits (nil in memory).
    public let checkpointer: WALCheckpointer?
    /// Opened read-only: the file or its directory cannot be written by this process.
    public let isReadOnly: Bool

    /// Opens a ledger file. With `create`, makes the file and its tables if needed; without,
    /// a missing file or a database that is not a ledger is an error.
    /// With `readOnly` (or when this process cannot write the file), the file is opened
    /// read-only and nothing in it changes.
    public convenience init(path: String, create: Bool = false, readOnly: Bool = false) throws(LogError) {
        let exists = FileManager.default.fileExists(atPath: path)
        if !exists && !create { throw LogError.noLedger(path: path) }
        // Nothing is created or changed in a file before it is known to be a ledger: an empty
        // file stays empty, another program's database keeps its journal mode.
        if exists { try Self.checkIsLedger(path: path, creating: create) }
        // Owner-only, like the key: SQLite gives the `-wal` and `-shm` files it creates beside
        // a database the database file's permissions.
        if !exists, !FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) {
            throw LogError.storage("could not create the ledger file \(path)")
        }
        do {
            if exists, readOnly || !Self.isWritable(path: path) {
                // A ledger on read-only media, or handed over read-only: read it as it is.
                try self.init(database: try Self.openReadOnly(path: path), create: false, migrate: false, readOnly: true)
                return
            }
            let pool = try Self.openDurablePool(path: path)
            let checkpointer = WALCheckpointer(path: path)
            checkpointer.install(on: pool)
            try self.init(database: pool, create: create, checkpointer: checkpointer)
        } catch let error as LogError {
            throw error
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB {
            throw LogError.notALedger(path: path, reason: "the file is not an SQLite database")
        } catch {
            let translated = LogError.translating(error)
            throw translated as? LogError ?? LogError.storage(String(describing: error))
        }
    }

    /// A read-only connection to a ledger this process cannot write. In a directory it cannot
    /// write either, SQLite cannot make the shared-memory file a WAL database is read with, so
    /// the file is opened as immutable (a URI parameter): it is read as it is, without locks,
    /// which is right for a copy handed over or read-only media.
    static func openReadOnly(path: String, configuration: Configuration = configuration()) throws -> DatabaseQueue {
        var configuration = configuration
        configuration.readonly = true
        do {
            // GRDB reads the schema as it opens: this is where SQLite finds it cannot read.
            return try DatabaseQueue(path: path, configuration: configuration)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_READONLY || error.resultCode == .SQLITE_CANTOPEN {
            let url = URL(fileURLWithPath: path).absoluteString + "?immutable=1"
            return try DatabaseQueue(path: url, configuration: configuration)
        }
    }

    /// Checkpoints the whole WAL into the database file and truncates it, on a connection of
    /// its own that waits two seconds at most for readers: erased rows were zeroed as they were
    /// deleted (`secure_delete`), and this removes the older copies of their pages from the
    /// WAL and puts the zeroed ones in the file. False while a reader holds an older snapshot.
    public func wipeDeleted() async throws -> Bool {
        guard database is DatabasePool, !isReadOnly else { return true }
        var configuration = Configuration()
        configuration.busyMode = .timeout(2)
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        let connection = try DatabaseQueue(path: database.path, configuration: configuration)
        defer { try? connection.close() }
        do {
            return try await connection.writeWithoutTransaction { db in
                guard let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)") else { return false }
                let busy: Int = try row.decode(atIndex: 0)
                return busy == 0
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
            return false
        }
    }

    /// Whether this process may write the file and make the journal files beside it.
    static func isWritable(path: String) -> Bool {
        let directory = (path as NSString).deletingLastPathComponent
        return access(path, W_OK) == 0 && access(directory.isEmpty ? "." : directory, W_OK) == 0
    }

    /// Reads the file's header, then its tables on a read-only connection, and throws unless
    /// it is a ledger (or, when `creating`, an empty file to make one in). Writes nothing.
    static func checkIsLedger(path: String, creating: Bool) throws(LogError) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw LogError.unreadableInput(path: path, reason: "permission denied, or it is not a file")
        }
        let header = (try? handle.read(upToCount: 16)) ?? nil
        try? handle.close()
        guard let header, !header.isEmpty else {
            if creating { return }
            throw LogError.notALedger(path: path, reason: "the file is empty")
        }
        guard header == Data("SQLite format 3\u{0}".utf8) else {
            throw LogError.notALedger(path: path, reason: "the file is not an SQLite database")
        }
        let format: String?
        do {
            // Another process may be committing or checkpointing: wait for it as any reader would,
            // rather than take a moment's SQLITE_BUSY for a file SQLite cannot read.
            var configuration = Configuration()
            configuration.busyMode = .timeout(TimeInterval(writeWaitSeconds))
            let queue = try openReadOnly(path: path, configuration: configuration)
            format = try queue.read { db in
                try db.tableExists("ledger_meta") ? try String.fetchOne(db, sql: "SELECT value FROM ledger_meta WHERE key = 'format'") : nil
            }
            try queue.close()
        } catch {
            throw LogError.translating(error) as? LogError
                ?? LogError.notALedger(path: path, reason: "SQLite cannot read it as a database")
        }
        guard format == "grantledger-event-log/1" else {
            throw LogError.notALedger(path: path, reason: "it has no event-log tables")
        }
    }

    /// Opens a WAL database pool with the log's durability and cache settings: what the log
    /// runs on, and what the benchmark's plain-SQLite ceiling runs on, so both are the same.
    public static func openDurablePool(path: String) throws -> DatabasePool {
        let pool = try DatabasePool(path: path, configuration: configuration())
        // DatabasePool sets `synchronous = NORMAL` when it turns WAL on, after
        // `prepareDatabase` has run: set FULL again on the writer, which is the connection
        // that commits, and refuse to go on if it did not take.
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            guard try Int.fetchOne(db, sql: "PRAGMA synchronous") == 2 else {
                throw LogError.storage("SQLite did not accept synchronous = FULL; appends would not be durable")
            }
        }
        return pool
    }

    /// A private in-memory ledger (tests, benchmarks of logic).
    public static func inMemory() throws -> SQLiteEventStorage {
        try SQLiteEventStorage(database: DatabaseQueue(configuration: configuration()), create: true)
    }

    /// Opens a ledger on `database`. With `create`, makes its tables if needed. With `migrate`
    /// false (a read-only copy being checked), applies none of the later migrations.
    // The checkpoint connection closes before the pool, so that the pool's writer, closing
    // last, checkpoints what is left and removes the WAL as it did without one.
    deinit { checkpointer?.shutdown() }

    public init(database: any DatabaseWriter, create: Bool, migrate: Bool = true, checkpointer: WALCheckpointer? = nil,
                readOnly: Bool = false) throws {
        self.database = database
        self.checkpointer = checkpointer
        self.isReadOnly = readOnly
        let migrator = Self.migrator
        if create {
            try migrator.migrate(database)
        } else {
            let applied = try database.read { db in try migrator.appliedIdentifiers(db) }
            guard applied.contains("v1-event-log") else {
                throw LogError.notALedger(path: database.path, reason: "it has no event-log tables")
            }
            // Later migrations are append-only and safe to apply on open.
            if migrate { try migrator.migrate(database) }
        }
    }

    /// How long an append waits for another process's append to finish before giving up.
    /// Intake tools run side by side (the training portal's export, the social-insurance feed);
    /// one file is one transaction, and a million lines take under a minute.
    public static let writeWaitSeconds = 300

    static func configuration() -> Configuration {
        var configuration = Configuration()
        configuration.busyMode = .timeout(TimeInterval(writeWaitSeconds))
        configuration.prepareDatabase { db in
            // FULL: the WAL is fsynced at every commit, so an acknowledged append is durable
            // even if the machine loses power. (NORMAL would only survive a process crash.)
            // A DatabasePool resets this when it enables WAL; `init(path:create:)` sets it again.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Erased personal data is overwritten on disk, not merely unlinked.
            try db.execute(sql: "PRAGMA secure_delete = ON")
            // 64 MiB of page cache: appends of large files touch the unique indexes randomly.
            try db.execute(sql: "PRAGMA cache_size = -65536")
        }
        return configuration
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-event-log") { db in
            try db.execute(sql: """
                CREATE TABLE events (
                    position INTEGER PRIMARY KEY,
                    event_id BLOB NOT NULL UNIQUE,
                    stream_id TEXT NOT NULL,
                    stream_version INTEGER NOT NULL,
                    type TEXT NOT NULL,
                    schema_version INTEGER NOT NULL,
                    occurred_at TEXT NOT NULL,
                    recorded_at TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    source TEXT NOT NULL,
                    correlation_id TEXT,
                    causation_id TEXT,
                    data TEXT NOT NULL,
                    hash BLOB NOT NULL,
                    UNIQUE (stream_id, stream_version)
                );
                CREATE TRIGGER events_refuse_update BEFORE UPDATE ON events
                BEGIN SELECT RAISE(ABORT, 'events are append-only: record a correction as a new event'); END;
                CREATE TRIGGER events_refuse_delete BEFORE DELETE ON events
                BEGIN SELECT RAISE(ABORT, 'events are append-only: record a correction as a new event'); END;
                CREATE TABLE event_parties (
                    party TEXT NOT NULL,
                    position INTEGER NOT NULL,
                    PRIMARY KEY (party, position)
                ) WITHOUT ROWID;
                CREATE TABLE ledger_head (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    position INTEGER NOT NULL,
                    hash BLOB NOT NULL
                );
                CREATE TABLE ledger_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE personal_data (
                    pseudonym TEXT PRIMARY KEY,
                    resident_id TEXT NOT NULL,
                    name TEXT
                );
                CREATE TABLE personal_data_erasures (pseudonym TEXT NOT NULL, erased_at TEXT NOT NULL);
                INSERT INTO ledger_meta (key, value) VALUES ('format', 'grantledger-event-log/1');
                """)
        }
        // Personal data sealed (`PersonalDataSeal`). The migration has no key: a ledger whose
        // clear table holds rows keeps them until the log opens it with the key
        // (`sealClearPersonalData`); an empty one goes now.
        migrator.registerMigration("v2-sealed-personal-data") { db in
            try db.execute(sql: "CREATE TABLE personal_data_sealed (pseudonym TEXT PRIMARY KEY, sealed BLOB NOT NULL)")
            if try Int.fetchOne(db, sql: "SELECT count(*) FROM personal_data") == 0 {
                try db.execute(sql: "DROP TABLE personal_data")
                try db.execute(sql: "INSERT INTO ledger_meta (key, value) VALUES ('personal-data', 'sealed')")
            }
        }
        // Erased people are looked up by every append that names someone by resident ID.
        migrator.registerMigration("v3-erasures-by-pseudonym") { db in
            try db.execute(sql: "CREATE INDEX personal_data_erasures_pseudonym ON personal_data_erasures (pseudonym)")
        }
        // The keyed digest of the names an event gave (`Pseudonymizer.namesDigest`), for
        // telling a resend from the same id with another name.
        migrator.registerMigration("v4-names-digests") { db in
            try db.execute(sql: "CREATE TABLE event_names_digests (position INTEGER PRIMARY KEY, digest BLOB NOT NULL)")
            // Events recorded before have none: their resends are compared without names.
            try db.execute(sql: """
                INSERT INTO ledger_meta (key, value) SELECT 'names-digests-from', coalesce(max(position), 0) + 1 FROM events
                """)
        }
        return migrator
    }

    /// SQLite's `synchronous` setting on the connection that commits (2 is FULL).
    public func synchronousSetting() throws -> Int {
        try database.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    public func write<T: Sendable>(_ body: (any EventStorageWriter) async throws -> T) async throws -> T {
        let database = self.database
        do {
            return try await ConnectionBridge.perform(transaction: { serve in
                try await database.write { db in try serve(db) }
            }) { bridge in
                try await body(SQLiteBridgedAccess(bridge: bridge))
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
            throw LogError.busy(seconds: Self.writeWaitSeconds)
        }
    }

    public func read<T: Sendable>(_ body: (any EventStorageReader) async throws -> T) async throws -> T {
        let database = self.database
        return try await ConnectionBridge.perform(transaction: { serve in
            try await database.read { db in try serve(db) }
        }) { bridge in
            try await body(SQLiteBridgedAccess(bridge: bridge))
        }
    }
}

extension SQLiteEventStorage {
    /// A page on a snapshot of its own: one read on a connection, without a bridged
    /// transaction. A short page is read on the calling thread: SQLite reads a few dozen rows
    /// in less time than the two thread hand-offs of an asynchronous read take.
    public func events(_ query: EventQuery, after position: Int64, limit: Int) async throws -> [RecordedEvent] {
        if limit <= Self.inlineReadLimit {
            return try readSynchronously { try $0.events(query, after: position, limit: limit) }
        }
        return try await database.read { db in try SQLiteEventReader(db: db).events(query, after: position, limit: limit) }
    }

    /// The head: one row, read on the calling thread.
    public func lastEvent() async throws -> ChainHead? {
        try readSynchronously { try $0.lastEvent() }
    }

    /// Pages of at most this many events are read on the calling thread.
    public static let inlineReadLimit = 64

    /// Reads the log synchronously, on the calling thread, on a snapshot of its own: for short
    /// reads, and for what is read beside the projections kept in the same file (a person's
    /// places and masked ID, a timeline's events) while an answer is assembled on one thread.
    /// (From async code, GRDB's `read` would pick its asynchronous overload.)
    public func readSynchronously<T>(_ body: (SQLiteEventReader) throws -> T) throws -> T {
        try database.read { db in try body(SQLiteEventReader(db: db)) }
    }
}

/// The storage seam on SQLite: each call is sent to the connection that holds the transaction.
struct SQLiteBridgedAccess: EventStorageWriter {
    let bridge: ConnectionBridge

    func store(_ events: [StoredEvent], people: [SealedPersonalRecord], head: ChainHead) async throws {
        try await bridge.run { db in
            let writer = SQLiteEventReader(db: db)
            try writer.insert(events)
            try writer.storePersonalRecords(people)
            try writer.setRecordedHead(head)
        }
    }

    func lastEvent() async throws -> ChainHead? { try await bridge.run { try SQLiteEventReader(db: $0).lastEvent() } }
    func recordedHead() async throws -> ChainHead? { try await bridge.run { try SQLiteEventReader(db: $0).recordedHead() } }
    func events(_ query: EventQuery, after position: Int64, limit: Int) async throws -> [RecordedEvent] {
        try await bridge.run { try SQLiteEventReader(db: $0).events(query, after: position, limit: limit) }
    }
    func events(withIDs ids: [String]) async throws -> [String: RecordedEvent] {
        try await bridge.run { try SQLiteEventReader(db: $0).events(withIDs: ids) }
    }
    func versions(ofStreams streamIDs: [String]) async throws -> [String: Int64] {
        try await bridge.run { try SQLiteEventReader(db: $0).versions(ofStreams: streamIDs) }
    }
    func sealedPersonalData(pseudonym: String) async throws -> [UInt8]? {
        try await bridge.run { try SQLiteEventReader(db: $0).sealedPersonalData(pseudonym: pseudonym) }
    }
    func erasedPseudonyms() async throws -> Set<String> {
        try await bridge.run { try SQLiteEventReader(db: $0).erasedPseudonyms() }
    }
    func metadata(_ key: String) async throws -> String? { try await bridge.run { try SQLiteEventReader(db: $0).metadata(key) } }
    func namesDigests(positions: [Int64]) async throws -> [Int64: [UInt8]] {
        try await bridge.run { try SQLiteEventReader(db: $0).namesDigests(positions: positions) }
    }
    func partyRows(after row: PartyRow?, limit: Int) async throws -> [PartyRow] {
        try await bridge.run { try SQLiteEventReader(db: $0).partyRows(after: row, limit: limit) }
    }
    func namedParties(_ parties: [String]) async throws -> Set<String> {
        try await bridge.run { try SQLiteEventReader(db: $0).namedParties(parties) }
    }
    func partyRowsExist(_ rows: [PartyRow]) async throws -> [Bool] {
        try await bridge.run { try SQLiteEventReader(db: $0).partyRowsExist(rows) }
    }
    func sealedPersonalRows(after pseudonym: String?, limit: Int) async throws -> [SealedPersonalRecord] {
        try await bridge.run { try SQLiteEventReader(db: $0).sealedPersonalRows(after: pseudonym, limit: limit) }
    }
    func erasePersonalRecord(pseudonym: String, at time: Timestamp) async throws -> Bool {
        try await bridge.run { try SQLiteEventReader(db: $0).erasePersonalRecord(pseudonym: pseudonym, at: time) }
    }
    func erasures() async throws -> [PersonalDataErasure] { try await bridge.run { try SQLiteEventReader(db: $0).erasures() } }
    func allMetadata() async throws -> [String: String] { try await bridge.run { try SQLiteEventReader(db: $0).allMetadata() } }
    func storePartyRows(_ rows: [PartyRow]) async throws { try await bridge.run { try SQLiteEventReader(db: $0).storePartyRows(rows) } }
    func recordErasure(_ erasure: PersonalDataErasure) async throws {
        try await bridge.run { try SQLiteEventReader(db: $0).recordErasure(erasure) }
    }
    func setMetadata(_ key: String, _ value: String) async throws {
        try await bridge.run { try SQLiteEventReader(db: $0).setMetadata(key, value) }
    }
    func sealClearPersonalData(_ seal: @escaping @Sendable (PersonalRecord) throws -> SealedPersonalRecord) async throws -> Int {
        try await bridge.run { try SQLiteEventReader(db: $0).sealClearPersonalData(seal) }
    }
}

/// The log's reads inside a transaction the caller already holds, synchronously: the
/// projections apply events and write the rows they produce in one transaction, so they read
/// the events through the same connection as their tables (see `ProjectionStore`). A backend
/// that keeps projections implements it on that connection.
public protocol TransactionEventReader {
    /// The last event, if any.
    func lastEvent() throws -> ChainHead?
    /// Calls `body` with each matching event in position order until it returns false.
    func forEachEvent(_ query: EventQuery, _ body: (RecordedEvent) throws -> Bool) throws
    /// One page: at most `limit` events matching `query` above `position`.
    func events(_ query: EventQuery, after position: Int64, limit: Int) throws -> [RecordedEvent]
    /// The event with this id, if recorded.
    func event(withID eventID: String) throws -> RecordedEvent?
    /// The event at `position`, or nil past the end.
    func event(at position: Int64) throws -> RecordedEvent?
    /// The last position recorded at or before `time` (0 for none).
    func lastPosition(knownAt time: Timestamp) throws -> Int64
    /// When the personal data of `pseudonym` was erased, if it was (the last erasure).
    func erasure(of pseudonym: String) throws -> Timestamp?
    /// The sealed personal data held for `pseudonym` (see ``PersonalDataSeal``), if any.
    func sealedPersonalData(pseudonym: String) throws -> [UInt8]?
    /// The events naming each of `parties`, up to position `limit`, in position order: what
    /// `forEachEvent` gives for each party's query, several parties read at once where a
    /// request costs a turn on a server.
    func events(ofParties parties: [String], through limit: Int64) throws -> [String: [RecordedEvent]]
    /// The events of each of `streams`, up to position `limit`, in stream order, as
    /// `forEachEvent` gives each stream's: several read at once where a request costs a turn.
    func events(ofStreams streams: [String], through limit: Int64) throws -> [String: [RecordedEvent]]
}

extension TransactionEventReader {
    /// One party at a time: a read on SQLite is a function call.
    public func events(ofParties parties: [String], through limit: Int64) throws -> [String: [RecordedEvent]] {
        try oneByOne(parties) { EventQuery(to: limit, party: $0) }
    }

    /// One stream at a time.
    public func events(ofStreams streams: [String], through limit: Int64) throws -> [String: [RecordedEvent]] {
        try oneByOne(streams) { EventQuery(to: limit, streamID: $0) }
    }

    /// The events of `query(key)` for each of `keys`, each query asked once.
    private func oneByOne(_ keys: [String], _ query: (String) -> EventQuery) throws -> [String: [RecordedEvent]] {
        var found: [String: [RecordedEvent]] = [:]
        for key in keys where found[key] == nil {
            var events: [RecordedEvent] = []
            try forEachEvent(query(key)) { events.append($0); return true }
            found[key] = events
        }
        return found
    }
}

/// The log's reads (and, inside the log, its writes) on a GRDB connection the caller already
/// holds, synchronously, inside its transaction. Statements are cached per connection.
///
/// The projections kept in the same file read the events they apply with it, in the
/// transaction that writes their rows, so that both commit together.
public struct SQLiteEventReader: TransactionEventReader {
    let db: Database

    public init(db: Database) { self.db = db }

    static let columns = """
        position, event_id, stream_id, stream_version, type, schema_version, occurred_at, recorded_at, \
        actor, source, correlation_id, causation_id, data, hash
        """

    /// ``columns`` qualified with the `events` table's alias `e`, for joins.
    static let qualifiedColumns = columns.split(separator: ",")
        .map { "e." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")

    public func lastEvent() throws -> ChainHead? {
        let statement = try db.cachedStatement(sql: "SELECT position, hash FROM events ORDER BY position DESC LIMIT 1")
        guard let row = try Row.fetchOne(statement) else { return nil }
        return try Self.head(from: row, in: "events")
    }

    public func recordedHead() throws -> ChainHead? {
        guard let row = try Row.fetchOne(db, sql: "SELECT position, hash FROM ledger_head WHERE id = 1") else { return nil }
        return try Self.head(from: row, in: "ledger_head")
    }

    /// Calls `body` with each matching event in position order until it returns false.
    public func forEachEvent(_ query: EventQuery, _ body: (RecordedEvent) throws -> Bool) throws {
        try forEachEvent(query, after: query.fromPosition - 1, limit: query.limit, body)
    }

    /// One page: at most `limit` events matching `query` above `position`.
    public func events(_ query: EventQuery, after position: Int64, limit: Int) throws -> [RecordedEvent] {
        var page: [RecordedEvent] = []
        page.reserveCapacity(Swift.min(limit, 1024))
        try forEachEvent(query, after: position, limit: Swift.min(limit, query.limit ?? .max)) { page.append($0); return true }
        return page
    }

    private func forEachEvent(_ query: EventQuery, after position: Int64, limit: Int?, _ body: (RecordedEvent) throws -> Bool) throws {
        let from = Swift.max(query.fromPosition, position &+ 1)
        guard from <= query.toPosition else { return }
        var sql: String
        var arguments: StatementArguments
        if let party = query.party {
            sql = "SELECT \(Self.qualifiedColumns) FROM event_parties p JOIN events e ON e.position = p.position WHERE p.party = ? AND p.position BETWEEN ? AND ?"
            arguments = [party, from, query.toPosition]
            if let stream = query.streamID { sql += " AND e.stream_id = ?"; arguments += [stream] }
            if let type = query.type { sql += " AND e.type = ?"; arguments += [type] }
            sql += " ORDER BY p.position"
        } else if let stream = query.streamID {
            sql = "SELECT \(Self.columns) FROM events WHERE stream_id = ? AND position BETWEEN ? AND ?"
            arguments = [stream, from, query.toPosition]
            if let type = query.type { sql += " AND type = ?"; arguments += [type] }
            sql += " ORDER BY stream_version"
        } else {
            sql = "SELECT \(Self.columns) FROM events WHERE position BETWEEN ? AND ?"
            arguments = [from, query.toPosition]
            if let type = query.type { sql += " AND type = ?"; arguments += [type] }
            sql += " ORDER BY position"
        }
        if let limit { sql += " LIMIT ?"; arguments += [limit] }
        let statement = try db.cachedStatement(sql: sql)
        let rows = try Row.fetchCursor(statement, arguments: arguments)
        while let row = try rows.next() {
            guard try body(try Self.event(from: row)) else { return }
        }
    }

    static func event(from row: Row) throws -> RecordedEvent {
        // No stored value may stop the program: a NULL or a value of the wrong type in any
        // column is a corrupt event, named by its position, never a crash.
        let position = try? row.decode(Int64.self, atIndex: 0)
        func corrupt(_ reason: String) -> LogError { .corruptEvent(position: position ?? 0, reason: reason) }
        func value<T: DatabaseValueConvertible & StatementColumnConvertible>(_ index: Int) throws -> T {
            guard let value = try? row.decode(T.self, atIndex: index) else {
                throw corrupt("its \(columnNames[index]) is empty or not a value of its kind")
            }
            return value
        }
        func optional(_ index: Int) throws -> String? {
            do { return try row.decode(String?.self, atIndex: index) } catch { throw corrupt("its \(columnNames[index]) is not text") }
        }
        func bytes(_ index: Int) throws -> [UInt8] {
            guard let bytes = try row.withUnsafeData(atIndex: index, { $0.map { $0.withUnsafeBytes { [UInt8]($0) } } }) else {
                throw corrupt("its \(columnNames[index]) is missing")
            }
            return bytes
        }
        guard position != nil else { throw corrupt("its position is not a number") }
        // The id, data and hash are read in place (the data as its UTF-8 bytes), each copied once.
        let eventID = try row.withUnsafeData(atIndex: 1) { id in
            id.flatMap { $0.count == 16 ? $0.withUnsafeBytes { UUIDText.format($0) } : nil }
        }
        guard let eventID, let occurredAt = LocalDate(try value(6) as String), let recordedAt = Timestamp(try value(7) as String) else {
            throw corrupt("its event id, occurredAt or recordedAt is malformed")
        }
        let schemaVersion: Int64 = try value(5)
        guard let version = Int(exactly: schemaVersion) else { throw corrupt("its schema version is out of range") }
        return RecordedEvent(
            position: position!, eventID: eventID, streamID: try value(2), streamVersion: try value(3),
            type: try value(4), schemaVersion: version, occurredAt: occurredAt, recordedAt: recordedAt, actor: try value(8),
            source: try value(9), correlationID: try optional(10), causationID: try optional(11), data: try bytes(12),
            hash: try bytes(13))
    }

    /// The names of ``columns``, by index, for messages.
    static let columnNames = columns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }

    /// A head row (`position`, `hash`) of `table`; a NULL or mistyped value there is damage.
    static func head(from row: Row, in table: String) throws -> ChainHead {
        guard let position = try? row.decode(Int64.self, atIndex: 0),
            let hash = try row.withUnsafeData(atIndex: 1, { $0.map { [UInt8]($0) } })
        else { throw LogError.corruptTable(table: table, reason: "its position or hash is empty or not a value of its kind") }
        return ChainHead(position: position, hash: hash)
    }

    public func event(withID eventID: String) throws -> RecordedEvent? {
        guard let id = UUIDText.parse(eventID) else { return nil }
        let statement = try db.cachedStatement(sql: "SELECT \(Self.columns) FROM events WHERE event_id = ?")
        return try Row.fetchOne(statement, arguments: [Data(id)]).map(Self.event(from:))
    }

    public func lastPosition(knownAt time: Timestamp) throws -> Int64 {
        try SQLiteEventStorage.lastPosition(knownAt: time, on: db)
    }

    /// The event at `position`, or nil past the end.
    public func event(at position: Int64) throws -> RecordedEvent? {
        try events(EventQuery(from: position, to: position), after: position - 1, limit: 1).first
    }

    /// How many values one `IN (…)` lookup binds. Shorter lists are padded by repeating their
    /// last value, so one cached statement serves every chunk.
    static let lookupWidth = 64

    static func lookupSQL(_ prefix: String, suffix: String = "") -> String {
        prefix + "(" + Array(repeating: "?", count: lookupWidth).joined(separator: ", ") + ")" + suffix
    }

    static let eventsByIDSQL = lookupSQL("SELECT \(columns) FROM events WHERE event_id IN ")
    static let versionsSQL = lookupSQL("SELECT stream_id, max(stream_version) FROM events WHERE stream_id IN ", suffix: " GROUP BY stream_id")

    /// Runs `sql` over `values` in groups of ``lookupWidth``, padding the last group.
    private func lookUp(_ sql: String, _ values: [some DatabaseValueConvertible], _ row: (Row) throws -> Void) throws {
        guard let last = values.last else { return }
        let statement = try db.cachedStatement(sql: sql)
        var start = 0
        while start < values.count {
            let group = values[start..<Swift.min(start + Self.lookupWidth, values.count)]
            let padded = Array(group) + Array(repeating: last, count: Self.lookupWidth - group.count)
            let rows = try Row.fetchCursor(statement, arguments: StatementArguments(padded))
            while let next = try rows.next() { try row(next) }
            start += Self.lookupWidth
        }
    }

    public func events(withIDs ids: [String]) throws -> [String: RecordedEvent] {
        var found: [String: RecordedEvent] = [:]
        try lookUp(Self.eventsByIDSQL, ids.compactMap { UUIDText.parse($0).map { Data($0) } }) { row in
            let event = try Self.event(from: row)
            found[event.eventID] = event
        }
        return found
    }

    public func versions(ofStreams streamIDs: [String]) throws -> [String: Int64] {
        var found: [String: Int64] = [:]
        try lookUp(Self.versionsSQL, streamIDs) { row in
            guard let stream = try? row.decode(String.self, atIndex: 0), let version = try? row.decode(Int64.self, atIndex: 1) else {
                throw LogError.corruptTable(table: "events", reason: "a stream id or stream version is empty or not a value of its kind")
            }
            found[stream] = version
        }
        return found
    }


    /// When the personal data of `pseudonym` was erased, if it was (the last erasure).
    public func erasure(of pseudonym: String) throws -> Timestamp? {
        try String.fetchOne(db, sql: "SELECT max(erased_at) FROM personal_data_erasures WHERE pseudonym = ?", arguments: [pseudonym])
            .flatMap(Timestamp.init)
    }

    /// Every pseudonym whose personal data was erased.
    func erasedPseudonyms() throws -> Set<String> {
        Set(try String.fetchAll(db, sql: "SELECT DISTINCT pseudonym FROM personal_data_erasures"))
    }

    /// The sealed personal data held for `pseudonym` (see ``PersonalDataSeal``), if any.
    public func sealedPersonalData(pseudonym: String) throws -> [UInt8]? {
        try Row.fetchOne(db, sql: "SELECT sealed FROM personal_data_sealed WHERE pseudonym = ?", arguments: [pseudonym])
            .flatMap { row in try row.withUnsafeData(atIndex: 0) { $0.map { [UInt8]($0) } } }
    }

    func namesDigests(positions: [Int64]) throws -> [Int64: [UInt8]] {
        guard try db.tableExists("event_names_digests") else { return [:] }
        let statement = try db.cachedStatement(sql: "SELECT digest FROM event_names_digests WHERE position = ?")
        var found: [Int64: [UInt8]] = [:]
        for position in positions {
            if let row = try Row.fetchOne(statement, arguments: [position]),
               let digest = try row.withUnsafeData(atIndex: 0, { $0.map { [UInt8]($0) } }) {
                found[position] = digest
            }
        }
        return found
    }

    func partyRows(after row: PartyRow?, limit: Int) throws -> [PartyRow] {
        let rows = try row.map {
            try Row.fetchAll(db, sql: "SELECT party, position FROM event_parties WHERE (party, position) > (?, ?) ORDER BY party, position LIMIT ?",
                             arguments: [$0.party, $0.position, limit])
        } ?? Row.fetchAll(db, sql: "SELECT party, position FROM event_parties ORDER BY party, position LIMIT ?", arguments: [limit])
        return try rows.map { row in
            guard let party = try? row.decode(String.self, atIndex: 0), let position = try? row.decode(Int64.self, atIndex: 1) else {
                throw LogError.corruptTable(table: "event_parties", reason: "a party or position is empty or not a value of its kind")
            }
            return PartyRow(party: party, position: position)
        }
    }

    func namedParties(_ parties: [String]) throws -> Set<String> {
        let statement = try db.cachedStatement(sql: "SELECT 1 FROM event_parties WHERE party = ? LIMIT 1")
        return Set(try parties.filter { try Int.fetchOne(statement, arguments: [$0]) != nil })
    }

    func partyRowsExist(_ rows: [PartyRow]) throws -> [Bool] {
        let statement = try db.cachedStatement(sql: "SELECT 1 FROM event_parties WHERE party = ? AND position = ?")
        return try rows.map { try Int.fetchOne(statement, arguments: [$0.party, $0.position]) != nil }
    }

    func sealedPersonalRows(after pseudonym: String?, limit: Int) throws -> [SealedPersonalRecord] {
        try Row.fetchAll(db, sql: "SELECT pseudonym, sealed FROM personal_data_sealed WHERE pseudonym > ? ORDER BY pseudonym LIMIT ?",
                         arguments: [pseudonym ?? "", limit]).map { row in
            guard let pseudonym = try? row.decode(String.self, atIndex: 0),
                  let sealed = try row.withUnsafeData(atIndex: 1, { $0.map { [UInt8]($0) } })
            else { throw LogError.corruptTable(table: "personal_data_sealed", reason: "a pseudonym or sealed record is empty or not a value of its kind") }
            return SealedPersonalRecord(pseudonym: pseudonym, sealed: sealed, named: true)
        }
    }

    public func metadata(_ key: String) throws -> String? {
        try String.fetchOne(db, sql: "SELECT value FROM ledger_meta WHERE key = ?", arguments: [key])
    }

    func allMetadata() throws -> [String: String] {
        var settings: [String: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT key, value FROM ledger_meta") {
            guard let key = try? row.decode(String.self, atIndex: 0), let value = try? row.decode(String.self, atIndex: 1) else {
                throw LogError.corruptTable(table: "ledger_meta", reason: "a key or value is empty or not text")
            }
            settings[key] = value
        }
        return settings
    }

    func erasures() throws -> [PersonalDataErasure] {
        try Row.fetchAll(db, sql: "SELECT pseudonym, erased_at FROM personal_data_erasures ORDER BY erased_at, pseudonym").map { row in
            guard let pseudonym = try? row.decode(String.self, atIndex: 0),
                  let at = (try? row.decode(String.self, atIndex: 1)).flatMap(Timestamp.init)
            else { throw LogError.corruptTable(table: "personal_data_erasures", reason: "a pseudonym or time is empty or malformed") }
            return PersonalDataErasure(pseudonym: pseudonym, erasedAt: at)
        }
    }

    func storePartyRows(_ rows: [PartyRow]) throws {
        let insert = SQLiteStatementBinding(try db.cachedStatement(sql: Self.insertPartySQL))
        for row in rows {
            insert.bind(row.party, at: 1)
            insert.bind(row.position, at: 2)
            try insert.execute()
        }
    }

    func recordErasure(_ erasure: PersonalDataErasure) throws {
        try db.execute(sql: "INSERT INTO personal_data_erasures (pseudonym, erased_at) VALUES (?, ?)",
                       arguments: [erasure.pseudonym, erasure.erasedAt.description])
    }

    static let insertSQL = "INSERT INTO events (\(columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    static let insertPartySQL = "INSERT INTO event_parties (party, position) VALUES (?, ?)"

    func insert(_ events: [StoredEvent]) throws {
        let insert = SQLiteStatementBinding(try db.cachedStatement(sql: Self.insertSQL))
        let insertParty = SQLiteStatementBinding(try db.cachedStatement(sql: Self.insertPartySQL))
        for stored in events {
            try self.insert(stored.event, parties: stored.parties, insert, insertParty)
            if let digest = stored.namesDigest {
                try db.execute(sql: "INSERT INTO event_names_digests (position, digest) VALUES (?, ?)",
                               arguments: [stored.event.position, Data(digest)])
            }
        }
    }

    private func insert(_ event: RecordedEvent, parties: [PartyReference], _ insert: SQLiteStatementBinding,
                        _ insertParty: SQLiteStatementBinding) throws {
        insert.bind(event.position, at: 1)
        insert.bindBlob(UUIDText.parse(event.eventID) ?? [], at: 2)
        insert.bind(event.streamID, at: 3)
        insert.bind(event.streamVersion, at: 4)
        insert.bind(event.type, at: 5)
        insert.bind(Int64(event.schemaVersion), at: 6)
        insert.bind(event.occurredAt.description, at: 7)
        insert.bind(event.recordedAt.description, at: 8)
        insert.bind(event.actor, at: 9)
        insert.bind(event.source, at: 10)
        insert.bind(event.correlationID, at: 11)
        insert.bind(event.causationID, at: 12)
        insert.bindText(event.data, at: 13)
        insert.bindBlob(event.hash, at: 14)
        do {
            try insert.execute()
        } catch let error as DatabaseError
            where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE && (error.message ?? "").contains("events.event_id")
        {
            throw EventStorageConflict.duplicateEventID(event.eventID)
        }
        for party in parties {
            insertParty.bind(party.id, at: 1)
            insertParty.bind(event.position, at: 2)
            try insertParty.execute()
        }
    }

    func setRecordedHead(_ head: ChainHead) throws {
        try db.execute(
            sql: "INSERT INTO ledger_head (id, position, hash) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET position = excluded.position, hash = excluded.hash",
            arguments: [head.position, Data(head.hash)])
    }

    func storePersonalRecords(_ records: [SealedPersonalRecord]) throws {
        // Most events name a person without a name: those only need the row to exist, and
        // INSERT OR IGNORE leaves an existing row (and its page) untouched.
        let keep = SQLiteStatementBinding(try db.cachedStatement(
            sql: "INSERT OR IGNORE INTO personal_data_sealed (pseudonym, sealed) VALUES (?, ?)"))
        let named = SQLiteStatementBinding(try db.cachedStatement(
            sql: "INSERT INTO personal_data_sealed (pseudonym, sealed) VALUES (?, ?) ON CONFLICT (pseudonym) DO UPDATE SET sealed = excluded.sealed"))
        for record in records {
            let statement = record.named ? named : keep
            statement.bind(record.pseudonym, at: 1)
            statement.bindBlob(record.sealed, at: 2)
            try statement.execute()
        }
    }

    func erasePersonalRecord(pseudonym: String, at time: Timestamp) throws -> Bool {
        try db.execute(sql: "DELETE FROM personal_data_sealed WHERE pseudonym = ?", arguments: [pseudonym])
        var erased = db.changesCount > 0
        // The digests of the names their events gave go with them.
        try db.execute(sql: "DELETE FROM event_names_digests WHERE position IN (SELECT position FROM event_parties WHERE party = ?)",
                       arguments: [pseudonym])
        // Not yet sealed (a ledger from before, not yet opened with its key).
        if try db.tableExists("personal_data") {
            try db.execute(sql: "DELETE FROM personal_data WHERE pseudonym = ?", arguments: [pseudonym])
            erased = erased || db.changesCount > 0
        }
        guard erased else { return false }
        try db.execute(sql: "INSERT INTO personal_data_erasures (pseudonym, erased_at) VALUES (?, ?)",
            arguments: [pseudonym, time.description])
        return true
    }

    /// Seals the rows of the clear table of a ledger from before sealing, then drops it: its
    /// pages are overwritten with zeros as they are freed (`secure_delete`). A row whose
    /// resident ID is not valid was never readable, and goes with the table.
    func sealClearPersonalData(_ seal: (PersonalRecord) throws -> SealedPersonalRecord) throws -> Int {
        guard try db.tableExists("personal_data") else { return 0 }
        let rows = try Row.fetchAll(db, sql: "SELECT pseudonym, resident_id, name FROM personal_data")
        let records = rows.compactMap { row -> PersonalRecord? in
            guard let pseudonym = try? row.decode(String.self, atIndex: 0),
                let text = try? row.decode(String.self, atIndex: 1), let id = try? ResidentID(validating: text)
            else { return nil }
            return PersonalRecord(pseudonym: pseudonym, residentID: id, name: (try? row.decode(String?.self, atIndex: 2)) ?? nil)
        }
        try storePersonalRecords(try records.map(seal))
        try db.execute(sql: "DELETE FROM personal_data")
        try db.execute(sql: "DROP TABLE personal_data")
        return records.count
    }

    func setMetadata(_ key: String, _ value: String) throws {
        try db.execute(sql: "INSERT INTO ledger_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            arguments: [key, value])
    }
}

extension SQLiteEventStorage {
    /// The log's reads on a connection the caller already holds, inside its transaction: for
    /// projections kept in the same file, which read the events they apply in the transaction
    /// that writes their rows, so that both commit together.
    public static func reader(on db: Database) -> SQLiteEventReader { SQLiteEventReader(db: db) }

    /// The last position recorded at or before `time`, or 0: what the log knew then.
    public static func lastPosition(knownAt time: Timestamp, on db: Database) throws -> Int64 {
        let probe = try db.cachedStatement(sql: "SELECT recorded_at FROM events WHERE position = ?")
        return try EventLog.lastPosition(knownAt: time, head: try Int64.fetchOne(db, sql: "SELECT max(position) FROM events") ?? 0) { position in
            try String.fetchOne(probe, arguments: [position]).flatMap(Timestamp.init)
        }
    }
}

extension EventLog {
    /// The last position up to `head` recorded at or before `time`, or 0: what the log knew
    /// then, from `recordedAt`, which reads one position's recording time (nil: unreadable).
    /// Appends take their time under the write lock, so recording times rise with position
    /// (positions run 1, 2, 3 … with no holes): a binary search finds the last one. Every
    /// backend's reader answers with it.
    public static func lastPosition(knownAt time: Timestamp, head: Int64, recordedAt: (Int64) throws -> Timestamp?) rethrows -> Int64 {
        var low: Int64 = 0, high = head
        while low < high {
            let middle = low + (high - low + 1) / 2
            if let at = try recordedAt(middle), at <= time { low = middle } else { high = middle - 1 }
        }
        return low
    }
}
