import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerPolicy

/// What went wrong in a ledger operation, as a kind a caller can match: the command line
/// adds its own advice (the flag to pass), an HTTP service maps each kind to a status.
///
/// The descriptions say what is wrong in the ledger's words and name no front end's flags.
/// Errors of the layers below that have no kind here (the log's storage and key errors, a
/// mapping's diagnostics, an import that cannot read its file) pass through as they are.
public enum LedgerError: Error, Sendable, CustomStringConvertible {
    /// The policy catalog did not load, and the operation needs it.
    case catalogFailed(PolicyCatalogError)
    /// An event was refused: each problem with its line and JSON path.
    case rejected([LineIssue])
    /// An event's expected stream version did not hold: the stream was at `actual` (nil: it
    /// does not exist) when it was read after the refusal.
    case conflict(stream: String, expected: ExpectedVersion, actual: Int64?)
    /// Text that names no party: not a resident ID, pseudonym or credit code (masked), or a
    /// resident ID given to a ledger opened without its pseudonym key.
    case unknownParty(text: String, problem: String)
    /// A resident ID given to a ledger opened without its pseudonym key (`text` is masked
    /// when said).
    case residentIDWithoutKey(text: String)
    /// A person was asked for and an organisation given.
    case notAPerson(String)
    /// A resident ID whose person's data was erased (`grants forget`): masked, with when.
    case erased(maskedID: String, pseudonym: String, on: String)
    case unknownEntitlement(String)
    case unknownTarget(String)
    /// A clause the policy catalog does not define.
    case unknownClause(String)
    /// A clause the catalog defines that grants no money (a provision or a cross-cutting rule).
    case clauseMovesNoMoney(String)
    /// No mapping by that name or path; `shipped` are the names that exist.
    case mappingNotFound(String, shipped: [String])
    /// A moment that is not one: a date, time or position that does not parse.
    case badMoment(MomentProblem)
    /// A period that is not a year, years or a range of dates, or ends before it starts.
    case badPeriod(String)
    /// A position past the log's last event.
    case positionBeyondHead(Int64, head: Int64)
    /// A question for now, to a ledger that reads its projections as they stand, before they
    /// were ever built: whatever keeps them current builds them first.
    case projectionsNotReady
    /// A ledger on PostgreSQL was to be made without naming its pseudonym key file.
    case keyFileNeeded

    /// Which part of a moment is wrong.
    public enum MomentProblem: Sendable, Hashable {
        case asOf(String)
        case knownAt(String)
        case position(Int64)
    }

    public var description: String {
        switch self {
        case .catalogFailed(let error): "\(error)"
        case .rejected(let issues): issues.map(\.description).joined(separator: "\n")
        case .conflict(let stream, let expected, let actual):
            "expected \(stream) at \(expected), but it is at \(actual.map { "version \($0)" } ?? "no version (it does not exist)"); read the stream and resubmit"
        case .unknownParty(let text, let problem): "\"\(ResidentID.mask(text))\" \(problem)"
        case .residentIDWithoutKey(let text):
            "\"\(ResidentID.mask(text))\" is a resident ID, and looking it up needs the pseudonym key, which is not available: give the pseudonym instead"
        case .erased(let masked, _, let date):
            "the personal data of \(masked) was erased from this ledger on \(date) (grants forget): it is no longer looked up by resident ID. Its events remain under its pseudonym, with no name or ID"
        case .notAPerson(let key): "\(key) is an organisation: give a person's resident ID or pseudonym (P and 24 hex digits)"
        case .unknownEntitlement(let id): "no entitlement \"\(id)\": ids look like CLAUSE#KEY"
        case .unknownTarget(let id): "no target \(id)"
        case .unknownClause(let clause): "no clause \(clause) in the policy catalog"
        case .clauseMovesNoMoney(let clause): "\(clause) moves no money (a provision or a cross-cutting rule): give a paying clause"
        case .mappingNotFound(let name, let shipped):
            "no mapping \(name): give the path of a mapping file"
                + (shipped.isEmpty ? " (the shipped ones are in Tools/mappings of the GrantLedger repository)" : ", or one of \(shipped.joined(separator: ", "))")
        case .badMoment(.asOf(let text)): "\(text) is not a date: write it as YYYY-MM-DD, e.g. 2024-12-31"
        case .badMoment(.knownAt(let text)):
            "\(text) is not a UTC time: write it as YYYY-MM-DDTHH:MM:SSZ (e.g. 2024-09-30T08:00:00Z, milliseconds optional) or a date as YYYY-MM-DD"
        case .badMoment(.position(let position)): "\(position) is not a log position: positions are 0 or more"
        case .badPeriod(let text):
            "\(text) is not a period: give a year (2025), years (2025-2027) or dates (2021-01-01..2021-12-31), the start not after the end"
        case .positionBeyondHead(let position, let head): "position \(position) is past the last event (\(head)): a position runs from 0 to \(head)"
        case .keyFileNeeded:
            "a ledger on PostgreSQL has no file beside which to keep its pseudonym key: name the key file (it is made there, and must be kept apart from the database)"
        case .projectionsNotReady: "the projections have not been built yet; they are being built from the log: ask again shortly"
        }
    }
}
