import GrantLedgerEvents
import NIOCore

/// Rows for `COPY … FROM STDIN` in PostgreSQL's text format, written into one buffer: columns
/// separated by a tab, rows ended by a newline, `\N` for NULL, and in text the four characters
/// that format gives a meaning (backslash, tab, newline, carriage return) written as their
/// backslash escapes. A `bytea` is written as `\x` and hex digits, its backslash escaped.
///
/// The server reads these straight into its rows: none of the arrays an `INSERT … unnest(…)`
/// makes it build and take apart, on either side.
struct CopyRows {
    private(set) var buffer: ByteBuffer
    private(set) var count = 0
    /// Whether the row being written has a column yet (the next one is then preceded by a tab).
    private var started = false

    init(capacity: Int) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    var isEmpty: Bool { count == 0 }

    mutating func text(_ value: String) {
        separate()
        var value = value
        value.withUTF8 { bytes in
            // Most text needs no escape: written as it is, in one copy.
            guard bytes.contains(where: Self.needsEscape) else {
                buffer.writeBytes(bytes)
                return
            }
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
                case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
                case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
                case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
                default: buffer.writeInteger(byte)
                }
            }
        }
    }

    mutating func text(_ value: String?) {
        if let value { text(value) } else { null() }
    }

    mutating func integer(_ value: Int64) {
        separate()
        buffer.writeString(String(value))
    }

    mutating func bytea(_ value: [UInt8]) {
        separate()
        buffer.writeStaticString("\\\\x")
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: value.count * 2) { out in
            for (i, byte) in value.enumerated() {
                out[2 * i] = Hex.digit(byte >> 4)
                out[2 * i + 1] = Hex.digit(byte & 0x0F)
            }
            return value.count * 2
        }
    }

    mutating func null() {
        separate()
        buffer.writeStaticString("\\N")
    }

    /// Ends the row being written.
    mutating func endRow() {
        buffer.writeInteger(UInt8(ascii: "\n"))
        started = false
        count += 1
    }

    private mutating func separate() {
        if started { buffer.writeInteger(UInt8(ascii: "\t")) }
        started = true
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
    }
}
