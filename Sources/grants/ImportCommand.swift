import ArgumentParser
import Foundation
import GrantLedgerEvents
import GrantLedgerIntake
import GrantLedgerLog
import GrantLedgerPolicy
import GrantLedgerService

extension FeedFormat: ExpressibleByArgument {}

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a feed (CSV or JSON Lines) through a mapping: one event per row.",
        discussion: """
            The mapping (Tools/mappings/*.yaml; see its README) says which event each row \
            becomes and where each field comes from. Each event's id is derived from the row's \
            natural key, so importing a file again, or a file that overlaps an earlier one, \
            appends nothing twice.
            Bad rows are reported with their line, column and reason, and copied to an error \
            file (FILE.errors.csv or .errors.jsonl) that the sender can fix and import again. \
            The good rows are appended, a batch per transaction; with --all-or-nothing nothing \
            is appended unless every row is good. Files of any length are read as a stream.
            A clause id, from the mapping or from a row, must be one of the policy catalog's; a \
            row naming another is bad, with the nearest id. --allow-unknown-clauses records \
            clause ids of a document not yet in the catalog, checked for their shape only.
            Exit status: 0 when every row is in the ledger, 1 when a row was bad.
            """)

    @Argument(help: "csv or jsonl.")
    var format: FeedFormat

    @Argument(help: "The file to import, or - for standard input.")
    var file: String

    @Option(name: .long, help: "The mapping: a path, or the name of one in Tools/mappings (si-months, portal-certificates, finance-payments, agency-referrals).")
    var mapping: String

    @Option(name: .long, help: "utf-8 or gb18030 (also gbk, gb2312); default: the mapping's. A file with a UTF-8 byte order mark is read as UTF-8.")
    var encoding: String?

    @Flag(name: .long, help: "Append nothing unless every row is good.")
    var allOrNothing = false

    @Option(name: .long, help: "Where to write the bad rows (default: beside FILE, .errors.csv or .errors.jsonl).")
    var errors: String?

    @Flag(name: .long, help: "Leave the projections for the next projection command to catch up.")
    var skipProjections = false

    @Flag(name: .long, help: "No progress line.")
    var quiet = false

    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var policies: PolicyOptions
    @OptionGroup var clauses: ClauseOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let encoding, TextEncoding(label: encoding) == nil {
            throw ValidationError("unknown encoding \(encoding): use utf-8 or gb18030 (GBK and GB2312 files are GB18030)")
        }
    }

    func run() async throws {
        let ledger = try await clauses.open(ledger, policies: policies)
        let mapping = try ledger.mapping(self.mapping)
        var options = ImportOptions(allOrNothing: allOrNothing, encoding: encoding.flatMap(TextEncoding.init(label:)),
                                    advice: LedgerErrorWording.importAdvice)
        options.errorFile = errorFilePath
        let progress = ProgressLine(enabled: !quiet && !output.json)
        let name = file == "-" ? "standard input" : file
        let outcome: ImportOutcome
        do {
            outcome = try await ledger.importFeed(format, path: file, using: mapping, options: options, catchingUp: !skipProjections,
                                            progress: { progress.update($0) }) { report in
                progress.finish()
                guard !output.json else { return }
                // The rows are acknowledged before the projections are touched.
                print(Self.text(report, file: name, mapping: mapping), terminator: "")
                fflush(nil)
            }
        } catch {
            progress.finish()
            throw error
        }
        if output.json {
            var json = Self.json(outcome.report, file: name, mapping: mapping)
            if let projections = outcome.projections { json = AppendCommand.adding(projections: projections.json, to: json) }
            print(json)
        } else if let projections = outcome.projections {
            print(projections.text)
        }
        guard outcome.report.isComplete else { throw ExitCode.failure }
    }

    /// Beside the input, `.errors.csv` or `.errors.jsonl`; in the working directory for standard input.
    var errorFilePath: String {
        if let errors { return errors }
        let base = file == "-" ? "stdin" : ((file as NSString).deletingPathExtension)
        return base + ".errors." + format.rawValue
    }

    static func text(_ report: ImportReport, file: String, mapping: Mapping) -> String {
        var text = ""
        let shown = 20
        for problem in report.problems.prefix(shown) {
            text += "\(file):\(problem.line): \(problem.columnDescription.map { "\($0): " } ?? "")\(problem.message)\n"
        }
        if report.counts.badRows > 0, report.problems.count > shown || report.counts.badRows > report.problems.count {
            text += "… and more: every bad row is in the error file\n"
        }
        let counts = report.counts
        var summary = "\(file): \(counts.rows) row\(counts.rows == 1 ? "" : "s") read as \(mapping.definition.type) (mapping \(mapping.name)"
        if let encoding = report.encoding { summary += ", \(encoding.rawValue)" }
        summary += "): "
        if report.allOrNothing && !report.committed {
            summary += "\(counts.badRows) bad, so nothing was appended (--all-or-nothing)"
        } else {
            summary += "\(counts.appended) appended, \(counts.duplicates) already in the ledger"
            if counts.skipped > 0 { summary += ", \(counts.skipped) skipped by the mapping" }
            summary += ", \(counts.badRows) bad"
            if let first = report.firstPosition, let last = report.lastPosition { summary += "; positions \(first)–\(last)" }
        }
        text += summary + "\n"
        if let errorFile = report.errorFile {
            text += "The bad rows are in \(errorFile), each with its line, column and reason: fix them there and import that file"
            text += report.allOrNothing && !report.committed ? " (or fix the original and import it again).\n" : ".\n"
        }
        if let removed = report.removedErrorFile { text += "No bad rows: the error file of an earlier import, \(removed), is removed.\n" }
        return text
    }

    static func json(_ report: ImportReport, file: String, mapping: Mapping) -> String {
        let counts = report.counts
        var members: [(String, JSONValue)] = [
            ("file", .string(file)), ("mapping", .string(mapping.name)), ("type", .string(mapping.definition.type)),
            ("rows", .integer(Int64(counts.rows))), ("appended", .integer(Int64(counts.appended))),
            ("duplicates", .integer(Int64(counts.duplicates))), ("skipped", .integer(Int64(counts.skipped))),
            ("badRows", .integer(Int64(counts.badRows))), ("committed", .bool(report.committed)),
            ("problems", .array(report.problems.map { problem in
                .object(JSONObject(unsortedMembers: [
                    ("line", .integer(Int64(problem.line))), ("column", problem.column.map(JSONValue.string) ?? .null),
                    ("message", .string(problem.message)),
                ])!)
            })),
        ]
        if let errorFile = report.errorFile { members.append(("errorFile", .string(errorFile))) }
        if let removed = report.removedErrorFile { members.append(("removedErrorFile", .string(removed))) }
        if let first = report.firstPosition, let last = report.lastPosition {
            members += [("firstPosition", .integer(first)), ("lastPosition", .integer(last))]
        }
        return CanonicalJSON.string(.object(JSONObject(unsortedMembers: members)!))
    }
}

/// A progress line on standard error, rewritten in place on a terminal and printed every ten
/// seconds otherwise; only for imports that last more than a second or two.
final class ProgressLine {
    let enabled: Bool
    let start = Date()
    var last = Date()
    var printed = false
    let terminal = isatty(STDERR_FILENO) != 0

    init(enabled: Bool) { self.enabled = enabled }

    func update(_ counts: ImportProgress) {
        guard enabled else { return }
        let now = Date()
        let interval: TimeInterval = terminal ? 0.5 : 10
        guard now.timeIntervalSince(start) >= 2, now.timeIntervalSince(last) >= interval else { return }
        last = now
        let elapsed = now.timeIntervalSince(start)
        let line = "\(counts.rows) rows, \(counts.appended) appended, \(counts.duplicates) already there, \(counts.badRows) bad; \(Int(Double(counts.rows) / elapsed)) rows/s"
        FileHandle.standardError.write(Data(((terminal ? "\r\u{1B}[K" : "") + line + (terminal ? "" : "\n")).utf8))
        printed = true
    }

    func finish() {
        if enabled, terminal, printed { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
