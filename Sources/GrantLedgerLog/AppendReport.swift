import GrantLedgerEvents

/// One line of input: its 1-based line number in the file and its bytes.
public struct SubmissionLine: Sendable {
    public let number: Int
    public let bytes: [UInt8]
    /// Set when the input could not be read past this point: the line is rejected, and with
    /// it the whole file, rather than a truncated file being appended as if complete.
    public let readError: String?

    public init(number: Int, bytes: [UInt8]) {
        self.number = number
        self.bytes = bytes
        self.readError = nil
    }

    public init(number: Int, readError: String) {
        self.number = number
        self.bytes = []
        self.readError = readError
    }
}

/// A problem with one line of input: where (line and JSON path) and what.
public struct LineIssue: Sendable, Hashable, CustomStringConvertible {
    public let line: Int
    public let path: String
    public let message: String
    /// Set when the line was refused because a clause field names no clause of the policy
    /// catalog: the value and the suggestions, for a front end to word its own way (and to
    /// mention its means of recording such events on purpose).
    public let unknownClause: UnknownClause?
    /// Set when the line's expected stream version did not hold: the stream, as stored, and
    /// the versions expected and found, for a front end to answer as a conflict.
    public let versionConflict: VersionConflict?
    /// Set when the line names a person by resident ID and the log has no pseudonym key: a
    /// front end says how to give it one.
    public var needsKey = false
    public var description: String { "line \(line): \(path): \(message)" }

    public struct VersionConflict: Sendable, Hashable {
        public let stream: String
        public let expected: ExpectedVersion
        public let actual: Int64
    }

    public init(line: Int, path: String, message: String) {
        self.line = line
        self.path = path
        self.message = message
        self.unknownClause = nil
        self.versionConflict = nil
    }

    public init(line: Int, unknownClause: UnknownClause) {
        self.line = line
        self.path = unknownClause.path
        self.message = unknownClause.description
        self.unknownClause = unknownClause
        self.versionConflict = nil
    }

    public init(line: Int, message: String, conflict: VersionConflict) {
        self.line = line
        self.path = "$.expectedVersion"
        self.message = message
        self.unknownClause = nil
        self.versionConflict = conflict
    }
}

/// What happened to one line.
public enum LineOutcome: Sendable, Hashable {
    case appended(line: Int, position: Int64, eventID: String)
    case duplicate(line: Int, position: Int64, eventID: String)
    case rejected(line: Int)
    /// A valid line not appended because another line of the file was rejected.
    case withheld(line: Int)
}

/// The result of appending a file: all of it or none of it.
public struct AppendReport: Sendable {
    /// Lines that held an event (blank lines are skipped).
    public internal(set) var lines = 0
    public internal(set) var appended = 0
    public internal(set) var duplicates = 0
    public internal(set) var rejectedLines = 0
    /// The line number of every rejected line, however many (``outcomes`` keeps only the first
    /// ``outcomeLimit`` lines), so that a caller can take them out and append the rest.
    public internal(set) var rejectedLineNumbers: [Int] = []
    /// Every problem found, up to ``issueLimit``; ``rejectedLines`` counts them all.
    public internal(set) var issues: [LineIssue] = []
    /// The first ``outcomeLimit`` lines' outcomes, for reporting small files line by line.
    public internal(set) var outcomes: [LineOutcome] = []
    public internal(set) var firstPosition: Int64?
    public internal(set) var lastPosition: Int64?
    /// Whether the appended events were committed. False when any line was rejected.
    public internal(set) var committed = false

    public static let issueLimit = 1000
    public static let outcomeLimit = 1000

    /// True when every line is in the log: appended now or before.
    public var isComplete: Bool { rejectedLines == 0 && committed }

    mutating func reject(line: Int, issues lineIssues: [LineIssue]) {
        rejectedLines += 1
        rejectedLineNumbers.append(line)
        record(.rejected(line: line))
        for issue in lineIssues where issues.count < Self.issueLimit { issues.append(issue) }
    }

    mutating func record(_ outcome: LineOutcome) {
        if outcomes.count < Self.outcomeLimit { outcomes.append(outcome) }
    }
}

/// Supplies the recording time. Tests pass a fixed clock.
public protocol RecordingClock: Sendable {
    func now() -> Timestamp
}

public struct SystemClock: RecordingClock {
    public init() {}
    public func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(millisecondsSinceEpoch: Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
