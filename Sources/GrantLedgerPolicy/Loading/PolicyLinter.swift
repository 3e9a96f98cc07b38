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
        for document in documents {
            for rule in document.rules {
                checkRange(rule)
                checkPayee(rule)
                checkStaging(rule, clauses: clauses)
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
