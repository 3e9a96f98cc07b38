import GrantLedgerEvents

/// How the dashboard writes numbers for people, by integer arithmetic only: money is fen (分)
/// and never passes through floating point.
enum DashboardFormat {
    /// Fen as yuan with two decimals and thousands separators: 123456 → `1,234.56`.
    static func yuan(_ fen: Int64) -> String { Fen(fen).yuanText() }

    /// Basis points as a percentage with two decimals: 8523 → `85.23%`.
    static func percent(basisPoints: Int64) -> String {
        let sign = basisPoints < 0 ? "-" : ""
        let magnitude = basisPoints.magnitude
        let hundredths = magnitude % 100
        return "\(sign)\(magnitude / 100).\(hundredths < 10 ? "0" : "")\(hundredths)%"
    }

    /// A count with thousands separators: 18000 → `18,000`.
    static func count(_ value: Int64) -> String {
        let text = yuan(value * 100)
        return String(text.dropLast(3))
    }

    /// `part` of `whole` as a length of at most `scale` (a bar's width), rounded down; zero
    /// when `whole` is not positive. Bars longer than the whole (overachieved) are capped.
    static func length(_ part: Int64, of whole: Int64, scale: Int64) -> Int64 {
        guard whole > 0, part > 0 else { return 0 }
        return min(part, whole) * scale / whole
    }

    /// A person's masked resident ID, or their pseudonym when it is erased or unknown.
    static func person(masked: String?, pseudonym: String) -> String {
        masked ?? pseudonym
    }
}
