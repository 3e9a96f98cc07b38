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
public struct TypedEvent: Sendable {
    public let envelope: RecordedEvent
    public let payload: any EventPayload
}

enum Hex {
    @inline(__always) static func digit(_ v: UInt8) -> UInt8 { v < 10 ? 0x30 + v : 0x57 + v }

    static func string(_ bytes: [UInt8]) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { out in
            for (i, byte) in bytes.enumerated() {
                out[2 * i] = digit(byte >> 4)
                out[2 * i + 1] = digit(byte & 0x0F)
            }
            return bytes.count * 2
        }
    }

    static func bytes(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 2)
        var i = 0
        while i < chars.count {
            guard let high = nibble(chars[i]), let low = nibble(chars[i + 1]) else { return nil }
            out.append(high << 4 | low)
            i += 2
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x61...0x66: c - 0x61 + 10
        case 0x41...0x46: c - 0x41 + 10
        default: nil
        }
    }
}
