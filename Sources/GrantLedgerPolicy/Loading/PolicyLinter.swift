import GrantLedgerEvents

/// Checks the catalog as a whole, after each file has been read: ids that clash or are
/// missing, periods that overlap, amounts outside their document's range, references to
/// clauses that do not exist, payees a trigger cannot pay.
struct PolicyLinter {
    let documents: [PolicyDocument]
    let log: IssueLog

    func lint() {
        checkDocumentPeriods()
        let clauses = checkClauseIDs()
        let places = Places(documents)
        for document in documents {
            checkPlaces(document, places)
            checkReleaseAfterEnd(document)
            for rule in document.rules {
                checkRange(rule)
                checkPayee(rule)
                checkStaging(rule, clauses: clauses)
                for waiver in rule.waivers where !clauses.contains(waiver.clause) {
                    log.error(waiver.location, "\(rule.clause).waivers", "clause \(waiver.clause) is not in the catalog",
                              hint: "Name the clause whose sentence sets the conditions aside, exactly as its `clause:` says.")
                }
                if case .decided(nil, nil) = rule.amount, rule.reading == nil {
                    log.error(rule.location, rule.clause, "the amount is left wholly to a decision but the rule gives no reading",
                              hint: "Add `reading:` saying why the document gives no amount and what a decision must rest on.")
                }
            }
            for cross in document.crossRules {
                for (index, covered) in cross.covers.enumerated() where !clauses.contains(covered) {
                    log.error(cross.location, "\(cross.clause).covers[\(index)]", "clause \(covered) is not in the catalog",
                              hint: "Write the id of a rule exactly as its `clause:` says, or remove it.")
                }
                if cross.kind == .notCombinable, cross.covers.count < 2 {
                    log.error(cross.location, "\(cross.clause).covers", "a not-combinable rule needs at least two clauses",
                              hint: "List the clauses that may not be paid together.")
                }
            }
        }
    }

    /// A document that ends and stages money must say what becomes of a tranche released after its end.
    private func checkReleaseAfterEnd(_ document: PolicyDocument) {
        guard document.inForce.to != nil, document.releasedAfterEnd == nil else { return }
        let staged = document.rules.filter { rule in
            if rule.staging != nil { return true }
            switch rule.amount {
            case .monthly, .milestones: return true
            default: return false
            }
        }
        guard let first = staged.first else { return }
        log.error(document.location, "inForce.releasedAfterEnd",
                  "\(document.id) ends on \(document.inForce.to!) and pays \(staged.map(\.clause).joined(separator: ", ")) in tranches, but does not say whether a tranche released after the end is paid",
                  hint: "Add `releasedAfterEnd: forfeited` (only what is released within the period is paid) or `payable` under `inForce:`, and state the reading in `readings:` (first staged rule: \(first.clause)).")
    }

    /// A division lies in another the document lists, and a place a rule tests is one the catalog knows.
    private func checkPlaces(_ document: PolicyDocument, _ places: Places) {
        let names = Set(document.divisions + [document.jurisdictionName])
        for (index, division) in document.places.enumerated() {
            if let within = division.within, !names.contains(within) {
                log.error(document.location, "jurisdiction.divisions[\(index)].within", "\(division.name) is said to lie in \(within), which the document does not list",
                          hint: "List \(within) among the divisions first, or leave `within:` out for a division directly under \(document.jurisdictionName).")
            }
            if let code = division.code, !Places.code(code, isIn: document.jurisdiction.rawValue) {
                log.error(document.location, "jurisdiction.divisions[\(index)].code", "\(code) is not a division code inside \(document.jurisdiction.rawValue)",
                          hint: "Check the code: a district of a city shares the city's first four digits.")
            }
        }
        for rule in document.rules {
            for test in rule.match + rule.conditions where TriggerKind.placeAttributes.contains(test.attribute) {
                let listed: [String] = switch test.test {
                case .oneOf(let names), .anyOf(let names), .allOf(let names), .noneOf(let names): names
                case .equals(.text(let name)): [name]
                default: []
                }
                for name in listed where places.name(of: name) == nil && !Places.isCode(name) {
                    log.error(test.location, "\(rule.clause).\(test.attribute)", "\(name) is not a place the catalog knows",
                              hint: "Write a division code, the jurisdiction's name or a division listed under `jurisdiction.divisions`.")
                }
            }
        }
    }

    /// The same document may appear in several files only as successive versions.
    private func checkDocumentPeriods() {
        let byID = Dictionary(grouping: documents, by: \.id)
        for (id, versions) in byID where versions.count > 1 {
            let sorted = versions.sorted { $0.inForce.from < $1.inForce.from }
            for (earlier, later) in zip(sorted, sorted.dropFirst()) where earlier.inForce.overlaps(later.inForce) {
                log.error(later.location, "inForce", "document \(id) is in force \(later.inForce) here and \(earlier.inForce) in \(earlier.location.file): the periods overlap",
                          hint: "End the earlier version the day before the later one starts, or remove one of the files.")
            }
        }
    }

    /// Clause ids are unique across the catalog. Returns the set of all ids.
    private func checkClauseIDs() -> Set<String> {
        var seen: [String: SourceLocation] = [:]
        let versions = Dictionary(grouping: documents, by: \.id)
        for document in documents {
            // A cross-cutting rule may be stated inside a paying clause (JJ-2019-79/6.7's "not
            // combinable with 6.1"): it then shares that clause's id.
            let ruleClauses = Set(document.rules.map(\.clause))
            let entries = document.rules.map { ($0.clause, $0.location) } + document.provisions.map { ($0.clause, $0.location) }
                + document.crossRules.filter { !ruleClauses.contains($0.clause) }.map { ($0.clause, $0.location) }
            for (clause, location) in entries {
                if let first = seen[clause], (versions[document.id]?.count ?? 1) == 1 || first.file == location.file {
                    log.error(location, clause, "clause \(clause) is defined twice (first at \(first))",
                              hint: "Each clause id appears once; merge the two or correct one id.")
                } else if seen[clause] == nil {
                    seen[clause] = location
                }
            }
        }
        return Set(seen.keys)
    }

    /// Every amount a rule writes lies within the range its document prints.
    private func checkRange(_ rule: PolicyRule) {
        guard let range = rule.range else { return }
        for amount in rule.amount.writtenAmounts where !range.contains(amount) {
            log.error(rule.location, "\(rule.clause).amount", "\(amount) is outside the document's range \(range.lowerBound)–\(range.upperBound)",
                      hint: "Correct the amount, or the range if the document was misread.")
        }
        if case .decided(let minimum, let maximum) = rule.amount, minimum == nil || maximum == nil {
            log.warning(rule.location, "\(rule.clause).amount", "the decision is bounded only on one side while the document prints \(range.lowerBound)–\(range.upperBound)",
                        hint: "Give both min and max in `decided:` so decisions are checked against the whole range.")
        }
    }

    private static let payees: [TriggerKind: Set<PayeeKind>] = [
        .trainee: [.institution, .enterprise, .department, .organisation, .worker],
        .certificate: [.worker], .apprenticeship: [.enterprise], .rating: [.organisation, .institution, .enterprise, .agency],
        .referral: [.agency], .employment: [.enterprise, .organisation, .worker], .enterpriseYear: [.enterprise],
        .mentorSession: [.worker], .award: [.worker, .organisation, .enterprise], .studentService: [.enterprise, .organisation, .institution],
        .insurancePremium: [.worker], .application: Set(PayeeKind.allCases), .fund: [.department, .organisation],
    ]

    private func checkPayee(_ rule: PolicyRule) {
        let allowed = Self.payees[rule.trigger] ?? []
        if !allowed.contains(rule.payee) {
            log.error(rule.location, "\(rule.clause).payee", "\(rule.trigger.rawValue) facts cannot pay a \(rule.payee.rawValue)",
                      hint: "Use one of \(allowed.map(\.rawValue).sorted().joined(separator: ", ")), or another trigger.")
        }
    }

    private func checkStaging(_ rule: PolicyRule, clauses: Set<String>) {
        switch rule.staging {
        case .advance(_, let clause)?, .upfront(_, let clause)?:
            if !clauses.contains(clause) {
                log.error(rule.location, "\(rule.clause).staging.clause", "clause \(clause) is not in the catalog",
                          hint: "Cite the clause that stages the payment, as its document's file names it.")
            }
            switch rule.amount {
            case .monthly, .milestones:
                log.error(rule.location, "\(rule.clause).staging", "a monthly or milestone amount is already paid in tranches",
                          hint: "Remove `staging:` from this rule.")
            default: break
            }
        case nil: break
        }
    }
}
