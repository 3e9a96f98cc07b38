import Foundation
import GrantLedgerEvents
import GrantLedgerLog
import Logging
import NIOConcurrencyHelpers
import NIOCore
import PostgresNIO

/// One connection to a ledger's server for synchronous callers: the projections, whose rules
/// run as plain functions on threads of their own (the service's blocking pool, a command's
/// main thread), never on an event loop.
///
/// A read waits for its answer on the calling thread; the connection's I/O runs on
/// postgres-nio's event loop. A write may be sent without waiting (``send(_:)``): the
/// connection runs its requests in order, so a later read sees it, and the next wait (a read,
/// ``settle()``, the commit of ``PostgresBlockingPool``) reports its failure. The caller goes
/// on while they run; postgres-nio still runs them one after another, each a turn on the server
/// (it does not pipeline). Its search path is the ledger's schema, so the projections' tables
/// are named without it. Errors come out in the log's words
/// (``LogError``), without SQL.
///
/// One thread uses a connection at a time (a transaction's).
public final class PostgresBlockingConnection: @unchecked Sendable {
    public let location: PostgresLocation
    let connection: PostgresConnection
    let tables: Tables
    let logger: Logger
    /// Requests sent and not yet waited for, oldest first.
    private var pending: [EventLoopFuture<Void>] = []
    /// Statements parsed (and, after a few runs, planned) once on this connection, by their SQL.
    private var prepared: [String: PreparedQuery] = [:]

    /// Connects to `location`'s server and sets the search path to its ledger's schema.
    public static func connect(_ location: PostgresLocation) throws -> PostgresBlockingConnection {
        var configuration = PostgresConnection.Configuration(
            host: location.host, port: location.port, username: location.user, password: location.password,
            database: location.database, tls: try Self.tls(location))
        configuration.options.connectTimeout = .seconds(PostgresEventStorage.connectSeconds)
        var logger = Logger(label: "grantledger.postgres.projections")
        logger.logLevel = .critical
        let id = nextID.withLockedValue { id in
            id += 1
            return id
        }
        let connection: PostgresConnection
        do {
            connection = try PostgresConnection.connect(on: PostgresConnection.defaultEventLoopGroup.any(), configuration: configuration,
                                                        id: id, logger: logger).wait()
        } catch let error as PSQLError where error.serverInfo != nil {
            throw PostgresEventStorage.translate(error, location: location)
        } catch {
            throw PostgresEventStorage.unreachable(location, nil)
        }
        let opened = PostgresBlockingConnection(location: location, connection: connection, logger: logger)
        do {
            try opened.execute(PostgresQuery(unsafeSQL: "SET search_path TO \"\(location.schema)\""))
        } catch {
            opened.close()
            throw error
        }
        return opened
    }

    private static let nextID = NIOLockedValueBox(0)

    init(location: PostgresLocation, connection: PostgresConnection, logger: Logger) {
        self.location = location
        self.connection = connection
        self.tables = Tables(schema: location.schema)
        self.logger = logger
    }

    /// Whether the server or the network closed the connection: a pool opens another.
    public var isClosed: Bool { connection.isClosed }

    public func close() { try? connection.close().wait() }

    /// Whether the session still answers a request, waited for at most `limit`. A request sent
    /// just as the server ends the session (`pg_terminate_backend`, a restart) can be left
    /// without an answer by postgres-nio, so a wait without a bound could last forever. A
    /// session that does not answer in time is closed here, without waiting for the close
    /// either, so that the server ends it and its locks go with it.
    public func answers(within limit: TimeAmount) -> Bool {
        guard !connection.isClosed else { return false }
        let answer = connection.query("SELECT 1", logger: logger)
        // Both settle it on the answer's event loop; the later of the two is ignored.
        let settled = answer.eventLoop.makePromise(of: Bool.self)
        answer.whenComplete { settled.succeed((try? $0.get()) != nil) }
        let timer = answer.eventLoop.scheduleTask(in: limit) { settled.succeed(false) }
        let answered = (try? settled.futureResult.wait()) ?? false
        timer.cancel()
        if !answered { _ = connection.close() as EventLoopFuture<Void> }
        return answered
    }

    /// Runs `query` and returns its rows, once every request sent before it has succeeded.
    public func rows(_ query: PostgresQuery) throws -> [PostgresRow] {
        let answer = connection.query(query, logger: logger)
        try settle()
        return try translated { try answer.wait().rows }
    }

    /// Runs `query`, for what it does, and waits for it.
    public func execute(_ query: PostgresQuery) throws { _ = try rows(query) }

    /// Sends `query` (a write whose answer is only success or failure) without waiting for it.
    public func send(_ query: PostgresQuery) throws { try keep(connection.query(query, logger: logger).map { _ in }) }

    /// Runs `sql` (`$1`, `$2` … for `binds`) as a statement prepared on this connection: the
    /// server parses it once, and after a few runs plans it once too. Its rows, once every
    /// request sent before it has succeeded.
    public func preparedRows(_ sql: String, _ binds: [PostgresData]) throws -> [PostgresRow] {
        guard let statement = try statement(sql) else { return try rows(Self.query(sql, binds)) }
        let answer = statement.execute(binds)
        try settle()
        return try translated { try answer.wait() }
    }

    /// Sends `sql` as a prepared statement (a write), without waiting for it; see ``send(_:)``.
    public func sendPrepared(_ sql: String, _ binds: [PostgresData]) throws {
        guard let statement = try statement(sql) else { return try send(Self.query(sql, binds)) }
        try keep(statement.execute(binds).map { _ in })
    }

    /// `sql` (`$1`, `$2` …) with `binds`, to run unprepared.
    public static func query(_ sql: String, _ binds: [PostgresData]) -> PostgresQuery {
        var bindings = PostgresBindings(capacity: binds.count)
        for bind in binds { bindings.append(bind) }
        return PostgresQuery(unsafeSQL: sql, binds: bindings)
    }

    /// Keeps a request sent, to be waited for later; past ``sendWindow`` of them, waits now.
    private func keep(_ sent: EventLoopFuture<Void>) throws {
        pending.append(sent)
        // A bound on what is in flight: the oldest are long answered by then.
        if pending.count >= Self.sendWindow { try settle() }
    }

    static let sendWindow = 1_024

    /// Waits for every request sent; throws the first failure among them.
    public func settle() throws {
        guard !pending.isEmpty else { return }
        let sent = pending
        pending.removeAll(keepingCapacity: true)
        var failure: (any Error)?
        for future in sent {
            do {
                _ = try translated { try future.wait() }
            } catch {
                if failure == nil { failure = error }
            }
        }
        if let failure { throw failure }
    }

    /// `sql` prepared on this connection; nil once ``preparedLimit`` statements are (it then runs
    /// unprepared: a statement prepared and not kept would stay on the server until the
    /// connection closes).
    private func statement(_ sql: String) throws -> PreparedQuery? {
        if let known = prepared[sql] { return known }
        guard prepared.count < Self.preparedLimit else { return nil }
        let made: PreparedQuery
        do {
            made = try translated { try connection.prepare(query: sql).wait() }
        } catch {
            // In a transaction a write sent before has failed, that failure is the one to report.
            try settle()
            throw error
        }
        prepared[sql] = made
        return made
    }

    /// Statements kept prepared per connection: the projections have a few dozen, and their
    /// inserts up to nine sizes each (``PendingWrites``), for live tables and a rebuild's.
    static let preparedLimit = 1_024

    private func translated<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as PSQLError {
            throw PostgresEventStorage.translate(error, location: location)
        }
    }

    /// The log, read on this connection inside the transaction its caller holds.
    public var events: any TransactionEventReader { PostgresTransactionEventReader(connection: self) }

    /// A key for `pg_advisory_xact_lock` and `pg_try_advisory_lock`, from a name and this ledger.
    public func lockKey(_ purpose: String) -> Int64 { PostgresEventStorage.lockKey(location.schema + "/" + purpose) }
}

extension PostgresBlockingConnection {
    /// The pool's choice of TLS (``PostgresEventStorage``) for one connection of its own.
    static func tls(_ location: PostgresLocation) throws -> PostgresConnection.Configuration.TLS {
        do {
            return switch location.tls {
            case .disable: .disable
            case .prefer: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
        } catch {
            throw PostgresEventStorage.unreachable(location, "TLS could not be set up")
        }
    }
}

extension PostgresBlockingConnection {
    /// `sql` written with `?` for its arguments (outside quotes), as PostgreSQL numbers them: `$1`, `$2` …
    public static func numbered(_ sql: String) -> String {
        if let cached = numberedCache.object(forKey: sql as NSString) { return cached as String }
        var out = ""
        out.reserveCapacity(sql.utf8.count + 16)
        var count = 0
        var quoted = false
        for character in sql {
            if character == "'" { quoted.toggle() }
            if character == "?", !quoted {
                count += 1
                out += "$\(count)"
            } else {
                out.append(character)
            }
        }
        numberedCache.setObject(out as NSString, forKey: sql as NSString)
        return out
    }

    nonisolated(unsafe) private static let numberedCache = NSCache<NSString, NSString>()  // NSCache is thread-safe

    /// Rows of text columns, for `sql` written with `?` and given text (or NULL) arguments.
    public func texts(_ sql: String, _ arguments: [String?]) throws -> [[String?]] {
        var binds = PostgresBindings(capacity: arguments.count)
        for argument in arguments {
            if let argument { binds.append(argument) } else { binds.appendNull() }
        }
        return try rows(PostgresQuery(unsafeSQL: Self.numbered(sql), binds: binds)).map { row in
            try row.map { cell in
                guard cell.bytes != nil else { return nil }
                do {
                    return try cell.decode(String.self)
                } catch {
                    throw LogError.corruptTable(table: cell.columnName, reason: "a value is not text")
                }
            }
        }
    }
}

/// Connections to one ledger's server for synchronous callers, each used by one transaction
/// at a time and kept (a few) for the next. A connection the server closed is not kept.
public final class PostgresBlockingPool: @unchecked Sendable {
    public let location: PostgresLocation
    private let kept: Int
    private let lock = NSLock()
    // Guarded by `lock`.
    private var idle: [PostgresBlockingConnection] = []

    public init(location: PostgresLocation, kept: Int = 4) {
        self.location = location
        self.kept = kept
    }

    deinit { for connection in idle { connection.close() } }

    /// Closes the kept connections; a transaction after it opens one again.
    public func close() {
        let connections = lock.withLock {
            defer { idle = [] }
            return idle
        }
        for connection in connections { connection.close() }
    }

    /// Runs `body` between `begin` and COMMIT on a kept connection (or a new one); if it
    /// throws, the transaction is rolled back. The COMMIT of a read-only transaction is sent
    /// without waiting for it: it changes nothing and cannot fail but with the connection,
    /// which the next transaction on it would find closed anyway.
    func transaction<T>(_ begin: PostgresQuery, readOnly: Bool, _ body: (PostgresBlockingConnection) throws -> T) throws -> T {
        let connection = try lock.withLock { idle.popLast() } ?? PostgresBlockingConnection.connect(location)
        do {
            try connection.send(begin)
            let result = try body(connection)
            // Every write sent must have succeeded: COMMIT of a failed transaction only rolls it back.
            try connection.settle()
            if readOnly { try connection.send("COMMIT") } else { try connection.execute("COMMIT") }
            keep(connection)
            return result
        } catch {
            try? connection.settle()
            if !connection.isClosed, (try? connection.execute("ROLLBACK")) != nil {
                keep(connection)
            } else {
                connection.close()
            }
            throw error
        }
    }

    /// A write transaction.
    public func write<T>(_ body: (PostgresBlockingConnection) throws -> T) throws -> T { try transaction("BEGIN", readOnly: false, body) }

    /// A read-only transaction on one snapshot.
    public func read<T>(_ body: (PostgresBlockingConnection) throws -> T) throws -> T {
        try transaction("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", readOnly: true, body)
    }

    private func keep(_ connection: PostgresBlockingConnection) {
        let isKept = lock.withLock {
            guard idle.count < kept else { return false }
            idle.append(connection)
            return true
        }
        if !isKept { connection.close() }
    }
}

/// The log's reads on a ``PostgresBlockingConnection``, synchronously, in its caller's transaction.
struct PostgresTransactionEventReader: TransactionEventReader {
    let connection: PostgresBlockingConnection

    private var tables: Tables { connection.tables }

    func lastEvent() throws -> ChainHead? {
        guard let row = try connection.rows("SELECT position, hash FROM \(unescaped: tables.events) ORDER BY position DESC LIMIT 1").first
        else { return nil }
        guard let (position, hash) = try? row.decode((Int64, ByteBuffer).self, context: .default) else {
            throw LogError.corruptTable(table: "events", reason: "its position or hash is empty or not a value of its kind")
        }
        return ChainHead(position: position, hash: Array(hash.readableBytesView))
    }

    func forEachEvent(_ query: EventQuery, _ body: (RecordedEvent) throws -> Bool) throws {
        var after = query.fromPosition - 1
        var left = query.limit ?? .max
        while left > 0 {
            let page = try events(query, after: after, limit: min(left, 1_000))
            for event in page {
                guard try body(event) else { return }
            }
            guard let last = page.last, page.count == min(left, 1_000) else { return }
            after = last.position
            left -= page.count
        }
    }

    /// A stream's pages follow its last position read: its versions rise with its positions.
    func events(_ query: EventQuery, after position: Int64, limit: Int) throws -> [RecordedEvent] {
        guard let request = PostgresAccess.request(query, after: position, limit: limit, tables: tables) else { return [] }
        return try connection.rows(request).map(PostgresAccess.event(from:))
    }

    func event(withID eventID: String) throws -> RecordedEvent? {
        guard let id = UUIDText.parse(eventID) else { return nil }
        let bytes = ByteBuffer(bytes: id)
        return try connection.rows("SELECT \(unescaped: PostgresAccess.columns) FROM \(unescaped: tables.events) WHERE event_id = \(bytes)")
            .first.map(PostgresAccess.event(from:))
    }

    func event(at position: Int64) throws -> RecordedEvent? {
        try events(EventQuery(from: position, to: position), after: position - 1, limit: 1).first
    }

    func erasure(of pseudonym: String) throws -> Timestamp? {
        try connection.rows("SELECT max(erased_at) FROM \(unescaped: tables.erasures) WHERE pseudonym = \(pseudonym)").first
            .flatMap { try? $0.decode(String?.self, context: .default) }.flatMap(Timestamp.init)
    }

    func sealedPersonalData(pseudonym: String) throws -> [UInt8]? {
        try connection.rows("SELECT sealed FROM \(unescaped: tables.sealed) WHERE pseudonym = \(pseudonym)").first
            .flatMap { try? $0.decode(ByteBuffer.self, context: .default) }.map { Array($0.readableBytesView) }
    }

    /// One request for all of them: each party's rows of the party index, joined to their events.
    func events(ofParties parties: [String], through limit: Int64) throws -> [String: [RecordedEvent]] {
        // Index probes, party by party and event by event (`LATERAL`, kept apart from the join
        // tree by `OFFSET 0`): a plain join lets the planner hash the whole log against the
        // list, which it does while a table just filled has no statistics.
        try grouped(parties, """
            SELECT \(unescaped: PostgresAccess.qualifiedColumns), wanted.party FROM unnest(\(Array(Set(parties)))::text[]) AS wanted (party)
            CROSS JOIN LATERAL (SELECT position FROM \(unescaped: tables.parties) WHERE party = wanted.party AND position <= \(limit) OFFSET 0) AS p
            CROSS JOIN LATERAL (SELECT * FROM \(unescaped: tables.events) WHERE position = p.position OFFSET 0) AS e
            ORDER BY wanted.party, p.position
            """) { row, event in
            guard let party = try? PostgresRandomAccessRow(row)[14].decode(String.self, context: .default) else {
                throw LogError.corruptEvent(position: event.position, reason: "its party index row names no party")
            }
            return party
        }
    }

    /// One request for all of them: each stream's events through its index, stream by stream.
    func events(ofStreams streams: [String], through limit: Int64) throws -> [String: [RecordedEvent]] {
        // `position + 0`: the bound filters each stream's rows found through its index (see
        // ``PostgresAccess/request(_:after:limit:tables:)``).
        try grouped(streams, """
            SELECT \(unescaped: PostgresAccess.qualifiedColumns) FROM unnest(\(Array(Set(streams)))::text[]) AS wanted (stream)
            CROSS JOIN LATERAL (SELECT * FROM \(unescaped: tables.events) WHERE stream_id = wanted.stream AND position + 0 <= \(limit)
                                ORDER BY stream_version OFFSET 0) AS e
            ORDER BY wanted.stream, e.stream_version
            """) { _, event in event.streamID }
    }

    /// The events `query` gives, by the key `key` reads from each row: every one of `keys`
    /// there, with no events for those the query found none of. No request for no keys.
    private func grouped(_ keys: [String], _ query: PostgresQuery,
                         key: (PostgresRow, RecordedEvent) throws -> String) throws -> [String: [RecordedEvent]] {
        var found: [String: [RecordedEvent]] = [:]
        for wanted in keys { found[wanted] = [] }
        guard !keys.isEmpty else { return found }
        for row in try connection.rows(query) {
            let event = try PostgresAccess.event(from: row)
            found[try key(row, event), default: []].append(event)
        }
        return found
    }

    func lastPosition(knownAt time: Timestamp) throws -> Int64 {
        try EventLog.lastPosition(knownAt: time, head: try lastEvent()?.position ?? 0) { position in
            try connection.rows("SELECT recorded_at FROM \(unescaped: tables.events) WHERE position = \(position)").first
                .flatMap { try? $0.decode(String.self, context: .default) }.flatMap(Timestamp.init)
        }
    }
}
