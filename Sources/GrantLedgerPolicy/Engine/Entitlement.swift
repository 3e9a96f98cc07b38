import GrantLedgerEvents

/// Who an entitlement pays: the kind of payee the clause names and its identity in the log
/// (a credit code, a person's pseudonym, or a division or department name).
public struct PayeeRef: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let kind: PayeeKind
    public let id: String

    public init(kind: PayeeKind, id: String) {
        self.kind = kind
        self.id = id
    }

    public static func < (a: Self, b: Self) -> Bool { (a.kind.rawValue, a.id) < (b.kind.rawValue, b.id) }
    public var description: String { "\(kind.rawValue) \(id)" }
}

/// What a clause grants a payee for one fact (or one enterprise-year, one fund), with its status
/// and the explanation an auditor asks for.
public struct Entitlement: Sendable, Hashable, Identifiable {
    public enum Status: String, Sendable, Hashable, CaseIterable {
        /// Every condition holds; `amount` is due (or, for tranches, the due part of it).
        case eligible
        /// A condition cannot be judged yet: a certificate, a month, an approval is not in the log.
        case awaitingEvidence = "awaiting-evidence"
        /// The document leaves the amount to a decision that has not been recorded (or was out of range).
        case awaitingDecision = "awaiting-decision"
        /// A limit (yearly cap, fund, maximum) stops or reduces it.
        case capped
        /// A condition or a cross-cutting rule refuses it.
        case excluded
        /// The fact lies after its document's period.
        case expired
    }

    /// Stable across evaluations: the clause and the fact (or enterprise-year, fund) it is for.
    public let id: String
    public let clause: String
    public let title: String
    public let payee: PayeeRef
    /// The worker it concerns, if any.
    public let subject: String?
    /// The date of the fact that earns it.
    public let date: LocalDate
    public internal(set) var status: Status
    /// The amount due now (nil while awaiting evidence or a decision, or when refused).
    public internal(set) var amount: Fen?
    /// The range a decision must fall in, while awaiting one.
    public internal(set) var range: ClosedRange<Fen>?
    public internal(set) var tranches: [Tranche]
    public internal(set) var explanation: Explanation

    /// The amount as it stands when nothing is due yet: the upper end of a range, or the
    /// whole of the tranches. Used to choose the most favourable of several clauses.
    var worth: Fen {
        amount ?? range?.upperBound ?? Fen(tranches.reduce(0) { $0 + $1.amount.value })
    }

    var isLive: Bool { status == .eligible || status == .awaitingEvidence || status == .awaitingDecision }
}

/// One part of a staged payout.
public struct Tranche: Sendable, Hashable {
    public enum State: String, Sendable, Hashable {
        /// Its condition is met: it can be paid from `dueDate`.
        case due
        /// Its condition is not met yet.
        case waiting
        /// Its condition can no longer be met (the worker left before the month that releases it).
        case forfeited
    }

    public let label: String
    public let amount: Fen
    /// What releases it, in words.
    public let releasedBy: String
    public internal(set) var dueDate: LocalDate?
    public internal(set) var state: State
}

/// Why an entitlement is what it is.
public struct Explanation: Sendable, Hashable {
    /// The events it rests on.
    public internal(set) var facts: [Citation] = []
    /// Parameter values used, e.g. `rate = 200.00 per month`.
    public internal(set) var parameters: [String] = []
    /// The arithmetic, step by step.
    public internal(set) var arithmetic: [String] = []
    /// Where the document is vague: the reading the catalog took.
    public internal(set) var readings: [String] = []
    /// Where refused, capped or waiting: the rule (clause id) and the reason.
    public internal(set) var refusal: Refusal?

    public struct Refusal: Sendable, Hashable, CustomStringConvertible {
        public let clause: String
        public let reason: String
        public var description: String { "\(clause): \(reason)" }
    }
}

/// Whose an entitlement is, for evaluating one person or organisation at a time: the worker it
/// concerns, whoever is paid; with no worker, its payee (a worker paid for themself, or an
/// organisation).
public enum EntitlementOwner: Hashable, Sendable {
    case person(String)
    case organisation(String)

    public init(subject: String?, payee kind: PayeeKind, id: String) {
        if let subject { self = .person(subject) }
        else { self = kind == .worker ? .person(id) : .organisation(id) }
    }
}

extension Entitlement {
    public var owner: EntitlementOwner { EntitlementOwner(subject: subject, payee: payee.kind, id: payee.id) }
}

extension PolicyRule {
    /// Whether the rule can give `owner` an entitlement: an organisation owns none of a rule
    /// that pays workers, nor of one whose trigger always names a worker.
    func canPay(_ owner: EntitlementOwner) -> Bool {
        guard case .organisation = owner else { return true }
        return payee != .worker && !trigger.alwaysNamesWorker
    }
}
