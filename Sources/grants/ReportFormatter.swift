import GrantLedgerEvents
import GrantLedgerLog

/// How append reports are printed.
enum ReportFormatter {
    static func text(_ report: AppendReport, file: String) -> String {
        var out = ""
        if report.isComplete {
            if report.lines <= 20 {
                for outcome in report.outcomes {
                    switch outcome {
                    case .appended(let line, let position, let id): out += "\(file):\(line): appended at position \(position) (\(id))\n"
                    case .duplicate(let line, let position, let id): out += "\(file):\(line): duplicate of position \(position) (\(id)), not appended again\n"
                    case .rejected, .withheld: break
                    }
                }
            }
            var summary = "Appended \(report.appended) event\(report.appended == 1 ? "" : "s")"
            if let first = report.firstPosition, let last = report.lastPosition {
                summary += first == last ? " at position \(first)" : " at positions \(first)-\(last)"
            }
            if report.duplicates > 0 { summary += "; \(report.duplicates) already in the ledger (duplicates, skipped)" }
            out += summary + ".\n"
        } else {
            for issue in report.issues {
                out += "\(file):\(issue.line): \(issue.path): \(Self.message(issue))\n"
            }
            if report.rejectedLines > report.issues.count {
                out += "… and more: only the first \(AppendReport.issueLimit) problems are shown.\n"
            }
            if report.issues.contains(where: { $0.unknownClause != nil }) {
                out += "Clause ids must be clauses of the policy catalog (`grants policies list`); to record events of a document not yet in it, append with --allow-unknown-clauses.\n"
            }
            out += "Rejected \(report.rejectedLines) of \(report.lines) line\(report.lines == 1 ? "" : "s"); nothing was appended. Fix the lines above and send the whole file again (events already appended are recognised as duplicates).\n"
        }
        return out
    }

    static func json(_ report: AppendReport, file: String) -> String {
        var members: [JSONObject.Member] = [
            ("file", .string(file)), ("lines", .integer(Int64(report.lines))),
            ("appended", .integer(Int64(report.appended))), ("duplicates", .integer(Int64(report.duplicates))),
            ("rejectedLines", .integer(Int64(report.rejectedLines))), ("complete", .bool(report.isComplete)),
            ("issues", .array(report.issues.map(json))),
        ]
        if let first = report.firstPosition { members.append(("firstPosition", .integer(first))) }
        if let last = report.lastPosition { members.append(("lastPosition", .integer(last))) }
        return CanonicalJSON.string(.object(JSONObject(unsortedMembers: members)!))
    }

    /// One issue; a clause the catalog lacks also as `clause` and `suggestions`, for a program to offer them.
    static func json(_ issue: LineIssue) -> JSONValue {
        var members: [JSONObject.Member] = [
            ("line", .integer(Int64(issue.line))), ("path", .string(issue.path)), ("message", .string(Self.message(issue))),
        ]
        if let unknown = issue.unknownClause {
            members += [("clause", .string(unknown.clause)), ("suggestions", .array(unknown.suggestions.map(JSONValue.string)))]
        }
        return .object(JSONObject(unsortedMembers: members)!)
    }

    /// A line's problem, with the command line's advice where the log leaves it to the front end.
    static func message(_ issue: LineIssue) -> String {
        issue.needsKey ? issue.message + ": pass --key-file (or set GRANTS_KEY_FILE)" : issue.message
    }
}
