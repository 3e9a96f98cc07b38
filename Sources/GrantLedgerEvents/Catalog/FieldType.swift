/// The type of one field of an event's data. Each case knows how to validate a value, how to
/// describe itself in JSON Schema, and whether it names a party or carries personal data.
public indirect enum FieldType: Sendable {
    /// Free text, 1 to `maxLength` characters. Never a place for a resident ID.
    case text(maxLength: Int)
    /// A code chosen by the sender (certificate number, class id): 1-64 characters of
    /// `A-Z a-z 0-9 . _ - / :`.
    case identifier
    case integer(minimum: Int64?, maximum: Int64?)
    /// Money in fen (1/100 yuan), an integer of at least zero.
    case fen
    case boolean
    /// ISO 8601 calendar date `YYYY-MM-DD`.
    case date
    /// ISO 8601 month `YYYY-MM`.
    case month
    case uuid
    /// A person: the 18-character resident ID when submitted; the log stores its keyed
    /// pseudonym (`P` and 24 hex digits) instead, and either form is accepted.
    case person
    /// A person's name: removed from the event at append and kept in the erasable
    /// personal-data table.
    case personName
    /// An organisation (enterprise, training institution, agency, park, community, department)
    /// by its 18-character unified social credit code.
    case organisation
    /// A clause id from POLICIES.md, e.g. `JJ-2019-79/6.7` or `XM-2023-187/(九)-b`.
    case clause
    /// One of a fixed set of values.
    case choice([String])
    /// Whom money goes to: `{"kind": "worker", "person": …}` or
    /// `{"kind": "enterprise" | "institution" | …, "organisation": …}`.
    case payee
    case array(FieldType, minItems: Int)
    case object([FieldDefinition])

    /// A choice whose values are the raw values of a Swift enum.
    public static func choice<E: CaseIterable & RawRepresentable>(_ type: E.Type) -> FieldType
    where E.RawValue == String {
        .choice(E.allCases.map(\.rawValue))
    }

    /// Upper bound for ``fen`` fields: ten billion yuan, far above any grant.
    public static let maximumFen: Int64 = 1_000_000_000_000
}

/// One field of an event's data, with its documentation in English and the Chinese term.
public struct FieldDefinition: Sendable {
    public let name: String
    public let type: FieldType
    public let isRequired: Bool
    public let summary: String
    public let chinese: String

    public static func required(_ name: String, _ type: FieldType, _ summary: String, zh chinese: String) -> Self {
        .init(name: name, type: type, isRequired: true, summary: summary, chinese: chinese)
    }

    public static func optional(_ name: String, _ type: FieldType, _ summary: String, zh chinese: String) -> Self {
        .init(name: name, type: type, isRequired: false, summary: summary, chinese: chinese)
    }
}

/// The definition of one version of one event type: what its data must look like, documented.
public struct EventDefinition: Sendable {
    /// Dotted lower-case name, `subject.past-tense-verb`: `certificate.issued`.
    public let type: String
    public let version: Int
    public let title: String
    public let chinese: String
    public let summary: String
    /// The stream this kind of event usually belongs to, e.g. `certificate:<number>`.
    public let stream: String
    /// Whether an event of this type opens its stream: a disbursement, a clawback order, a
    /// certificate, an application, a referral, a fund, an award, an apprenticeship. Its id is
    /// the stream's key, so a second one in an existing stream is the id used again, and is
    /// refused: it would stand for the first (the projections keep one row per id).
    public let opensStream: Bool
    public let fields: [FieldDefinition]
    /// Clause ids of POLICIES.md whose conditions this event carries facts for.
    public let feeds: [String]
    /// Who records events of this type: intake tools, or the service itself.
    public let recordedBy: Recorder

    /// Who records an event type.
    public enum Recorder: Sendable {
        /// Intake tools send it: it states a fact about the world.
        case intake
        /// The service records it (the business day): it states no fact about anyone, and the
        /// examples' story log leaves it out.
        case service
    }

    public init(
        type: String, version: Int = 1, title: String, chinese: String, summary: String,
        stream: String, opensStream: Bool = false, feeds: [String] = [], fields: [FieldDefinition], recordedBy: Recorder = .intake
    ) {
        self.opensStream = opensStream
        self.recordedBy = recordedBy
        self.type = type
        self.version = version
        self.title = title
        self.chinese = chinese
        self.summary = summary
        self.stream = stream
        self.feeds = feeds
        self.fields = fields
        self.naming = Self.naming(stream, fields: fields)
    }

    /// The kind and the field of a stream named by one field (`class` and `classId` for
    /// `class:<classId>`), read from ``stream`` once: every event submitted asks for it.
    private let naming: (kind: String, field: String)?

    private static func naming(_ stream: String, fields: [FieldDefinition]) -> (kind: String, field: String)? {
        guard let colon = stream.firstIndex(of: ":") else { return nil }
        let key = stream[stream.index(after: colon)...]
        guard key.hasPrefix("<"), key.hasSuffix(">"), !key.dropFirst().contains(":") else { return nil }
        let field = String(key.dropFirst().dropLast())
        guard fields.contains(where: { $0.name == field }) else { return nil }
        return (String(stream[..<colon]), field)
    }

    public var key: EventTypeKey { EventTypeKey(type: type, version: version) }

    /// For a type that opens its stream under one field's value (`disbursement:<disbursementId>`):
    /// that field and the stream `data` opens. Nil for other types, for streams keyed by more
    /// than one value (`referral:<agency>:<referral number>`), and when the field is not a string.
    public func openedStream(by data: JSONObject) -> (field: String, stream: String)? {
        guard opensStream else { return nil }
        return namedStream(by: data)
    }

    /// For a type whose stream is named by one field of its data (`class:<classId>`,
    /// `disbursement:<disbursementId>`): that field and the stream `data` names. An event of
    /// such a type belongs in that stream and no other. Nil for streams named otherwise
    /// (`person:<resident ID>`, `employment:<employer>:<contract number>`).
    public func namedStream(by data: JSONObject) -> (field: String, stream: String)? {
        guard let (kind, field) = naming, case .string(let value)? = data[field] else { return nil }
        return (field, kind + ":" + value)
    }
}

/// An event type at one schema version.
public struct EventTypeKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let type: String
    public let version: Int
    public init(type: String, version: Int) {
        self.type = type
        self.version = version
    }
    public var description: String { "\(type) v\(version)" }
    public static func < (a: Self, b: Self) -> Bool { (a.type, a.version) < (b.type, b.version) }
}
