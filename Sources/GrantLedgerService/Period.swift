import GrantLedgerEvents

/// A span of business dates that targets and the "131" service are asked about.
///
/// Written as a year (`2025`), a span of years (`2025-2027`) or two dates joined by `..`
/// (`2021-01-01..2021-12-31`), the start not after the end. A month (`2024-03`) is not a
/// period: it would read as the years 2024 to 3.
public enum Period {
    /// The dates `text` spans, or nil when it is not a period.
    public static func dates(_ text: String) -> ClosedRange<LocalDate>? {
        var bounds: (LocalDate, LocalDate)?
        if let single = year(Substring(text)) {
            bounds = (LocalDate(year: single, month: 1, day: 1)!, LocalDate(year: single, month: 12, day: 31)!)
        } else if text.contains("..") {
            let parts = text.split(separator: "..", omittingEmptySubsequences: false)
            if parts.count == 2, let from = LocalDate(String(parts[0])), let to = LocalDate(String(parts[1])) { bounds = (from, to) }
        } else {
            let parts = text.split(separator: "-", omittingEmptySubsequences: false)
            if parts.count == 2, let from = year(parts[0]), let to = year(parts[1]) {
                bounds = (LocalDate(year: from, month: 1, day: 1)!, LocalDate(year: to, month: 12, day: 31)!)
            }
        }
        guard let (from, to) = bounds, from <= to else { return nil }
        return from...to
    }

    /// The dates `text` spans; a ``LedgerError/badPeriod(_:)`` when it is not a period.
    public static func parse(_ text: String) throws(LedgerError) -> ClosedRange<LocalDate> {
        guard let dates = dates(text) else { throw .badPeriod(text) }
        return dates
    }

    /// Four ASCII digits, from year 1.
    private static func year(_ text: Substring) -> Int? {
        guard text.count == 4, text.allSatisfy({ $0.isASCII && $0.isNumber }), let year = Int(text), year >= 1 else { return nil }
        return year
    }
}
