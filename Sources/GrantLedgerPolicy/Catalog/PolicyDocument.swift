import GrantLedgerEvents

/// One policy document: its identity, where and when it is in force, and its clauses.
public struct PolicyDocument: Sendable, Hashable {
    public let id: String
    public let title: String
    public let number: String
    public let jurisdiction: Jurisdiction
    public let jurisdictionName: String
    /// Names and codes of the districts, towns and departments inside the jurisdiction.
    public let divisions: [String]
    public let inForce: DateRange
    /// The sentence of the document that states its period.
    public let periodQuote: String
    /// Readings the catalog takes for the document as a whole.
    public let readings: [String]
    public let rules: [PolicyRule]
    public let provisions: [PolicyProvision]
    public let crossRules: [CrossRule]
    public let location: SourceLocation

    /// Every clause id the document defines.
    public var clauseIDs: [String] { rules.map(\.clause) + provisions.map(\.clause) + crossRules.map(\.clause) }

    /// Whether a division (a six-digit code, or a name the document lists) lies in the jurisdiction.
    public func contains(division: String) -> Bool {
        Self.code(division, isIn: jurisdiction.rawValue) || divisions.contains(division)
    }

    /// A six-digit division code lies in a city (code ending 00) if it shares its first four
    /// digits, and in a county or district if it is the same code.
    static func code(_ code: String, isIn jurisdiction: String) -> Bool {
        guard code.utf8.count == 6, code.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return false }
        if code == jurisdiction { return true }
        return jurisdiction.hasSuffix("00") && !jurisdiction.hasSuffix("0000") && code.prefix(4) == jurisdiction.prefix(4)
    }
}
