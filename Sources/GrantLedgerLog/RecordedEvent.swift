import GrantLedgerEvents

/// An event as the log stores it: the sender's envelope and data, plus what the log added
/// (position, stream version, recording time, hash). Person fields hold pseudonyms.
public struct RecordedEvent: Sendable, Hashable {
    /// Global position: 1, 2, 3, … with no gaps; the order projections read in.
    public let position: Int64
    public let eventID: String
    public let streamID: String
    /// 1 for the stream's first event, then 2, 3, …
    public let streamVersion: Int64
    public let type: String
    public let schemaVersion: Int
    /// Business time: the date the fact took effect.
    public let occurredAt: LocalDate
    /// System time: when the log recorded it.
    public let recordedAt: Timestamp
    public let actor: String
    public let source: String
    public let correlationID: String?
    public let causationID: String?
    /// The data in canonical JSON, exactly as hashed.
    public let data: [UInt8]
    /// SHA-256 over the previous event's hash and this event's canonical encoding.
    public let hash: [UInt8]

    public init(
        position: Int64, eventID: String, streamID: String, streamVersion: Int64, type: String,
        schemaVersion: Int, occurredAt: LocalDate, recordedAt: Timestamp, actor: String, source: String,
        correlationID: String?, causationID: String?, data: [UInt8], hash: [UInt8]
    ) {
        self.position = position
        self.eventID = eventID
        self.streamID = streamID
        self.streamVersion = streamVersion
        self.type = type
        self.schemaVersion = schemaVersion
        self.occurredAt = occurredAt
        self.recordedAt = recordedAt
        self.actor = actor
        self.source = source
        self.correlationID = correlationID
        self.causationID = causationID
        self.data = data
        self.hash = hash
    }

    /// The data parsed as JSON.
    public func dataValue() throws -> JSONValue { try JSONParser.parse(data) }

    /// The hash as 64 lower-case hex digits.
    public var hashHex: String { Hex.string(hash) }

    /// Bytes as lower-case hex.
    public static func hex(_ bytes: [UInt8]) -> String { Hex.string(bytes) }
}

/// A `RecordedEvent` whose data has been upgraded to the current schema version and decoded.
extension RecordedEvent {
    /// The event's data upgraded to its type's current version and decoded; data the catalog
    /// cannot read is reported as a corrupt event at this position.
    public func payload(in catalog: EventCatalog) throws -> any EventPayload {
        do {
            return try catalog.decode(type: type, version: schemaVersion, canonicalData: data)
        } catch {
            throw LogError.corruptEvent(position: position, reason: String(describing: error))
        }
    }
}

public struct TypedEvent: Sendable {
    public let envelope: RecordedEvent
    public let payload: any EventPayload
}
