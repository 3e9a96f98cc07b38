import GrantLedgerEvents

/// A fact (or a group of facts) a trigger offers a rule: whom it would pay, when, where, what
/// its attributes are, and the extra detail some amount forms need.
struct Candidate {
    /// Identifies the fact within the rule; the entitlement id is the clause and this key.
    var key: String
    var payee: String
    var subject: String?
    var date: LocalDate
    /// Where the fact belongs: a jurisdiction outright, or division codes and names.
    var jurisdiction: Jurisdiction?
    var places: Set<String> = []
    var facts: [Citation]
    var attributes: [String: AttributeValue]
    /// The event that earns it: "the same fact" for the most-favourable-once rule.
    var keyFact: String
    /// The certificate it rests on, if any (a revocation voids it).
    var certificate: String?
    /// The training it counts as, for the yearly training cap.
    var training: Training?
    /// For `monthly`: the qualifying months, in order.
    var months: [(month: YearMonth, fact: Fact)] = []
    /// For `milestones`: the worker's stay with the employer.
    var stay: Stay?
    /// For `advance` staging: when the training took place.
    var completedOn: LocalDate?
    /// For yearly counts: the year is over.
    var periodComplete = true
    /// For `upfront` staging: the allocation and the target its remainder follows.
    var target: (event: TargetSet, fact: Fact)?
    /// Who is paid when a rule names another kind of payee than the trigger's own (a trainee's
    /// class pays its organiser; a clause paying the worker pays the trainee).
    var payees: [PayeeKind: String] = [:]
    /// Counts that depend on the rule's jurisdiction: for each attribute, the place of every
    /// item counted. The engine sets the attribute to the number inside the document's
    /// jurisdiction, or leaves it unrecorded when there is none.
    var localCounts: [String: [String]] = [:]
    /// Recorded facts that contradict a flag declared true (a worker said to come to the city for
    /// the first time who was insured there before), each with the place it puts the worker in
    /// (nil: wherever the rule applies). The engine sets the flag false where one lies in the
    /// document's jurisdiction: recorded facts outweigh a declaration.
    var contradictions: [String: [Contradiction]] = [:]
    /// Limits the trigger itself applies that no document states (how long before a referral an
    /// employment may start, which day a month is dated): every explanation repeats them.
    var limits: [String] = []

    struct Contradiction {
        let place: String?
        let fact: Fact
        /// What the fact shows, e.g. "social insurance was paid in 350203 for 2023-05".
        let shows: String
    }

    struct Training: Hashable {
        let id: String
        let occupation: String
        let level: String?
    }

    /// Consecutive months with social insurance paid by one employer, and how the run ended.
    struct Stay {
        var months: [(month: YearMonth, fact: Fact)]
        /// Why the run cannot continue, if it cannot: the worker left, a month was missed, or they changed employer.
        var ended: (date: LocalDate, reason: String, fact: Fact?)?
    }
}
