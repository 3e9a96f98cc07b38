import GrantLedgerEvents

/// One worker's part in an enterprise's yearly counts under an enterprise-year rule (BJ-2023's
/// stable hires and new skilled talents): a hire that stayed, or a certificate with a level.
///
/// Every part follows from that worker's own facts (their spells, months, key groups and
/// certificates), so a projection works them out when it evaluates the worker and keeps them;
/// the enterprise's evaluation then adds up the parts kept for it (``EmployerCounts``) instead
/// of reading every event of every person it ever employed. Without kept parts the engine
/// works them out from the facts it is given, with the same code: the two agree by construction.
public struct EmployerContribution: Sendable, Hashable {
    public enum Kind: String, Sendable, CaseIterable {
        case stableHire = "stable-hire"
        case newSkilled = "new-skilled"
        case newHighSkill = "new-high-skill"
    }

    public let clause: String
    public let employer: String
    public let year: Int
    public let kind: Kind
    public let worker: String
    /// The fact counted, as the explanation cites it.
    public let citation: Citation
    /// Orders a year's parts as the engine lists them: stable hires by worker, then by the
    /// hire's place among the worker's spells; talents by date, then log position.
    public let rank: Int64

    public init(clause: String, employer: String, year: Int, kind: Kind, worker: String, citation: Citation, rank: Int64) {
        self.clause = clause
        self.employer = employer
        self.year = year
        self.kind = kind
        self.worker = worker
        self.citation = citation
        self.rank = rank
    }
}

/// The parts kept for an enterprise, for evaluating its enterprise-year rules without its
/// workers' facts.
public protocol EmployerCounts {
    /// Every part counted for `employer` under `clause`.
    func contributions(employer: String, clause: String) -> [EmployerContribution]
}

extension Triggers {
    /// The parts the facts give under one enterprise-year rule; with `worker`, only that
    /// worker's. Notes on the index when a part may change with no new fact (a hire stable
    /// "so far" stops counting once its month has passed without a record).
    func employerContributions(clause: String, parameters: [String: AttributeValue], worker: String? = nil) -> [EmployerContribution] {
        var parts: [EmployerContribution] = []
        // New skilled talents: certificates with a level, issued to the enterprise's employees in the year.
        for entry in index.certificates where entry.event.level != nil && (worker == nil || entry.event.holder == worker) {
            let employer = entry.event.employer ?? index.spell(of: entry.event.holder, employer: nil, on: entry.fact.occurredAt)?.start.event.employer
            guard let employer, index.revocations[entry.event.certificateNumber] == nil else { continue }
            let year = entry.fact.occurredAt.year
            parts.append(EmployerContribution(clause: clause, employer: employer, year: year, kind: .newSkilled, worker: entry.event.holder,
                                              citation: entry.fact.cited("new skilled talent"), rank: entry.fact.position))
            if entry.event.level!.isHighSkill {
                parts.append(EmployerContribution(clause: clause, employer: employer, year: year, kind: .newHighSkill, worker: entry.event.holder,
                                                  citation: entry.fact.cited("new high-skill talent"), rank: entry.fact.position))
            }
        }
        // Stable hires: people of the named groups hired in the year whose run of months with the
        // enterprise reaches the stable months (or, without that parameter, the year's end).
        let groups: [[String]] = {
            guard case .set(let names)? = parameters["hireGroups"] else { return [] }
            return names.sorted().map { $0.split(separator: "+").map(String.init) }
        }()
        let stableMonths: Int? = if case .integer(let months)? = parameters["stableMonths"] { Int(months) } else { nil }
        guard !groups.isEmpty else { return parts }
        for person in index.spells.keys.sorted() where worker == nil || person == worker {
            for (rank, spell) in (index.spells[person] ?? []).enumerated() {
                let hired = spell.start.fact.occurredAt
                let held = index.groups(of: person, on: hired)
                guard groups.contains(where: { $0.allSatisfy(held.contains) }) else { continue }
                let employer = spell.start.event.employer
                let run = stay(of: person, with: employer, from: hired.yearMonth)
                // Stable from the month of hire: a first insured month later than that is a gap.
                guard let first = run.months.first, first.month == hired.yearMonth else { continue }
                let needed = stableMonths.map { first.month.adding(months: $0 - 1) } ?? YearMonth(year: hired.year, month: 12)!
                if let reached = run.months.first(where: { $0.month == needed }) {
                    parts.append(EmployerContribution(clause: clause, employer: employer, year: needed.year, kind: .stableHire, worker: person,
                                                      citation: reached.fact.cited("stable hire"), rank: Int64(rank)))
                } else if needed > date.yearMonth, run.ended == nil, let last = run.months.last, last.month >= date.yearMonth.adding(months: -1) {
                    // The year is not over: a hire still unbroken counts toward the running figure,
                    // until its needed month comes or a month passes with no record.
                    index.review.note(min(needed, last.month.adding(months: 2)).firstDay)
                    parts.append(EmployerContribution(clause: clause, employer: employer, year: needed.year, kind: .stableHire, worker: person,
                                                      citation: last.fact.cited("stable so far"), rank: Int64(rank)))
                }
            }
        }
        return parts
    }

    /// One enterprise's calendar years under a rule, from the parts: each year's counts, cited.
    func enterpriseYears(from parts: [EmployerContribution]) -> [Candidate] {
        struct Tally { var stable: [EmployerContribution] = []; var skilled: [EmployerContribution] = []; var highSkill: [EmployerContribution] = [] }
        var tallies: [String: [Int: Tally]] = [:]
        for part in parts {
            switch part.kind {
            case .stableHire: tallies[part.employer, default: [:]][part.year, default: Tally()].stable.append(part)
            case .newSkilled: tallies[part.employer, default: [:]][part.year, default: Tally()].skilled.append(part)
            case .newHighSkill: tallies[part.employer, default: [:]][part.year, default: Tally()].highSkill.append(part)
            }
        }
        let byWorker: (EmployerContribution, EmployerContribution) -> Bool = { ($0.worker, $0.rank) < ($1.worker, $1.rank) }
        let inLogOrder: (EmployerContribution, EmployerContribution) -> Bool = { ($0.citation.date, $0.rank) < ($1.citation.date, $1.rank) }
        var result: [Candidate] = []
        for (employer, years) in tallies.sorted(by: { $0.key < $1.key }) {
            for (year, tally) in years.sorted(by: { $0.key < $1.key }) {
                let stable = tally.stable.sorted(by: byWorker).map(\.citation)
                let skilled = tally.skilled.sorted(by: inLogOrder).map(\.citation)
                let highSkill = tally.highSkill.sorted(by: inLogOrder).map(\.citation)
                let end = LocalDate(year: year, month: 12, day: 31)!
                // A year still running is dated on the evaluation date, and its figure runs on.
                if date < end { index.review.note(date.adding(days: 1)) }
                let on = min(end, date)
                var attributes = employerAttributes(employer, on: on)
                attributes["count.stableHires"] = .integer(Int64(stable.count))
                attributes["count.newSkilled"] = .integer(Int64(skilled.count))
                attributes["count.newHighSkill"] = .integer(Int64(highSkill.count))
                let skilledEvents = Set(skilled.map(\.eventID))
                var facts = stable + skilled + highSkill.filter { !skilledEvents.contains($0.eventID) }
                if let rating = index.ratingsByOrganisation[employer]?.first { facts.append(rating.fact.cited("rating")) }
                result.append(Candidate(
                    key: "enterprise-year:\(employer)/\(year)", payee: employer, date: on, places: places(of: employer),
                    facts: facts, attributes: attributes, keyFact: "\(employer)/\(year)", periodComplete: date >= end))
            }
        }
        return result
    }
}
