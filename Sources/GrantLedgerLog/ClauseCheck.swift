import GrantLedgerEvents

/// How the log checks the clause ids events name. The log cannot know the policy catalog (a
/// layer above it), so whoever opens it says: a front end taking events from outside (`grants
/// append`, `grants import`, the HTTP service) hands down the catalog, and a clause id it does
/// not hold rejects the line like any other invalid field; `.shapeOnly` is for logs that only
/// read, for tools that generate their own events, and for the explicit choice to record
/// events of a document not yet in the catalog.
public enum ClauseCheck: Sendable {
    /// A clause id must be in the registry (the policy catalog).
    case registry(any ClauseRegistry)
    /// A clause id must only be shaped like one (``ClauseID/isWellFormed(_:)``).
    case shapeOnly

    /// The clause fields of `submission` that name no clause, or none when only shapes are checked.
    public func unknownClauses(in submission: EventSubmission, definition: EventDefinition) -> [UnknownClause] {
        guard case .registry(let registry) = self, definition.hasClauseFields else { return [] }
        return definition.unknownClauses(in: submission.data, registry: registry)
    }
}
