import GrantLedgerEvents

/// The answer to a case worker's "why was this person not paid?": for every rule whose trigger
/// finds a fact about the person, each such fact and how far it got: the first test it failed
/// (jurisdiction, match, period, condition, cap or exclusion), or what it was granted.
public struct WhyNotReport: Sendable, Encodable {
    public let person: String
    public let date: LocalDate
    /// The rules whose triggers found a fact about the person, in catalog order.
    public let rules: [RuleDiagnosis]
    /// How many events of each type name the person (filled in by whoever gathered the facts),
    /// to say what the log holds when no rule's trigger finds anything.
    public var eventsNamingPerson: [String: Int] = [:]
}

/// One rule and the person's facts it was tried on.
public struct RuleDiagnosis: Sendable, Encodable {
    public let clause: String
    public let title: String
    public let findings: [Finding]
}

/// One candidate fact (or group of facts) and where it stopped.
public struct Finding: Sendable, Encodable {
    /// Where a candidate stopped, in the order the engine tests.
    public enum Stage: String, Sendable, CaseIterable, Encodable {
        /// The fact lies outside the document's jurisdiction.
        case jurisdiction
        /// The fact is not the rule's business: a `match` test failed.
        case match
        /// The fact is dated before the document came into force, or after it ended.
        case period
        /// A condition failed, or the amount form refused it (a tier the clause does not pay, a tranche after the end).
        case condition
        /// A limit reduced or stopped it: a yearly cap, a fund, a maximum.
        case cap
        /// A cross-cutting rule refused it: not combinable, most favourable once, a revoked certificate, the same occupation twice.
        case exclusion
        /// Nothing failed yet: it waits for evidence or a decision.
        case waiting
        /// It is granted.
        case granted
    }

    public let stage: Stage
    /// The fact that would earn it (a certificate, a referral, a hire).
    public let keyFact: Citation?
    /// The facts the candidate rests on.
    public let facts: [Citation]
    /// What failed (or what was granted), in words.
    public let reason: String
    /// The clause that refused it, where not the rule's own (a cap or cross-cutting rule).
    public let refusedBy: String?
    /// The entitlement it became, if it got that far.
    public let entitlementID: String?
    /// Where the log records what the rule reads in another shape than the rule reads it.
    public let hints: [String]
}

extension PolicyEngine {
    /// Why a person's facts earned what they earned and no more: every rule whose trigger finds a
    /// fact about the person (as the worker the fact concerns, or as its payee), on `date`,
    /// optionally for one clause. `targets` and `usage` are as for ``evaluation(_:on:targets:usage:)``.
    public func whyNot(
        _ facts: [Fact], person: String, on date: LocalDate, clause: String? = nil,
        targets: (any TargetProgress)? = nil, usage: (any SharedLimitUsage)? = nil
    ) -> WhyNotReport {
        let index = FactIndex(facts: facts, through: date)
        let triggers = Triggers(index: index, date: date, places: catalog.places)
        let granted = Dictionary(evaluation(facts, on: date, targets: targets, usage: usage).entitlements.map { ($0.id, $0) }) { a, _ in a }
        var rules: [RuleDiagnosis] = []
        for document in catalog.documents {
            for rule in document.rules where clause == nil || rule.clause == clause {
                let findings: [Finding]
                if rule.trigger == .enterpriseYear {
                    findings = hires(of: person, toward: rule, document: document, index: index, triggers: triggers)
                } else {
                    findings = triggers.candidates(for: rule, catalog: catalog)
                        .filter { $0.subject == person || $0.payee == person || $0.payees[rule.payee] == person }
                        .map { diagnose(rule, document: document, candidate: $0, index: index, date: date, targets: targets, granted: granted) }
                }
                if !findings.isEmpty { rules.append(RuleDiagnosis(clause: rule.clause, title: rule.title, findings: findings)) }
            }
        }
        return WhyNotReport(person: person, date: date, rules: rules)
    }

    private func diagnose(
        _ rule: PolicyRule, document: PolicyDocument, candidate: Candidate, index: FactIndex, date: LocalDate,
        targets: (any TargetProgress)?, granted: [String: Entitlement]
    ) -> Finding {
        let hints = Hints(engine: self, rule: rule, document: document, index: index, person: candidate.subject ?? candidate.payee, on: candidate.date)
        let keyFact = candidate.facts.first { $0.eventID == candidate.keyFact } ?? candidate.facts.first
        switch screen(rule, document: document, candidate: candidate, index: index, date: date, targets: targets) {
        case .outside(let places, let jurisdiction):
            let where_ = if let jurisdiction { "it is filed under \(jurisdiction.rawValue)" }
                else if places.isEmpty { "no place is recorded for it" }
                else { "it lies in \(places.joined(separator: ", "))" }
            return Finding(stage: .jurisdiction, keyFact: keyFact, facts: candidate.facts,
                           reason: "\(document.id) applies in \(document.jurisdictionName) (\(document.jurisdiction.rawValue)); \(where_)",
                           refusedBy: nil, entitlementID: nil, hints: hints.forPlaces(candidate.places.sorted()))
        case .unmatched(let test, let reason):
            return Finding(stage: .match, keyFact: keyFact, facts: candidate.facts, reason: "not this rule's business: \(reason)", refusedBy: nil,
                           entitlementID: nil, hints: hints.for(test.attribute, reason: reason))
        case .beforePeriod:
            return Finding(stage: .period, keyFact: keyFact, facts: candidate.facts,
                           reason: "the fact is dated \(candidate.date), before \(document.id) came into force on \(document.inForce.from)",
                           refusedBy: nil, entitlementID: nil, hints: [])
        case .entitlement(let evaluated):
            let entitlement = granted[evaluated.id] ?? evaluated
            let refusal = entitlement.explanation.refusal
            let reason = refusal?.reason ?? "granted \(entitlement.amount.map(\.description) ?? "")"
            let refusedBy = refusal.flatMap { $0.clause == rule.clause ? nil : $0.clause }
            let stage: Finding.Stage = switch entitlement.status {
            case .eligible where refusal == nil: .granted
            case .eligible, .awaitingEvidence, .awaitingDecision: .waiting
            case .expired: .period
            case .capped: .cap
            case .excluded where reason.hasSuffix(AmountCalculator.releasedWithinPeriod): .period
            case .excluded: refusedBy == nil ? .condition : .exclusion
            }
            let attribute = rule.conditions.first { reason.hasPrefix($0.attribute + " ") }?.attribute
            return Finding(stage: stage, keyFact: keyFact, facts: entitlement.explanation.facts, reason: stage == .granted ? "granted \(entitlement.amount?.description ?? "")" : reason,
                           refusedBy: refusedBy, entitlementID: entitlement.id,
                           hints: attribute.map { hints.for($0, reason: reason) } ?? [])
        }
    }

    /// An enterprise-year rule counts hires, not facts of the worker: each of the person's
    /// hires by an enterprise of the jurisdiction, and whether it is of the groups counted.
    private func hires(of person: String, toward rule: PolicyRule, document: PolicyDocument, index: FactIndex, triggers: Triggers) -> [Finding] {
        guard case .set(let names)? = rule.parameters["hireGroups"] else { return [] }
        let groups = names.sorted().map { $0.split(separator: "+").map(String.init) }
        return (index.spells[person] ?? []).compactMap { spell -> Finding? in
            let employer = spell.start.event.employer
            let places = triggers.places(of: employer).union(spell.start.event.division.map { [$0] } ?? [])
            guard places.contains(where: { catalog.place($0, isIn: document) }) else { return nil }
            let hired = spell.start.fact.occurredAt
            let held = index.groups(of: person, on: hired)
            let facts = [spell.start.fact.cited("hire")] + index.groupFacts(of: person, on: hired).map { $0.cited("key-group membership") }
            let wanted = groups.map { $0.joined(separator: " and ") }.joined(separator: ", or ")
            let hints = Hints(engine: self, rule: rule, document: document, index: index, person: person, on: hired)
            guard groups.contains(where: { $0.allSatisfy(held.contains) }) else {
                return Finding(stage: .match, keyFact: facts.first, facts: facts,
                               reason: "the hire by \(employer) on \(hired) is not counted: person.groups was \(AttributeValue.set(held)) on that day; \(rule.clause) counts hires in \(wanted)",
                               refusedBy: nil, entitlementID: nil, hints: hints.for("person.groups", reason: "", groups: Set(groups.joined())))
            }
            return Finding(stage: .granted, keyFact: facts.first, facts: facts,
                           reason: "the hire by \(employer) on \(hired) is of the groups counted; it counts toward the enterprise's stable hires if the enterprise paid its social insurance every month of the run (see the enterprise's entitlements)",
                           refusedBy: nil, entitlementID: nil, hints: [])
        }
    }
}

/// Where a fact a rule reads is recorded in another shape than the rule reads it.
private struct Hints {
    let engine: PolicyEngine
    let rule: PolicyRule
    let document: PolicyDocument
    let index: FactIndex
    let person: String
    let on: LocalDate

    private var registrations: [PersonRegistered] { (index.registrations[person] ?? []).map(\.event) }

    /// `groups` are key groups the rule counts without testing them (an enterprise-year's hire groups).
    func `for`(_ attribute: String, reason: String, groups: Set<String> = []) -> [String] {
        var hints: [String] = []
        let tested = (rule.match + rule.conditions).filter { $0.attribute == attribute }
        let names: Set<String> = Set(tested.flatMap { test -> [String] in
            switch test.test {
            case .oneOf(let names), .anyOf(let names), .allOf(let names): names
            case .equals(let value): [value.description]
            default: []
            }
        }).union(groups)
        if attribute == "person.groups" {
            let held = index.groups(of: person, on: on)
            if names.contains(where: { $0.hasPrefix("local-hukou") }), !held.contains(where: { $0.hasPrefix("local-hukou") }),
               let hukou = registrations.compactMap(\.hukouDivision).last {
                let inside = engine.catalog.place(hukou, isIn: document)
                hints.append("The household registration is recorded as person.registered.hukouDivision = \(hukou)\(inside ? ", inside \(document.jurisdictionName)" : ""), but \(rule.clause) tests the key group local-hukou: record a person.group-joined with group local-hukou (and its since) for the person.")
            }
            if names.contains(KeyGroup.registeredUnemployed.rawValue), !held.contains(KeyGroup.registeredUnemployed.rawValue),
               registrations.contains(where: { $0.registrationKind == "unemployment" }) {
                hints.append("The person has an unemployment registration (person.registered registrationKind = unemployment), but \(rule.clause) tests the key group registered-unemployed: record a person.group-joined with group registered-unemployed.")
            }
            if let later = (index.groupChanges[person] ?? []).first(where: { $0.joined && names.contains($0.group.rawValue) && $0.from > on }) {
                hints.append("The person joined \(later.group.rawValue) only from \(later.from) (event \(later.fact.eventID)), after the fact's date \(on); membership counts from its since.")
            }
        }
        if attribute == "person.registeredIn", let hukou = registrations.compactMap(\.hukouDivision).last, engine.catalog.place(hukou, isIn: document) {
            hints.append("The household registration (\(hukou)) is inside \(document.jurisdictionName), but \(rule.clause) reads where the person is registered for employment services (person.registered registeredIn): a hukou alone does not satisfy it.")
        }
        if attribute.hasPrefix("employment."), reason.hasSuffix("not recorded yet"), index.spells[person]?.isEmpty ?? true {
            hints.append("No employment.started is recorded for the person; \(attribute) is read from it (insured months alone do not say the contract).")
        }
        return hints
    }

    func forPlaces(_ places: [String]) -> [String] {
        let unknown = places.filter { engine.catalog.places.name(of: $0) == nil && !Places.isCode($0) }
        guard !unknown.isEmpty else { return [] }
        return ["\(unknown.joined(separator: ", ")) is not a place the catalog knows: write a division code or a name listed under a document's jurisdiction.divisions, or add the division to the catalog."]
    }
}
