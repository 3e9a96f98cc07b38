import GrantLedgerEvents
import GrantLedgerLog

extension VerificationReport {
    /// The report as the command line's `--json` and the API print it: `intact`,
    /// `eventsChecked`, `partyRowsChecked`, `personalRecordsChecked` (with the key), and the head and first bad position where there are ones.
    public var json: JSONValue {
        var members: [JSONObject.Member] = [("intact", .bool(isIntact)), ("eventsChecked", .integer(eventsChecked)),
                                            ("partyRowsChecked", .integer(partyRowsChecked))]
        if let personalRecordsChecked { members.append(("personalRecordsChecked", .integer(personalRecordsChecked))) }
        if let head {
            members.append(("headPosition", .integer(head.position)))
            members.append(("headHash", .string(RecordedEvent.hex(head.hash))))
        }
        if let problem {
            members.append(("firstBadPosition", .integer(problem.position)))
            members.append(("problem", .string(problem.description)))
            members.append(("problemTable", .string(problem.table)))
        }
        return .object(JSONObject(unsortedMembers: members)!)
    }
}

extension ProjectionVerification {
    /// `intact`, the position and date compared at, and the projections that differ.
    public var json: JSONValue {
        var members: [JSONObject.Member] = [("intact", .bool(isIntact)), ("differing", .array(differing.map { .string($0) })),
                                            ("outOfStep", .array(outOfStep.map { .string($0) }))]
        if let position { members.append(("position", .integer(position))) }
        if let asOf { members.append(("asOf", .string(asOf.description))) }
        return .object(JSONObject(unsortedMembers: members)!)
    }
}
