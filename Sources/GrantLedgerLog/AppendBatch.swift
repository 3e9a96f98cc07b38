import GrantLedgerEvents

/// One append transaction, line by line. Lives only inside ``EventLog/append(_:)``.
struct AppendBatch {
    /// Thrown to roll the transaction back when a line was rejected; carries the report.
    struct Rollback: Error { let report: AppendReport }

    let writer: any EventStorageWriter
    let now: Timestamp
    var report = AppendReport()
    var head = ChainHead(position: 0, hash: HashChain.genesis)
    /// Stream versions seen in this batch (or left by the log's last append, ``AppendMemory``);
    /// cleared when large so memory stays bounded.
    var streamVersions: [String: Int64] = [:]
    /// People whose personal data the store holds a record of, as far as this batch knows: it
    /// stored one, or the log's last append did. Cleared when large.
    var peopleStored: Set<String> = []
    /// Where streams that an event would open again begin: the position of their first event
    /// in the log, or the line of this append that opened them.
    var streamStarts: [String: String] = [:]
    static let cacheLimit = 100_000

    /// Seals the people's resident IDs and names before they are stored (nil without the key,
    /// when no line may name a person by resident ID).
    let seal: PersonalDataSeal?

    init(writer: any EventStorageWriter, now: Timestamp, seal: PersonalDataSeal?) {
        self.writer = writer
        self.now = now
        self.seal = seal
    }

    /// People whose personal data was erased: an event naming one by resident ID is refused,
    /// for it would hold their ID again.
    var erased: Set<String> = []

    /// The line each event of this append was given on (for naming it when its id comes again).
    var addedLines: [String: Int] = [:]

    /// The first position whose names the log keeps a digest of: events recorded before
    /// digests were kept are resent without their names compared.
    var namesDigestsFrom: Int64 = 1

    /// Reads the log's head and settings; starts from what an earlier append of this log knew
    /// (`memory`) if the head is still the one that append left.
    mutating func start(remembering memory: AppendMemory.Kept? = nil) async throws {
        let start = try await writer.appendStart(setting: Self.namesDigestsFromKey)
        if let last = start.head { head = last }
        if let memory, memory.head == head {
            streamVersions = memory.streams
            peopleStored = memory.people
        }
        erased = start.erased
        namesDigestsFrom = start.setting.flatMap { Int64($0) } ?? 1
    }

    static let namesDigestsFromKey = "names-digests-from"

    /// The stream versions and stored people this batch knows, and the head it reached: what
    /// the next append of the log may start from once this one is committed.
    var known: AppendMemory.Kept { AppendMemory.Kept(head: head, streams: streamVersions, people: peopleStored) }

    /// A line after the work that needs no database: parsed, validated, pseudonymised and
    /// canonically encoded. Pure, so it runs off the writer's thread (see ``EventLog/append(_:)``).
    enum Prepared: Sendable {
        case rejected(line: Int, issues: [LineIssue])
        case ready(PreparedEvent)
    }

    /// A class, so that the chunk's lines pass from stage to stage, and through the decisions'
    /// pattern matches, as one reference rather than a dozen.
    final class PreparedEvent: Sendable {
        let line: Int
        /// The envelope as submitted. Its data is ``data``, canonical: the parsed tree is not
        /// kept, so that it is freed where it was made (the preparing core) rather than by the writer.
        let submission: EventSubmission
        let streamID: String
        let data: [UInt8]
        let parties: [PartyReference]
        let people: [PersonReference]
        /// Clause fields naming no clause of the catalog: the line is rejected unless it
        /// resends an event already in the log (recorded when such clauses were allowed), which
        /// only the writer can tell.
        let unknownClauses: [UnknownClause]
        /// Its type opens its stream (`EventDefinition.opensStream`).
        let opensStream: Bool
        /// The keyed digest of the names it gave (nil for none).
        let namesDigest: [UInt8]?

        init(line: Int, submission: EventSubmission, streamID: String, data: [UInt8], parties: [PartyReference],
             people: [PersonReference], unknownClauses: [UnknownClause], opensStream: Bool, namesDigest: [UInt8]?) {
            var envelope = submission
            envelope.data = JSONObject()
            (self.line, self.submission, self.streamID, self.data, self.parties) = (line, envelope, streamID, data, parties)
            (self.people, self.unknownClauses, self.opensStream, self.namesDigest) = (people, unknownClauses, opensStream, namesDigest)
        }
    }

    static func prepare(_ line: SubmissionLine, catalog: EventCatalog, clauses: ClauseCheck, pseudonymizer: Pseudonymizer?) -> Prepared {
        func reject(_ path: String, _ message: String) -> Prepared {
            .rejected(line: line.number, issues: [LineIssue(line: line.number, path: path, message: message)])
        }
        if let readError = line.readError {
            return reject("$", "the input could not be read from here on (\(readError)), so none of it is appended; send the file again")
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(line.bytes)
        } catch {
            return reject("$", error.description)
        }
        let submission: EventSubmission
        switch EventSubmission.parse(value, catalog: catalog) {
        case .success(let parsed): submission = parsed
        case .failure(let invalid):
            return .rejected(line: line.number, issues: invalid.issues.map {
                LineIssue(line: line.number, path: $0.path, message: $0.message)
            })
        }
        guard let definition = catalog.definition(type: submission.type, version: submission.schemaVersion) else {
            return reject("$.type", "unknown event type")
        }
        // An event that opens its stream names it by its own id: the same id, the same stream,
        // which the writer refuses to open twice.
        if let (field, expected) = definition.namedStream(by: submission.data), submission.streamID != expected {
            let verb = definition.opensStream ? "opens" : "belongs in"
            return reject("$.streamId", "a \(submission.type) \(verb) the stream of its \(field): write \(expected), not \(submission.streamID)")
        }
        // Personal data: resident IDs become pseudonyms, names leave the event.
        var needsKey = false
        let separated = definition.separatingPersonalData(submission.data) { id in
            guard let pseudonymizer else {
                needsKey = true
                return ""
            }
            return pseudonymizer.pseudonym(for: id)
        }
        var streamID = submission.streamID
        if let id = StreamID.personKey(streamID) {
            if let pseudonymizer { streamID = "person:" + pseudonymizer.pseudonym(for: id) } else { needsKey = true }
        }
        if !needsKey, pseudonymizer == nil, separated.people.contains(where: { $0.name != nil }) { needsKey = true }
        if needsKey {
            var issue = LineIssue(line: line.number, path: "$", message: "this event names a person by resident ID, and the pseudonym key is not available")
            issue.needsKey = true
            return .rejected(line: line.number, issues: [issue])
        }
        return .ready(PreparedEvent(
            line: line.number, submission: submission, streamID: streamID,
            data: CanonicalJSON.encode(.object(separated.data)), parties: separated.parties, people: separated.people,
            unknownClauses: clauses.unknownClauses(in: submission, definition: definition), opensStream: definition.opensStream,
            namesDigest: pseudonymizer?.namesDigest(eventID: submission.eventID, people: separated.people)))
    }

    /// What the store holds for one chunk's lines, looked up before the chunk is decided, and
    /// the events the chunk itself and the chunk before it add.
    struct ChunkFacts {
        var stored: [String: RecordedEvent]
        var added: [String: RecordedEvent] = [:]
        /// The chunks still being stored when this one was looked up (on a backend that overlaps
        /// stores), oldest first: decided, but perhaps not yet seen by the store. Looked up in
        /// place rather than merged into one table: that cost two insertions an event.
        var earlier: [Decided] = []
        /// The names digests of the events found or added, by position.
        var digests: [Int64: [UInt8]] = [:]

        func existing(_ eventID: String) -> RecordedEvent? {
            if let event = added[eventID] { return event }
            for chunk in earlier.reversed() { if let event = chunk.added[eventID] { return event } }
            return stored[eventID]
        }

        /// The names digest of the event at `position`, found or added (nil for none).
        func digest(at position: Int64) -> [UInt8]? {
            if let digest = digests[position] { return digest }
            for chunk in earlier.reversed() { if let digest = chunk.digests[position] { return digest } }
            return nil
        }
    }

    /// A chunk decided: what the writer's `store` is given, and what the next chunk's decisions
    /// need of it while it may not be stored yet.
    struct Decided {
        var events: [StoredEvent]
        var people: [SealedPersonalRecord]
        var head: ChainHead
        var added: [String: RecordedEvent]
        var digests: [Int64: [UInt8]]
    }

    /// A chunk whose store runs in a task of its own (a backend whose
    /// ``EventStorageWriter/overlapsStores``).
    struct Storing {
        let decided: Decided
        let task: Task<Void, any Error>
    }

    /// The chunks being stored, oldest first: at most ``storesInFlight`` when a chunk is looked
    /// up, and the chunk just decided.
    var storing: [Storing] = []
    static let storesInFlight = 2

    /// Chains and stores one chunk of prepared lines, in order: the lookup of its event ids and
    /// of the streams it names, decisions line by line, then its store.
    ///
    /// On a backend that overlaps stores, the store runs in a task of its own, and the next
    /// chunk is looked up and decided while it runs: the server inserts one chunk while the log
    /// reads and chains the next, and the requests queue on its connection with no wait
    /// between them. Every chunk but the last two is stored by the time a chunk is looked up;
    /// the lookups may see those two only in part, so this batch holds their events and stream
    /// versions itself (``ChunkFacts/earlier``, ``streamVersions``).
    mutating func add(_ chunk: [Prepared]) async throws {
        try await settle(leaving: Self.storesInFlight)
        let writer = self.writer
        var ids: [String] = [], streams: [String] = []
        if streamVersions.count >= Self.cacheLimit {
            streamVersions.removeAll(keepingCapacity: true)
            streamStarts.removeAll(keepingCapacity: true)
            // The store may not have seen the chunks being stored: their streams' versions are only here.
            for chunk in storing { for stored in chunk.decided.events { streamVersions[stored.event.streamID] = stored.event.streamVersion } }
        }
        var asked: Set<String> = []
        for case .ready(let item) in chunk {
            ids.append(item.submission.eventID)
            if streamVersions[item.streamID] == nil, asked.insert(item.streamID).inserted { streams.append(item.streamID) }
        }
        let found = try await whileStoring { try await writer.lookUp(eventIDs: ids, streams: streams) }
        var facts = ChunkFacts(stored: found.events)
        facts.added.reserveCapacity(chunk.count)
        facts.earlier = storing.map(\.decided)
        if !found.events.isEmpty {
            let positions = found.events.values.map(\.position)
            facts.digests = try await whileStoring { try await writer.namesDigests(positions: positions) }
        }
        // None of these streams is in a chunk being stored (those are all in `streamVersions`),
        // so the store's answer for each is whole.
        for stream in streams { streamVersions[stream] = found.versions[stream] ?? 0 }
        // A stream an event would open again (rare): where it begins, for the refusal to name.
        for case .ready(let item) in chunk where item.opensStream && (streamVersions[item.streamID] ?? 0) > 0
            && streamStarts[item.streamID] == nil && facts.existing(item.submission.eventID) == nil
        {
            let stream = item.streamID
            streamStarts[stream] = try await whileStoring {
                try await writer.events(EventQuery(streamID: stream), after: 0, limit: 1).first
            }.map { "its first event is at position \($0.position)" }
        }
        var events: [StoredEvent] = [], people: [PersonalRecord] = []
        for prepared in chunk { decide(prepared, facts: &facts, events: &events, people: &people) }
        guard !events.isEmpty else { return }
        let sealed = try people.map { record in
            guard let seal else { throw LogError.missingKey(path: "the pseudonym key") }
            return try seal.seal(record)
        }
        let first = events[0].event.position
        let decided = Decided(events: events, people: sealed, head: head, added: facts.added,
                              digests: facts.digests.filter { position, _ in position >= first })
        if writer.overlapsStores {
            // Its rows are encoded while the store before it runs; they are sent after it, so
            // that the chunks' rows and heads reach the server in order.
            let previous = storing.last?.task
            storing.append(Storing(decided: decided, task: Task {
                let send = try writer.prepareStore(decided.events, people: decided.people, head: decided.head)
                try await previous?.value
                try await send()
            }))
        } else {
            try await writer.store(decided.events, people: decided.people, head: decided.head)
        }
    }

    /// A request made while a chunk may be being stored. If it fails, the store's own error
    /// (which aborts a server's transaction, and so every request after it) is the batch's.
    mutating func whileStoring<T>(_ request: () async throws -> T) async throws -> T {
        do {
            return try await request()
        } catch {
            try await settle(leaving: 0)
            throw error
        }
    }

    /// Waits for the stores in flight, oldest first, until at most `leaving` run; the first
    /// error is the batch's.
    mutating func settle(leaving: Int = 0) async throws {
        while storing.count > leaving {
            let task = storing.removeFirst().task
            do {
                try await task.value
            } catch {
                await abandon()
                throw error
            }
        }
    }

    /// After an error: waits for the stores in flight, so that nothing uses the writer once the
    /// transaction is rolled back.
    mutating func abandon() async {
        while !storing.isEmpty { _ = try? await storing.removeFirst().task.value }
    }

    /// Decides one line: rejected, a duplicate, or the next event of the chain.
    mutating func decide(_ prepared: Prepared, facts: inout ChunkFacts, events: inout [StoredEvent], people: inout [PersonalRecord]) {
        report.lines += 1
        let item: PreparedEvent
        switch prepared {
        case .rejected(let line, let issues):
            report.reject(line: line, issues: issues)
            return
        case .ready(let ready): item = ready
        }
        let submission = item.submission, streamID = item.streamID, data = item.data
        // Idempotency: the same event id is the same event, forever.
        if let existing = facts.existing(submission.eventID) {
            handleExisting(existing, submission, streamID: streamID, data: data, namesDigest: item.namesDigest,
                           storedDigest: facts.digest(at: existing.position), line: item.line,
                           earlierLine: addedLines[submission.eventID])
            return
        }
        if !item.unknownClauses.isEmpty {
            report.reject(line: item.line, issues: item.unknownClauses.map { LineIssue(line: item.line, unknownClause: $0) })
            return
        }

        // Optimistic concurrency, against the stream as stored plus this batch's events.
        let current = streamVersions[streamID] ?? 0
        var unmet: String?
        switch submission.expectedVersion {
        case .any: break
        case .noStream where current != 0:
            unmet = "expected \(streamID) not to exist yet, but it has \(current) event\(current == 1 ? "" : "s"); read the stream and resubmit"
        case .exactly(let expected) where expected != current:
            unmet = "expected \(streamID) at version \(expected), but it is at version \(current); read the stream and resubmit"
        default: break
        }
        if let unmet {
            report.reject(line: item.line, issues: [LineIssue(
                line: item.line, message: unmet,
                conflict: .init(stream: streamID, expected: submission.expectedVersion, actual: current))])
            return
        }
        if let person = item.people.first(where: { $0.residentID != nil && erased.contains($0.pseudonym) }) {
            report.reject(line: item.line, issues: [LineIssue(
                line: item.line, path: "$.data",
                message: "it names by resident ID a person whose personal data was erased from this ledger (grants forget): storing the event would hold their ID again. Name them by their pseudonym, \(person.pseudonym), or leave them out")])
            return
        }
        // An event that opens its stream, in a stream that exists: its id used again.
        if item.opensStream && current > 0 {
            let start = streamStarts[streamID] ?? "it was opened earlier in this append"
            report.reject(line: item.line, issues: [LineIssue(
                line: item.line, path: "$.streamId",
                message: "a \(submission.type) opens its stream, but \(streamID) already exists (\(start)): its id is taken. Send a new payment, order or record under a new id, or record what changed in that stream")])
            return
        }

        let position = head.position + 1
        let version = current + 1
        let hash = HashChain.hash(
            position: position, eventID: submission.eventID, streamID: streamID, streamVersion: version,
            type: submission.type, schemaVersion: submission.schemaVersion, occurredAt: submission.occurredAt,
            recordedAt: now, actor: submission.actor, source: submission.source,
            correlationID: submission.correlationID, causationID: submission.causationID, data: data, previous: head.hash)
        let event = RecordedEvent(
            position: position, eventID: submission.eventID, streamID: streamID, streamVersion: version,
            type: submission.type, schemaVersion: submission.schemaVersion, occurredAt: submission.occurredAt,
            recordedAt: now, actor: submission.actor, source: submission.source,
            correlationID: submission.correlationID, causationID: submission.causationID, data: data, hash: hash)
        events.append(StoredEvent(event, parties: item.parties, namesDigest: item.namesDigest))
        facts.added[submission.eventID] = event
        facts.digests[position] = item.namesDigest
        if addedLines.count >= Self.cacheLimit { addedLines.removeAll(keepingCapacity: true) }
        addedLines[submission.eventID] = item.line
        for person in item.people {
            guard let id = person.residentID else { continue }
            if person.name == nil && peopleStored.contains(person.pseudonym) { continue }
            people.append(PersonalRecord(pseudonym: person.pseudonym, residentID: id, name: person.name))
            if peopleStored.count >= Self.cacheLimit { peopleStored.removeAll(keepingCapacity: true) }
            peopleStored.insert(person.pseudonym)
        }
        head = ChainHead(position: position, hash: hash)
        streamVersions[streamID] = version
        if item.opensStream { streamStarts[streamID] = "line \(item.line) of this append opened it" }
        report.appended += 1
        if report.firstPosition == nil { report.firstPosition = position }
        report.lastPosition = position
        report.record(.appended(line: item.line, position: position, eventID: submission.eventID))
    }

    /// A line whose event id is already in the log: a duplicate if its content is the same,
    /// rejected if it differs.
    mutating func handleExisting(_ existing: RecordedEvent, _ submission: EventSubmission, streamID: String, data: [UInt8],
                                 namesDigest: [UInt8]?, storedDigest: [UInt8]?, line: Int, earlierLine: Int? = nil) {
        // The names are not in the stored event: their keyed digests stand for them.
        let difference = Self.difference(existing, submission, streamID: streamID, data: data)
            ?? (existing.position >= namesDigestsFrom && namesDigest != storedDigest ? ("name given beside a person", "$.data") : nil)
        if let difference {
            // Sent earlier in this same append, the event is not in the log: name its line.
            let place = earlierLine.map { "was given on line \($0) of this append" } ?? "is already in the log at position \(existing.position)"
            report.reject(line: line, issues: [LineIssue(line: line, path: difference.path,
                message: "event id \(submission.eventID) \(place) with a different \(difference.field); a new fact needs a new event id")])
        } else {
            report.duplicates += 1
            report.record(.duplicate(line: line, position: existing.position, eventID: submission.eventID))
        }
    }

    mutating func finish() async throws -> AppendReport {
        // Each stored chunk records the head it reached: the last one is the batch's.
        try await settle()
        if report.rejectedLines > 0 {
            report.firstPosition = nil
            report.lastPosition = nil
            report.appended = 0
            report.outcomes = report.outcomes.map { outcome in
                if case .appended(let line, _, _) = outcome { return .withheld(line: line) }
                return outcome
            }
            throw Rollback(report: report)
        }
        report.committed = true
        return report
    }

    /// The first envelope field in which a stored event differs from a resubmission.
    static func difference(_ stored: RecordedEvent, _ new: EventSubmission, streamID: String, data: [UInt8])
        -> (field: String, path: String)?
    {
        if stored.streamID != streamID { return ("stream id", "$.streamId") }
        if stored.type != new.type { return ("type", "$.type") }
        if stored.schemaVersion != new.schemaVersion { return ("schema version", "$.schemaVersion") }
        if stored.occurredAt != new.occurredAt { return ("occurredAt", "$.occurredAt") }
        if stored.actor != new.actor { return ("actor", "$.actor") }
        if stored.source != new.source { return ("source", "$.source") }
        if stored.correlationID != new.correlationID { return ("correlation id", "$.correlationId") }
        if stored.causationID != new.causationID { return ("causation id", "$.causationId") }
        if stored.data != data { return ("data", "$.data") }
        return nil
    }
}
