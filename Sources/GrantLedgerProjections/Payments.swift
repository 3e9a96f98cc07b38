import GrantLedgerEvents

/// How payments meet entitlements. A disbursement names a clause, a payee and (for most
/// clauses) a worker: those three find the entitlements it pays. Within them, money goes to
/// the earliest entitlement (by date, then id) that still has something granted and unpaid;
/// money beyond every grant stays with the first refused entitlement (it is to be recovered:
/// a revoked certificate, a cap) or, if none was refused, with the last one (overpaid).
/// Recovered clawbacks and reversals reduce what was paid. Money that finds no entitlement at
/// all is a finding.
struct PaymentAllocation {
    struct Payment {
        let id: String
        let amount: Int64
        let date: String
        let position: Int64
    }

    struct Share: Equatable {
        var granted: Int64
        var paid: Int64 = 0
        var disbursements: [String] = []
        /// What is granted and not yet paid.
        var outstanding: Int64 { max(0, granted - paid) }
        /// What was paid beyond the grant.
        var excess: Int64 { max(0, paid - granted) }
    }

    /// Shares by entitlement id, and the payments no entitlement takes.
    private(set) var shares: [String: Share] = [:]
    private(set) var unmatched: [Payment] = []

    /// `entitlements` of one match key in (date, id) order, with what each grants now and
    /// whether it is refused; `payments` in (date, position) order, net of reversals.
    init(entitlements: [(id: String, granted: Int64, refused: Bool)], payments: [Payment], recovered: Int64) {
        for entitlement in entitlements { shares[entitlement.id] = Share(granted: entitlement.granted) }
        guard !entitlements.isEmpty else {
            unmatched = payments
            return
        }
        let ids = entitlements.map(\.id)
        let fallback = entitlements.first(where: \.refused)?.id ?? ids.last!
        for payment in payments where payment.amount != 0 {
            var left = payment.amount
            for id in ids where left > 0 && shares[id]!.outstanding > 0 {
                let take = min(left, shares[id]!.outstanding)
                shares[id]!.paid += take
                shares[id]!.disbursements.append(payment.id)
                left -= take
            }
            if left != 0 {
                shares[fallback]!.paid += left
                if shares[fallback]!.disbursements.last != payment.id { shares[fallback]!.disbursements.append(payment.id) }
            }
        }
        // Money recovered comes off the excess first, in the same order.
        var back = recovered
        for id in ids where back > 0 && shares[id]!.excess > 0 {
            let take = min(back, shares[id]!.excess)
            shares[id]!.paid -= take
            back -= take
        }
        if back > 0 { shares[fallback]!.paid -= back }
    }
}
