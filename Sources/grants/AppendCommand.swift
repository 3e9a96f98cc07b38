import ArgumentParser
import Foundation
import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerPolicy
import GrantLedgerProjections

struct AppendCommand: ParsableCommand {
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

    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var policies: PolicyOptions
    @OptionGroup var clauses: ClauseOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        // Loaded once: the clause ids are checked against it, and the projections use it.
        let catalog = Result { () throws(PolicyCatalogError) in try policies.loadCatalog() }
        let log = try ledger.openLog(forIntake: try clauses.check(catalog))
        let report = try log.append(try JSONLinesReader(path: file))
        let name = file == "-" ? "standard input" : file
        if output.json {
            let json = ReportFormatter.json(report, file: name)
            guard report.isComplete else {
                print(json)
                throw ExitCode.failure
            }
            print(Self.adding(projections: ProjectionsOutcome.catchUp(log, catalog: catalog).json, to: json))
        } else {
            print(ReportFormatter.text(report, file: name), terminator: "")
            guard report.isComplete else { throw ExitCode.failure }
            // The append is acknowledged before the projections are touched.
            fflush(nil)
            print(ProjectionsOutcome.catchUp(log, catalog: catalog).text)
        }
    }

    /// What catching the projections up came to; never an error: the append has committed.
    enum ProjectionsOutcome {
        case updated(Projections.CatchUpReport)
        case notUpdated(String)

        var text: String {
            switch self {
            case .updated(let report) where report.rebuilt:
                "projections: built, at position \(report.position) (\(report.scopesEvaluated) scope\(report.scopesEvaluated == 1 ? "" : "s") evaluated)"
            case .updated(let report):
                "projections: at position \(report.position) (\(report.scopesEvaluated) scope\(report.scopesEvaluated == 1 ? "" : "s") re-evaluated)"
            case .notUpdated(let reason):
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
            case .notUpdated(let reason):
                .object(JSONObject(unsortedMembers: [("updated", .bool(false)), ("reason", .string(reason))])!)
            }
        }
    }
}

extension AppendCommand.ProjectionsOutcome {
    /// Catches the projections up after an append or import has committed.
    static func catchUp(_ log: EventLog, policies: PolicyOptions) -> Self {
        catchUp(log, catalog: Result { () throws(PolicyCatalogError) in try policies.loadCatalog() })
    }

    /// Catches the projections up with a catalog already loaded (or the reason it did not load).
    static func catchUp(_ log: EventLog, catalog loaded: Result<PolicyCatalog, PolicyCatalogError>) -> Self {
        let catalog: PolicyCatalog
        do {
            catalog = try loaded.get()
        } catch {
            let errors = error.issues.filter { $0.severity == .error }.count
            return .notUpdated("the policy catalog has \(errors) error\(errors == 1 ? "" : "s") (see `grants policies check`); "
                + "the append stands, and the next projection command catches up once the catalog loads")
        }
        do {
            return .updated(try Projections(log: log, policies: catalog).catchUp())
        } catch {
            return .notUpdated("\(error); the append stands, and the next projection command (or `grants rebuild`) catches up")
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
