/// One member of an event's envelope, documented once for the JSON Schemas and the catalog
/// reference (EventSchemas/README.md).
public struct EnvelopeField: Sendable {
    /// Who writes the member: the intake tool that sends the event, or the log at append.
    public enum Writer: String, Sendable {
        /// The intake tool that sends the event.
        case sender
        /// The log, when it appends the event.
        case log
    }

    /// The member's name in the JSON object.
    public let name: String
    /// What it means, in English.
    public let summary: String
    /// The Chinese term.
    public let chinese: String
    /// Whether a sender must give it (always false for members the log adds).
    public let isRequired: Bool
    /// Who writes it.
    public let writer: Writer

    /// The members a sender writes, in ``EventSubmission/envelopeFields`` order.
    public static let submitted: [EnvelopeField] = [
        .init(name: "eventId", summary: "The sender's UUID for this event: the idempotency key, unique forever; sending the same event twice appends it once",
            chinese: "事件编号", isRequired: true, writer: .sender),
        .init(name: "streamId", summary: "The stream the event belongs to, `category:key` (see each type's suggested stream); a resident ID is allowed only as the whole key of a `person:` stream, which the log rewrites to the pseudonym",
            chinese: "事件流编号", isRequired: true, writer: .sender),
        .init(name: "expectedVersion", summary: "Optimistic concurrency: \"none\" if the stream must not exist yet, or the stream's current version (at least 1); leave it out to append whatever the version",
            chinese: "预期版本", isRequired: false, writer: .sender),
        .init(name: "type", summary: "The event type, `subject.past-tense-verb`", chinese: "事件类型", isRequired: true, writer: .sender),
        .init(name: "schemaVersion", summary: "The version of the type's schema the data follows", chinese: "结构版本", isRequired: true, writer: .sender),
        .init(name: "occurredAt", summary: "The business date the fact took effect (YYYY-MM-DD, no time zone), not when it was recorded",
            chinese: "业务发生日期", isRequired: true, writer: .sender),
        .init(name: "actor", summary: "Who appended it: a user or a batch job (identifier characters only)", chinese: "操作人", isRequired: true, writer: .sender),
        .init(name: "source", summary: "The intake tool or system it came from (identifier characters only)", chinese: "数据来源", isRequired: true, writer: .sender),
        .init(name: "correlationId", summary: "A UUID shared by the events of one case or batch", chinese: "关联编号", isRequired: false, writer: .sender),
        .init(name: "causationId", summary: "The eventId of the event that caused this one", chinese: "起因事件编号", isRequired: false, writer: .sender),
        .init(name: "data", summary: "The type-specific facts, validated against the type's definition", chinese: "事件数据", isRequired: true, writer: .sender),
    ]

    /// The members the log adds when it appends an event; a sender never writes them.
    public static let addedByLog: [EnvelopeField] = [
        .init(name: "position", summary: "Global position in the log: 1, 2, 3, … with no gaps, the order projections read in",
            chinese: "全局序号", isRequired: false, writer: .log),
        .init(name: "streamVersion", summary: "1 for the stream's first event, then 2, 3, …", chinese: "流内版本", isRequired: false, writer: .log),
        .init(name: "recordedAt", summary: "When the log appended it: UTC system time", chinese: "入账时间（UTC）", isRequired: false, writer: .log),
        .init(name: "hash", summary: "SHA-256 over the event's canonical encoding and the previous event's hash, chaining every event to the one before",
            chinese: "哈希链值", isRequired: false, writer: .log),
    ]
}
