import GrantLedgerEvents

/// One clause of a document that moves money: who is paid, for which facts, on which
/// conditions, and how much. Written in a policy file; see `Policies/README.md`.
public struct PolicyRule: Sendable, Hashable {
    /// The clause id exactly as POLICIES.md gives it, e.g. `XM-2023-187/(九)-b`.
    public let clause: String
    public let title: String
    /// The original Chinese sentence the rule rests on.
    public let quote: String
    public let payee: PayeeKind
    public let trigger: TriggerKind
    /// Trigger-specific parameters (e.g. how many months make a hire stable).
    public let parameters: [String: AttributeValue]
    /// Which facts the rule is about. A fact that does not match is not this rule's business.
    public let match: [AttributeCondition]
    /// What a matching fact must also satisfy; a failure excludes it, with the reason.
    public let conditions: [AttributeCondition]
    public let amount: AmountForm
    /// The range the document prints for the clause; every amount of the rule must lie inside.
    public let range: ClosedRange<Fen>?
    public let staging: Staging?
    public let limits: Limits
    /// Conditions another clause sets aside for some facts (6.10 pays paired-region workers
    /// 6.2-b's standard without 6.2's contract and pension conditions).
    public let waivers: [Waiver]
    /// The catalog's reading where the document is vague, quoted in every explanation.
    public let reading: String?
    public let location: SourceLocation

    /// Conditions of the rule that do not apply to a fact passing `when`, by another clause's
    /// sentence; the entitlement still cites the rule's own clause.
    public struct Waiver: Sendable, Hashable {
        public let when: [AttributeCondition]
        /// The attributes of `conditions` set aside.
        public let waives: [String]
        /// The clause whose sentence sets them aside.
        public let clause: String
        public let reading: String?
        public let location: SourceLocation
    }

    public struct Limits: Sendable, Hashable {
        /// At most this many entitlements per subject (worker) per calendar year (e.g. living allowance: 3).
        public var perSubjectPerYear: Int?
        /// At most this amount per payee per calendar year.
        public var perPayeePerYear: Fen?
        /// The fund the clause is paid from; entitlements past it are capped.
        public var fund: Fen?

        public init(perSubjectPerYear: Int? = nil, perPayeePerYear: Fen? = nil, fund: Fen? = nil) {
            self.perSubjectPerYear = perSubjectPerYear
            self.perPayeePerYear = perPayeePerYear
            self.fund = fund
        }
    }

    /// Whether the rule tests `application.approved` (which the engine then looks up).
    var testsApproval: Bool { (match + conditions).contains { $0.attribute == "application.approved" } }

    /// The document id: the part of the clause id before the slash.
    public var documentID: String { String(clause.prefix { $0 != "/" }) }
}

/// A clause that sets a target, a process or a principle, with no payee of its own.
public struct PolicyProvision: Sendable, Hashable {
    public let clause: String
    public let title: String
    public let quote: String
    public let reading: String?
    public let location: SourceLocation
}

/// A rule that cuts across the clauses it covers.
public struct CrossRule: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// At most `perYear` subsidised trainings per worker per calendar year, whoever is paid,
        /// and never twice for the same occupation and level.
        case trainingCap = "training-cap"
        /// The covered clauses are not paid together for the same worker: the one that became
        /// due first is kept.
        case notCombinable = "not-combinable"
        /// Where several covered clauses pay the same payee for the same fact, only the most
        /// favourable is paid, once.
        case mostFavourableOnce = "most-favourable-once"
        /// Nothing is paid on a revoked certificate; what was paid is recovered.
        case revocation
    }

    public let clause: String
    public let kind: Kind
    public let title: String
    public let quote: String
    public let covers: [String]
    public let perYear: Int?
    public let reading: String?
    public let location: SourceLocation
}
