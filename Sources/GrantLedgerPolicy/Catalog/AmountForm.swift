import GrantLedgerEvents

/// How a rule's amount is worked out. Amounts are written in whole yuan in the policy files
/// (as the documents print them) and held here in fen.
public enum AmountForm: Sendable, Hashable {
    /// The same amount per head or per fact.
    case fixed(Fen)
    /// Tiered by an attribute: certificate level, rating stars or tier, award level, session mode.
    /// A tier may itself be a range or a ceiling left to a decision.
    case table(by: String, values: [String: Tier])
    /// A range or a ceiling the document leaves to a decision (an `amount.decided` event).
    /// The engine checks the decision lies inside and waits for it until then.
    case decided(minimum: Fen?, maximum: Fen?)
    /// The cost recorded on the fact, capped at a ceiling.
    case cost(of: String, ceiling: Fen)
    /// A monthly amount for each qualifying month, up to a number of months.
    case monthly(perMonth: Fen, maxMonths: Int)
    /// Tranches released as the worker completes months with the same employer.
    case milestones([Milestone])
    /// A step formula on counts: a base amount at a threshold, an increment per further step, a yearly maximum.
    case steps(StepFormula)
    /// A daily amount (or a daily ceiling, to be decided) for a number of days, at most `maxDays`.
    case perDay(rate: Fen, maxDays: Int, rateIsCeiling: Bool)
    /// A percentage of an amount attribute of the fact (e.g. half of an insurance premium).
    case percent(of: String, percent: Int)

    /// One tier of a table: an amount, or a range to be decided.
    public enum Tier: Sendable, Hashable {
        case fixed(Fen)
        case decided(minimum: Fen?, maximum: Fen?)

        var writtenAmounts: [Fen] {
            switch self {
            case .fixed(let fen): [fen]
            case .decided(let minimum, let maximum): [minimum, maximum].compactMap { $0 }
            }
        }
    }

    public struct Milestone: Sendable, Hashable {
        public let afterMonths: Int
        public let amount: Fen
    }

    /// One count the steps run on: `threshold` of them earns the base, each further `every` earns an increment.
    public struct StepMeasure: Sendable, Hashable {
        public let count: String
        public let threshold: Int64
        public let every: Int64
    }

    public struct StepFormula: Sendable, Hashable {
        public let measures: [StepMeasure]
        public let base: Fen
        public let increment: Fen
        public let maximum: Fen
    }

    /// Every amount written in the form, for checks against the document's range.
    var writtenAmounts: [Fen] {
        switch self {
        case .fixed(let fen): [fen]
        case .table(_, let values): values.values.flatMap(\.writtenAmounts)
        case .decided(let minimum, let maximum): [minimum, maximum].compactMap { $0 }
        case .cost(_, let ceiling): [ceiling]
        case .monthly(let perMonth, let months): [Fen(perMonth.value * Int64(months))]
        case .milestones(let stages): [Fen(stages.reduce(0) { $0 + $1.amount.value })]
        case .steps(let formula): [formula.base, formula.maximum]
        case .perDay(let rate, let days, _): [Fen(rate.value * Int64(days))]
        case .percent: []
        }
    }

    /// The attribute the form reads, if any (checked against the trigger's vocabulary).
    var attribute: String? {
        switch self {
        case .table(let by, _): by
        case .cost(let of, _), .percent(let of, _): of
        default: nil
        }
    }
}

/// How an entitlement is paid out in tranches, beyond the form's own (milestones, months).
public enum Staging: Sendable, Hashable {
    /// A share paid in advance once the training has taken place, the rest after results (JJ-2019-79/5.2).
    case advance(percent: Int, clause: String)
    /// A share paid up front, the rest in proportion to target completion (XM-2023-187/tranche).
    case upfront(percent: Int, clause: String)
}
