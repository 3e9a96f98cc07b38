import ArgumentParser
import GrantLedgerEvents
import GrantLedgerLog

struct AppendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append",
        abstract: "Append a JSON Lines file of events, all of it or none of it.",
        discussion: """
            Each line is one event (see EventSchemas/README.md). Events already in the ledger are \
            reported as duplicates and not appended again. If any line is rejected, nothing is \
            written and each problem is printed with its line number and JSON path.
            Exit status: 0 when every line is in the ledger, 1 when nothing was appended.
            """)

    @Argument(help: "The file to append, or - for standard input.")
    var file: String

    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let log = try ledger.openLog()
        let report = try log.append(try JSONLinesReader(path: file))
        let name = file == "-" ? "standard input" : file
        if output.json {
            print(ReportFormatter.json(report, file: name))
        } else {
            print(ReportFormatter.text(report, file: name), terminator: "")
        }
        if !report.isComplete { throw ExitCode.failure }
    }
}
