import GrantLedgerEvents

/// The rules that cut across clauses, and the rules' own limits, applied in date order to the
/// entitlements the clauses granted. Each refusal names the clause that made it.
struct CrossCutting {
    let catalog: PolicyCatalog
    var entitlements: [Entitlement]
    /// The training each entitlement counts as (for training caps).
    let trainings: [String: Candidate.Training]
    /// The event that earns each entitlement ("the same fact").
    let keyFacts: [String: String]
    /// What entitlements outside these facts used of the limits a rule shares (see `SharedLimitUsage`).
    var usage: (any SharedLimitUsage)?
    /// Each entitlement of a rule with shared limits, by id: what it draws on them.
    private(set) var draws: [String: SharedLimitPlace.Draw] = [:]

    mutating func apply() {
        applyRuleLimits()
        for document in catalog.documents {
            for cross in document.crossRules {
                switch cross.kind {
                case .trainingCap: applyTrainingCap(cross)
                case .notCombinable: applyNotCombinable(cross)
                case .mostFavourableOnce: applyMostFavourable(cross)
                case .revocation: break  // applied when each entitlement is evaluated
                }
            }
        }
    }

    private mutating func refuse(_ i: Int, _ status: Entitlement.Status, clause: String, _ reason: String) {
        entitlements[i].status = status
        entitlements[i].amount = nil
        entitlements[i].range = nil
        for t in entitlements[i].tranches.indices where entitlements[i].tranches[t].state != .forfeited {
            entitlements[i].tranches[t].state = .forfeited
            entitlements[i].tranches[t].dueDate = nil
        }
        entitlements[i].explanation.refusal = .init(clause: clause, reason: reason)
    }

    // MARK: Limits written on a rule

    private mutating func applyRuleLimits() {
        var perSubject: [String: Int] = [:]
        var perPayee: [String: Int64] = [:]
        var fund: [String: Int64] = [:]
        for i in entitlements.indices where entitlements[i].isLive {
            guard let rule = catalog.rule(clause: entitlements[i].clause) else { continue }
            let year = entitlements[i].date.year
            if let limit = rule.limits.perSubjectPerYear, let subject = entitlements[i].subject {
                let key = "\(rule.clause)|\(subject)|\(year)"
                if perSubject[key, default: 0] >= limit {
                    refuse(i, .capped, clause: rule.clause, "the worker already has \(limit) of this clause in \(year); at most \(limit) a year")
                    continue
                }
                perSubject[key, default: 0] += 1
            }
            let place = SharedLimitPlace(
                clause: rule.clause, payee: entitlements[i].payee.id, date: entitlements[i].date,
                keyFact: keyFacts[entitlements[i].id] ?? entitlements[i].id, id: entitlements[i].id)
            if rule.limits.perPayeePerYear != nil || rule.limits.fund != nil { draws[place.id] = .init(place: place, amount: entitlements[i].amount) }
            if let limit = rule.limits.perPayeePerYear, let amount = entitlements[i].amount {
                let key = "\(rule.clause)|\(entitlements[i].payee.id)|\(year)"
                let used = usage?.used(ofPayeeYear: place) ?? perPayee[key, default: 0]
                if used + amount.value > limit.value {
                    let rest = max(0, limit.value - used)
                    reduce(i, to: Fen(rest), clause: rule.clause, "\(Fen(used)) already granted to this payee in \(year); the yearly limit is \(limit)")
                }
                perPayee[key, default: 0] += entitlements[i].amount?.value ?? 0
            }
            if let limit = rule.limits.fund, let amount = entitlements[i].amount {
                let used = usage?.used(ofFund: place) ?? fund[rule.clause, default: 0]
                if used + amount.value > limit.value {
                    let rest = max(0, limit.value - used)
                    reduce(i, to: Fen(rest), clause: rule.clause, "the clause's fund of \(limit) has \(Fen(rest)) left")
                }
                fund[rule.clause, default: 0] += entitlements[i].amount?.value ?? 0
            }
        }
    }

    private mutating func reduce(_ i: Int, to rest: Fen, clause: String, _ reason: String) {
        guard rest.value > 0 else {
            refuse(i, .capped, clause: clause, reason)
            return
        }
        entitlements[i].explanation.arithmetic.append("reduced from \(entitlements[i].amount!) to \(rest): \(reason)")
        entitlements[i].amount = rest
        entitlements[i].status = .capped
        entitlements[i].explanation.refusal = .init(clause: clause, reason: reason)
    }

    // MARK: Cross-cutting rules

    /// At most `perYear` trainings per worker per calendar year whoever is paid, never the same
    /// occupation and level twice. Several entitlements for one training (the institution's and
    /// the worker's) count once.
    private mutating func applyTrainingCap(_ cross: CrossRule) {
        let limit = cross.perYear ?? 3
        let covered = Set(cross.covers)
        var firstOfKind: [String: (training: String, date: LocalDate)] = [:]
        var perYear: [String: [String]] = [:]
        for i in entitlements.indices where entitlements[i].isLive && covered.contains(entitlements[i].clause) {
            guard let subject = entitlements[i].subject, let training = trainings[entitlements[i].id] else { continue }
            let kind = "\(subject)|\(training.occupation)|\(training.level ?? "-")"
            if let first = firstOfKind[kind], first.training != training.id {
                refuse(i, .excluded, clause: cross.clause,
                       "the worker was already subsidised for \(training.occupation) at level \(training.level ?? "(none)") (\(first.training), \(first.date)); never twice for the same occupation and level")
                continue
            }
            let yearKey = "\(subject)|\(entitlements[i].date.year)"
            var counted = perYear[yearKey, default: []]
            if !counted.contains(training.id) {
                if counted.count >= limit {
                    refuse(i, .capped, clause: cross.clause,
                           "already \(limit) subsidised trainings in \(entitlements[i].date.year) (\(counted.joined(separator: ", "))); at most \(limit) a year")
                    continue
                }
                counted.append(training.id)
                perYear[yearKey] = counted
            }
            if firstOfKind[kind] == nil { firstOfKind[kind] = (training.id, entitlements[i].date) }
            entitlements[i].explanation.parameters.append(
                "\(cross.clause): training \(counted.firstIndex(of: training.id)! + 1) of at most \(limit) in \(entitlements[i].date.year)")
        }
        if let reading = cross.reading {
            for i in entitlements.indices where covered.contains(entitlements[i].clause) && entitlements[i].explanation.refusal?.clause == cross.clause {
                entitlements[i].explanation.readings.append(reading)
            }
        }
    }

    /// The covered clauses are not paid together for the same worker: the first to become due is kept.
    private mutating func applyNotCombinable(_ cross: CrossRule) {
        let covered = Set(cross.covers)
        var kept: [String: Int] = [:]
        for i in entitlements.indices where entitlements[i].isLive && covered.contains(entitlements[i].clause) {
            guard let subject = entitlements[i].subject else { continue }
            if let first = kept[subject], entitlements[first].clause != entitlements[i].clause {
                refuse(i, .excluded, clause: cross.clause,
                       "not combinable with \(entitlements[first].clause) for the same worker, granted first on \(entitlements[first].date) (\(entitlements[first].id))")
                if let reading = cross.reading { entitlements[i].explanation.readings.append(reading) }
            } else if kept[subject] == nil {
                kept[subject] = i
            }
        }
    }

    /// Of the covered clauses paying the same payee for the same fact, only the most favourable is paid.
    private mutating func applyMostFavourable(_ cross: CrossRule) {
        let covered = Set(cross.covers)
        var groups: [String: [Int]] = [:]
        for i in entitlements.indices where entitlements[i].isLive && covered.contains(entitlements[i].clause) {
            let fact = keyFacts[entitlements[i].id] ?? entitlements[i].id
            groups["\(entitlements[i].payee.id)|\(fact)", default: []].append(i)
        }
        for (_, members) in groups.sorted(by: { $0.key < $1.key }) where members.count > 1 {
            let best = members.max { a, b in
                (entitlements[a].worth, -a) < (entitlements[b].worth, -b)
            }!
            for i in members where i != best {
                refuse(i, .excluded, clause: cross.clause,
                       "the same fact also earns \(entitlements[best].clause) (\(entitlements[best].worth)) for the same payee; only the most favourable is paid, once")
                if let reading = cross.reading { entitlements[i].explanation.readings.append(reading) }
            }
        }
    }
}
