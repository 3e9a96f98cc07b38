import Foundation
import GrantLedgerEvents

/// Writes the bad rows of an import to a file the sender can fix and send again.
///
/// A CSV error file has the feed's header and each bad row as it was sent, with three columns
/// added at the end: the row's line in the original file, the column(s) at fault and the
/// reason. Those extra columns are not read by any mapping, so the fixed file imports as it is.
/// It is UTF-8 with a byte order mark, which spreadsheet programs open correctly and which the
/// import recognises whatever the mapping's encoding. A JSON Lines error file holds each bad
/// line, with `_line`, `_column` and `_error` members added when the line is a JSON object.
///
/// The rows are as sent, so the file holds resident IDs in full, like the input: it is created
/// readable by its owner only. The file is written beside its final name and moved into place when the import ends, so an
/// interrupted import never leaves half an error file.
final class ErrorFileWriter {
    let path: String
    let format: FeedFormat
    let header: CSVHeader?
    /// The feed's delimiter, so that the error file imports through the same mapping.
    let delimiter: Character
    private var handle: FileHandle?
    private var buffer: [UInt8] = []
    private(set) var rows = 0
    /// Whether `finish` removed an earlier import's error file.
    private(set) var removedStale = false

    static let extraColumns = ["原行号 line", "出错列 column", "错误原因 reason"]

    init(path: String, format: FeedFormat, header: CSVHeader?, delimiter: UInt8) {
        self.path = path
        self.format = format
        self.header = header
        self.delimiter = Character(Unicode.Scalar(delimiter))
    }

    private var partialPath: String { path + ".partial" }

    /// Whether the file at `path` is one an import wrote: its first line has the columns a CSV
    /// error file adds, or its first line is a JSON object with an `_error` member.
    static func isErrorFile(at path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let start = (try? handle.read(upToCount: 64 * 1024)) ?? nil
        guard let start, let firstLine = start.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).first else { return false }
        let text = String(decoding: firstLine, as: UTF8.self)
        return text.contains(extraColumns[2]) || (text.hasPrefix("{") && text.contains("\"_error\""))
    }

    func write(_ original: OriginalRow, _ problems: [RowProblem]) throws {
        if handle == nil { try open() }
        rows += 1
        let line = problems.first?.line ?? 0
        let columns = problems.compactMap(\.columnDescription).uniqued().joined(separator: "; ")
        let reasons = problems.count == 1 ? problems[0].message
            : problems.map { ($0.columnDescription.map { "\($0): " } ?? "") + $0.message }.joined(separator: "; ")
        switch format {
        case .csv:
            var fields: [String] = Array(repeating: "", count: header?.names.count ?? 0)
            if case .csv(let cells, _) = original { fields = cells + Array(repeating: "", count: max(0, fields.count - cells.count)) }
            append(csvLine(fields + [String(line), columns, reasons]))
        case .jsonl:
            let extra: [(String, JSONValue)] = [("_line", .integer(Int64(line))), ("_column", .string(columns)), ("_error", .string(reasons))]
            switch original {
            case .line(let bytes):
                if case .object(let object)? = try? JSONParser.parse(bytes),
                   let annotated = JSONObject(unsortedMembers: object.members.filter { !$0.key.hasPrefix("_") } + extra) {
                    append(Array(CanonicalJSON.string(.object(annotated)).utf8))
                } else {
                    append(bytes)
                }
            case .csv, .unavailable:
                append(Array(CanonicalJSON.string(.object(JSONObject(unsortedMembers: extra)!)).utf8))
            }
        }
        if buffer.count >= 1 << 16 { try flush() }
    }

    private func open() throws {
        // The rows are the sender's, resident IDs and all: readable by the owner only.
        guard FileManager.default.createFile(atPath: partialPath, contents: nil, attributes: [.posixPermissions: 0o600]),
              let handle = FileHandle(forWritingAtPath: partialPath) else {
            throw ImportError("cannot write the error file \(path): check that its folder exists and is writable", kind: .errorFileUnwritable(path: path))
        }
        self.handle = handle
        if format == .csv {
            buffer += [0xEF, 0xBB, 0xBF]
            append(csvLine((header?.names ?? []) + Self.extraColumns))
        }
    }

    private func append(_ bytes: [UInt8]) {
        buffer += bytes
        buffer.append(UInt8(ascii: "\n"))
    }

    private func flush() throws {
        guard let handle, !buffer.isEmpty else { return }
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Moves the file into place. Returns whether there was anything to write. With nothing
    /// to write, an error file an earlier import left at the path goes: it listed rows this
    /// import has now taken. A file there that is not an error file is left alone.
    func finish() throws -> Bool {
        guard handle != nil else {
            if Self.isErrorFile(at: path) { try FileManager.default.removeItem(atPath: path); removedStale = true }
            return false
        }
        try flush()
        try handle?.close()
        handle = nil
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        try FileManager.default.moveItem(atPath: partialPath, toPath: path)
        return true
    }

    /// Drops an unfinished file (the import failed).
    func close() {
        guard let handle else { return }
        try? handle.close()
        self.handle = nil
        try? FileManager.default.removeItem(atPath: partialPath)
    }

    private func csvLine(_ fields: [String]) -> [UInt8] {
        Array(fields.map { field in
            guard field.contains(where: { $0 == "\"" || $0 == delimiter || $0 == "\n" || $0 == "\r" }) else { return field }
            return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }.joined(separator: String(delimiter)).utf8)
    }
}

extension Sequence where Element: Hashable {
    func uniqued() -> [Element] {
        var seen: Set<Element> = []
        return filter { seen.insert($0).inserted }
    }
}
