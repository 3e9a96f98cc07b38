import GrantLedgerEvents
import GrantLedgerLog
import NIOCore
import PostgresNIO

/// An event's row read straight from its cells' bytes.
///
/// The server sends a query's results in its binary format: a `bigint` as eight bytes, big-endian,
/// a `bytea` as its bytes, a `text` as its UTF-8. postgres-nio's generic decoding of a row of
/// fourteen columns looked up type metadata at every cell: three quarters of the time the client
/// spent making an event of its row (`perf`, reading 300,000 events). Any cell not of the kind
/// and format expected makes this give nil, and the row is decoded the general way
/// (`PostgresAccess.decodedEvent(from:)`), which also says what is wrong with it.
enum EventCells {
    /// The event of the row's first fourteen cells (the log's columns, in order), or nil.
    static func event(from row: PostgresRow) -> RecordedEvent? {
        var cells = row.makeIterator()
        guard let position = integer(cells.next()), let id = bytes(cells.next()), id.readableBytes == 16,
              let stream = text(cells.next()), let version = integer(cells.next()), let type = text(cells.next()),
              let schemaVersion = integer(cells.next()), let schema = Int(exactly: schemaVersion),
              let occurred = text(cells.next()), let occurredAt = LocalDate(occurred),
              let recorded = text(cells.next()), let recordedAt = Timestamp(recorded),
              let actor = text(cells.next()), let source = text(cells.next()),
              let correlation = optionalText(cells.next()), let causation = optionalText(cells.next()),
              let data = bytes(cells.next(), of: .text), let hash = bytes(cells.next())
        else { return nil }
        return RecordedEvent(
            position: position, eventID: id.readableBytesView.withUnsafeBytes { UUIDText.format($0) }, streamID: stream,
            streamVersion: version, type: type, schemaVersion: schema, occurredAt: occurredAt, recordedAt: recordedAt,
            actor: actor, source: source, correlationID: correlation, causationID: causation,
            data: Array(data.readableBytesView), hash: Array(hash.readableBytesView))
    }

    /// The cell, if it holds a value of `type` in the binary format (or is a NULL of it).
    static func cell(_ cell: PostgresCell?, of type: PostgresDataType) -> PostgresCell? {
        guard let cell, cell.format == .binary, cell.dataType == type else { return nil }
        return cell
    }

    /// A `bigint`: eight bytes, big-endian.
    static func integer(_ cell: PostgresCell?) -> Int64? {
        guard var bytes = bytes(cell, of: .int8), bytes.readableBytes == 8 else { return nil }
        return bytes.readInteger(endianness: .big, as: Int64.self)
    }

    /// The bytes of a non-NULL cell of `type`.
    static func bytes(_ cell: PostgresCell?, of type: PostgresDataType = .bytea) -> ByteBuffer? {
        Self.cell(cell, of: type)?.bytes
    }

    /// A non-NULL `text`.
    static func text(_ cell: PostgresCell?) -> String? {
        bytes(cell, of: .text).map(string)
    }

    /// A `text` that may be NULL: nil when the cell is not one, `.some(nil)` for NULL.
    static func optionalText(_ cell: PostgresCell?) -> String?? {
        Self.cell(cell, of: .text).map { $0.bytes.map(string) }
    }

    /// The text's UTF-8, made as postgres-nio makes it (invalid bytes, which a UTF8 database
    /// does not hold, would be replaced), without a generic call at every cell.
    static func string(_ bytes: ByteBuffer) -> String {
        bytes.withUnsafeReadableBytes { String(decoding: $0, as: UTF8.self) }
    }
}
