import GrantLedgerEvents

/// A closed range of business dates; an open end means "until further notice".
public struct DateRange: Sendable, Hashable, CustomStringConvertible {
    public let from: LocalDate
    public let to: LocalDate?

    public init(from: LocalDate, to: LocalDate?) {
        self.from = from
        self.to = to
    }

    public func contains(_ date: LocalDate) -> Bool { date >= from && (to.map { date <= $0 } ?? true) }

    public func overlaps(_ other: DateRange) -> Bool {
        let endsBefore = to.map { $0 < other.from } ?? false
        let startsAfter = other.to.map { from > $0 } ?? false
        return !endsBefore && !startsAfter
    }

    public var description: String { "\(from) to \(to.map(\.description) ?? "(open)")" }
}
