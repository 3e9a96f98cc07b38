import GrantLedgerEvents

/// One policy document: its identity, where and when it is in force, and its clauses.
public struct PolicyDocument: Sendable, Hashable {
    public let id: String
    public let title: String
    public let number: String
    public let jurisdiction: Jurisdiction
    public let jurisdictionName: String
    /// The districts, towns, streets, zones and departments inside the jurisdiction.
    public let places: [Division]
    public let inForce: DateRange
    /// The sentence of the document that states its period.
    public let periodQuote: String
    /// What becomes of a tranche (a month, a milestone, a balance, a performance share) whose
    /// releasing fact falls after the period ends; nil for a document with no end.
    public let releasedAfterEnd: ReleasedAfterEnd?
    /// Readings the catalog takes for the document as a whole.
    public let readings: [String]
    public let rules: [PolicyRule]
    public let provisions: [PolicyProvision]
    public let crossRules: [CrossRule]
    public let location: SourceLocation

    /// Every clause id the document defines.
    public var clauseIDs: [String] { rules.map(\.clause) + provisions.map(\.clause) + crossRules.map(\.clause) }

    /// The names of the divisions it lists.
    public var divisions: [String] { places.map(\.name) }
}

/// The catalog's one reading for money released after a document's period: every staged,
/// monthly and milestone rule of the document follows it.
public enum ReleasedAfterEnd: String, Sendable, Hashable, CaseIterable {
    /// Only what is released within the period is paid; a later tranche is forfeited.
    case forfeited
    /// A tranche of a fact earned within the period is paid whenever it is released.
    case payable
}
