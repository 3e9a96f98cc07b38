import ArgumentParser
import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerService

struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Read events by position range, stream, type, or party.",
        discussion: """
            --party takes a resident ID (looked up through the pseudonym key), a pseudonym, or a \
            unified social credit code, and finds every event that names that person or \
            organisation anywhere in its data. Resident IDs are always printed masked.
            """)

    @Option(help: "First position to read.") var from: Int64 = 1
    @Option(help: "Last position to read.") var to: Int64?
    @Option(help: "Only this stream, e.g. certificate:S3502002024000123.") var stream: String?
    @Option(help: "Only this event type, e.g. certificate.issued.") var type: String?
    @Option(help: "Only events naming this person or organisation.") var party: String?
    @Option(help: "At most this many events.") var limit: Int?

    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if from < 1 { throw ValidationError("--from is a position, 1 or more") }
        if let to, to < from { throw ValidationError("--to (\(to)) is before --from (\(from))") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        let opened = try await ledger.open()
        var streamID = stream
        if let s = stream, let id = StreamID.personKey(s) {
            streamID = "person:" + (try opened.eventPartyKey(for: id.digits))
        }
        let query = EventQuery(
            from: from, to: to ?? .max, streamID: streamID, type: type,
            party: try party.map { try opened.eventPartyKey(for: $0) }, limit: limit)
        var count = 0
        var formatter = EventFormatter(ledger: opened)
        for try await event in opened.log.events(query) {
            count += 1
            print(output.json ? try formatter.json(event) : try formatter.text(event))
        }
        if !output.json {
            print(count == 0 ? "No events match." : "\(count) event\(count == 1 ? "" : "s").")
        }
    }
}

/// Prints events for people (masked IDs) and machines (JSON Lines).
struct EventFormatter {
    let ledger: Ledger
    /// Masked resident IDs already looked up, by pseudonym.
    var masks: [String: String] = [:]

    init(ledger: Ledger) { self.ledger = ledger }

    mutating func text(_ event: RecordedEvent) throws -> String {
        let data = try event.dataValue()
        var fields: [String] = []
        if case .object(let object) = data {
            for member in object.members {
                fields.append("\(member.key)=\(try display(member.value))")
            }
        }
        return """
            #\(event.position)  \(event.occurredAt)  \(event.type) v\(event.schemaVersion)  \(try displayStream(event.streamID)) @\(event.streamVersion)
                recorded \(event.recordedAt) by \(event.actor) via \(event.source)
                \(fields.joined(separator: "  "))
            """
    }

    func json(_ event: RecordedEvent) throws -> String {
        var members: [JSONObject.Member] = [
            ("position", .integer(event.position)), ("eventId", .string(event.eventID)),
            ("streamId", .string(event.streamID)), ("streamVersion", .integer(event.streamVersion)),
            ("type", .string(event.type)), ("schemaVersion", .integer(Int64(event.schemaVersion))),
            ("occurredAt", .string(event.occurredAt.description)), ("recordedAt", .string(event.recordedAt.description)),
            ("actor", .string(event.actor)), ("source", .string(event.source)), ("data", try event.dataValue()),
            ("hash", .string(event.hashHex)),
        ]
        if let c = event.correlationID { members.append(("correlationId", .string(c))) }
        if let c = event.causationID { members.append(("causationId", .string(c))) }
        return CanonicalJSON.string(.object(JSONObject(unsortedMembers: members)!))
    }

    mutating func display(_ value: JSONValue) throws -> String {
        switch value {
        case .string(let s) where Pseudonym.isPseudonym(s): return try mask(s)
        case .string(let s): return s
        case .integer(let i): return String(i)
        case .bool(let b): return String(b)
        case .null: return "null"
        case .array(let elements): return "[" + (try elements.map { try display($0) }).joined(separator: ", ") + "]"
        case .object(let object):
            return "{" + (try object.members.map { "\($0.key)=\(try display($0.value))" }).joined(separator: " ") + "}"
        }
    }

    mutating func displayStream(_ stream: String) throws -> String {
        guard stream.hasPrefix("person:") else { return stream }
        let key = String(stream.dropFirst(7))
        return Pseudonym.isPseudonym(key) ? "person:" + (try mask(key)) : stream
    }

    /// A person as `350203********123X`, or their pseudonym once their personal data is erased.
    mutating func mask(_ pseudonym: String) throws -> String {
        if let known = masks[pseudonym] { return known }
        let shown = try ledger.maskedID(pseudonym: pseudonym) ?? pseudonym
        masks[pseudonym] = shown
        return shown
    }
}
