import GrantLedgerService
import GrantLedgerEvents
import GrantLedgerIntake
import GrantLedgerLog

/// The ledger's errors as the command line says them: the library names what is wrong, and
/// this adds the flag that said it and what to run to find out more. Errors whose words
/// depend on the command (which option named a person, why the catalog was needed) are
/// worded where they arise; these are the rest.
enum LedgerErrorWording {
    static func error(_ error: LedgerError) -> any Error {
        switch error {
        case .catalogFailed(let error):
            PolicyLoadFailure(error: error)
        case .positionBeyondHead(let position, let head):
            CommandError("--position \(position) is past the last event (\(head)): give a position from 0 to \(head)")
        case .unknownEntitlement(let id):
            CommandError("no entitlement \"\(id)\": ids look like CLAUSE#KEY (see the id column of `grants entitlements`)")
        case .unknownTarget(let id):
            CommandError("--target \(id): no such target (ids are in the TARGET column of `grants performance`)")
        case .unknownClause(let clause):
            CommandError("--clause \(clause): no such clause in the policy catalog; see `grants policies list` for the ids")
        case .clauseMovesNoMoney(let clause):
            CommandError("--clause \(clause) moves no money (a provision or a cross-cutting rule): give a paying clause, see `grants policies list`")
        case .residentIDWithoutKey(let text):
            CommandError("\"\(ResidentID.mask(text))\" is a resident ID, and looking it up needs the pseudonym key: pass --key-file, or give the pseudonym instead")
        default:
            error
        }
    }

    /// The log's errors with the command line's means of curing them: its flags and commands.
    static func error(_ error: LogError) -> any Error {
        switch error {
        case .missingKey(let path):
            CommandError("the pseudonym key file \(path) does not exist. Resident IDs cannot be pseudonymised without it: restore it from your backup, or pass --key-file (or set GRANTS_KEY_FILE). Reading and verifying do not need it.")
        case .notALedger(let path, _) where path.hasPrefix("postgres://"):
            CommandError("\(error) Check --db and its ledger= schema.")
        case .notALedger:
            CommandError("\(error) Check --db, or run `grants init` on a new path.")
        case .noLedger(let path):
            CommandError("\(error) Create one with `grants init --db \(path)`, or point --db (or GRANTS_DB) at an existing one.")
        default:
            error
        }
    }

    /// An import's errors, with the flag that cures them.
    static func error(_ error: ImportError) -> any Error {
        switch error.kind {
        case .keyUnavailable: CommandError("\(error): pass --key-file (or set GRANTS_KEY_FILE)")
        case .errorFileUnwritable: CommandError("\(error), or pass --errors PATH")
        case .other: error
        }
    }

    /// How the command line tells a sender to read a feed in another encoding.
    static let importAdvice = ImportAdvice { "pass --encoding \($0.rawValue)" }

    /// Runs `body`, saying "OPTION KEY is an organisation" when it was given an organisation
    /// where a person was wanted.
    static func person<T>(option: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch LedgerError.notAPerson(let key) {
            throw CommandError("\(option) \(key) is an organisation: give a person's resident ID or pseudonym (P and 24 hex digits)")
        }
    }
}
