import Foundation
import GrantLedgerEvents
import GrantLedgerLog

/// The formats a feed can come in.
public enum FeedFormat: String, Sendable, CaseIterable {
    /// Comma- (or otherwise) separated values with a header row, UTF-8 or GB18030.
    case csv
    /// One JSON object per line, UTF-8; a mapping's columns are the objects' keys (`a.b` for nested ones).
    case jsonl
}

public struct ImportOptions: Sendable {
    /// Append nothing unless every row is good.
    public var allOrNothing = false
    /// Overrides the mapping's encoding (CSV only). A file starting with a UTF-8 byte order mark is UTF-8 whatever is said.
    public var encoding: TextEncoding?
    /// Where bad rows are written, for the sender to fix and send again; nil writes none.
    public var errorFile: String?
    /// Rows per transaction when rows are appended as they come: large enough that commits
    /// (each one a disk sync) cost little, small enough that other writers wait a moment only.
    public var batchSize = 10_000
    /// The front end's words for what a sender can do about a problem.
    public var advice: ImportAdvice
    /// What messages call the file (an upload's staging path means nothing to its sender);
    /// nil for its path.
    public var sourceName: String?

    public init(allOrNothing: Bool = false, encoding: TextEncoding? = nil, errorFile: String? = nil, advice: ImportAdvice = .neutral) {
        self.allOrNothing = allOrNothing
        self.encoding = encoding
        self.errorFile = errorFile
        self.advice = advice
    }
}

/// How a front end tells a sender what to do, where the library can only say what is wrong:
/// the command line names its flag, the HTTP service its query parameter. The words go into
/// the report and the error file.
public struct ImportAdvice: Sendable {
    /// Said after a problem that reading the file in `other` encoding would cure.
    public var otherEncoding: @Sendable (_ other: TextEncoding) -> String

    public init(otherEncoding: @escaping @Sendable (_ other: TextEncoding) -> String) {
        self.otherEncoding = otherEncoding
    }

    /// Words that name no front end.
    public static let neutral = ImportAdvice { "read it as \($0.rawValue)" }
}

/// Counts so far, for a progress line.
public struct ImportProgress: Sendable {
    public var rows = 0
    public var appended = 0
    public var duplicates = 0
    public var skipped = 0
    public var badRows = 0
}

/// What an import came to.
public struct ImportReport: Sendable {
    public var counts = ImportProgress()
    /// The first ``problemLimit`` problems; ``ImportProgress/badRows`` counts every bad row.
    public var problems: [RowProblem] = []
    public static let problemLimit = 1000
    public var allOrNothing = false
    /// With --all-or-nothing: whether the rows were appended (false when any row was bad).
    public var committed = true
    public var errorFile: String?
    /// An earlier import's error file at the error file's path, removed: this import had no bad row.
    public var removedErrorFile: String?
    public var encoding: TextEncoding?
    public var firstPosition: Int64?
    public var lastPosition: Int64?

    /// True when every row is in the ledger (appended now or before) or skipped by the mapping.
    public var isComplete: Bool { counts.badRows == 0 && committed }

    mutating func add(_ rowProblems: [RowProblem]) {
        counts.badRows += 1
        for problem in rowProblems where problems.count < Self.problemLimit { problems.append(problem) }
    }

    mutating func add(_ append: AppendReport) {
        counts.appended += append.appended
        counts.duplicates += append.duplicates
        if firstPosition == nil { firstPosition = append.firstPosition }
        lastPosition = append.lastPosition ?? lastPosition
    }
}

/// A problem that stops an import before any row is appended: the file cannot be read, its
/// header lacks a column the mapping needs, the pseudonym key is missing.
public struct ImportError: Error, Sendable, CustomStringConvertible {
    public let description: String
    /// What kind of problem, for a front end that adds its own advice.
    public let kind: Kind

    public enum Kind: Sendable, Equatable {
        /// The ledger was opened without its pseudonym key.
        case keyUnavailable
        /// The error file cannot be written at this path.
        case errorFileUnwritable(path: String)
        case other
    }

    public init(_ description: String, kind: Kind = .other) {
        self.description = description
        self.kind = kind
    }
}

/// Reads a feed row by row, maps each row to an event, and appends the good ones, so that
/// memory stays flat however long the file. Bad rows are reported with line, column and
/// reason, and copied to the error file.
public struct Importer {
    public let log: EventLog
    public let mapping: Mapping
    let mapper: RowMapper

    public init(log: EventLog, mapping: Mapping) throws(ImportError) {
        guard let pseudonymizer = log.pseudonymizer else {
            throw ImportError("importing needs the ledger's pseudonym key, to put pseudonyms in place of resident IDs and into natural keys",
                              kind: .keyUnavailable)
        }
        self.log = log
        self.mapping = mapping
        self.mapper = RowMapper(mapping: mapping, catalog: log.catalog, clauses: log.clauses) { pseudonymizer.pseudonym(for: $0) }
    }

    public func run(_ format: FeedFormat, path: String, options: ImportOptions = ImportOptions(),
                    progress: ((ImportProgress) -> Void)? = nil) async throws -> ImportReport {
        var rows = try FeedRows(format, path: path, mapping: mapping, encoding: options.encoding, advice: options.advice,
                                name: options.sourceName)
        var report = ImportReport()
        report.allOrNothing = options.allOrNothing
        report.encoding = rows.encoding
        let errors = options.errorFile.map { ErrorFileWriter(path: $0, format: format, header: rows.header, delimiter: mapping.delimiter) }
        defer { errors?.close() }
        if options.allOrNothing {
            try await importAtomically(rows, into: &report, errors: errors, progress: progress)
        } else {
            try await importInBatches(&rows, size: max(1, options.batchSize), into: &report,
                                errors: errors, progress: progress)
        }
        if let errors, try errors.finish() { report.errorFile = errors.path }
        if let errors, errors.removedStale { report.removedErrorFile = errors.path }
        return report
    }

    struct Pending {
        let line: SubmissionLine
        let original: OriginalRow
    }

    /// Appends rows a batch at a time. A row the log refuses (an event id already there with
    /// other content) is taken out of its batch, which is then appended without it.
    func importInBatches(_ rows: inout FeedRows, size: Int, into report: inout ImportReport, errors: ErrorFileWriter?,
                         progress: ((ImportProgress) -> Void)?) async throws {
        var batch: [Pending] = []
        batch.reserveCapacity(size)
        func flush() async throws {
            while !batch.isEmpty {
                let appended = try await log.append(batch.lazy.map(\.line))
                if appended.committed {
                    report.add(appended)
                    break
                }
                let refused = refusedLines(appended)
                guard !refused.isEmpty else { throw ImportError("the ledger refused a batch without naming a line: \(appended.issues.first.map(String.init(describing:)) ?? "no reason given")") }
                for pending in batch where refused[pending.line.number] != nil {
                    var problems: [RowProblem] = []
                    for issue in refused[pending.line.number]! {
                        problems.append(await problem(for: issue, bytes: pending.line.bytes, original: pending.original))
                    }
                    report.add(problems)
                    try errors?.write(pending.original, problems)
                }
                batch.removeAll { refused[$0.line.number] != nil }
            }
            batch.removeAll(keepingCapacity: true)
            progress?(report.counts)
        }
        while let read = rows.next() {
            report.counts.rows += 1
            switch read {
            case .unreadable(let problem, let original):
                report.add([problem])
                try errors?.write(original, [problem])
            case .row(let row, let original):
                switch mapper.map(row) {
                case .event(let bytes, _), .unknownClauses(let bytes, _, _):
                    // A row naming clauses the catalog lacks goes to the log too: it is a
                    // duplicate if imported before, when they were allowed, and else refused.
                    batch.append(Pending(line: SubmissionLine(number: row.line, bytes: bytes), original: original))
                case .skipped: report.counts.skipped += 1
                case .invalid(let problems):
                    report.add(problems)
                    try errors?.write(original, problems)
                }
            }
            if batch.count == size { try await flush() }
        }
        try await flush()
    }

    /// One transaction for the whole file. A bad row is handed to the log as an unreadable
    /// line, which makes it roll everything back; the rows are still all read, so that every
    /// bad one is reported.
    func importAtomically(_ rows: FeedRows, into report: inout ImportReport, errors: ErrorFileWriter?,
                          progress: ((ImportProgress) -> Void)?) async throws {
        let state = AtomicState(report: report, errors: errors, progress: progress)
        var source = rows
        let lines = AnySequence<SubmissionLine> {
            AnyIterator { () -> SubmissionLine? in
                while let read = source.next() {
                    state.report.counts.rows += 1
                    if state.report.counts.rows % 10_000 == 0 { state.progress?(state.report.counts) }
                    switch read {
                    case .unreadable(let problem, let original):
                        state.bad(original, [problem])
                        return SubmissionLine(number: problem.line, readError: Self.badRowMarker)
                    case .row(let row, let original):
                        switch mapper.map(row) {
                        case .event(let bytes, _): return SubmissionLine(number: row.line, bytes: bytes)
                        case .unknownClauses(let bytes, _, let problems):
                            // The log tells a row imported before (a duplicate) from a bad one.
                            state.unknownClauses[row.line] = (original, problems)
                            return SubmissionLine(number: row.line, bytes: bytes)
                        case .skipped: state.report.counts.skipped += 1
                        case .invalid(let problems):
                            state.bad(original, problems)
                            return SubmissionLine(number: row.line, readError: Self.badRowMarker)
                        }
                    }
                }
                return nil
            }
        }
        let appended = try await log.append(lines)
        if let error = state.writeError { throw error }
        report = state.report
        if appended.committed {
            report.add(appended)
        } else {
            report.committed = false
            // Rows the log itself refused (their own lines, not the bad rows marked above).
            let alreadyReported = Set(report.problems.map(\.line))
            for (line, issues) in refusedLines(appended) where !alreadyReported.contains(line) {
                if let (original, problems) = state.unknownClauses[line], issues.allSatisfy({ $0.unknownClause != nil }) {
                    report.add(problems)
                    try errors?.write(original, problems)
                    continue
                }
                var problems: [RowProblem] = []
                for issue in issues { problems.append(await problem(for: issue, bytes: nil, original: .unavailable)) }
                report.add(problems)
                try errors?.write(.unavailable, problems)
            }
        }
        progress?(report.counts)
    }

    static let badRowMarker = "a row of the file is bad (see the import's report)"

    final class AtomicState: @unchecked Sendable {
        var report: ImportReport
        let errors: ErrorFileWriter?
        let progress: ((ImportProgress) -> Void)?
        var writeError: (any Error)?
        /// Rows naming clauses the catalog lacks, by line, kept to report them as the mapper
        /// saw them (with their columns, and the row for the error file) if the log refuses them.
        var unknownClauses: [Int: (OriginalRow, [RowProblem])] = [:]

        init(report: ImportReport, errors: ErrorFileWriter?, progress: ((ImportProgress) -> Void)?) {
            self.report = report
            self.errors = errors
            self.progress = progress
        }

        func bad(_ original: OriginalRow, _ problems: [RowProblem]) {
            report.add(problems)
            do { try errors?.write(original, problems) } catch { writeError = writeError ?? error }
        }
    }

    /// The lines a rejected append refused, with the log's reasons (the first thousand
    /// reasons: a line beyond them is refused for "the ledger refused it" with no detail).
    func refusedLines(_ report: AppendReport) -> [Int: [LineIssue]] {
        var refused: [Int: [LineIssue]] = [:]
        for line in report.rejectedLineNumbers where line > 0 { refused[line] = [] }
        for issue in report.issues where refused[issue.line] != nil { refused[issue.line]!.append(issue) }
        for (line, issues) in refused where issues.isEmpty {
            refused[line] = [LineIssue(line: line, path: "$", message: "the ledger refused this row; import it again on its own to see why")]
        }
        return refused
    }

    /// The log's reason for refusing a line, said in terms of the row: its column, and for an
    /// event already in the ledger with other content, what differs.
    func problem(for issue: LineIssue, bytes: [UInt8]?, original: OriginalRow) async -> RowProblem {
        if issue.message.contains("already in the log") {
            let key = mapping.key.joined(separator: ", ")
            var detail = "", column: String?
            if let bytes, let found = try? await difference(bytes) {
                detail = " (\(found.text))"
                if let field = found.field, case .column(let name) = field.origin { column = name }
            }
            return RowProblem(line: issue.line, column: column, columnDescription: column.map { original.describe($0) },
                              message: "a row with the same key (\(key)) is already in the ledger with other content\(detail); "
                                + "if this row corrects it, the correction needs a key of its own (see the mapping's key), or send it as a new fact")
        }
        let value = mapper.value(atJSONPath: issue.path)
        var column: String?
        if let value, case .column(let name) = value.origin { column = name }
        return RowProblem(line: issue.line, column: column, columnDescription: column.map { original.describe($0) },
                          message: value == nil ? "\(issue.path): \(issue.message)" : issue.message)
    }

    /// The first data field in which `bytes` differs from the stored event of the same id.
    func difference(_ bytes: [UInt8]) async throws -> (field: Mapping.Value?, text: String)? {
        guard case .object(let new) = try JSONParser.parse(bytes), let id = new["eventId"]?.stringValue,
              case .object(let newData)? = new["data"], let stored = try await log.event(withID: id),
              case .object(let storedData) = try JSONParser.parse(stored.data) else { return nil }
        for field in mapping.fields {
            let path = field.name.split(separator: ".").map(String.init)
            func at(_ object: JSONObject) -> JSONValue? {
                var value: JSONValue? = .object(object)
                for component in path { value = value?.objectValue?[component] }
                return value
            }
            guard field.kind != .person, at(newData) != at(storedData) else { continue }
            let was = at(storedData).map(CanonicalJSON.string) ?? "absent", now = at(newData).map(CanonicalJSON.string) ?? "absent"
            return (field, "\(field.name) was \(was), this row says \(now)")
        }
        if stored.occurredAt.description != new["occurredAt"]?.stringValue {
            return (mapping.occurredAt, "occurredAt was \(stored.occurredAt)")
        }
        return nil
    }
}
