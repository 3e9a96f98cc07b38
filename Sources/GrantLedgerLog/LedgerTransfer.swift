import GrantLedgerEvents

/// A whole ledger as one canonical, verifiable file, to move it between backends (a city's
/// SQLite file into a province's PostgreSQL, or back), over the storage seam alone.
///
/// The file is JSON Lines, each line canonical JSON (sorted keys, no spaces), so the same
/// ledger gives the same bytes from either backend:
/// 1. `{"format":"grantledger-export/1","head":{"hash":…,"position":…}}` (`head` null when empty);
/// 2. one `{"event":{…}}` per event in position order: every stored field, the data as the
///    canonical JSON text that was hashed, the hash and the names digest in hex;
/// 3. `{"party":{"id":…,"position":…}}`: the party index, in (party, position) order;
/// 4. `{"person":{"pseudonym":…,"sealed":…}}`: the sealed personal data as stored (hex), which
///    only the ledger's key opens: the key file travels apart, as it always does;
/// 5. `{"erasure":{"erasedAt":…,"pseudonym":…}}` and `{"setting":{"key":…,"value":…}}`;
/// 6. `{"end":{…counts…}}`: a file cut short has none, and is refused.
///
/// ``load(into:lines:)`` fills an empty ledger in one write transaction: it recomputes the
/// hash chain as it reads and refuses the whole file at the first line that does not hold.
public enum LedgerTransfer {
    public static let format = "grantledger-export/1"

    public struct Counts: Sendable, Equatable, CustomStringConvertible {
        public var events = 0
        public var parties = 0
        public var people = 0
        public var erasures = 0
        public var settings = 0
        public var head: ChainHead?

        public var description: String {
            "\(events) events (head \(head.map { "\($0.position):\(Hex.string($0.hash))" } ?? "none")), \(parties) party index rows, "
                + "\(people) sealed personal records, \(erasures) erasures, \(settings) settings"
        }
    }

    /// Writes every line of `storage`'s ledger to `write`, from one snapshot.
    @discardableResult
    public static func export(from storage: any EventStorage, pageSize: Int = 2_000, to write: @escaping (String) throws -> Void)
        async throws -> Counts
    {
        try await storage.read { reader in
            // Personal data still in the clear (a ledger from before sealing, not opened with
            // its key since) is not on the seam: the export would leave it behind.
            guard try await reader.metadata(EventLog.personalDataKey) == EventLog.sealed else {
                throw LedgerTransferError.personalDataInTheClear
            }
            var counts = Counts()
            let head = try await reader.lastEvent()
            counts.head = head
            try write(line(["format": .string(format), "head": head.map(headValue) ?? .null]))
            var after: Int64 = 0
            while let last = head?.position, after < last {
                let page = try await reader.events(EventQuery(to: last), after: after, limit: pageSize)
                guard let end = page.last?.position else { break }
                let digests = try await reader.namesDigests(positions: page.map(\.position))
                for event in page {
                    try write(line(["event": eventValue(event, namesDigest: digests[event.position])]))
                }
                counts.events += page.count
                after = end
            }
            counts.parties = try await forEachPage({ try await reader.partyRows(after: $0, limit: pageSize) }) { party in
                try write(line("party", ["id": .string(party.party), "position": .integer(party.position)]))
            }
            counts.people = try await forEachPage({ try await reader.sealedPersonalRows(after: $0?.pseudonym, limit: pageSize) }) { record in
                try write(line("person", ["pseudonym": .string(record.pseudonym), "sealed": .string(Hex.string(record.sealed))]))
            }
            for erasure in try await reader.erasures() {
                try write(line("erasure", ["erasedAt": .string(erasure.erasedAt.description), "pseudonym": .string(erasure.pseudonym)]))
                counts.erasures += 1
            }
            for (key, value) in try await reader.allMetadata().sorted(by: { $0.key < $1.key }) {
                try write(line("setting", ["key": .string(key), "value": .string(value)]))
                counts.settings += 1
            }
            try write(line("end", [
                "erasures": .integer(Int64(counts.erasures)), "events": .integer(Int64(counts.events)),
                "parties": .integer(Int64(counts.parties)), "people": .integer(Int64(counts.people)),
                "settings": .integer(Int64(counts.settings)),
            ]))
            return counts
        }
    }

    /// Loads an export into `storage`, which must hold no ledger data yet (a new file, a new
    /// schema): all of it in one transaction, or nothing.
    @discardableResult
    public static func load(into storage: any EventStorage, lines: some Sequence<SubmissionLine>, chunkSize: Int = 2_000)
        async throws -> Counts
    {
        try await storage.write { writer in
            guard try await writer.lastEvent() == nil, try await writer.sealedPersonalRows(after: nil, limit: 1).isEmpty,
                  try await writer.erasures().isEmpty
            else { throw LedgerTransferError.notEmpty }
            var reader = LineReader(lines: lines.makeIterator())
            var counts = Counts()
            // The header.
            let (headerNumber, header) = try reader.next(expecting: "format")
            guard header.stringValue == format else {
                throw LedgerTransferError.malformed(line: headerNumber, reason: "it is not a GrantLedger export (format \(format))")
            }
            let declaredHead: ChainHead? = try reader.header?["head"].flatMap { value in
                if value == .null { return nil }
                return try headFrom(value, line: headerNumber)
            }
            // Events, checked against the chain as they come.
            var previous = HashChain.genesis
            var chunk: [StoredEvent] = []
            var lastHead: ChainHead?
            func flush() async throws {
                guard let last = chunk.last else { return }
                let head = ChainHead(position: last.event.position, hash: last.event.hash)
                try await writer.store(chunk, people: [], head: head)
                lastHead = head
                chunk.removeAll(keepingCapacity: true)
            }
            var section = try reader.peekSection()
            while section == "event" {
                let (number, value) = try reader.next(expecting: "event")
                let (event, digest) = try eventFrom(value, line: number)
                guard event.position == Int64(counts.events) + 1 else {
                    throw LedgerTransferError.malformed(line: number, reason: "its position is \(event.position), not \(counts.events + 1): events must follow each other from 1 without a gap")
                }
                guard HashChain.hash(of: event, previous: previous) == event.hash else {
                    throw LedgerTransferError.brokenChain(line: number, position: event.position)
                }
                previous = event.hash
                chunk.append(StoredEvent(event, parties: [], namesDigest: digest))
                counts.events += 1
                if chunk.count >= chunkSize { try await flush() }
                section = try reader.peekSection()
            }
            try await flush()
            guard lastHead == declaredHead else {
                throw LedgerTransferError.malformed(
                    line: headerNumber, reason: "its head is not the last event's: the file does not hold the events it announces")
            }
            counts.head = lastHead
            // The party index, each row naming an event loaded.
            var rows: [PartyRow] = []
            while section == "party" {
                let (number, value) = try reader.next(expecting: "party")
                guard let id = value.objectValue?["id"]?.stringValue, !id.isEmpty,
                      let position = value.objectValue?["position"]?.integerValue, position >= 1, position <= Int64(counts.events)
                else { throw LedgerTransferError.malformed(line: number, reason: "a party row needs an id and the position of an event in the file") }
                rows.append(PartyRow(party: id, position: position))
                counts.parties += 1
                if rows.count >= chunkSize { try await writer.storePartyRows(rows); rows.removeAll(keepingCapacity: true) }
                section = try reader.peekSection()
            }
            try await writer.storePartyRows(rows)
            var people: [SealedPersonalRecord] = []
            while section == "person" {
                let (number, value) = try reader.next(expecting: "person")
                guard let pseudonym = value.objectValue?["pseudonym"]?.stringValue, !pseudonym.isEmpty,
                      let sealed = value.objectValue?["sealed"]?.stringValue.flatMap(Hex.bytes), !sealed.isEmpty
                else { throw LedgerTransferError.malformed(line: number, reason: "a person needs a pseudonym and the sealed record in hex") }
                people.append(SealedPersonalRecord(pseudonym: pseudonym, sealed: sealed, named: true))
                counts.people += 1
                if people.count >= chunkSize, let head = lastHead {
                    try await writer.store([], people: people, head: head)
                    people.removeAll(keepingCapacity: true)
                }
                section = try reader.peekSection()
            }
            if !people.isEmpty {
                guard let head = lastHead else {
                    throw LedgerTransferError.malformed(line: reader.lineNumber, reason: "it holds personal data but no events")
                }
                try await writer.store([], people: people, head: head)
            }
            while section == "erasure" {
                let (number, value) = try reader.next(expecting: "erasure")
                guard let pseudonym = value.objectValue?["pseudonym"]?.stringValue, !pseudonym.isEmpty,
                      let at = value.objectValue?["erasedAt"]?.stringValue.flatMap(Timestamp.init)
                else { throw LedgerTransferError.malformed(line: number, reason: "an erasure needs a pseudonym and its time (erasedAt)") }
                try await writer.recordErasure(PersonalDataErasure(pseudonym: pseudonym, erasedAt: at))
                counts.erasures += 1
                section = try reader.peekSection()
            }
            while section == "setting" {
                let (number, value) = try reader.next(expecting: "setting")
                guard let key = value.objectValue?["key"]?.stringValue, let text = value.objectValue?["value"]?.stringValue else {
                    throw LedgerTransferError.malformed(line: number, reason: "a setting needs a key and a value")
                }
                // The store's own format stays its own.
                if key != "format" { try await writer.setMetadata(key, text) }
                counts.settings += 1
                section = try reader.peekSection()
            }
            let (endNumber, end) = try reader.next(expecting: "end")
            let expected: [(String, Int)] = [
                ("events", counts.events), ("parties", counts.parties), ("people", counts.people), ("erasures", counts.erasures),
                ("settings", counts.settings),
            ]
            for (name, count) in expected where end.objectValue?[name]?.integerValue != Int64(count) {
                throw LedgerTransferError.malformed(line: endNumber, reason: "it counts \(end.objectValue?[name]?.integerValue.map(String.init) ?? "no") \(name), the file holds \(count)")
            }
            if let (number, _) = try reader.nextLine() {
                throw LedgerTransferError.malformed(line: number, reason: "there is more after the end line")
            }
            return counts
        }
    }

    // MARK: Lines

    static func object(_ members: [String: JSONValue]) -> JSONObject {
        JSONObject(unsortedMembers: members.map { (key: $0.key, value: $0.value) })!
    }

    static func line(_ members: [String: JSONValue]) -> String { CanonicalJSON.string(.object(object(members))) }

    /// A line of one section: `{"section":{…members…}}`.
    static func line(_ section: String, _ members: [String: JSONValue]) -> String { line([section: .object(object(members))]) }

    /// Calls `each` with every row a paged read gives, each page read after the last row of the
    /// one before; returns how many there were.
    static func forEachPage<Row>(_ read: (Row?) async throws -> [Row], _ each: (Row) throws -> Void) async throws -> Int {
        var count = 0
        var last: Row?
        while true {
            let page = try await read(last)
            guard let end = page.last else { return count }
            for row in page { try each(row) }
            count += page.count
            last = end
        }
    }

    static func headValue(_ head: ChainHead) -> JSONValue {
        .object(object(["hash": .string(Hex.string(head.hash)), "position": .integer(head.position)]))
    }

    static func headFrom(_ value: JSONValue, line: Int) throws -> ChainHead {
        guard let position = value.objectValue?["position"]?.integerValue, let hash = value.objectValue?["hash"]?.stringValue.flatMap(Hex.bytes),
              hash.count == 32
        else { throw LedgerTransferError.malformed(line: line, reason: "its head needs a position and a 64-digit hash") }
        return ChainHead(position: position, hash: hash)
    }

    static func eventValue(_ event: RecordedEvent, namesDigest: [UInt8]?) -> JSONValue {
        var members: [String: JSONValue] = [
            "actor": .string(event.actor), "data": .string(String(decoding: event.data, as: UTF8.self)), "eventId": .string(event.eventID),
            "hash": .string(Hex.string(event.hash)), "occurredAt": .string(event.occurredAt.description), "position": .integer(event.position),
            "recordedAt": .string(event.recordedAt.description), "schemaVersion": .integer(Int64(event.schemaVersion)),
            "source": .string(event.source), "streamId": .string(event.streamID), "streamVersion": .integer(event.streamVersion),
            "type": .string(event.type),
        ]
        if let correlation = event.correlationID { members["correlationId"] = .string(correlation) }
        if let causation = event.causationID { members["causationId"] = .string(causation) }
        if let namesDigest { members["namesDigest"] = .string(Hex.string(namesDigest)) }
        return .object(object(members))
    }

    static func eventFrom(_ value: JSONValue, line: Int) throws -> (RecordedEvent, [UInt8]?) {
        guard let fields = value.objectValue else { throw LedgerTransferError.malformed(line: line, reason: "an event is an object") }
        func text(_ name: String) throws -> String {
            guard let text = fields[name]?.stringValue else {
                throw LedgerTransferError.malformed(line: line, reason: "the event's \(name) is missing or not text")
            }
            return text
        }
        func integer(_ name: String) throws -> Int64 {
            guard let value = fields[name]?.integerValue else {
                throw LedgerTransferError.malformed(line: line, reason: "the event's \(name) is missing or not an integer")
            }
            return value
        }
        func optional(_ name: String) throws -> String? {
            guard let value = fields[name] else { return nil }
            guard let text = value.stringValue else { throw LedgerTransferError.malformed(line: line, reason: "the event's \(name) is not text") }
            return text
        }
        let eventID = try text("eventId")
        guard UUIDText.isValid(eventID) else { throw LedgerTransferError.malformed(line: line, reason: "the event's eventId is not a UUID") }
        guard let occurredAt = LocalDate(try text("occurredAt")), let recordedAt = Timestamp(try text("recordedAt")) else {
            throw LedgerTransferError.malformed(line: line, reason: "the event's occurredAt or recordedAt is malformed")
        }
        guard let hash = Hex.bytes(try text("hash")), hash.count == 32 else {
            throw LedgerTransferError.malformed(line: line, reason: "the event's hash is not 64 hex digits")
        }
        let digest = try optional("namesDigest")
        let namesDigest = try digest.map { text in
            guard let bytes = Hex.bytes(text), !bytes.isEmpty else {
                throw LedgerTransferError.malformed(line: line, reason: "the event's namesDigest is not hex")
            }
            return bytes
        }
        guard let schemaVersion = Int(exactly: try integer("schemaVersion")) else {
            throw LedgerTransferError.malformed(line: line, reason: "the event's schemaVersion is out of range")
        }
        let event = RecordedEvent(
            position: try integer("position"), eventID: eventID, streamID: try text("streamId"), streamVersion: try integer("streamVersion"),
            type: try text("type"), schemaVersion: schemaVersion, occurredAt: occurredAt, recordedAt: recordedAt, actor: try text("actor"),
            source: try text("source"), correlationID: try optional("correlationId"), causationID: try optional("causationId"),
            data: Array(try text("data").utf8), hash: hash)
        return (event, namesDigest)
    }

    /// The file's lines one section at a time: each line an object with one member, its section.
    struct LineReader<Lines: IteratorProtocol<SubmissionLine>> {
        var lines: Lines
        var pending: (number: Int, section: String, value: JSONValue)?
        var header: JSONObject?
        var lineNumber = 0

        init(lines: Lines) { self.lines = lines }

        mutating func nextLine() throws -> (Int, (String, JSONValue))? {
            if let pending {
                self.pending = nil
                return (pending.number, (pending.section, pending.value))
            }
            guard let line = lines.next() else { return nil }
            lineNumber = line.number
            if let problem = line.readError { throw LedgerTransferError.malformed(line: line.number, reason: problem) }
            let parsed: JSONValue
            do {
                parsed = try JSONParser.parse(line.bytes)
            } catch {
                throw LedgerTransferError.malformed(line: line.number, reason: "it is not JSON (\(error))")
            }
            guard let object = parsed.objectValue, let first = object.first else {
                throw LedgerTransferError.malformed(line: line.number, reason: "each line is an object naming its section")
            }
            if first.key == "format" {
                header = object
                return (line.number, ("format", first.value))
            }
            guard object.count == 1 else {
                throw LedgerTransferError.malformed(line: line.number, reason: "a line holds one section, here \(object.keys.joined(separator: ", "))")
            }
            return (line.number, (first.key, first.value))
        }

        mutating func peekSection() throws -> String? {
            if let pending { return pending.section }
            guard let (number, (section, value)) = try nextLine() else { return nil }
            pending = (number, section, value)
            return section
        }

        mutating func next(expecting section: String) throws -> (Int, JSONValue) {
            guard let (number, (found, value)) = try nextLine() else {
                throw LedgerTransferError.truncated(expected: section, afterLine: lineNumber)
            }
            guard found == section else {
                throw LedgerTransferError.malformed(line: number, reason: "found a \"\(found)\" line where a \"\(section)\" line belongs")
            }
            return (number, value)
        }
    }
}

/// Why an export could not be loaded. Nothing of it was kept.
public enum LedgerTransferError: Error, Equatable, CustomStringConvertible {
    /// The ledger to load into already holds events or personal data.
    case notEmpty
    case malformed(line: Int, reason: String)
    /// The file ends before its end line: it was cut short.
    case truncated(expected: String, afterLine: Int)
    /// The event on this line does not hash to the hash it carries, given the one before.
    case brokenChain(line: Int, position: Int64)
    /// The ledger to export still holds personal data in the clear, from before it was sealed.
    case personalDataInTheClear

    public var description: String {
        switch self {
        case .notEmpty:
            "the ledger to load into already holds events or personal data: load into a new ledger (a new file, or a new schema)"
        case .malformed(let line, let reason):
            "line \(line) of the export: \(reason). Nothing was loaded; export the ledger again"
        case .truncated(let expected, let line):
            "the export ends after line \(line), where a \"\(expected)\" line belongs: it was cut short. Nothing was loaded; copy it again"
        case .personalDataInTheClear:
            "the ledger still holds personal data in the clear, from before it was sealed; nothing was exported. Open it once with its pseudonym key (which seals it), then export again"
        case .brokenChain(let line, let position):
            "line \(line) of the export: event \(position) does not hash to its recorded hash after the one before: the file was altered. Nothing was loaded"
        }
    }
}
