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

    public init(
        storage: any EventStorage, catalog: EventCatalog = .standard, pseudonymizer: Pseudonymizer?,
        clauses: ClauseCheck, clock: any RecordingClock = SystemClock()
    ) throws {
        self.storage = storage
        self.catalog = catalog
        self.pseudonymizer = pseudonymizer
        self.clauses = clauses
        self.clock = clock
        if let pseudonymizer {
            switch try storage.read({ try $0.metadata("key-fingerprint") }) {
            case pseudonymizer.fingerprint?: break
            case nil:
                // The first key used with a ledger becomes its key.
                try storage.write { writer in
                    if try writer.metadata("key-fingerprint") == nil {
                        try writer.setMetadata("key-fingerprint", pseudonymizer.fingerprint)
                    }
                }
            default: throw LogError.wrongKey(path: "the key given")
            }
        }
    }

    // MARK: - Appending

    /// Appends every line as one transaction: all of them, or, if any line is rejected,
    /// none. Events already in the log (same event id, same content) are reported as
    /// duplicates and not appended again.
    public func append(_ lines: some Sequence<SubmissionLine>) throws -> AppendReport {
        do {
            return try storage.write { writer in
                var batch = AppendBatch(log: self, writer: writer, now: clock.now())
                try batch.start()
                let catalog = self.catalog, pseudonymizer = self.pseudonymizer, clauses = self.clauses
                // Two-stage pipeline: while this thread chains and inserts one chunk, the next
                // chunk is parsed, validated and pseudonymised on another core. Order, and
                // so the chain, is kept because chunks are consumed in the order read.
                var iterator = lines.makeIterator()
                var inFlight: PipelinedChunk<AppendBatch.Prepared>?
                while true {
                    var chunk: [SubmissionLine] = []
                    chunk.reserveCapacity(Self.chunkSize)
                    while chunk.count < Self.chunkSize, let line = iterator.next() { chunk.append(line) }
                    let lines = chunk
                    let next = chunk.isEmpty ? nil : PipelinedChunk(inBackground: inFlight != nil || chunk.count == Self.chunkSize) {
                        lines.map { AppendBatch.prepare($0, catalog: catalog, clauses: clauses, pseudonymizer: pseudonymizer) }
                    }
                    if let inFlight {
                        for prepared in inFlight.wait() { try batch.add(prepared) }
                    }
                    guard let next else { break }
                    inFlight = next
                }
                return try batch.finish()
            }
        } catch let rollback as AppendBatch.Rollback {
            return rollback.report
        }
    }

    /// Lines prepared together; large enough to amortise a thread hand-off, small enough
    /// that two chunks in flight stay a few megabytes.
    public static let chunkSize = 1024

    /// Appends submissions already parsed (for tools that build events in code).
    public func append(_ submissions: [EventSubmission]) throws -> AppendReport {
        try append(submissions.enumerated().map { index, submission in
            SubmissionLine(number: index + 1, bytes: CanonicalJSON.encode(submission.jsonValue))
        })
    }

    // MARK: - Reading

    /// Runs `body` on one consistent snapshot of the log. Use the reader it is given for every
    /// read inside `body`: the log's other read methods must not be called from there.
    public func read<T>(_ body: (any EventStorageReader) throws -> T) throws -> T {
        try storage.read(body)
    }

    /// Calls `body` with each event matching `query`, in order, until it returns false.
    /// Memory does not grow with the number of events.
    public func forEachEvent(_ query: EventQuery = EventQuery(), _ body: (RecordedEvent) throws -> Bool) throws {
        try storage.read { reader in try reader.forEachEvent(query, body) }
    }

    /// Like ``forEachEvent(_:_:)``, with each event's data upgraded and decoded into its type.
    ///
    /// Decoding is most of the cost of a read, so long reads decode the next chunk of events
    /// on another core while `body` handles this one; events still arrive one by one, in order.
    public func forEachTypedEvent(_ query: EventQuery = EventQuery(), _ body: (TypedEvent) throws -> Bool) throws {
        try storage.read { reader in
            var chunk: [RecordedEvent] = []
            var inFlight: PipelinedChunk<Result<TypedEvent, any Error>>?
            var stopped = false
            func deliver(_ decoded: PipelinedChunk<Result<TypedEvent, any Error>>?) throws {
                guard let decoded, !stopped else { return }
                for result in decoded.wait() where !stopped {
                    if try !body(try result.get()) { stopped = true }
                }
            }
            func decode(_ events: [RecordedEvent], inBackground: Bool) -> PipelinedChunk<Result<TypedEvent, any Error>> {
                PipelinedChunk(inBackground: inBackground) { events.map { event in Result { try self.typed(event) } } }
            }
            try reader.forEachEvent(query) { event in
                chunk.append(event)
                guard chunk.count == Self.chunkSize else { return true }
                let next = decode(chunk, inBackground: true)
                chunk.removeAll(keepingCapacity: true)
                try deliver(inFlight)
                inFlight = next
                return !stopped
            }
            let last = chunk.isEmpty ? nil : decode(chunk, inBackground: false)
            try deliver(inFlight)
            try deliver(last)
        }
    }

    public func typed(_ event: RecordedEvent) throws -> TypedEvent {
        TypedEvent(envelope: event, payload: try event.payload(in: catalog))
    }

    public func events(_ query: EventQuery) throws -> [RecordedEvent] {
        var events: [RecordedEvent] = []
        try forEachEvent(query) { events.append($0); return true }
        return events
    }

    public func event(withID eventID: String) throws -> RecordedEvent? {
        try storage.read { try $0.event(withID: eventID.lowercased()) }
    }

    public func head() throws -> ChainHead? { try storage.read { try $0.lastEvent() } }

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
            throw PartyError(text: text, problem: "is a resident ID, and looking it up needs the pseudonym key: pass --key-file, or give the pseudonym instead")
        }
        return pseudonymizer.pseudonym(for: id)
    }

    public func personalRecord(pseudonym: String) throws -> PersonalRecord? {
        try storage.read { try $0.personalRecord(pseudonym: pseudonym) }
    }

    /// Erases the resident ID and name held for a person. The events and their hash chain are
    /// untouched: they only ever held the pseudonym.
    @discardableResult
    public func forget(person text: String) throws -> String {
        let pseudonym = try partyKey(for: text)
        guard Pseudonym.isPseudonym(pseudonym) else { throw PartyError(text: text, problem: "is not a person") }
        let erased = try storage.write { try $0.erasePersonalRecord(pseudonym: pseudonym, at: clock.now()) }
        guard erased else { throw LogError.personNotFound(Pseudonym.isPseudonym(text) ? text : ResidentID.mask(text)) }
        return pseudonym
    }

    public struct PartyError: Error, CustomStringConvertible {
        public let text: String
        public let problem: String
        public var description: String { "\"\(ResidentID.mask(text))\" \(problem)" }
    }
}
