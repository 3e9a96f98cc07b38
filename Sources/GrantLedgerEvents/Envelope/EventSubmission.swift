/// One event as an intake tool sends it: one line of a JSON Lines file.
///
/// ```json
/// {"eventId": "…uuid…", "streamId": "certificate:S-2024-000123", "expectedVersion": "none",
///  "type": "certificate.issued", "schemaVersion": 2, "occurredAt": "2024-03-05",
///  "actor": "portal-batch", "source": "xm-training-portal",
///  "correlationId": "…uuid…", "causationId": "…uuid…", "data": { … }}
/// ```
///
/// The log adds the global position, the stream version, the recording time and the hash.
public struct EventSubmission: Sendable, Hashable {
    /// The sender's UUID for this event, lower-case: the idempotency key, unique forever.
    public var eventID: String
    public var streamID: String
    public var expectedVersion: ExpectedVersion
    public var type: String
    public var schemaVersion: Int
    /// The business date the fact took effect.
    public var occurredAt: LocalDate
    /// Who appended it: a user or a batch job.
    public var actor: String
    /// The intake tool or system it came from.
    public var source: String
    public var correlationID: String?
    public var causationID: String?
    public var data: JSONObject

    public init(
        eventID: String, streamID: String, expectedVersion: ExpectedVersion = .any, type: String,
        schemaVersion: Int, occurredAt: LocalDate, actor: String, source: String,
        correlationID: String? = nil, causationID: String? = nil, data: JSONObject
    ) {
        self.eventID = eventID.lowercased()
        self.streamID = streamID
        self.expectedVersion = expectedVersion
        self.type = type
        self.schemaVersion = schemaVersion
        self.occurredAt = occurredAt
        self.actor = actor
        self.source = source
        self.correlationID = correlationID?.lowercased()
        self.causationID = causationID?.lowercased()
        self.data = data
    }

    /// The envelope's members, in documentation order.
    public static let envelopeFields = [
        "eventId", "streamId", "expectedVersion", "type", "schemaVersion", "occurredAt", "actor", "source",
        "correlationId", "causationId", "data",
    ]

    /// Reads and validates a submission: its envelope, then its data against the catalog.
    /// Every problem found is returned, each with its JSON path.
    public static func parse(_ value: JSONValue, catalog: EventCatalog) -> Result<EventSubmission, InvalidEvent> {
        var issues: [ValidationIssue] = []
        guard case .object(let object) = value else {
            return .failure(InvalidEvent(issues: [.init(path: "$", message: "an event is a JSON object, found \(FieldValidator.describe(value))")]))
        }
        for (key, _) in object.members where !envelopeFields.contains(key) {
            issues.append(.init(path: "$.\(key)",
                message: "unknown envelope field; an event has \(envelopeFields.joined(separator: ", ")) (type-specific fields go inside data)"))
        }
        func string(_ key: String, required: Bool = true) -> String? {
            switch object[key] {
            case .string(let s): return s
            case nil: if required { issues.append(.init(path: "$.\(key)", message: "missing required envelope field")) }
            case let other?: issues.append(.init(path: "$.\(key)", message: "expected a string, found \(FieldValidator.describe(other))"))
            }
            return nil
        }
        func uuid(_ key: String, required: Bool) -> String? {
            guard let s = string(key, required: required) else { return nil }
            guard UUIDText.isValid(s) else {
                issues.append(.init(path: "$.\(key)", message: "expected a UUID (8-4-4-4-12 hex digits), found \(FieldValidator.quoted(s))"))
                return nil
            }
            return s.lowercased()
        }
        func name(_ key: String) -> String? {
            guard let s = string(key) else { return nil }
            if let problem = FieldValidator.identifierProblem(s) {
                issues.append(.init(path: "$.\(key)", message: problem))
                return nil
            }
            return s
        }

        let eventID = uuid("eventId", required: true)
        let streamID = string("streamId").flatMap { s -> String? in
            if let problem = StreamID.problem(s) {
                issues.append(.init(path: "$.streamId", message: problem))
                return nil
            }
            return s
        }
        var expected = ExpectedVersion.any
        switch object["expectedVersion"] {
        case nil: break
        case .string("none"): expected = .noStream
        case .integer(let v) where v >= 1: expected = .exactly(v)
        case .integer(0):
            issues.append(.init(path: "$.expectedVersion", message: "streams start at version 1; write \"none\" to require a new stream"))
        case let other?:
            issues.append(.init(path: "$.expectedVersion",
                message: "expected \"none\" or a version number of at least 1, found \(FieldValidator.describe(other))"))
        }
        let type = string("type")
        var schemaVersion: Int?
        switch object["schemaVersion"] {
        case .integer(let v) where v >= 1 && v <= 1000: schemaVersion = Int(v)
        case nil: issues.append(.init(path: "$.schemaVersion", message: "missing required envelope field"))
        case let other?: issues.append(.init(path: "$.schemaVersion", message: "expected a version number, found \(FieldValidator.describe(other))"))
        }
        let occurredAt = string("occurredAt").flatMap { s -> LocalDate? in
            guard let date = LocalDate(s) else {
                issues.append(.init(path: "$.occurredAt", message: LocalDate.missingDay(s).map { "the business date \($0)" }
                    ?? "expected the business date as YYYY-MM-DD, found \(FieldValidator.quoted(s))"))
                return nil
            }
            return date
        }
        let actor = name("actor")
        let source = name("source")
        let correlationID = uuid("correlationId", required: false)
        let causationID = uuid("causationId", required: false)

        var definition: EventDefinition?
        if let type, let schemaVersion {
            definition = catalog.definition(type: type, version: schemaVersion)
            if definition == nil {
                let versions = catalog.versions(of: type)
                if versions.isEmpty {
                    issues.append(.init(path: "$.type",
                        message: "unknown event type \(FieldValidator.quoted(type)); the catalog (EventSchemas/README.md) lists the known types"))
                } else {
                    issues.append(.init(path: "$.schemaVersion",
                        message: "\(type) has schema versions \(versions.map(String.init).joined(separator: ", ")), not \(schemaVersion)"))
                }
            }
        }
        var data: JSONObject?
        switch object["data"] {
        case .object(let o): data = o
        case nil: issues.append(.init(path: "$.data", message: "missing required envelope field"))
        case let other?: issues.append(.init(path: "$.data", message: "expected an object, found \(FieldValidator.describe(other))"))
        }
        if let definition, let data {
            issues += definition.validate(.object(data))
        }
        guard issues.isEmpty, let eventID, let streamID, let type, let schemaVersion, let occurredAt, let actor,
            let source, let data
        else { return .failure(InvalidEvent(issues: issues)) }
        return .success(EventSubmission(
            eventID: eventID, streamID: streamID, expectedVersion: expected, type: type,
            schemaVersion: schemaVersion, occurredAt: occurredAt, actor: actor, source: source,
            correlationID: correlationID, causationID: causationID, data: data))
    }

    /// The submission as a JSON object, in the form ``parse(_:catalog:)`` reads.
    public var jsonValue: JSONValue {
        var members: [JSONObject.Member] = [
            ("eventId", .string(eventID)), ("streamId", .string(streamID)), ("type", .string(type)),
            ("schemaVersion", .integer(Int64(schemaVersion))), ("occurredAt", .string(occurredAt.description)),
            ("actor", .string(actor)), ("source", .string(source)), ("data", .object(data)),
        ]
        switch expectedVersion {
        case .any: break
        case .noStream: members.append(("expectedVersion", "none"))
        case .exactly(let v): members.append(("expectedVersion", .integer(v)))
        }
        if let correlationID { members.append(("correlationId", .string(correlationID))) }
        if let causationID { members.append(("causationId", .string(causationID))) }
        return .object(JSONObject(unsortedMembers: members)!)
    }
}

/// Stream ids: `category:key`, e.g. `person:35020319900101123X` (rewritten to the pseudonym
/// at append; a `person:` key must be a resident ID or a pseudonym), `certificate:S-2024-000123`, `class:XM-2024-0012`.
public enum StreamID {
    public static func problem(_ s: String) -> String? {
        // Checked on UTF-8 bytes: every event has a stream id, and Character iteration
        // (grapheme breaking) cost more than the rest of the envelope.
        let bytes = s.utf8
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else {
            return "a stream id is a category, a colon and a key, e.g. certificate:S-2024-000123"
        }
        let category = bytes[..<colon]
        let categoryIsValid = (1...32).contains(category.count)
            && (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(category.first!)
            && category.allSatisfy {
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                    || $0 == UInt8(ascii: "-")
            }
        guard categoryIsValid else {
            return "the category of a stream id (before the colon) is lower-case letters, digits and '-', starting with a letter"
        }
        let key = String(s[s.utf8.index(after: colon)...])
        if category.elementsEqual("person".utf8) {
            // Anything else would be kept as written: a mistyped resident ID would escape
            // pseudonymisation and stay in the hash chain for ever.
            if Pseudonym.isPseudonym(key) { return nil }
            do {
                _ = try ResidentID(validating: key)
                return nil
            } catch {
                return "the key of a person: stream is the person's resident ID or pseudonym: \(error)"
            }
        }
        if let problem = keyProblem(key) { return "the key of a stream id: " + problem }
        return nil
    }

    /// What is wrong with `s` as (part of) a stream id's key, or nil: the rule `problem(_:)`
    /// applies to every key but a person's.
    public static func keyProblem(_ s: String) -> String? { FieldValidator.identifierProblem(s) }

    /// If the stream is `person:<resident ID>`, the resident ID.
    public static func personKey(_ s: String) -> ResidentID? {
        guard s.hasPrefix("person:") else { return nil }
        return try? ResidentID(validating: String(s.dropFirst(7)))
    }
}
