import GrantLedgerEvents
import GrantLedgerLog

extension VerificationReport {
    /// The report as the command line's `--json` and the API print it: `intact`,
    /// `eventsChecked`, and the head and first bad position where there are ones.
    public var json: JSONValue {
        var members: [JSONObject.Member] = [("intact", .bool(isIntact)), ("eventsChecked", .integer(eventsChecked))]
        if let head {
            members.append(("headPosition", .integer(head.position)))
            members.append(("headHash", .string(RecordedEvent.hex(head.hash))))
        }
        if let problem {
            members.append(("firstBadPosition", .integer(problem.position)))
            members.append(("problem", .string(problem.description)))
        }
        return .object(JSONObject(unsortedMembers: members)!)
    }
}
