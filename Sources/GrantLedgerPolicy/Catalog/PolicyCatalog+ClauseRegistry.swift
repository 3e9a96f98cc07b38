import GrantLedgerEvents

/// The catalog is the registry of the clause ids events may name: the log, which cannot know
/// the catalog, is handed it by whoever opens it for intake (see `ClauseCheck` in GrantLedgerLog).
extension PolicyCatalog: ClauseRegistry {
    /// What a sender most likely meant by a clause id the catalog does not have, in order:
    /// - the id with full-width punctuation, letters and digits made ASCII, if that is a
    ///   clause (`XM-2023-187/（九）-b` → `XM-2023-187/(九)-b`);
    /// - the catalog's parts of a clause it divides (`XM-2023-187/(九)` → its -a, -b and -c),
    ///   which the nearest spelling would miss for a neighbour (`XM-2023-187/(八)` is one
    ///   character away);
    /// - else the ids nearest by edit distance, all those equally near (up to three), none if
    ///   the nearest is further than a third of the id.
    public func suggestions(for clause: String) -> [String] {
        let folded = ClauseID.foldingFullWidth(clause)
        if contains(clause: folded) { return [folded] }
        let ids = clauseIDs
        let parts = ids.filter { $0.hasPrefix(folded + "-") }
        if !parts.isEmpty { return parts }
        let typed = Array(folded)
        let scored = ids.map { ($0, YAMLValue.editDistance(typed, Array($0))) }
        guard let best = scored.map(\.1).min(), best <= max(2, typed.count / 3) else { return [] }
        return Array(scored.filter { $0.1 == best }.map(\.0).prefix(3))
    }
}
