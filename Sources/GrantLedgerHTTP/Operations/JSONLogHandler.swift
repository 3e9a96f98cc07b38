import Foundation
import Logging
import NIOConcurrencyHelpers

/// A swift-log handler that writes each message as one JSON object on one line (JSON Lines),
/// for a log collector to parse: `time` (UTC, milliseconds), `level`, `logger` (the label),
/// `message`, then the metadata's keys (the handler's, the logger's, the call's; the call's
/// win). A metadata key that would shadow one of those four is written as `metadata.<key>`;
/// Hummingbird's `hb.request.id` is written as `requestId`.
///
/// `grants serve` installs it with `LoggingSystem.bootstrap` (once, in the executable); tests
/// give it a sink of their own instead of standard error.
public struct JSONLogHandler: LogHandler {
    /// Where finished lines go; each call gets one whole line, newline included.
    public typealias Sink = @Sendable (String) -> Void

    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let sink: Sink

    public init(label: String, level: Logger.Level = .info, metadataProvider: Logger.MetadataProvider? = nil,
                sink: @escaping Sink = JSONLogHandler.standardError) {
        self.label = label
        self.logLevel = level
        self.metadataProvider = metadataProvider
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = self.metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let explicit = event.metadata { merged.merge(explicit) { $1 } }
        sink(Self.line(time: Date(), level: event.level, label: label, message: event.message.description, metadata: merged))
    }

    static let reserved: Set<String> = ["time", "level", "logger", "message"]

    /// One log line: the fixed fields first, then the metadata in key order, so that lines
    /// compare and diff well.
    static func line(time: Date, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata) -> String {
        var out = "{\"time\":"
        appendString(timestamp(time), to: &out)
        out += ",\"level\":"
        appendString(level.rawValue, to: &out)
        out += ",\"logger\":"
        appendString(label, to: &out)
        out += ",\"message\":"
        appendString(message, to: &out)
        for key in metadata.keys.sorted() {
            out += ","
            appendString(key == "hb.request.id" ? "requestId" : reserved.contains(key) ? "metadata." + key : key, to: &out)
            out += ":"
            appendValue(metadata[key]!, to: &out)
        }
        out += "}\n"
        return out
    }

    /// `2026-12-06T07:33:15.123Z`.
    static func timestamp(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(milliseconds / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let fraction = Int(milliseconds % 1000)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let millis = fraction < 10 ? "00\(fraction)" : fraction < 100 ? "0\(fraction)" : "\(fraction)"
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(millis)Z"
    }

    private static func appendValue(_ value: Logger.Metadata.Value, to out: inout String) {
        switch value {
        case .string(let text): appendString(text, to: &out)
        case .stringConvertible(let convertible): appendString(convertible.description, to: &out)
        case .array(let values):
            out += "["
            for (index, element) in values.enumerated() {
                if index > 0 { out += "," }
                appendValue(element, to: &out)
            }
            out += "]"
        case .dictionary(let members):
            out += "{"
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { out += "," }
                appendString(key, to: &out)
                out += ":"
                appendValue(members[key]!, to: &out)
            }
            out += "}"
        }
    }

    /// A JSON string: quotes, backslashes and control characters escaped (RFC 8259), the
    /// rest as UTF-8, so that a message can never break its line.
    static func appendString(_ text: String, to out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    /// Writes a line to standard error in one `write`, under a lock, so lines from
    /// concurrent requests never interleave.
    public static let standardError: Sink = { line in
        standardErrorLock.withLock {
            let bytes = Array(line.utf8)
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeBytes { buffer in
                    write(STDERR_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
                }
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }
    private static let standardErrorLock = NIOLock()
}
