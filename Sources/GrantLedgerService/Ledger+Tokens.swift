import GrantLedgerPolicy

extension Ledger {
    /// The ledger's API tokens (a table beside the log).
    public func tokens() throws -> TokenStore { try TokenStore(log: log) }

    /// Creates a token for `role`, limited to `scope` (a place of the policy catalog, by code or
    /// name) or to nothing; the bearer string is in the result, and nowhere else.
    public func createToken(role: Role, scope: String?, label: String?) throws -> IssuedToken {
        try tokens().create(role: role, scope: scope, label: label, catalog: try policies().places)
    }
}
