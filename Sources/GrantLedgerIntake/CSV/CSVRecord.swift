/// One record of a CSV file: its fields, and the physical line it starts on.
public struct CSVRecord: Sendable, Equatable {
    /// The 1-based physical line the record starts on. A record whose quoted field holds line
    /// breaks spans several lines; the next record's `line` counts all of them.
    public let line: Int
    /// The fields, unquoted, with `""` turned into `"`. Line breaks inside quoted fields are
    /// kept as they are in the file (`\n` or `\r\n`).
    public let fields: [String]

    public init(line: Int, fields: [String]) {
        self.line = line
        self.fields = fields
    }
}

/// A row that could not be read. The reader carries on after it with the next line, so an
/// importer can report every bad row of a file in one pass; only a failure to read the file
/// itself ends the reading.
public struct CSVError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The 1-based physical line of the problem (for an unclosed quote, the line the quoted
    /// field starts on).
    public let line: Int
    /// The 1-based index of the field the problem is in, when there is one.
    public let column: Int?
    /// What is wrong, and where it helps, what to do about it.
    public let message: String
    /// The encoding the bytes may be in instead, when they are not valid in the one read: a
    /// front end says how to choose it (see ``ImportAdvice``).
    public let otherEncoding: TextEncoding?

    public init(line: Int, column: Int?, message: String, otherEncoding: TextEncoding? = nil) {
        self.line = line
        self.column = column
        self.message = message
        self.otherEncoding = otherEncoding
    }

    public var description: String {
        if let column { "line \(line), field \(column): \(message)" } else { "line \(line): \(message)" }
    }
}

/// An input that cannot be read at all: it does not exist, is a directory, cannot be opened,
/// or the system cannot convert its encoding. Thrown when a reader is created.
public struct CSVInputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The path as given (`-` for standard input, `<memory>` for bytes in memory).
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "cannot read \(path): \(reason)" }
}
