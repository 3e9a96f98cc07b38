import GrantLedgerProjections

/// The sums under a list of entitlements, in fen.
public struct EntitlementTotals: Sendable, Hashable {
    public var count = 0
    /// Granted: the amounts decided or computed (a range awaiting a decision counts nothing).
    public var granted: Int64 = 0
    public var paid: Int64 = 0
    public var outstanding: Int64 = 0
    public var excess: Int64 = 0

    public init(_ views: [EntitlementView]) {
        count = views.count
        for view in views {
            granted += view.entitlement.amount ?? 0
            paid += view.paid
            outstanding += view.outstanding
            excess += view.excess
        }
    }
}

/// The sums under a payout schedule, in fen.
public struct PayoutTotals: Sendable, Hashable {
    public var count = 0
    public var amount: Int64 = 0
    public var paid: Int64 = 0
    public var unpaid: Int64 { amount - paid }

    public init(_ lines: [PayoutLine]) {
        count = lines.count
        for line in lines {
            amount += line.amount
            paid += line.paid
        }
    }
}

extension Array where Element == FundView {
    /// Fen remaining across the funds.
    public var remaining: Int64 { reduce(0) { $0 + $1.remaining } }
}
