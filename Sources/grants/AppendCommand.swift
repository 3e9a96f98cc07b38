import ArgumentParser
import Foundation
import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerPolicy
import GrantLedgerProjections
import GrantLedgerService

struct AppendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append",
        abstract: "Append a JSON Lines file of events, all of it or none of it.",
        discussion: """
            Each line is one event (see EventSchemas/README.md). Events already in the ledger are \
            reported as duplicates and not appended again. If any line is rejected, nothing is \
            written and each problem is printed with its line number and JSON path.
            After a successful append the projections are caught up (with --policies, or the \
            bundled catalog) and a last line says where they are; if they cannot be updated the \
            append stands, the line says why, and the next projection command catches them up.
            Every clause id must be one of the policy catalog's (--policies, or the bundled \
            catalog); a line naming another is rejected with the nearest id (full-width \
            （九） read as (九)). To record events of a document not yet in the catalog, pass \
            --allow-unknown-clauses: their clause ids are then checked for their shape only.
            Exit status: 0 when every line is in the ledger, 1 when nothing was appended.
            """)

    @Argument(help: "The file to append, or - for standard input.")
    var file: String

    @Flag(name: .long, help: "Leave the projections for the next projection command (or `grants serve`) to catch up.")
    var skipProjections = false

    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var policies: PolicyOptions
    @OptionGroup var clauses: ClauseOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let ledger = try await clauses.open(ledger, policies: policies)
        let name = file == "-" ? "standard input" : file
        let outcome = try await ledger.append(try JSONLinesReader(path: file), catchUp: !skipProjections) { report in
            guard !output.json, report.lines > 0 else { return }
            // The append is acknowledged before the projections are touched.
            print(ReportFormatter.text(report, file: name), terminator: "")
            fflush(nil)
        }
        // As the service answers an empty body: a file of no events is a mistake, not a success.
        guard outcome.report.lines > 0 else {
            throw CommandError("\(name) holds no events (it is empty, or only blank lines): nothing was appended. An append file holds one event per line, as JSON (see EventSchemas/README.md)")
        }
        guard outcome.report.isComplete else {
            if output.json {
                print(ReportFormatter.json(outcome.report, file: name))
            } else {
                print(ReportFormatter.text(outcome.report, file: name), terminator: "")
            }
            throw ExitCode.failure
        }
        guard let projections = outcome.projections else {
            // Left to the next projection command: the report alone.
            if output.json { print(ReportFormatter.json(outcome.report, file: name)) }
            return
        }
        if output.json {
            print(Self.adding(projections: projections.json, to: ReportFormatter.json(outcome.report, file: name)))
        } else {
            print(projections.text)
        }
    }
}

/// Where the projections stand after an append or import, as the last line says it.
extension CatchUpOutcome {
    var text: String {
        switch self {
        case .updated(let report) where report.rebuilt:
            "projections: built, at position \(report.position) (\(report.scopesEvaluated) scope\(report.scopesEvaluated == 1 ? "" : "s") evaluated)"
        case .updated(let report):
            "projections: at position \(report.position) (\(report.scopesEvaluated) scope\(report.scopesEvaluated == 1 ? "" : "s") re-evaluated)"
        case .catalogFailed, .failed:
            "projections: not updated: \(reason)"
        }
    }

    var json: JSONValue {
        switch self {
        case .updated(let report):
            .object(JSONObject(unsortedMembers: [
                ("updated", .bool(true)), ("position", .integer(report.position)),
                ("eventsApplied", .integer(Int64(report.eventsApplied))),
                ("scopesEvaluated", .integer(Int64(report.scopesEvaluated))), ("rebuilt", .bool(report.rebuilt)),
            ])!)
        case .catalogFailed, .failed:
            .object(JSONObject(unsortedMembers: [("updated", .bool(false)), ("reason", .string(reason))])!)
        }
    }

    /// Why the projections were not updated, and that the append stands all the same.
    private var reason: String {
        switch self {
        case .updated: ""
        case .catalogFailed(let error):
            {
                let errors = error.issues.filter { $0.severity == .error }.count
                return "the policy catalog has \(errors) error\(errors == 1 ? "" : "s") (see `grants policies check`); "
                    + "the append stands, and the next projection command catches up once the catalog loads"
            }()
        case .failed(let error):
            "\(error); the append stands, and the next projection command (or `grants rebuild`) catches up"
        }
    }
}

extension AppendCommand {
    /// The append report's JSON with a `projections` member.
    static func adding(projections: JSONValue, to json: String) -> String {
        guard case .object(let report)? = try? JSONParser.parse(json),
              let object = JSONObject(unsortedMembers: report.members + [("projections", projections)])
        else { return json }
        return CanonicalJSON.string(.object(object))
    }
}
