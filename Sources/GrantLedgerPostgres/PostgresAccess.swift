import Foundation
import GrantLedgerEvents
import GrantLedgerLog
import Logging
import NIOCore
import PostgresNIO

/// The storage seam on one connection inside a transaction ``PostgresEventStorage`` opened.
/// Each call is one request or a few: a chunk's lookups go as arrays (`unnest`); a large
/// chunk's events, parties and names digests by `COPY` (``CopyRows``), a small chunk whole in
/// one statement (``copyFrom``). An append of a thousand lines takes a handful of round trips.
struct PostgresAccess: EventStorageWriter {
    let connection: PostgresConnection
    let tables: Tables
    let logger: Logger

    static let columns = """
        position, event_id, stream_id, stream_version, type, schema_version, occurred_at, recorded_at, \
        actor, source, correlation_id, causation_id, data, hash
        """

    static let qualifiedColumns = columns.split(separator: ",")
        .map { "e." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", ")

    // MARK: Requests

    @discardableResult
    func run(_ query: PostgresQuery) async throws -> PostgresRowSequence {
        try await connection.query(query, logger: logger)
    }

    /// The first column of the first row, if any.
    func first<T: PostgresDecodable>(_ query: PostgresQuery, as type: T.Type) async throws -> T? {
        for try await row in try await run(query) {
            guard let cell = row.first(where: { _ in true }), cell.bytes != nil else { return nil }
            return try cell.decode(T.self, context: .default)
        }
        return nil
    }

    /// Every row of a two-column query; a row that does not decode is damage in `table`.
    func pairs<A: PostgresDecodable, B: PostgresDecodable>(_ query: PostgresQuery, as types: (A, B).Type, table: String, damage: String)
        async throws -> [(A, B)]
    {
        var pairs: [(A, B)] = []
        for try await row in try await run(query) {
            guard let pair = try? row.decode((A, B).self, context: .default) else {
                throw LogError.corruptTable(table: table, reason: damage)
            }
            pairs.append(pair)
        }
        return pairs
    }

    func all<T: PostgresDecodable>(_ query: PostgresQuery, as type: T.Type, table: String) async throws -> [T] {
        var values: [T] = []
        for try await row in try await run(query) {
            guard let value = try? row.decode(T.self, context: .default) else {
                throw LogError.corruptTable(table: table, reason: "a value is empty or not of its kind")
            }
            values.append(value)
        }
        return values
    }

    // MARK: Reading

    func lastEvent() async throws -> ChainHead? {
        try await head("SELECT position, hash FROM \(unescaped: tables.events) ORDER BY position DESC LIMIT 1", table: "events")
    }

    /// The three in one request: the last event (if any), the erased pseudonyms, the setting.
    func appendStart(setting key: String) async throws -> AppendStart {
        let damage = LogError.corruptTable(table: "events", reason: "the last event's position or hash, or an erased pseudonym, is not a value of its kind")
        for try await row in try await run("""
            SELECT last.position, last.hash,
                   ARRAY(SELECT DISTINCT pseudonym FROM \(unescaped: tables.erasures)),
                   (SELECT value FROM \(unescaped: tables.meta) WHERE key = \(key))
            FROM (SELECT 1) AS one
            LEFT JOIN LATERAL (SELECT position, hash FROM \(unescaped: tables.events) ORDER BY position DESC LIMIT 1) AS last ON true
            """) {
            guard let (position, hash, erased, setting) = try? row.decode((Int64?, ByteBuffer?, [String], String?).self, context: .default)
            else { throw damage }
            let head: ChainHead?
            switch (position, hash) {
            case (let position?, let hash?): head = ChainHead(position: position, hash: Array(hash.readableBytesView))
            case (nil, nil): head = nil
            default: throw damage
            }
            return AppendStart(head: head, erased: Set(erased), setting: setting)
        }
        throw damage
    }

    func recordedHead() async throws -> ChainHead? {
        try await head("SELECT position, hash FROM \(unescaped: tables.head) WHERE id = 1", table: "ledger_head")
    }

    private func head(_ query: PostgresQuery, table: String) async throws -> ChainHead? {
        try await pairs(query, as: (Int64, ByteBuffer).self, table: table, damage: "its position or hash is empty or not a value of its kind")
            .first.map { ChainHead(position: $0.0, hash: Array($0.1.readableBytesView)) }
    }

    func events(_ query: EventQuery, after position: Int64, limit: Int) async throws -> [RecordedEvent] {
        guard let request = Self.request(query, after: position, limit: limit, tables: tables) else { return [] }
        return try await events(request)
    }

    /// The request for one page of `query` above `position`; nil when the page is empty before asking.
    static func request(_ query: EventQuery, after position: Int64, limit: Int, tables: Tables) -> PostgresQuery? {
        let from = max(query.fromPosition, position &+ 1)
        guard from <= query.toPosition, limit > 0 else { return nil }
        var binds = PostgresBindings()
        var sql: String
        if let party = query.party {
            sql = "SELECT \(qualifiedColumns) FROM \(tables.parties) p JOIN \(tables.events) e ON e.position = p.position "
                + "WHERE p.party = $1 AND p.position BETWEEN $2 AND $3"
            binds.append(party)
            binds.append(from)
            binds.append(query.toPosition)
            if let stream = query.streamID { binds.append(stream); sql += " AND e.stream_id = $\(binds.count)" }
            if let type = query.type { binds.append(type); sql += " AND e.type = $\(binds.count)" }
            sql += " ORDER BY p.position"
        } else if let stream = query.streamID {
            // `position + 0`: the bounds filter the stream's few rows found through its index; as an
            // index condition on the whole log's positions they cost a scan of the range (the
            // planner's choice while a table has no statistics yet, as after a large load).
            sql = "SELECT \(columns) FROM \(tables.events) WHERE stream_id = $1 AND position + 0 BETWEEN $2 AND $3"
            binds.append(stream)
            binds.append(from)
            binds.append(query.toPosition)
            if let type = query.type { binds.append(type); sql += " AND type = $\(binds.count)" }
            sql += " ORDER BY stream_version"
        } else {
            sql = "SELECT \(columns) FROM \(tables.events) WHERE position BETWEEN $1 AND $2"
            binds.append(from)
            binds.append(query.toPosition)
            if let type = query.type { binds.append(type); sql += " AND type = $\(binds.count)" }
            sql += " ORDER BY position"
        }
        binds.append(Int64(min(limit, query.limit ?? .max)))
        sql += " LIMIT $\(binds.count)"
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }

    private func events(_ query: PostgresQuery) async throws -> [RecordedEvent] {
        var events: [RecordedEvent] = []
        for try await row in try await run(query) { events.append(try Self.event(from: row)) }
        return events
    }

    /// An event from its row. No stored value may stop the program: a NULL or a value of the
    /// wrong kind is a corrupt event, named by its position.
    static func event(from row: PostgresRow) throws -> RecordedEvent {
        if let event = EventCells.event(from: row) { return event }
        return try decodedEvent(from: row)
    }

    /// The same through postgres-nio's decoding of the fourteen columns: for rows not in the
    /// binary format of the log's column types, and to name what is wrong with a row.
    static func decodedEvent(from row: PostgresRow) throws -> RecordedEvent {
        let position = (try? row.decode(Int64.self, context: .default)) ?? 0
        guard let (position, id, stream, version, type, schemaVersion, occurred, recorded, actor, source, correlation, causation,
                   data, hash) = try? row.decode(
                    (Int64, ByteBuffer, String, Int64, String, Int64, String, String, String, String, String?, String?, ByteBuffer, ByteBuffer).self,
                    context: .default)
        else { throw LogError.corruptEvent(position: position, reason: "a column is empty or not a value of its kind") }
        guard let occurredAt = LocalDate(occurred), let recordedAt = Timestamp(recorded) else {
            throw LogError.corruptEvent(position: position, reason: "its occurredAt or recordedAt is malformed")
        }
        guard id.readableBytes == 16 else { throw LogError.corruptEvent(position: position, reason: "its event id is not 16 bytes") }
        guard let schema = Int(exactly: schemaVersion) else {
            throw LogError.corruptEvent(position: position, reason: "its schema version is out of range")
        }
        return RecordedEvent(
            position: position, eventID: id.readableBytesView.withUnsafeBytes { UUIDText.format($0) }, streamID: stream, streamVersion: version, type: type,
            schemaVersion: schema, occurredAt: occurredAt, recordedAt: recordedAt, actor: actor, source: source,
            correlationID: correlation, causationID: causation, data: Array(data.readableBytesView), hash: Array(hash.readableBytesView))
    }

    func events(withIDs ids: [String]) async throws -> [String: RecordedEvent] {
        let uuids = ids.compactMap { UUIDText.parse($0).map { ByteBuffer(bytes: $0) } }
        guard !uuids.isEmpty else { return [:] }
        var found: [String: RecordedEvent] = [:]
        // One index probe per id (`LATERAL`): `event_id = ANY(…)` lets the planner scan the whole
        // table against the list, which it does while a table just filled has no statistics.
        for event in try await events("""
            SELECT \(unescaped: Self.qualifiedColumns) FROM unnest(\(uuids)::bytea[]) AS wanted (id),
                LATERAL (SELECT * FROM \(unescaped: tables.events) WHERE event_id = wanted.id) AS e
            """) {
            found[event.eventID] = event
        }
        return found
    }

    /// A chunk's two lookups in one request: the events found under its ids (the log's columns,
    /// then two NULLs), then a row for each of its streams that has events (NULL event columns,
    /// then the stream and its version).
    func lookUp(eventIDs: [String], streams: [String]) async throws -> ChunkLookup {
        let uuids = eventIDs.compactMap { UUIDText.parse($0).map { ByteBuffer(bytes: $0) } }
        guard !uuids.isEmpty, !streams.isEmpty else {
            return ChunkLookup(events: try await events(withIDs: eventIDs), versions: try await versions(ofStreams: streams))
        }
        let nulls = Self.columnNames.map { _ in "NULL" }.joined(separator: ", ")
        var lookup = ChunkLookup(events: [:], versions: [:])
        for try await row in try await run("""
            SELECT \(unescaped: Self.qualifiedColumns), NULL::text, NULL::bigint FROM unnest(\(uuids)::bytea[]) AS wanted (id),
                LATERAL (SELECT * FROM \(unescaped: tables.events) WHERE event_id = wanted.id) AS e
            UNION ALL
            SELECT \(unescaped: nulls), wanted.stream, last.version FROM unnest(\(streams)::text[]) AS wanted (stream),
                LATERAL (SELECT stream_version AS version FROM \(unescaped: tables.events) WHERE stream_id = wanted.stream
                         ORDER BY stream_version DESC LIMIT 1) AS last
            """) {
            let cells = PostgresRandomAccessRow(row)
            if let stream = try? cells[Self.columnNames.count].decode(String?.self, context: .default) {
                guard let version = try? cells[Self.columnNames.count + 1].decode(Int64.self, context: .default) else {
                    throw LogError.corruptTable(table: "events", reason: "a stream version is empty or not a value of its kind")
                }
                lookup.versions[stream] = version
            } else {
                let event = try Self.event(from: row)
                lookup.events[event.eventID] = event
            }
        }
        return lookup
    }

    func versions(ofStreams streamIDs: [String]) async throws -> [String: Int64] {
        guard !streamIDs.isEmpty else { return [:] }
        // Each stream's last version from the end of its index, one probe per stream.
        let rows = try await pairs("""
            SELECT wanted.stream, last.version FROM unnest(\(streamIDs)::text[]) AS wanted (stream),
                LATERAL (SELECT stream_version AS version FROM \(unescaped: tables.events) WHERE stream_id = wanted.stream
                         ORDER BY stream_version DESC LIMIT 1) AS last
            """, as: (String, Int64).self, table: "events", damage: "a stream id or stream version is empty or not a value of its kind")
        return Dictionary(rows, uniquingKeysWith: { _, last in last })
    }

    func sealedPersonalData(pseudonym: String) async throws -> [UInt8]? {
        try await first("SELECT sealed FROM \(unescaped: tables.sealed) WHERE pseudonym = \(pseudonym)", as: ByteBuffer.self)
            .map { Array($0.readableBytesView) }
    }

    func erasedPseudonyms() async throws -> Set<String> {
        Set(try await all("SELECT DISTINCT pseudonym FROM \(unescaped: tables.erasures)", as: String.self, table: "personal_data_erasures"))
    }

    func metadata(_ key: String) async throws -> String? {
        try await first("SELECT value FROM \(unescaped: tables.meta) WHERE key = \(key)", as: String.self)
    }

    func namesDigests(positions: [Int64]) async throws -> [Int64: [UInt8]] {
        guard !positions.isEmpty else { return [:] }
        let rows = try await pairs(
            "SELECT position, digest FROM \(unescaped: tables.namesDigests) WHERE position = ANY(\(positions))", as: (Int64, ByteBuffer).self,
            table: "event_names_digests", damage: "a position or digest is empty or not a value of its kind")
        return Dictionary(rows.map { ($0.0, Array($0.1.readableBytesView)) }, uniquingKeysWith: { _, last in last })
    }

    func partyRows(after row: PartyRow?, limit: Int) async throws -> [PartyRow] {
        let query: PostgresQuery = if let row {
            "SELECT party, position FROM \(unescaped: tables.parties) WHERE (party, position) > (\(row.party), \(row.position)) ORDER BY party, position LIMIT \(Int64(limit))"
        } else {
            "SELECT party, position FROM \(unescaped: tables.parties) ORDER BY party, position LIMIT \(Int64(limit))"
        }
        return try await pairs(query, as: (String, Int64).self, table: "event_parties",
                               damage: "a party or position is empty or not a value of its kind").map { PartyRow(party: $0.0, position: $0.1) }
    }

    func namedParties(_ parties: [String]) async throws -> Set<String> {
        guard !parties.isEmpty else { return [] }
        return Set(try await all(
            "SELECT DISTINCT party FROM \(unescaped: tables.parties) WHERE party = ANY(\(parties))", as: String.self, table: "event_parties"))
    }

    func partyRowsExist(_ rows: [PartyRow]) async throws -> [Bool] {
        guard !rows.isEmpty else { return [] }
        var present: Set<PartyRow> = []
        let found = try await run("""
            SELECT p.party, p.position FROM \(unescaped: tables.parties) p
            JOIN unnest(\(rows.map(\.party))::text[], \(rows.map(\.position))::bigint[]) AS wanted (party, position)
            ON p.party = wanted.party AND p.position = wanted.position
            """)
        for try await row in found {
            if let (party, position) = try? row.decode((String, Int64).self, context: .default) {
                present.insert(PartyRow(party: party, position: position))
            }
        }
        return rows.map(present.contains)
    }

    func sealedPersonalRows(after pseudonym: String?, limit: Int) async throws -> [SealedPersonalRecord] {
        try await pairs("""
            SELECT pseudonym, sealed FROM \(unescaped: tables.sealed) WHERE pseudonym > \(pseudonym ?? "") ORDER BY pseudonym LIMIT \(Int64(limit))
            """, as: (String, ByteBuffer).self, table: "personal_data_sealed",
            damage: "a pseudonym or sealed record is empty or not a value of its kind"
        ).map { SealedPersonalRecord(pseudonym: $0.0, sealed: Array($0.1.readableBytesView), named: true) }
    }

    func erasures() async throws -> [PersonalDataErasure] {
        let damage = "a pseudonym or time is empty or malformed"
        return try await pairs("SELECT pseudonym, erased_at FROM \(unescaped: tables.erasures) ORDER BY erased_at COLLATE \"C\", pseudonym",
                               as: (String, String).self, table: "personal_data_erasures", damage: damage).map { pseudonym, at in
            guard let time = Timestamp(at) else { throw LogError.corruptTable(table: "personal_data_erasures", reason: damage) }
            return PersonalDataErasure(pseudonym: pseudonym, erasedAt: time)
        }
    }

    func allMetadata() async throws -> [String: String] {
        Dictionary(try await pairs("SELECT key, value FROM \(unescaped: tables.meta)", as: (String, String).self, table: "ledger_meta",
                                   damage: "a key or value is empty or not text"), uniquingKeysWith: { _, last in last })
    }

    // MARK: Writing

    func storePartyRows(_ rows: [PartyRow]) async throws {
        guard !rows.isEmpty else { return }
        try await run("""
            INSERT INTO \(unescaped: tables.parties) (party, position) SELECT * FROM unnest(\(rows.map(\.party))::text[], \(rows.map(\.position))::bigint[])
            """)
    }

    func recordErasure(_ erasure: PersonalDataErasure) async throws {
        try await run("INSERT INTO \(unescaped: tables.erasures) (pseudonym, erased_at) VALUES (\(erasure.pseudonym), \(erasure.erasedAt.description))")
    }

    /// A chunk's inserts run on the server while the log decides the next chunk.
    var overlapsStores: Bool { true }

    /// A chunk of at least this many events goes by `COPY`; a smaller one, in one statement.
    /// Each `COPY` waits for the server before it sends its rows, so three of them cost six
    /// round trips where one statement costs one: worth it only for rows enough that reading
    /// them straight beats taking them out of arrays (a single append is the common small one).
    static let copyFrom = 256

    /// A small chunk whole in one statement; a large one's events, parties and names digests by
    /// `COPY` first, then the rest in that statement.
    func store(_ events: [StoredEvent], people: [SealedPersonalRecord], head: ChainHead) async throws {
        try await prepareStore(events, people: people, head: head)()
    }

    /// The chunk's rows encoded now, in the form they are sent in; sent by the function returned.
    func prepareStore(_ events: [StoredEvent], people: [SealedPersonalRecord], head: ChainHead) throws -> @Sendable () async throws -> Void {
        let (replacing, keeping) = Self.personalRecords(people)
        var arrays = Columns()
        var copied: CopyTables?
        if events.count < Self.copyFrom {
            try Self.write(events, into: &arrays)
        } else {
            var rows = CopyTables(count: events.count)
            try Self.write(events, into: &rows)
            copied = rows
        }
        return { [arrays, copied] in
            if let rows = copied {
                try await copy(rows.events, into: "events", columns: Self.columnNames)
                if !rows.parties.isEmpty { try await copy(rows.parties, into: "event_parties", columns: ["party", "position"]) }
                if !rows.digests.isEmpty { try await copy(rows.digests, into: "event_names_digests", columns: ["position", "digest"]) }
            }
            try await storeInOneStatement(arrays, replacing: replacing, keeping: keeping, head: head)
        }
    }

    /// Where a chunk's rows are written, in one of the two forms the server takes them.
    protocol RowSink {
        /// One event's row; `id` is its event id's 16 bytes.
        mutating func event(_ event: RecordedEvent, id: [UInt8])
        mutating func party(_ party: String, position: Int64)
        mutating func digest(_ digest: [UInt8], position: Int64)
    }

    /// Each event of `stored`, its parties and its names digest, into `sink`.
    static func write(_ stored: [StoredEvent], into sink: inout some RowSink) throws {
        for item in stored {
            let event = item.event
            guard let id = UUIDText.parse(event.eventID) else { throw LogError.storage("the event id \(event.eventID) is not a UUID") }
            sink.event(event, id: id)
            for party in item.parties { sink.party(party.id, position: event.position) }
            if let digest = item.namesDigest { sink.digest(digest, position: event.position) }
        }
    }

    /// A chunk's rows as the arrays of one statement (none: no rows).
    struct Columns: RowSink {
        var positions: [Int64] = [], ids: [ByteBuffer] = [], streams: [String] = [], versions: [Int64] = []
        var types: [String] = [], schemaVersions: [Int64] = [], occurred: [String] = [], recorded: [String] = []
        var actors: [String] = [], sources: [String] = [], correlations: [String] = [], hasCorrelation: [Bool] = []
        var causations: [String] = [], hasCausation: [Bool] = [], data: [String] = [], hashes: [ByteBuffer] = []
        var partyNames: [String] = [], partyPositions: [Int64] = []
        var digestPositions: [Int64] = [], digests: [ByteBuffer] = []

        mutating func event(_ event: RecordedEvent, id: [UInt8]) {
            positions.append(event.position)
            ids.append(ByteBuffer(bytes: id))
            streams.append(event.streamID)
            versions.append(event.streamVersion)
            types.append(event.type)
            schemaVersions.append(Int64(event.schemaVersion))
            occurred.append(event.occurredAt.description)
            recorded.append(event.recordedAt.description)
            actors.append(event.actor)
            sources.append(event.source)
            correlations.append(event.correlationID ?? "")
            hasCorrelation.append(event.correlationID != nil)
            causations.append(event.causationID ?? "")
            hasCausation.append(event.causationID != nil)
            data.append(String(decoding: event.data, as: UTF8.self))
            hashes.append(ByteBuffer(bytes: event.hash))
        }

        mutating func party(_ party: String, position: Int64) {
            partyNames.append(party)
            partyPositions.append(position)
        }

        mutating func digest(_ digest: [UInt8], position: Int64) {
            digestPositions.append(position)
            digests.append(ByteBuffer(bytes: digest))
        }
    }

    /// A chunk's rows for `COPY`: its events', its parties' and its names digests'.
    struct CopyTables: RowSink {
        var events: CopyRows, parties: CopyRows, digests = CopyRows(capacity: 0)

        init(count: Int) {
            events = CopyRows(capacity: count * 640)
            parties = CopyRows(capacity: count * 80)
        }

        mutating func event(_ event: RecordedEvent, id: [UInt8]) {
            events.integer(event.position)
            events.bytea(id)
            events.text(event.streamID)
            events.integer(event.streamVersion)
            events.text(event.type)
            events.integer(Int64(event.schemaVersion))
            events.text(event.occurredAt.description)
            events.text(event.recordedAt.description)
            events.text(event.actor)
            events.text(event.source)
            events.text(event.correlationID)
            events.text(event.causationID)
            events.text(String(decoding: event.data, as: UTF8.self))
            events.bytea(event.hash)
            events.endRow()
        }

        mutating func party(_ party: String, position: Int64) {
            parties.text(party)
            parties.integer(position)
            parties.endRow()
        }

        mutating func digest(_ digest: [UInt8], position: Int64) {
            digests.integer(position)
            digests.bytea(digest)
            digests.endRow()
        }
    }

    /// One statement: the chunk's events, their parties and names digests from `c` (none when
    /// they went by `COPY`), the people's sealed records and the head, each table's rows from
    /// arrays (`unnest`; an empty array adds none). The tables differ, but for the sealed
    /// records, whose two parts name different people.
    private func storeInOneStatement(_ c: Columns, replacing: [SealedPersonalRecord], keeping: [SealedPersonalRecord],
                                     head: ChainHead) async throws {
        try await run("""
            WITH added AS (
                INSERT INTO \(unescaped: tables.events) (\(unescaped: Self.columns))
                SELECT position, event_id, stream_id, stream_version, type, schema_version, occurred_at, recorded_at, actor, source,
                       CASE WHEN has_correlation THEN correlation_id END, CASE WHEN has_causation THEN causation_id END, data, hash
                FROM unnest(\(c.positions)::bigint[], \(c.ids)::bytea[], \(c.streams)::text[], \(c.versions)::bigint[], \(c.types)::text[],
                            \(c.schemaVersions)::bigint[], \(c.occurred)::text[], \(c.recorded)::text[], \(c.actors)::text[], \(c.sources)::text[],
                            \(c.correlations)::text[], \(c.hasCorrelation)::boolean[], \(c.causations)::text[], \(c.hasCausation)::boolean[],
                            \(c.data)::text[], \(c.hashes)::bytea[])
                     AS new (position, event_id, stream_id, stream_version, type, schema_version, occurred_at, recorded_at, actor, source,
                             correlation_id, has_correlation, causation_id, has_causation, data, hash)
            ), parties AS (
                INSERT INTO \(unescaped: tables.parties) (party, position) SELECT * FROM unnest(\(c.partyNames)::text[], \(c.partyPositions)::bigint[])
            ), digests AS (
                INSERT INTO \(unescaped: tables.namesDigests) (position, digest) SELECT * FROM unnest(\(c.digestPositions)::bigint[], \(c.digests)::bytea[])
            ), replaced AS (
                INSERT INTO \(unescaped: tables.sealed) (pseudonym, sealed)
                SELECT * FROM unnest(\(replacing.map(\.pseudonym))::text[], \(replacing.map { ByteBuffer(bytes: $0.sealed) })::bytea[])
                ON CONFLICT (pseudonym) DO UPDATE SET sealed = excluded.sealed
            ), kept AS (
                INSERT INTO \(unescaped: tables.sealed) (pseudonym, sealed)
                SELECT * FROM unnest(\(keeping.map(\.pseudonym))::text[], \(keeping.map { ByteBuffer(bytes: $0.sealed) })::bytea[])
                ON CONFLICT (pseudonym) DO NOTHING
            )
            INSERT INTO \(unescaped: tables.head) (id, position, hash) VALUES (1, \(head.position), \(ByteBuffer(bytes: head.hash)))
            ON CONFLICT (id) DO UPDATE SET position = excluded.position, hash = excluded.hash
            """)
    }

    static let columnNames = columns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }

    /// Sends `rows` to one of the ledger's tables in one `COPY … FROM STDIN`. `COPY` names its
    /// table alone: the write transaction has put the ledger's schema on its search path
    /// (``PostgresEventStorage/transaction(readOnly:_:)``).
    private func copy(_ rows: CopyRows, into table: String, columns: [String]) async throws {
        try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
            try await writer.write(rows.buffer)
        }
    }

    /// The people's sealed records to keep: a named record replaces the one held, one without a
    /// name only makes sure a record exists. Within a chunk the last named record of a person
    /// wins, as if the records were kept one after another; a person has one record or the other.
    static func personalRecords(_ records: [SealedPersonalRecord]) -> (replacing: [SealedPersonalRecord], keeping: [SealedPersonalRecord]) {
        var named: [String: SealedPersonalRecord] = [:], unnamed: [String: SealedPersonalRecord] = [:]
        var order: [String] = []
        for record in records {
            if named[record.pseudonym] == nil, unnamed[record.pseudonym] == nil { order.append(record.pseudonym) }
            if record.named { named[record.pseudonym] = record } else if unnamed[record.pseudonym] == nil { unnamed[record.pseudonym] = record }
        }
        return (order.compactMap { named[$0] }, order.compactMap { named[$0] == nil ? unnamed[$0] : nil })
    }

    func erasePersonalRecord(pseudonym: String, at time: Timestamp) async throws -> Bool {
        let erased = try await first(
            "WITH gone AS (DELETE FROM \(unescaped: tables.sealed) WHERE pseudonym = \(pseudonym) RETURNING 1) SELECT count(*) FROM gone",
            as: Int64.self) ?? 0
        // The digests of the names their events gave go with them.
        try await run("""
            DELETE FROM \(unescaped: tables.namesDigests) WHERE position IN (SELECT position FROM \(unescaped: tables.parties) WHERE party = \(pseudonym))
            """)
        guard erased > 0 else { return false }
        try await run("INSERT INTO \(unescaped: tables.erasures) (pseudonym, erased_at) VALUES (\(pseudonym), \(time.description))")
        return true
    }

    func setMetadata(_ key: String, _ value: String) async throws {
        try await run("""
            INSERT INTO \(unescaped: tables.meta) (key, value) VALUES (\(key), \(value)) ON CONFLICT (key) DO UPDATE SET value = excluded.value
            """)
    }

    /// A ledger on PostgreSQL never held personal data in the clear.
    func sealClearPersonalData(_ seal: @escaping @Sendable (PersonalRecord) throws -> SealedPersonalRecord) async throws -> Int { 0 }
}
