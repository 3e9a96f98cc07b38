import GrantLedgerService

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
        default:
            error
        }
    }

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
