import GrantLedgerEvents

/// Works out an entitlement's amount, range and tranches from its rule's amount form and
/// staging, writing the arithmetic into the explanation.
struct AmountCalculator {
    let rule: PolicyRule
    let candidate: Candidate
    let index: FactIndex
    let date: LocalDate
    let document: PolicyDocument
    /// Target figures kept outside the facts given (a projection's); nil to count from the facts.
    let progress: (any TargetProgress)?
    let places: Places

    func apply(to entitlement: inout Entitlement) {
        guard entitlement.status == .eligible || entitlement.status == .awaitingEvidence else { return }
        let waitingForEvidence = entitlement.status == .awaitingEvidence
        switch rule.amount {
        case .fixed(let fen):
            entitlement.explanation.parameters.append("amount = \(fen) per head (\(rule.clause))")
            settle(&entitlement, fen, "\(fen) fixed by \(rule.clause)")
        case .table(let by, let values):
            guard let value = candidate.attributes[by] else {
                wait(&entitlement, "\(by) is not recorded yet, so the tier is unknown")
                return
            }
            let key = value.description
            guard let tier = values[key] else {
                entitlement.status = .excluded
                entitlement.explanation.refusal = .init(
                    clause: rule.clause, reason: "\(by) is \(key); the clause pays only \(values.keys.sorted().joined(separator: ", "))")
                return
            }
            entitlement.explanation.parameters.append("\(by) = \(key)")
            switch tier {
            case .fixed(let fen): settle(&entitlement, fen, "\(fen) for \(by) \(key) (\(rule.clause))")
            case .decided(let minimum, let maximum): decide(&entitlement, minimum: minimum, maximum: maximum, what: "for \(by) \(key)")
            }
        case .decided(let minimum, let maximum):
            decide(&entitlement, minimum: minimum, maximum: maximum, what: "")
        case .cost(let of, let ceiling):
            guard case .integer(let cost)? = candidate.attributes[of] else {
                wait(&entitlement, "\(of) is not recorded, so the cost-based amount cannot be worked out")
                return
            }
            let amount = Fen(min(cost, ceiling.value))
            entitlement.explanation.parameters.append("\(of) = \(Fen(cost)), ceiling = \(ceiling)")
            settle(&entitlement, amount, "min(cost \(Fen(cost)), ceiling \(ceiling)) = \(amount)")
        case .percent(let of, let percent):
            guard case .integer(let base)? = candidate.attributes[of] else {
                wait(&entitlement, "\(of) is not recorded")
                return
            }
            let amount = Fen(base * Int64(percent) / 100)
            settle(&entitlement, amount, "\(Fen(base)) × \(percent)% = \(amount) (rounded down to the fen)")
        case .perDay(let rate, let maxDays, let ceiling):
            guard case .integer(let recorded)? = candidate.attributes["service.days"] else {
                wait(&entitlement, "the number of days is not recorded")
                return
            }
            let days = min(Int64(maxDays), recorded)
            let total = Fen(rate.value * days)
            entitlement.explanation.parameters.append("days = \(recorded), counted = \(days) (at most \(maxDays))")
            if ceiling {
                entitlement.explanation.arithmetic.append("at most \(rate) a day × \(days) days = at most \(total)")
                decide(&entitlement, minimum: nil, maximum: total, what: "for \(days) days")
            } else {
                settle(&entitlement, total, "\(rate) × \(days) days = \(total)")
            }
        case .monthly(let perMonth, let maxMonths):
            monthly(&entitlement, perMonth: perMonth, maxMonths: maxMonths)
        case .milestones(let stages):
            milestones(&entitlement, stages)
        case .steps(let formula):
            steps(&entitlement, formula)
        }
        if waitingForEvidence, entitlement.status == .eligible { entitlement.status = .awaitingEvidence }
        stage(&entitlement, waitingForEvidence: waitingForEvidence)
        forfeitAfterEnd(&entitlement)
        // Nothing is due while evidence is awaited, but an advance already earned; the amount it
        // would be stays in the arithmetic.
        if entitlement.status == .awaitingEvidence, rule.staging == nil { entitlement.amount = nil }
    }

    // MARK: Simple forms

    private func settle(_ entitlement: inout Entitlement, _ amount: Fen, _ arithmetic: String) {
        entitlement.explanation.arithmetic.append(arithmetic)
        entitlement.amount = amount
    }

    private func wait(_ entitlement: inout Entitlement, _ reason: String) {
        entitlement.status = .awaitingEvidence
        if entitlement.explanation.refusal == nil { entitlement.explanation.refusal = .init(clause: rule.clause, reason: reason) }
    }

    /// A range or ceiling left to a decision: the latest `amount.decided` under the clause for
    /// this payee's application, checked against the range.
    private func decide(_ entitlement: inout Entitlement, minimum: Fen?, maximum: Fen?, what: String) {
        let applications: [FactIndex.Entry<ApplicationSubmitted>] =
            if rule.trigger == .application, let own = index.applications[String(candidate.key.dropFirst("application:".count))] {
                [own]
            } else {
                index.applications(clause: rule.clause, payee: candidate.payee, subject: candidate.subject,
                                   facts: Set(candidate.facts.map(\.eventID)))
            }
        let bounds = [minimum.map { "at least \($0)" }, maximum.map { "at most \($0)" }].compactMap { $0 }.joined(separator: " and ")
        let rangeText = bounds.isEmpty ? "no amount in the document" : bounds
        entitlement.explanation.parameters.append("decision range\(what.isEmpty ? "" : " " + what): \(rangeText)")
        if maximum != nil { entitlement.range = (minimum ?? .zero)...(maximum!) }
        for application in applications {
            entitlement.explanation.facts.append(application.fact.cited("application"))
        }
        if !applications.isEmpty, applications.allSatisfy({ index.rejections[$0.event.applicationId] != nil }),
           let rejected = applications.last.flatMap({ index.rejections[$0.event.applicationId] }) {
            entitlement.explanation.facts.append(rejected.fact.cited("rejection"))
            entitlement.status = .excluded
            entitlement.range = nil
            entitlement.explanation.refusal = .init(clause: rule.clause, reason: "the application was rejected: \(rejected.event.reason)")
            return
        }
        let decisions = applications.flatMap { index.decisions[$0.event.applicationId] ?? [] }.filter { $0.event.clause == rule.clause }
        guard let decision = decisions.max(by: { ($0.fact.occurredAt, $0.fact.position) < ($1.fact.occurredAt, $1.fact.position) }) else {
            entitlement.status = entitlement.status == .awaitingEvidence ? .awaitingEvidence : .awaitingDecision
            if entitlement.explanation.refusal == nil {
                entitlement.explanation.refusal = .init(clause: rule.clause, reason: "the document leaves the amount to a decision (\(rangeText)); none is recorded")
            }
            return
        }
        entitlement.explanation.facts.append(decision.fact.cited("amount decision"))
        let amount = decision.event.amount
        if let minimum, amount < minimum {
            outOfRange(&entitlement, amount, "below the minimum \(minimum)")
        } else if let maximum, amount > maximum {
            outOfRange(&entitlement, amount, "above the maximum \(maximum)")
        } else {
            entitlement.range = nil
            settle(&entitlement, amount, "decided \(amount) by \(decision.event.decidedBy) (\(rangeText)): \(decision.event.basis)")
        }
    }

    private func outOfRange(_ entitlement: inout Entitlement, _ amount: Fen, _ problem: String) {
        entitlement.status = .awaitingDecision
        entitlement.explanation.refusal = .init(
            clause: rule.clause, reason: "the decided amount \(amount) is \(problem) of the clause; a new decision within the range is needed")
    }

    // MARK: Monthly and milestones

    private func monthly(_ entitlement: inout Entitlement, perMonth: Fen, maxMonths: Int) {
        // The first months count, up to the maximum; those after the period follow the
        // document's reading for money released after its end (forfeitAfterEnd).
        let counted = Array(candidate.months.prefix(maxMonths))
        entitlement.explanation.parameters.append("rate = \(perMonth) a month, at most \(maxMonths) months")
        for month in counted { entitlement.explanation.facts.append(month.fact.cited("month \(month.month)")) }
        entitlement.tranches = counted.map {
            Tranche(label: "\($0.month)", amount: perMonth, releasedBy: "social insurance paid for \($0.month)",
                    dueDate: $0.month.lastDay, state: .due)
        }
        if candidate.months.count > counted.count {
            entitlement.explanation.arithmetic.append("\(candidate.months.count) qualifying months, of which the first \(maxMonths) count")
        }
        guard !counted.isEmpty else {
            wait(&entitlement, "no month with social insurance paid by the employer is recorded yet")
            return
        }
        settle(&entitlement, Fen(perMonth.value * Int64(counted.count)), "\(counted.count) months × \(perMonth) = \(Fen(perMonth.value * Int64(counted.count)))")
    }

    private func milestones(_ entitlement: inout Entitlement, _ stages: [AmountForm.Milestone]) {
        guard let stay = candidate.stay else { return }
        for month in stay.months { entitlement.explanation.facts.append(month.fact.cited("month \(month.month)")) }
        if let fact = stay.ended?.fact { entitlement.explanation.facts.append(fact.cited("end of the stay")) }
        let months = stay.months.count
        let run = stay.months.first.map { "\($0.month)–\(stay.months.last!.month)" } ?? "none"
        entitlement.explanation.parameters.append("consecutive months with the employer = \(months) (\(run))")
        entitlement.tranches = stages.map { stage in
            if months >= stage.afterMonths {
                let released = stay.months[stage.afterMonths - 1].month
                return Tranche(label: "after \(stage.afterMonths) months", amount: stage.amount,
                               releasedBy: "\(stage.afterMonths) consecutive months with the same employer", dueDate: released.lastDay, state: .due)
            }
            return Tranche(label: "after \(stage.afterMonths) months", amount: stage.amount,
                           releasedBy: "\(stage.afterMonths) consecutive months with the same employer", dueDate: nil,
                           state: stay.ended == nil ? .waiting : .forfeited)
        }
        let due = entitlement.tranches.filter { $0.state == .due }
        if !due.isEmpty {
            let total = Fen(due.reduce(0) { $0 + $1.amount.value })
            settle(&entitlement, total, due.map { "\($0.amount) \($0.label) (\($0.dueDate!))" }.joined(separator: " + ") + " = \(total)")
        }
        if let ended = stay.ended, entitlement.tranches.contains(where: { $0.state == .forfeited }) {
            if due.isEmpty { entitlement.status = .excluded }
            entitlement.explanation.refusal = .init(
                clause: rule.clause, reason: "the stay ended after \(months) month\(months == 1 ? "" : "s"): \(ended.reason)")
        } else if due.count < stages.count {
            if due.isEmpty { entitlement.status = .awaitingEvidence }
            let next = stages[due.count].afterMonths
            entitlement.explanation.refusal = .init(clause: rule.clause, reason: "\(months) of \(next) months so far; the next tranche waits for month \(next)")
        }
    }

    // MARK: The end of the period

    /// Ends the refusal of a tranche forfeited after the period (a why-not reports it as a matter of period).
    static let releasedWithinPeriod = "only what is released within the period is paid"

    /// Applies the document's reading for money released after its period: with `forfeited`, a
    /// tranche released after the end (or still waiting once the end has passed, or whose
    /// earliest possible release lies after it) is forfeited, and only the rest is due.
    private func forfeitAfterEnd(_ entitlement: inout Entitlement) {
        guard document.releasedAfterEnd == .forfeited, let end = document.inForce.to, !entitlement.tranches.isEmpty else { return }
        var cut: [String] = []
        for t in entitlement.tranches.indices {
            let tranche = entitlement.tranches[t]
            let afterEnd = switch tranche.state {
            case .due: tranche.dueDate.map { $0 > end } ?? false
            case .waiting: date > end || earliestRelease(ofTranche: t).map { $0 > end } ?? false
            case .forfeited: false
            }
            guard afterEnd else { continue }
            entitlement.tranches[t].state = .forfeited
            entitlement.tranches[t].dueDate = nil
            cut.append(tranche.label)
        }
        guard !cut.isEmpty else { return }
        let due = entitlement.tranches.filter { $0.state == .due }
        let total = Fen(due.reduce(0) { $0 + $1.amount.value })
        entitlement.explanation.arithmetic.append(
            "\(cut.joined(separator: ", ")) not released by \(end), when \(document.id) ended: forfeited; \(due.isEmpty ? "nothing" : total.description) due")
        entitlement.explanation.readings.append(
            "\(document.id): a tranche released after the period (\(document.periodQuote)) is forfeited, the catalog's reading for every staged, monthly and milestone rule of the document")
        entitlement.amount = due.isEmpty ? nil : total
        if due.isEmpty {
            entitlement.status = .excluded
            entitlement.range = nil
        }
        entitlement.explanation.refusal = .init(
            clause: rule.clause, reason: "\(cut.joined(separator: ", ")) \(cut.count == 1 ? "is" : "are") not released by \(end), when \(document.id) ended; \(Self.releasedWithinPeriod)")
    }

    /// The earliest day a waiting milestone could be released: the month that completes its
    /// run (a milestone rule's tranches are its stages, in order).
    private func earliestRelease(ofTranche index: Int) -> LocalDate? {
        guard case .milestones(let stages) = rule.amount, index < stages.count, let stay = candidate.stay else { return nil }
        let first = stay.months.first?.month ?? candidate.date.yearMonth
        return first.adding(months: stages[index].afterMonths - 1).lastDay
    }

    // MARK: Steps

    private func steps(_ entitlement: inout Entitlement, _ formula: AmountForm.StepFormula) {
        var best: (amount: Fen, text: String)?
        var below: [String] = []
        for measure in formula.measures {
            guard case .integer(let count)? = candidate.attributes[measure.count] else { continue }
            entitlement.explanation.parameters.append("\(measure.count) = \(count)")
            guard count >= measure.threshold else {
                below.append("\(measure.count) \(count) is below \(measure.threshold)")
                continue
            }
            let steps = (count - measure.threshold) / measure.every
            let amount = Fen(formula.base.value + steps * formula.increment.value)
            let text = "\(formula.base) for \(measure.threshold) + \(steps) × \(formula.increment) for each further \(measure.every) (\(measure.count) \(count)) = \(amount)"
            if best == nil || amount > best!.amount { best = (amount, text) }
        }
        if formula.measures.count > 1 { entitlement.explanation.arithmetic.append("the more favourable measure counts; they are not added") }
        guard let best else {
            if candidate.periodComplete {
                entitlement.status = .excluded
                entitlement.explanation.refusal = .init(clause: rule.clause, reason: below.joined(separator: "; "))
            } else {
                wait(&entitlement, "the year is not over: \(below.joined(separator: "; ")) so far")
            }
            return
        }
        entitlement.explanation.arithmetic.append(best.text)
        let amount = min(best.amount, formula.maximum)
        guard candidate.periodComplete else {
            entitlement.explanation.arithmetic.append("running figure \(amount); the year is not over")
            wait(&entitlement, "the year is not over; the award is worked out on the full year")
            return
        }
        entitlement.amount = amount
        if best.amount > formula.maximum {
            entitlement.status = .capped
            entitlement.explanation.arithmetic.append("capped at the yearly maximum \(formula.maximum)")
            entitlement.explanation.refusal = .init(clause: rule.clause, reason: "\(best.amount) exceeds the yearly maximum \(formula.maximum)")
        }
    }

    // MARK: Staging

    private func stage(_ entitlement: inout Entitlement, waitingForEvidence: Bool) {
        guard let staging = rule.staging else { return }
        switch staging {
        case .advance(let percent, let clause):
            guard let total = entitlement.amount else { return }
            let advance = Fen(total.value * Int64(percent) / 100)
            let balance = total - advance
            // The advance needs the training to have taken place and nothing but its results outstanding.
            let onlyResultsMissing = !waitingForEvidence || entitlement.explanation.refusal.map {
                $0.reason.hasPrefix("certificate.") || $0.reason.hasPrefix("assessment.")
            } ?? true
            let advanceDue = candidate.completedOn != nil && onlyResultsMissing
            entitlement.tranches = [
                Tranche(label: "advance \(percent)%", amount: advance, releasedBy: "the training has taken place (\(clause))",
                        dueDate: advanceDue ? candidate.completedOn : nil, state: advanceDue ? .due : .waiting),
                Tranche(label: "balance \(100 - percent)%", amount: balance, releasedBy: "results: the certificate (\(clause))",
                        dueDate: waitingForEvidence ? nil : candidate.date, state: waitingForEvidence ? .waiting : .due),
            ]
            entitlement.explanation.arithmetic.append("\(clause): \(total) × \(percent)% = \(advance) in advance, \(balance) after results")
            if waitingForEvidence {
                entitlement.amount = advanceDue ? advance : nil
            }
        case .upfront(let percent, let clause):
            guard let total = entitlement.amount else { return }
            let upfront = Fen(total.value * Int64(percent) / 100)
            let remainder = total - upfront
            var tranches = [Tranche(label: "up front \(percent)%", amount: upfront, releasedBy: "allocation (\(clause))",
                                    dueDate: candidate.date, state: .due)]
            entitlement.explanation.arithmetic.append("\(clause): \(total) × \(percent)% = \(upfront) up front")
            entitlement.explanation.readings.append("\(clause): the remaining \(100 - percent)% is paid as \(100 - percent)% × min(1, achieved / target); the document does not say how completion maps to money, this is the catalog's reading")
            guard let (target, _) = candidate.target else {
                tranches.append(Tranche(label: "performance \(100 - percent)%", amount: remainder, releasedBy: "target completion (no target is linked to the allocation)", dueDate: nil, state: .waiting))
                entitlement.tranches = tranches
                entitlement.amount = upfront
                return
            }
            guard date >= target.periodEnd else {
                index.review.note(target.periodEnd)
                tranches.append(Tranche(label: "performance \(100 - percent)%", amount: remainder,
                                        releasedBy: "completion of target \(target.targetId) at \(target.periodEnd)", dueDate: nil, state: .waiting))
                entitlement.tranches = tranches
                entitlement.amount = upfront
                return
            }
            guard let achieved = progress?.achieved(target, through: date) ?? TargetCounter(index: index, places: places).achieved(target) else {
                tranches.append(Tranche(label: "performance \(100 - percent)%", amount: remainder,
                                        releasedBy: "completion of target \(target.targetId) (metric \(target.metric) is not counted by the engine)", dueDate: nil, state: .waiting))
                entitlement.tranches = tranches
                entitlement.amount = upfront
                return
            }
            let ratioNumerator = min(achieved, target.value)
            let earned = target.value == 0 ? remainder : Fen(remainder.value * ratioNumerator / target.value)
            entitlement.explanation.arithmetic.append(
                "target \(target.targetId): achieved \(achieved) of \(target.value); \(remainder) × min(1, \(achieved)/\(target.value)) = \(earned)")
            tranches.append(Tranche(label: "performance \(100 - percent)%", amount: earned,
                                    releasedBy: "completion of target \(target.targetId)", dueDate: target.periodEnd, state: .due))
            if earned < remainder {
                tranches.append(Tranche(label: "performance shortfall", amount: remainder - earned,
                                        releasedBy: "target not met", dueDate: nil, state: .forfeited))
            }
            entitlement.tranches = tranches
            entitlement.amount = upfront + earned
        }
    }
}

/// Counts what a target measures, from the facts (see ``TargetSet/counts(_:level:class:on:)``).
struct TargetCounter {
    let index: FactIndex
    let places: Places

    func achieved(_ target: TargetSet) -> Int64? {
        guard TargetSet.countedMetrics.contains(target.metric) else { return nil }
        var count: Int64 = 0
        for (id, filed) in index.classes {
            for completion in index.completions[id]?.values ?? [:].values
            where target.counts(.completion, level: nil, class: filed.event, on: completion.fact.occurredAt, places: places) {
                count += 1
            }
        }
        for entry in index.certificates {
            guard let id = entry.event.classId, let filed = index.classes[id] else { continue }
            if target.counts(.certificate, level: entry.event.level, class: filed.event, on: entry.fact.occurredAt, places: places) { count += 1 }
        }
        return count
    }
}

extension Jurisdiction {
    /// The jurisdiction of a document, from the prefix of its clause ids (`XM-2025-189/goal`:
    /// Xiamen); nil for a prefix of no known jurisdiction.
    init?(documentOf clause: String) {
        switch clause.prefix(while: { $0 != "-" }) {
        case "XM": self = .xiamen
        case "JJ": self = .jinjiang
        case "BJ": self = .binjiang
        default: return nil
        }
    }
}

extension TargetSet {
    /// The metrics counted from training facts; a share is reported by the bureau, not derived,
    /// and the "131" completeness is computed apart (``service131Metric``).
    public static let countedMetrics: Set<String> = ["training-person-times", "new-skilled-talents", "new-high-skill-talents"]

    /// The "131" completeness (XM-2023-188/4): not counted from training facts but computed by
    /// the projections from people's key groups, registrations and job-service contacts.
    public static let service131Metric = "service-131-completeness-percent"

    public enum CountedFact: String, Sendable { case completion, certificate }

    /// Whether a training fact counts toward this target: one person-time per completion, one
    /// new skilled (high-skill) talent per certificate with a level (L3 and above), from a class
    /// filed in the target's unit and dated within the target's period.
    ///
    /// A class is in a unit when the unit contains the class's division (a street's class counts
    /// for its district, a town's for its town, by code or name, short or printed), or, for a
    /// department's target, the class's department; for a city's target, any class filed under
    /// the jurisdiction of the document that sets the target.
    public func counts(_ fact: CountedFact, level: CertificateLevel?, class filed: ClassFiled, on date: LocalDate, places: Places) -> Bool {
        guard date >= periodStart, date <= periodEnd else { return false }
        // A department or town of one jurisdiction may share its name with another's.
        guard Jurisdiction(documentOf: clause).map({ $0 == filed.jurisdiction }) ?? true else { return false }
        let inUnit = scope == "city" || places.contains(unit, filed.division)
            || (scope == "department" && filed.department.map { places.contains(unit, $0) } == true)
        guard inUnit else { return false }
        switch (metric, fact) {
        case ("training-person-times", .completion): return true
        case ("new-skilled-talents", .certificate): return level != nil
        case ("new-high-skill-talents", .certificate): return level?.isHighSkill ?? false
        default: return false
        }
    }
}
