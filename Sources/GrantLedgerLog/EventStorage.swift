import GrantLedgerEvents

/// Where the log keeps its events: the seam between the log's rules (validation, idempotency,
/// the hash chain, pseudonyms), which ``EventLog`` implements once, and a database.
///
/// A backend gives transactions and a handful of primitive reads and writes. It must enforce
/// that event ids are unique and that (stream id, stream version) pairs are unique, and it
/// must make a write transaction's effects durable when it returns. ``SQLiteEventStorage`` is
/// the first backend; the contract tests in `Tests/GrantLedgerLogTests` are what any other
/// backend (PostgreSQL, say) must pass.
///
/// ## Concurrency contract
/// - **Appends are serialised by the backend.** At most one write transaction runs at a time
///   per ledger, across threads, processes and (for a server database) machines: SQLite's
///   single writer; on PostgreSQL, a transaction-scoped advisory lock taken first. Inside it,
///   ``EventLog`` reads the head and assigns the next positions, gapless, so positions are never
///   assigned outside the lock.
/// - **A (stream, version) conflict** is decided inside that transaction, against the stream's
///   version as committed: the line is rejected with the version expected and the one found
///   (``LineIssue/versionConflict``), and nothing of its batch is written. The backend's unique
///   (stream id, version) and event id constraints are the last guard, reported as
///   ``EventStorageConflict``, never as database text.
/// - **Readers see whole transactions, in position order, never a gap.** A read runs on a
///   snapshot: it sees every event of the transactions committed before it began and nothing of
///   one in flight, so a reader following `position > last` never skips a position that commits
///   later (each commit holds the lock, so a lower position cannot commit after a higher one).
/// - **Durability:** when `write` returns, its events survive a crash.
///
/// Front ends that are `async` (the HTTP service) call the log off the cooperative thread pool,
/// on a pool for blocking work; reads are streamed to `body` one event at a time.
public protocol EventStorage: Sendable {
    /// Runs `body` in one write transaction; if `body` throws, nothing it wrote is kept.
    func write<T>(_ body: (any EventStorageWriter) throws -> T) throws -> T
    /// Runs `body` on a consistent snapshot of the log.
    func read<T>(_ body: (any EventStorageReader) throws -> T) throws -> T
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

public protocol EventStorageReader {
    /// The last event's position and hash, or nil for an empty log.
    func lastEvent() throws -> ChainHead?
    /// The head the log recorded at its last commit (kept apart from the events, so that
    /// removing events from the end is noticed).
    func recordedHead() throws -> ChainHead?
    /// Calls `body` with each matching event in position order until it returns false.
    func forEachEvent(_ query: EventQuery, _ body: (RecordedEvent) throws -> Bool) throws
    func event(withID eventID: String) throws -> RecordedEvent?
    /// The stream's current version, or nil if it has no events.
    func version(ofStream streamID: String) throws -> Int64?
    func personalRecord(pseudonym: String) throws -> PersonalRecord?
    /// A setting of the ledger (e.g. the key fingerprint).
    func metadata(_ key: String) throws -> String?
}

extension EventStorageReader {
    /// The event at `position`, or nil past the end.
    public func event(at position: Int64) throws -> RecordedEvent? {
        var found: RecordedEvent?
        try forEachEvent(EventQuery(from: position, to: position)) { found = $0; return false }
        return found
    }
}

/// Conflicts a backend reports in its domain's words rather than its database's.
public enum EventStorageConflict: Error, Equatable {
    /// An event with this id is already stored. Nothing of the insert was written.
    case duplicateEventID(String)
}

public protocol EventStorageWriter: EventStorageReader {
    /// Inserts one event, whose position must follow the last one, and indexes its parties.
    /// Throws ``EventStorageConflict/duplicateEventID(_:)`` if the event id is taken.
    func insert(_ event: RecordedEvent, parties: [PartyReference]) throws
    func setRecordedHead(_ head: ChainHead) throws
    /// Keeps a person's resident ID and name apart from the log.
    func storePersonalRecord(_ record: PersonalRecord) throws
    /// Erases a person's personal data; returns false if none was held.
    func erasePersonalRecord(pseudonym: String, at time: Timestamp) throws -> Bool
    func setMetadata(_ key: String, _ value: String) throws
}
