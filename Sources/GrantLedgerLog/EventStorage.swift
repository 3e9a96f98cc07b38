import GrantLedgerEvents

/// Where the log keeps its events: the seam between the log's rules (validation, idempotency,
/// optimistic concurrency, the hash chain, pseudonyms), which ``EventLog`` implements once, and
/// a database.
///
/// The seam is `async` and coarse: a backend gives transactions, and reads and writes of whole
/// chunks of events (the ids and streams of up to ``EventLog/chunkSize`` lines at a time), so a
/// server database answers an append of a thousand lines in a handful of round trips rather
/// than thousands. ``SQLiteEventStorage`` is the first backend. The contract suite in
/// `Tests/GrantLedgerLogTests` takes a factory of storages and runs every test against each;
/// another backend (PostgreSQL on postgres-nio, say) joins by adding its factory.
///
/// ## Concurrency contract
/// - **Appends are serialised by the backend.** At most one ``write(_:)`` transaction runs at a
///   time per ledger, across tasks, processes and (for a server database) machines: SQLite's
///   single writer; on PostgreSQL, a transaction-scoped advisory lock taken first. Inside it,
///   ``EventLog`` reads the head and assigns the next positions, gapless; positions are never
///   assigned outside the lock. The body of a write may suspend: the transaction stays open,
///   and other writers wait for it.
/// - **A (stream, version) conflict** is decided inside that transaction, against the stream's
///   version as committed: the line is rejected with the version it expected and the one found
///   (``LineIssue/versionConflict``), and nothing of its batch is written. The backend's unique
///   (stream id, version) and event id constraints are the last guard, reported as
///   ``EventStorageConflict``, never as database text.
/// - **Readers see whole transactions, in position order, never a gap.** ``read(_:)`` runs on a
///   snapshot: it sees every event of the transactions committed before it began and nothing
///   of one in flight. A reader following `position > last` never skips a position that
///   commits later, because each commit holds the lock, so a lower position cannot commit after
///   a higher one. Long reads are streamed page by page (``EventLog/events(_:)``): events never
///   change once written, so pages read in separate snapshots, bounded by the head seen at the
///   start, form one consistent read.
/// - **Durability:** when ``write(_:)`` returns, its events survive a crash; if its body throws,
///   nothing it wrote is kept.
public protocol EventStorage: Sendable {
    /// Runs `body` in one write transaction; if `body` throws, nothing it wrote is kept.
    func write<T: Sendable>(_ body: (any EventStorageWriter) async throws -> T) async throws -> T
    /// Runs `body` on a consistent snapshot of the log.
    func read<T: Sendable>(_ body: (any EventStorageReader) async throws -> T) async throws -> T

    /// One page of events on a snapshot of its own: what ``EventStorageReader/events(_:after:limit:)``
    /// answers inside ``read(_:)``. A backend may answer it more directly; streamed reads use it
    /// page by page.
    func events(_ query: EventQuery, after position: Int64, limit: Int) async throws -> [RecordedEvent]
    /// The last event's position and hash, on a snapshot of its own.
    func lastEvent() async throws -> ChainHead?
    /// Whether the store can only be read (a file on read-only media, or handed over so):
    /// the log then writes nothing on opening, and every write fails with ``LogError/readOnly``.
    var isReadOnly: Bool { get }
    /// Makes what was deleted unreadable from the store's files (SQLite: checkpoints the whole
    /// WAL into the database, whose freed cells `secure_delete` zeroed, and truncates the WAL).
    /// False when it cannot yet: another connection is reading a snapshot that still holds the
    /// old pages, which stay until it ends.
    func wipeDeleted() async throws -> Bool
}

extension EventStorage {
    public var isReadOnly: Bool { false }

    public func wipeDeleted() async throws -> Bool { true }

    public func events(_ query: EventQuery, after position: Int64, limit: Int) async throws -> [RecordedEvent] {
        try await read { try await $0.events(query, after: position, limit: limit) }
    }

    public func lastEvent() async throws -> ChainHead? {
        try await read { try await $0.lastEvent() }
    }
}

/// Which events to read, in position order.
public struct EventQuery: Sendable, Hashable {
    public var fromPosition: Int64 = 1
    public var toPosition: Int64 = .max
    public var streamID: String?
    public var type: String?
    /// A pseudonym or credit code: events that name this party anywhere in their data.
    public var party: String?
    public var limit: Int?

    public init(
        from: Int64 = 1, to: Int64 = .max, streamID: String? = nil, type: String? = nil, party: String? = nil,
        limit: Int? = nil
    ) {
        self.fromPosition = from
        self.toPosition = to
        self.streamID = streamID
        self.type = type
        self.party = party
        self.limit = limit
    }
}

/// The personal data held apart from the log for one pseudonym.
public struct PersonalRecord: Sendable, Hashable {
    public let pseudonym: String
    public let residentID: ResidentID
    public let name: String?

    public init(pseudonym: String, residentID: ResidentID, name: String?) {
        self.pseudonym = pseudonym
        self.residentID = residentID
        self.name = name
    }
}

/// The last event of the log: its position and hash.
public struct ChainHead: Sendable, Hashable {
    public let position: Int64
    public let hash: [UInt8]

    public init(position: Int64, hash: [UInt8]) {
        self.position = position
        self.hash = hash
    }
}

/// An event for the store, with the parties (people and organisations) it names, which the
/// store indexes for queries by party.
public struct StoredEvent: Sendable, Hashable {
    public let event: RecordedEvent
    public let parties: [PartyReference]
    /// The keyed digest of the names the event gave (``Pseudonymizer/namesDigest(eventID:people:)``),
    /// kept beside it; nil when it gave none.
    public let namesDigest: [UInt8]?

    public init(_ event: RecordedEvent, parties: [PartyReference], namesDigest: [UInt8]? = nil) {
        self.event = event
        self.parties = parties
        self.namesDigest = namesDigest
    }
}

public protocol EventStorageReader: Sendable {
    /// The last event's position and hash, or nil for an empty log.
    func lastEvent() async throws -> ChainHead?
    /// The head the log recorded at its last commit (kept apart from the events, so that
    /// removing events from the end is noticed).
    func recordedHead() async throws -> ChainHead?
    /// One page of the events matching `query` whose position is above `position`, in position
    /// order: at most `limit` of them (and at most `query.limit`, counted from the query's start,
    /// is the caller's business).
    func events(_ query: EventQuery, after position: Int64, limit: Int) async throws -> [RecordedEvent]
    /// The events stored under these ids (lowercase UUIDs), by id; ids not stored are absent.
    func events(withIDs ids: [String]) async throws -> [String: RecordedEvent]
    /// The current version of each stream that has events; streams with none are absent.
    func versions(ofStreams streamIDs: [String]) async throws -> [String: Int64]
    /// The sealed personal data held for `pseudonym` (see ``PersonalDataSeal``), if any.
    func sealedPersonalData(pseudonym: String) async throws -> [UInt8]?
    /// Every pseudonym whose personal data was erased (``EventStorageWriter/erasePersonalRecord(pseudonym:at:)``).
    func erasedPseudonyms() async throws -> Set<String>
    /// A setting of the ledger (e.g. the key fingerprint).
    func metadata(_ key: String) async throws -> String?
    /// The names digests kept for the events at these positions (absent: none kept).
    func namesDigests(positions: [Int64]) async throws -> [Int64: [UInt8]]
    /// One page of the party index, in (party, position) order, after `row`.
    func partyRows(after row: PartyRow?, limit: Int) async throws -> [PartyRow]
    /// Which of `parties` the party index names at some position.
    func namedParties(_ parties: [String]) async throws -> Set<String>
    /// Whether the party index holds each of `rows`, in their order.
    func partyRowsExist(_ rows: [PartyRow]) async throws -> [Bool]
    /// One page of the sealed personal data, in pseudonym order, after `pseudonym`.
    func sealedPersonalRows(after pseudonym: String?, limit: Int) async throws -> [SealedPersonalRecord]
    /// Every erasure of personal data, by time and pseudonym.
    func erasures() async throws -> [PersonalDataErasure]
    /// Every setting of the ledger.
    func allMetadata() async throws -> [String: String]
}

/// An erasure of a person's personal data (`grants forget`): whose, and when.
public struct PersonalDataErasure: Sendable, Hashable {
    public let pseudonym: String
    public let erasedAt: Timestamp

    public init(pseudonym: String, erasedAt: Timestamp) {
        self.pseudonym = pseudonym
        self.erasedAt = erasedAt
    }
}

extension EventStorageReader {
    public func event(withID eventID: String) async throws -> RecordedEvent? {
        try await events(withIDs: [eventID])[eventID]
    }

    public func version(ofStream streamID: String) async throws -> Int64? {
        try await versions(ofStreams: [streamID])[streamID]
    }

    /// The event at `position`, or nil past the end.
    public func event(at position: Int64) async throws -> RecordedEvent? {
        try await events(EventQuery(from: position, to: position), after: position - 1, limit: 1).first
    }
}

/// Conflicts a backend reports in its domain's words rather than its database's.
public enum EventStorageConflict: Error, Equatable {
    /// An event with this id is already stored. Nothing of the insert was written.
    case duplicateEventID(String)
}

/// What the store holds of one chunk of lines: the events already stored under its ids, and
/// the current version of each stream it names (streams with no events are absent).
public struct ChunkLookup: Sendable {
    public var events: [String: RecordedEvent]
    public var versions: [String: Int64]

    public init(events: [String: RecordedEvent], versions: [String: Int64]) {
        self.events = events
        self.versions = versions
    }
}

/// What an append reads before its first chunk (``EventStorageWriter/appendStart(setting:)``).
public struct AppendStart: Sendable, Hashable {
    /// The last event's position and hash, or nil for an empty log.
    public var head: ChainHead?
    /// Every pseudonym whose personal data was erased.
    public var erased: Set<String>
    /// The value of the setting asked for, if set.
    public var setting: String?

    public init(head: ChainHead?, erased: Set<String>, setting: String?) {
        self.head = head
        self.erased = erased
        self.setting = setting
    }
}

public protocol EventStorageWriter: EventStorageReader {
    /// The last event, the erased pseudonyms and one setting of the ledger: what an append reads
    /// before its first chunk. By default three reads; a server database may answer in one
    /// request.
    func appendStart(setting key: String) async throws -> AppendStart
    /// The events stored under `eventIDs` and the versions of `streams`: what an append asks of
    /// the store before it decides a chunk. By default two reads, none for an empty list; a
    /// server database may answer it in one request.
    func lookUp(eventIDs: [String], streams: [String]) async throws -> ChunkLookup
    /// Stores one chunk in one request: inserts `events` (positions following the last one
    /// without a gap) and indexes their parties, keeps `people`'s personal data apart from
    /// the log, and records `head` as the log's head. Throws
    /// ``EventStorageConflict/duplicateEventID(_:)`` if an event id is taken (the log checks
    /// first; this is the last guard).
    /// A person's record without a name leaves a name already held in place.
    func store(_ events: [StoredEvent], people: [SealedPersonalRecord], head: ChainHead) async throws
    /// ``store(_:people:head:)`` in two steps: the work that needs no request (a server
    /// database's encoding of the rows) now, and the requests in the function it returns. The
    /// log prepares one chunk's store while the store before it runs. By default nothing is
    /// done before the requests.
    func prepareStore(_ events: [StoredEvent], people: [SealedPersonalRecord], head: ChainHead) throws -> @Sendable () async throws -> Void
    /// Whether the log may run ``store(_:people:head:)`` in a task of its own while it looks up
    /// and decides the next chunk (a server database, whose inserts then overlap the log's own
    /// work). Such a writer takes reads made while one store runs, and runs every request in
    /// the order made (a PostgreSQL connection queues them); a read may see that store's rows
    /// in part. The log starts no store before the one before it returns. False by default.
    var overlapsStores: Bool { get }
    /// Erases a person's personal data; returns false if none was held.
    func erasePersonalRecord(pseudonym: String, at time: Timestamp) async throws -> Bool
    /// Adds rows to the party index as they are (a ledger being loaded from an export).
    func storePartyRows(_ rows: [PartyRow]) async throws
    /// Records an erasure as it was (a ledger being loaded from an export).
    func recordErasure(_ erasure: PersonalDataErasure) async throws
    func setMetadata(_ key: String, _ value: String) async throws
    /// Seals personal data a store holds in the clear, from before it sealed it: hands each
    /// record to `seal`, keeps what it returns, and erases the clear copy. Returns how many
    /// records it sealed; a store that never held data in the clear returns 0.
    func sealClearPersonalData(_ seal: @escaping @Sendable (PersonalRecord) throws -> SealedPersonalRecord) async throws -> Int
}

extension EventStorageWriter {
    public var overlapsStores: Bool { false }

    public func prepareStore(_ events: [StoredEvent], people: [SealedPersonalRecord], head: ChainHead) throws -> @Sendable () async throws -> Void {
        { try await self.store(events, people: people, head: head) }
    }

    public func appendStart(setting key: String) async throws -> AppendStart {
        AppendStart(head: try await lastEvent(), erased: try await erasedPseudonyms(), setting: try await metadata(key))
    }

    public func lookUp(eventIDs: [String], streams: [String]) async throws -> ChunkLookup {
        ChunkLookup(events: eventIDs.isEmpty ? [:] : try await events(withIDs: eventIDs),
                    versions: streams.isEmpty ? [:] : try await versions(ofStreams: streams))
    }
}
