import Foundation
import GrantLedgerEvents

/// The append-only, hash-chained event log: the one place where events are validated,
/// pseudonymised, chained and stored, whatever the storage backend.
public final class EventLog: Sendable {
    public let storage: any EventStorage
    public let catalog: EventCatalog
    /// Nil when the key file is not at hand: reading and verifying still work.
    public let pseudonymizer: Pseudonymizer?
    public let clock: any RecordingClock
    /// How appended events' clause ids are checked: against the policy catalog, or for their
    /// shape only. No default: each front end says which (see ``ClauseCheck``).
    public let clauses: ClauseCheck
    /// What the last append committed through this log knew of its streams and people, and
    /// the head it left: the next append starts from it if the log's head is still that one.
    let memory = AppendMemory()

    /// Opens the log over `storage`. With a pseudonymizer, checks that its key is the
    /// ledger's (the first key used with a ledger becomes its key).
    public init(
        storage: any EventStorage, catalog: EventCatalog = .standard, pseudonymizer: Pseudonymizer?,
        clauses: ClauseCheck, clock: any RecordingClock = SystemClock()
    ) async throws {
        self.storage = storage
        self.catalog = catalog
        self.pseudonymizer = pseudonymizer
        self.clauses = clauses
        self.clock = clock
        if let pseudonymizer {
            switch try await storage.read({ try await $0.metadata("key-fingerprint") }) {
            case pseudonymizer.fingerprint?: break
            case nil where storage.isReadOnly: break
            case nil:
                let fingerprint = pseudonymizer.fingerprint
                try await storage.write { writer in
                    if try await writer.metadata("key-fingerprint") == nil {
                        try await writer.setMetadata("key-fingerprint", fingerprint)
                    }
                }
            default: throw LogError.wrongKey(path: "the key given")
            }
            // A ledger from before personal data was sealed is sealed at its first open with the key.
            if !storage.isReadOnly, try await storage.read({ try await $0.metadata(Self.personalDataKey) }) != Self.sealed {
                let seal = pseudonymizer.personalData
                try await storage.write { writer in
                    _ = try await writer.sealClearPersonalData { try seal.seal($0) }
                    try await writer.setMetadata(Self.personalDataKey, Self.sealed)
                }
            }
        }
    }

    /// The ledger setting that says its personal data is sealed (``PersonalDataSeal``).
    static let personalDataKey = "personal-data"
    static let sealed = "sealed"

    // MARK: - Appending

    /// Appends every line as one transaction: all of them, or, if any line is rejected,
    /// none. Events already in the log (same event id, same content) are reported as
    /// duplicates and not appended again.
    ///
    /// Lines are taken a chunk at a time. While one chunk is looked up, chained and stored,
    /// the next is parsed, validated and pseudonymised on another core; chunks are consumed in
    /// the order read, so the chain keeps the input's order. On a server database a chunk's
    /// inserts also run while the next chunk is chained (``EventStorageWriter/overlapsStores``).
    public func append(_ lines: some Sequence<SubmissionLine>) async throws -> AppendReport {
        let now = clock.now()
        do {
            var committed: AppendMemory.Kept?
            let report = try await storage.write { writer in
                var batch = AppendBatch(writer: writer, now: now, seal: self.pseudonymizer?.personalData)
                try await batch.start(remembering: memory.take())
                let catalog = self.catalog, pseudonymizer = self.pseudonymizer, clauses = self.clauses
                @Sendable func prepare(_ lines: [SubmissionLine]) -> [AppendBatch.Prepared] {
                    lines.map { AppendBatch.prepare($0, catalog: catalog, clauses: clauses, pseudonymizer: pseudonymizer) }
                }
                var iterator = lines.makeIterator()
                var inFlight: Task<[AppendBatch.Prepared], Never>?
                do {
                    while true {
                        var chunk: [SubmissionLine] = []
                        chunk.reserveCapacity(Self.chunkSize)
                        while chunk.count < Self.chunkSize, let line = iterator.next() { chunk.append(line) }
                        if chunk.isEmpty {
                            if let inFlight { try await batch.add(await inFlight.value) }
                            break
                        }
                        if inFlight == nil && chunk.count < Self.chunkSize {
                            // A small append: no second stage to overlap with.
                            try await batch.add(prepare(chunk))
                            break
                        }
                        let lines = chunk
                        let next = Task.detached(priority: .userInitiated) { prepare(lines) }
                        if let inFlight { try await batch.add(await inFlight.value) }
                        inFlight = next
                    }
                    let report = try await batch.finish()
                    committed = batch.known
                    return report
                } catch {
                    await batch.abandon()
                    throw error
                }
            }
            // Only once the transaction is committed: a rolled-back append leaves no memory.
            if let committed { memory.keep(committed) }
            return report
        } catch let rollback as AppendBatch.Rollback {
            return rollback.report
        }
    }

    /// Lines prepared and stored together; large enough to amortise a thread hand-off and a
    /// round trip to the store, small enough that two chunks in flight stay a few megabytes.
    public static let chunkSize = 1024

    /// Appends submissions already parsed (for tools that build events in code).
    public func append(_ submissions: [EventSubmission]) async throws -> AppendReport {
        try await append(submissions.enumerated().map { index, submission in
            SubmissionLine(number: index + 1, bytes: CanonicalJSON.encode(submission.jsonValue))
        })
    }

    // MARK: - Reading

    /// Runs `body` on one consistent snapshot of the log.
    public func read<T: Sendable>(_ body: (any EventStorageReader) async throws -> T) async throws -> T {
        try await storage.read(body)
    }

    /// The events matching `query`, in position order, read a page at a time: memory does not
    /// grow with the number of events, and the next page is read while this one is handled.
    /// The read ends at the head as it stood when it began.
    public func events(_ query: EventQuery = EventQuery(), pageSize: Int = 512) -> EventStream<RecordedEvent> {
        EventStream(storage: storage, query: query, pageSize: pageSize) { $0 }
    }

    /// Like ``events(_:pageSize:)``, with each event's data upgraded and decoded into its type.
    /// Decoding is most of the cost of a read; it runs with the page's read, ahead of the
    /// caller.
    public func typedEvents(_ query: EventQuery = EventQuery(), pageSize: Int = 512) -> EventStream<TypedEvent> {
        EventStream(storage: storage, query: query, pageSize: pageSize) { [self] event in try typed(event) }
    }

    public func typed(_ event: RecordedEvent) throws -> TypedEvent {
        TypedEvent(envelope: event, payload: try event.payload(in: catalog))
    }

    /// Every event matching `query`, gathered (for tests and small reads).
    public func allEvents(_ query: EventQuery = EventQuery()) async throws -> [RecordedEvent] {
        var events: [RecordedEvent] = []
        for try await event in self.events(query) { events.append(event) }
        return events
    }

    public func event(withID eventID: String) async throws -> RecordedEvent? {
        let id = eventID.lowercased()
        return try await storage.read { try await $0.event(withID: id) }
    }

    public func head() async throws -> ChainHead? { try await storage.read { try await $0.lastEvent() } }

    // MARK: - People

    /// The key under which events name a party, from what a person types: a resident ID
    /// (needs the pseudonym key), a pseudonym, or a unified social credit code.
    public func partyKey(for text: String) throws -> String {
        if Pseudonym.isPseudonym(text) || CreditCode.isValid(text) { return text }
        let id: ResidentID
        do { id = try ResidentID(validating: text) } catch {
            throw PartyError(text: text, problem: "is neither a resident ID (\(error)), a pseudonym (P and 24 hex digits) nor a unified social credit code")
        }
        guard let pseudonymizer else {
            throw PartyError(text: text, problem: "is a resident ID, and looking it up needs the pseudonym key, which is not available: give the pseudonym instead",
                             needsKey: true)
        }
        return pseudonymizer.pseudonym(for: id)
    }

    /// The resident ID and name held for `pseudonym`, opened with the key; nil when none is
    /// held (never recorded, or erased). Without the key, a held record cannot be read.
    public func personalRecord(pseudonym: String) async throws -> PersonalRecord? {
        guard let sealed = try await storage.read({ try await $0.sealedPersonalData(pseudonym: pseudonym) }) else { return nil }
        guard let pseudonymizer else { throw LogError.missingKey(path: "the pseudonym key (personal data is sealed with it)") }
        return try pseudonymizer.personalData.open(sealed, pseudonym: pseudonym)
    }

    /// Erases the resident ID and name held for a person, then wipes the old copies of the
    /// pages that held them from the files (``EventStorage/wipeDeleted()``). The events and
    /// their hash chain are untouched: they only ever held the pseudonym. A person erased
    /// already is wiped again (for when a reader had held the first wipe back).
    @discardableResult
    public func forget(person text: String) async throws -> ForgetOutcome {
        let pseudonym = try partyKey(for: text)
        guard Pseudonym.isPseudonym(pseudonym) else { throw PartyError(text: text, problem: "is not a person") }
        let now = clock.now()
        let (erased, before) = try await storage.write { writer in
            (try await writer.erasePersonalRecord(pseudonym: pseudonym, at: now), try await writer.erasedPseudonyms().contains(pseudonym))
        }
        guard erased || before else { throw LogError.personNotFound(Pseudonym.isPseudonym(text) ? text : ResidentID.mask(text)) }
        return ForgetOutcome(pseudonym: pseudonym, alreadyErased: !erased, wiped: try await storage.wipeDeleted())
    }

    public struct ForgetOutcome: Sendable, Hashable {
        public let pseudonym: String
        /// The data had been erased before: this call only wiped again.
        public let alreadyErased: Bool
        /// The files no longer hold the erased data; false while another connection reads an
        /// older snapshot, which keeps the old pages until it ends.
        public let wiped: Bool
    }

    public struct PartyError: Error, CustomStringConvertible {
        public let text: String
        public let problem: String
        /// A resident ID given to a log without its pseudonym key.
        public var needsKey = false

        public init(text: String, problem: String, needsKey: Bool = false) {
            self.text = text
            self.problem = problem
            self.needsKey = needsKey
        }

        public var description: String { "\"\(ResidentID.mask(text))\" \(problem)" }
    }
}

/// What an append of this log knew when it committed, with the head it left: its streams'
/// versions, and the people whose personal data the store holds a record of. The next append
/// uses them only if the log's head is still that head: appends are serialised, so no other
/// writer has appended since, and every version is still the stream's. (Records only come by
/// appends, and go by erasure, after which no event may name the person by resident ID
/// again.) Otherwise, or when two appends of one log overlap, the second finding the memory
/// taken, it looks the streams up again and sends the people's records again.
final class AppendMemory: @unchecked Sendable {
    struct Kept {
        var head: ChainHead
        var streams: [String: Int64]
        var people: Set<String>
    }

    private let lock = NSLock()
    private var kept: Kept?

    /// What was kept, which no other append then takes.
    func take() -> Kept? {
        lock.withLock {
            defer { kept = nil }
            return kept
        }
    }

    func keep(_ memory: Kept) {
        lock.withLock { kept = memory }
    }
}
