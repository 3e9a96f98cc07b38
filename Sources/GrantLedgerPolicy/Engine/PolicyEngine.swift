import GrantLedgerEvents

/// The rules engine: a pure function of the facts, the catalog and an evaluation date to the
/// entitlements those facts earn. No I/O, no clock: the same inputs give the same output.
public struct PolicyEngine: Sendable {
    public let catalog: PolicyCatalog
    /// For each document's rules, in order: the key of the candidates the rule reads. Rules
    /// with the same key share them (17 read trainees). Worked out once, not at every evaluation:
    /// writing out the parameters was an eighth of the engine's time.
    private let candidateKeys: [[String]]

    public init(catalog: PolicyCatalog) {
        self.catalog = catalog
        candidateKeys = catalog.documents.map { document in
            document.rules.map { rule in
                rule.trigger == .application || rule.trigger == .enterpriseYear
                    ? rule.clause : "\(rule.trigger.rawValue)|\(rule.parameters.sorted { $0.key < $1.key })"
            }
        }
    }

    /// The limits the engine applies that no document states (how long before a referral an
    /// employment may start, which day a month is dated, …), as every explanation words them.
    public static var limits: [String] { Triggers.all }

    /// Every entitlement earned by the facts dated on or before `date`, in a stable order
    /// (date, clause, id), after the cross-cutting rules and limits.
    public func evaluate(_ facts: [Fact], on date: LocalDate) -> [Entitlement] {
        evaluation(facts, on: date).entitlements
    }

    /// The entitlements, and the date from which they may change with no new fact.
    ///
    /// `targets` supplies target figures counted outside `facts`: a projection evaluates one
    /// person or organisation at a time, while a target counts a whole city's trainees.
    /// `usage`, likewise, what the whole log used of the limits a rule shares across workers
    /// and payees (its pooled fund, its yearly limit per payee) before each entitlement.
    ///
    /// `owner`, when given, limits the evaluation to the entitlements that person or
    /// organisation owns (see ``EntitlementOwner``): rules that can pay none are not tried, and
    /// other owners' candidates are not screened. A projection evaluating one scope asks only
    /// for its own rows; the cross-cutting rules then still see every entitlement they compare,
    /// since those are all of one worker's, or one payee's without a worker.
    ///
    /// An evaluation for a person also works out their parts in their employers' yearly counts
    /// (``EmployerContribution``); one for an organisation given `counts` takes its own
    /// enterprise years from the parts kept there rather than from its workers' facts.
    public func evaluation(
        _ facts: [Fact], on date: LocalDate, targets: (any TargetProgress)? = nil, usage: (any SharedLimitUsage)? = nil,
        for owner: EntitlementOwner? = nil, counts: (any EmployerCounts)? = nil
    ) -> Evaluation {
        let index = FactIndex(facts: facts, through: date)
        var shared: [String: SharedLimitPlace.Draw] = [:]
        var triggers = Triggers(index: index, date: date, places: catalog.places)
        if case .organisation(let id) = owner, let counts { (triggers.counts, triggers.counted) = (counts, id) }
        let entitlements = entitlements(triggers: triggers, date: date, targets: targets, usage: usage, owner: owner, shared: &shared)
        var contributions: [EmployerContribution] = []
        if case .person(let worker) = owner {
            for document in catalog.documents {
                for rule in document.rules where rule.trigger == .enterpriseYear {
                    contributions += triggers.employerContributions(clause: rule.clause, parameters: rule.parameters, worker: worker)
                }
            }
        }
        return Evaluation(entitlements: entitlements, reviewBy: index.review.date, sharedLimitDraws: shared,
                          employerContributions: contributions)
    }

    private func entitlements(
        triggers: Triggers, date: LocalDate, targets: (any TargetProgress)?, usage: (any SharedLimitUsage)?, owner: EntitlementOwner?,
        shared: inout [String: SharedLimitPlace.Draw]
    ) -> [Entitlement] {
        let index = triggers.index
        var entitlements: [Entitlement] = []
        var order: [String: (LocalDate, String)] = [:]
        var trainings: [String: Candidate.Training] = [:]
        // Several rules share a trigger (17 read trainees): find each kind's candidates once.
        var cache: [String: [Candidate]] = [:]
        for (documentIndex, document) in catalog.documents.enumerated() {
            for (ruleIndex, rule) in document.rules.enumerated() where owner.map(rule.canPay) ?? true {
                let cacheKey = candidateKeys[documentIndex][ruleIndex]
                let candidates = cache[cacheKey] ?? triggers.candidates(for: rule, catalog: catalog)
                cache[cacheKey] = candidates
                for candidate in candidates {
                    if let owner, EntitlementOwner(subject: candidate.subject, payee: rule.payee,
                                                   id: candidate.payees[rule.payee] ?? candidate.payee) != owner { continue }
                    guard let entitlement = evaluate(rule, document: document, candidate: candidate, index: index, date: date, targets: targets)
                    else { continue }
                    // An enterprise-year is a different fact for each clause: stable hires for one,
                    // trained talents for another.
                    let keyFact = rule.trigger == .enterpriseYear ? "\(rule.clause)|\(candidate.keyFact)" : candidate.keyFact
                    order[entitlement.id] = (candidate.date, keyFact)
                    trainings[entitlement.id] = candidate.training
                    entitlements.append(entitlement)
                }
            }
        }
        entitlements.sort { a, b in
            let (x, y) = (order[a.id]!, order[b.id]!)
            return (x.0, x.1, a.clause, a.id) < (y.0, y.1, b.clause, b.id)
        }
        var limits = CrossCutting(
            catalog: catalog, entitlements: entitlements, trainings: trainings, keyFacts: order.mapValues(\.1), usage: usage)
        limits.apply()
        shared = limits.draws
        return limits.entitlements.sorted { ($0.date, $0.clause, $0.id) < ($1.date, $1.clause, $1.id) }
    }

    func evaluate(
        _ rule: PolicyRule, document: PolicyDocument, candidate: Candidate, index: FactIndex, date: LocalDate,
        targets: (any TargetProgress)?
    ) -> Entitlement? {
        if case .entitlement(let entitlement) = screen(rule, document: document, candidate: candidate, index: index, date: date, targets: targets) {
            return entitlement
        }
        return nil
    }

    /// How far a candidate gets with a rule: outside the document's jurisdiction, not the rule's
    /// business (a failed `match`), before the document, or an entitlement (which may itself be
    /// refused, expired or waiting).
    enum Screening {
        case outside(places: [String], jurisdiction: Jurisdiction?)
        case unmatched(AttributeCondition, reason: String)
        case beforePeriod
        case entitlement(Entitlement)
    }

    func screen(
        _ rule: PolicyRule, document: PolicyDocument, candidate: Candidate, index: FactIndex, date: LocalDate,
        targets: (any TargetProgress)?
    ) -> Screening {
        // Where: the fact must belong to the document's jurisdiction.
        let located = candidate.jurisdiction.map { $0 == document.jurisdiction }
            ?? (rule.trigger == .application || candidate.places.contains { catalog.place($0, isIn: document) })
        guard located else { return .outside(places: candidate.places.sorted(), jurisdiction: candidate.jurisdiction) }
        var candidate = candidate
        if let payee = candidate.payees[rule.payee] { candidate.payee = payee }
        for (attribute, places) in candidate.localCounts {
            let local = places.filter { catalog.place($0, isIn: document) }.count
            candidate.attributes[attribute] = local > 0 ? .integer(Int64(local)) : nil
        }
        // A declaration that recorded facts in the jurisdiction contradict is taken as false.
        var contradicted: [String: String] = [:]
        for (attribute, evidence) in candidate.contradictions.sorted(by: { $0.key < $1.key })
        where candidate.attributes[attribute] == .flag(true) {
            guard let found = evidence.first(where: { $0.place.map { catalog.place($0, isIn: document) } ?? true }) else { continue }
            candidate.attributes[attribute] = .flag(false)
            candidate.facts.append(found.fact.cited("contradicts the declaration"))
            contradicted[attribute] = "\(attribute) was declared true, but \(found.shows) (\(found.fact.type) \(found.fact.eventID) of \(found.fact.occurredAt)); recorded facts outweigh a declaration"
        }
        // Looking for an approval costs a scan of the clause's applications: only where the rule asks.
        if rule.testsApproval {
            candidate.attributes["application.approved"] = approval(rule: rule, candidate: candidate, index: index)
        }
        // Which facts: those that fail `match` are not this rule's business.
        for test in rule.match {
            switch outcome(of: test, in: candidate.attributes) {
            case .holds: continue
            case .fails(let reason), .unknown(let reason): return .unmatched(test, reason: reason)
            }
        }
        // When: before the document, not its business; after it, expired.
        guard candidate.date >= document.inForce.from else { return .beforePeriod }
        var entitlement = Entitlement(
            id: "\(rule.clause)#\(candidate.key)", clause: rule.clause, title: rule.title,
            payee: PayeeRef(kind: rule.payee, id: candidate.payee), subject: candidate.subject, date: candidate.date,
            status: .eligible, amount: nil, range: nil, tranches: [], explanation: Explanation())
        entitlement.explanation.facts = candidate.facts
        if let reading = rule.reading { entitlement.explanation.readings.append(reading) }
        entitlement.explanation.readings += candidate.limits
        // A staged training is earned when it takes place: its advance may fall within the period
        // though its certificate, which releases the balance, comes after (see releasedAfterEnd).
        let earnedOn = if case .advance? = rule.staging, let completed = candidate.completedOn { min(completed, candidate.date) } else { candidate.date }
        if let end = document.inForce.to, earnedOn > end {
            entitlement.status = .expired
            entitlement.explanation.refusal = .init(clause: rule.clause, reason: "the fact is dated \(candidate.date), after \(document.id) ended on \(end)")
            return .entitlement(entitlement)
        }
        // Conditions, less those another clause sets aside for this fact.
        var waived: [String: PolicyRule.Waiver] = [:]
        for waiver in rule.waivers where waiver.when.allSatisfy({ outcome(of: $0, in: candidate.attributes) == .holds }) {
            for attribute in waiver.waives { waived[attribute] = waiver }
        }
        for test in rule.conditions {
            if let waiver = waived[test.attribute] {
                let because = waiver.when.map { "\($0.attribute) = \(described($0.attribute, in: candidate.attributes))" }.joined(separator: ", ")
                entitlement.explanation.parameters.append("\(test.attribute): set aside by \(waiver.clause) (\(because))")
                if let reading = waiver.reading, !entitlement.explanation.readings.contains(reading) { entitlement.explanation.readings.append(reading) }
                continue
            }
            switch outcome(of: test, in: candidate.attributes) {
            case .holds:
                entitlement.explanation.parameters.append("\(test.attribute) = \(described(test.attribute, in: candidate.attributes))")
            case .fails(let reason):
                entitlement.status = .excluded
                entitlement.explanation.refusal = .init(clause: rule.clause, reason: contradicted[test.attribute] ?? reason)
                return .entitlement(entitlement)
            case .unknown(let reason):
                if entitlement.status == .eligible {
                    entitlement.status = .awaitingEvidence
                    entitlement.explanation.refusal = .init(clause: rule.clause, reason: reason)
                }
            }
        }
        // A revoked certificate is no evidence.
        if let number = candidate.certificate, let revoked = index.revocations[number] {
            let clause = catalog.documents.flatMap(\.crossRules).first { $0.kind == .revocation && $0.covers.contains(rule.clause) }?.clause ?? rule.clause
            entitlement.status = .excluded
            entitlement.explanation.facts.append(revoked.fact.cited("certificate revoked"))
            entitlement.explanation.refusal = .init(
                clause: clause, reason: "certificate \(number) was revoked on \(revoked.fact.occurredAt) (\(revoked.event.reason)); nothing is paid on it and anything paid is to be recovered")
            return .entitlement(entitlement)
        }
        let amounts = AmountCalculator(rule: rule, candidate: candidate, index: index, date: date, document: document, progress: targets,
                                       places: catalog.places)
        amounts.apply(to: &entitlement)
        return .entitlement(entitlement)
    }

    /// Tests one attribute. A place is tested together with every place containing it, and a
    /// failure names the places as recorded.
    func outcome(of test: AttributeCondition, in attributes: [String: AttributeValue]) -> AttributeCondition.Outcome {
        let value = attributes[test.attribute]
        guard TriggerKind.placeAttributes.contains(test.attribute), case .set(let recorded)? = value else { return test.evaluate(value) }
        let enclosing = recorded.reduce(into: Set<String>()) { $0.formUnion(catalog.places.enclosing($1)) }
        return test.evaluate(.set(enclosing), shown: value!.description)
    }

    /// An attribute's value for an explanation; a place with the places containing it.
    func described(_ attribute: String, in attributes: [String: AttributeValue]) -> String {
        guard let value = attributes[attribute] else { return "(not recorded)" }
        guard TriggerKind.placeAttributes.contains(attribute), case .set(let recorded) = value else { return value.description }
        let within = recorded.reduce(into: Set<String>()) { $0.formUnion(catalog.places.enclosing($1)) }.subtracting(recorded)
        return within.isEmpty ? value.description : "\(value) (within \(within.sorted().joined(separator: ", ")))"
    }

    /// Whether an application under the rule's clause for this payee (and subject) was approved:
    /// true, false if rejected, nil if there is none or it is pending.
    func approval(rule: PolicyRule, candidate: Candidate, index: FactIndex) -> AttributeValue? {
        let applications = index.applications(clause: rule.clause, payee: candidate.payee, subject: candidate.subject,
                                              facts: Set(candidate.facts.map(\.eventID)))
        if applications.contains(where: { index.approvals[$0.event.applicationId] != nil }) { return .flag(true) }
        if !applications.isEmpty, applications.allSatisfy({ index.rejections[$0.event.applicationId] != nil }) { return .flag(false) }
        return nil
    }
}

/// What an evaluation found, and how long it holds.
public struct Evaluation: Sendable {
    public let entitlements: [Entitlement]
    /// The first date after the evaluation date on which the same facts may give a different
    /// result (a rating runs out, a class or year ends, a target period closes); nil if never.
    public let reviewBy: LocalDate?
    /// Each entitlement of a rule with shared limits, by id: where it stands in the order those
    /// limits are applied in, and what it would draw on them (see `SharedLimitUsage`).
    public let sharedLimitDraws: [String: SharedLimitPlace.Draw]
    /// For a person: their parts in their employers' yearly counts, by rule.
    public let employerContributions: [EmployerContribution]
}

/// Where an entitlement stands among those a rule's shared limits are applied to: in the
/// engine's order (date, key fact, clause, id), for its clause and payee.
public struct SharedLimitPlace: Sendable, Hashable, Comparable {
    public let clause: String
    public let payee: String
    public let date: LocalDate
    /// The event that earns it.
    public let keyFact: String
    public let id: String

    public init(clause: String, payee: String, date: LocalDate, keyFact: String, id: String) {
        (self.clause, self.payee, self.date, self.keyFact, self.id) = (clause, payee, date, keyFact, id)
    }

    public static func < (a: Self, b: Self) -> Bool { (a.date, a.keyFact, a.clause, a.id) < (b.date, b.keyFact, b.clause, b.id) }

    /// What an entitlement draws on its rule's shared limits: its amount once every other rule
    /// and limit has judged it (nil if it has none or is refused), before them.
    public struct Draw: Sendable, Hashable {
        public let place: SharedLimitPlace
        public let amount: Fen?

        public init(place: SharedLimitPlace, amount: Fen?) { (self.place, self.amount) = (place, amount) }
    }
}

/// What the whole log used of a rule's shared limits before an entitlement, for evaluations
/// given only part of it: a projection evaluates one person at a time, while a clause's fund
/// is shared by every trainee of the city. Without it the engine counts only the facts given.
public protocol SharedLimitUsage {
    /// Granted from the clause's fund to the entitlements before `place`.
    func used(ofFund place: SharedLimitPlace) -> Int64
    /// Granted to the same payee under the clause in the same year before `place`.
    func used(ofPayeeYear place: SharedLimitPlace) -> Int64
}

/// Target figures counted over the whole log, for evaluations given only part of it.
public protocol TargetProgress {
    /// How much of `target` was achieved by `date`; nil if the metric is not counted from events.
    func achieved(_ target: TargetSet, through date: LocalDate) -> Int64?
}
