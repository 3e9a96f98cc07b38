import Crypto
import GrantLedgerEvents

/// The hash chain: each event's hash is SHA-256 over the previous event's hash (32 zero bytes
/// before the first event) followed by the event's canonical encoding.
///
/// The canonical encoding is the tag `GL1` and then thirteen fields, each written as its
/// length (4 bytes, big-endian) and its UTF-8 bytes: position, event id (lower-case UUID),
/// stream id, stream version, type, schema version, occurredAt, recordedAt, actor, source,
/// correlation id and causation id (empty when absent), and the data in canonical JSON.
/// Integers are plain decimal. Every byte the log stores for an event is covered, so altering,
/// removing or reordering any of them changes this hash or the next one.
public enum HashChain {
    public static let genesis = [UInt8](repeating: 0, count: 32)

    public static func hash(of event: RecordedEvent, previous: [UInt8]) -> [UInt8] {
        hash(position: event.position, eventID: event.eventID, streamID: event.streamID,
            streamVersion: event.streamVersion, type: event.type, schemaVersion: event.schemaVersion,
            occurredAt: event.occurredAt, recordedAt: event.recordedAt, actor: event.actor, source: event.source,
            correlationID: event.correlationID, causationID: event.causationID, data: event.data, previous: previous)
    }

    static func hash(
        position: Int64, eventID: String, streamID: String, streamVersion: Int64, type: String, schemaVersion: Int,
        occurredAt: LocalDate, recordedAt: Timestamp, actor: String, source: String, correlationID: String?,
        causationID: String?, data: [UInt8], previous: [UInt8]
    ) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: previous)
        hasher.update(data: Array("GL1".utf8))
        func field(_ bytes: some Collection<UInt8>) {
            let n = UInt32(bytes.count)
            hasher.update(data: [UInt8(n >> 24), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)])
            hasher.update(data: Array(bytes))
        }
        field(String(position).utf8)
        field(eventID.utf8)
        field(streamID.utf8)
        field(String(streamVersion).utf8)
        field(type.utf8)
        field(String(schemaVersion).utf8)
        field(occurredAt.description.utf8)
        field(recordedAt.description.utf8)
        field(actor.utf8)
        field(source.utf8)
        field((correlationID ?? "").utf8)
        field((causationID ?? "").utf8)
        field(data)
        return Array(hasher.finalize())
    }
}
