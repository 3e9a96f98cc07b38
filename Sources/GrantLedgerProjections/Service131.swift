import GrantLedgerEvents
import GrantLedgerPolicy

/// Xiamen's "131" employment service (XM-2023-188/4): 对辖区失业人员、未就业高校毕业生，至少提供1次
/// 职业指导、3次岗位推介、1次技能培训或就业见习机会.
///
/// The catalog's reading, per district (辖区) and period:
/// - **Who it applies to**: a person who belongs to the key group `registered-unemployed` or
///   `graduate-within-two-years` on at least one day of the period (membership from the group
///   event's `since` to its `until`, inclusive, or until a `person.group-left` dated before; as
///   the engine dates key groups), and whose registration lies in the district: the latest
///   `person.registered` dated by the period's end names the district, or a place in it, by
///   code or name (`registeredIn`). An unemployment registration (`registrationKind`) alone does
///   not make a person applicable: the recognised group membership does, as it carries dates.
///   People registered at the city itself (厦门市) count in the city's line only.
/// - **Served in full**: within the period, at least 1 `career-guidance`, 3 `job-referral` and
///   1 `training-offer` or `internship-offer` (`job-service.contacted`), wherever given.
/// - **Completeness**: served in full / applicable, in basis points; nil when no one applies.
///
/// Everything is counted as of the reader's moment: facts dated by its business date, and, for
/// a snapshot, only those the log held at its position.
public enum Service131 {
    public static let clause = "XM-2023-188/4"
    /// The target metric the bureaus' 131 targets use (`target.set`).
    public static let metric = TargetSet.service131Metric
    /// 失业人员、未就业高校毕业生.
    public static let groups: Set<KeyGroup> = [.registeredUnemployed, .graduateWithinTwoYears]
    /// 至少提供1次职业指导、3次岗位推介、1次技能培训或就业见习机会.
    public static let required = (careerGuidance: 1, jobReferrals: 3, trainingOrInternship: 1)

    /// The kinds of fact kept for it (`proj_service_131.kind`).
    enum FactKind: String { case registered, joined, left, contact }
}

/// What one person has received of the "131" service in a period.
public struct Service131Person: Codable, Sendable, Hashable {
    /// The person's pseudonym.
    public var person: String
    /// The district (or the city, for a registration at city level) they are registered in.
    public var unit: String
    /// The key groups that make the service apply to them in the period.
    public var groups: [String]
    public var periodStart: String
    public var periodEnd: String
    public var careerGuidance: Int
    public var jobReferrals: Int
    /// Training offers and internship offers together.
    public var trainingOrInternship: Int
    public var complete: Bool
    /// The parts still missing, as `guidance 0/1`, `referrals 1/3`, `training-or-internship 0/1`.
    public var missing: [String]
}

/// The "131" completeness of one district (or the city) over one period.
public struct Service131Line: Codable, Sendable, Hashable {
    public var unit: String
    /// `district`, or `city` for the whole city (every district, and people registered at the city).
    public var scope: String
    public var periodStart: String
    public var periodEnd: String
    /// Registered unemployed persons and unemployed graduates registered there in the period.
    public var applicable: Int64
    /// Of them, those who received all three parts within the period.
    public var completed: Int64
    /// completed / applicable in basis points (10000 = 100%); nil when no one applies.
    public var completenessBasisPoints: Int64?
    /// A 131 target set for this unit and exactly this period, if any, and its value (percent).
    public var target: String?
    public var targetValue: Int64?
    /// The completeness against the target, in basis points.
    public var ratioBasisPoints: Int64?
}

/// The 131 facts as of a moment, by person; counts any unit and period from them.
struct Service131Facts {
    struct Membership { let from: LocalDate; let position: Int64; let group: String; let joined: Bool; let until: LocalDate? }
    struct Person {
        var registrations: [(date: LocalDate, place: String)] = []
        var changes: [Membership] = []
        var contacts: [(date: LocalDate, service: String)] = []
    }

    let people: [(key: String, facts: Person)]
    let places: Places
    /// The city and its districts, from XM-2023-188's jurisdiction (empty without that document).
    let city: String?
    let districts: [String]
    let asOf: LocalDate

    init(_ store: some ProjectionStore, policies: PolicyCatalog, asOf: LocalDate?) throws {
        let through = asOf ?? LocalDate(year: 9999, month: 12, day: 31)!
        self.asOf = through
        places = policies.places
        let document = policies.documents.first { $0.clauseIDs.contains(Service131.clause) }
        city = document?.jurisdictionName
        districts = document?.places.filter { $0.within == nil && $0.name != document?.jurisdictionName }.map(\.name) ?? []
        var people: [(key: String, facts: Person)] = []
        for fact in try store.service131Facts(through: through) {
            if people.last?.key != fact.person { people.append((fact.person, Person())) }
            let (date, value) = (fact.occurredAt, fact.value)
            switch fact.kind {
            case .registered: people[people.count - 1].facts.registrations.append((date, value))
            case .contact: people[people.count - 1].facts.contacts.append((date, value))
            case .joined, .left:
                guard let from = fact.since else { continue }
                people[people.count - 1].facts.changes.append(Membership(
                    from: from, position: fact.position, group: value, joined: fact.kind == .joined, until: fact.until))
            }
        }
        for index in people.indices {
            // In the order they take effect, as the engine's FactIndex orders key-group changes.
            people[index].facts.changes.sort { ($0.from, $0.position) < ($1.from, $1.position) }
            // Registrations in date order; the log order breaks ties (rows come in position order).
            people[index].facts.registrations = people[index].facts.registrations.enumerated()
                .sorted { ($0.element.date, $0.offset) < ($1.element.date, $1.offset) }.map(\.element)
        }
        self.people = people
    }

    /// The key groups the service applies to that the person belongs to on some day of `period`
    /// (cut at the moment's date): each change holds for its group until the group's next change.
    func groups(_ person: Person, overlapping period: ClosedRange<LocalDate>) -> [String] {
        let end = min(period.upperBound, asOf)
        guard period.lowerBound <= end else { return [] }
        var found: Set<String> = []
        for (index, change) in person.changes.enumerated() where change.joined {
            let next = person.changes[(index + 1)...].first { $0.group == change.group }
            var last = change.until ?? .init(year: 9999, month: 12, day: 31)!
            if let next { last = min(last, next.from.adding(days: -1)) }
            if change.from <= end, last >= period.lowerBound, change.from <= last { found.insert(change.group) }
        }
        return found.sorted()
    }

    /// Where the person is registered for the period: their latest registration by its end.
    func registration(_ person: Person, by end: LocalDate) -> String? {
        person.registrations.last { $0.date <= end }?.place
    }

    /// The district (or the city) a place lies in, by XM-2023-188's divisions; nil outside the city.
    func unit(of place: String) -> String? {
        if let district = districts.first(where: { places.contains($0, place) }) { return district }
        if let city, places.contains(city, place) { return city }
        return nil
    }

    func served(_ person: Person, key: String, unit: String, groups: [String], in period: ClosedRange<LocalDate>) -> Service131Person {
        var guidance = 0, referrals = 0, offers = 0
        for contact in person.contacts where period.contains(contact.date) {
            switch contact.service {
            case "career-guidance": guidance += 1
            case "job-referral": referrals += 1
            case "training-offer", "internship-offer": offers += 1
            default: break
            }
        }
        let required = Service131.required
        var missing: [String] = []
        if guidance < required.careerGuidance { missing.append("guidance \(guidance)/\(required.careerGuidance)") }
        if referrals < required.jobReferrals { missing.append("referrals \(referrals)/\(required.jobReferrals)") }
        if offers < required.trainingOrInternship { missing.append("training-or-internship \(offers)/\(required.trainingOrInternship)") }
        return Service131Person(person: key, unit: unit, groups: groups, periodStart: period.lowerBound.description,
                                periodEnd: period.upperBound.description, careerGuidance: guidance, jobReferrals: referrals,
                                trainingOrInternship: offers, complete: missing.isEmpty, missing: missing)
    }

    /// Everyone the service applies to in `period` whose registration lies in `place` (any
    /// district, the city, or nil for all of the city), with what they have received.
    func people(in place: String?, period: ClosedRange<LocalDate>) -> [Service131Person] {
        people.compactMap { key, person in
            guard let registered = registration(person, by: min(period.upperBound, asOf)), let unit = unit(of: registered),
                  place.map({ places.contains($0, registered) }) ?? true
            else { return nil }
            let groups = groups(person, overlapping: period)
            guard !groups.isEmpty else { return nil }
            return served(person, key: key, unit: unit, groups: groups, in: period)
        }
    }

    /// The calendar years in which a job-service contact is dated.
    var contactYears: [Int] {
        Set(people.flatMap { $0.facts.contacts.map(\.date.year) }).sorted()
    }
}

extension ProjectionReader {
    // MARK: The "131" service

    /// The "131" completeness per district and period, and for the city (XM-2023-188/4; see
    /// `Service131` for the reading). `period` gives the one period; without it, every calendar
    /// year in which a job-service contact is dated and every 131 target's period. `unit` keeps
    /// the lines of that district (or the city), by name or code. A district appears when someone
    /// there is applicable or a 131 target is set for it and the period.
    public func service131(unit: String? = nil, period: ClosedRange<LocalDate>? = nil) throws -> [Service131Line] {
        try read { store in
            let facts = try Service131Facts(store, policies: policies, asOf: asOf)
            guard let city = facts.city else { return [] }
            let targets = try store.targets(unit: nil, overlapping: nil).filter { $0.metric == Service131.metric }.sorted { $0.targetID < $1.targetID }
                .compactMap { target -> (id: String, unit: String, period: ClosedRange<LocalDate>, value: Int64)? in
                guard let start = LocalDate(target.periodStart), let end = LocalDate(target.periodEnd), start <= end else { return nil }
                return (target.targetID, facts.places.name(of: target.unit) ?? target.unit, start...end, target.value)
            }
            let wanted = unit.map { facts.places.name(of: $0) ?? $0 }
            var periods: [ClosedRange<LocalDate>]
            if let period {
                periods = [period]
            } else {
                periods = facts.contactYears.map { LocalDate(year: $0, month: 1, day: 1)!...LocalDate(year: $0, month: 12, day: 31)! }
                for target in targets where wanted.map({ $0 == target.unit }) ?? true && !periods.contains(target.period) {
                    periods.append(target.period)
                }
                periods.sort { ($0.lowerBound, $0.upperBound) < ($1.lowerBound, $1.upperBound) }
            }
            var lines: [Service131Line] = []
            for period in periods {
                let people = facts.people(in: nil, period: period)
                for (place, scope) in facts.districts.map({ ($0, "district") }) + [(city, "city")] where wanted.map({ $0 == place }) ?? true {
                    let here = scope == "city" ? people : people.filter { $0.unit == place }
                    let target = targets.first { $0.unit == place && $0.period == period }
                    guard !here.isEmpty || target != nil else { continue }
                    let applicable = Int64(here.count), completed = Int64(here.filter(\.complete).count)
                    lines.append(Service131Line(
                        unit: place, scope: scope, periodStart: period.lowerBound.description, periodEnd: period.upperBound.description,
                        applicable: applicable, completed: completed,
                        completenessBasisPoints: applicable == 0 ? nil : completed * 10_000 / applicable,
                        target: target?.id, targetValue: target?.value,
                        ratioBasisPoints: target.flatMap { Self.ratio131(completed: completed, applicable: applicable, value: $0.value) }))
                }
            }
            return lines
        }
    }

    /// The people the "131" service applies to in `period`, registered in `unit` (a district or
    /// the city, by name or code; nil: the whole city), with what each has received and lacks;
    /// with `missingOnly`, only those not yet served in full. By district, then pseudonym.
    public func service131People(unit: String? = nil, period: ClosedRange<LocalDate>, missingOnly: Bool = true) throws -> [Service131Person] {
        try read { store in
            let facts = try Service131Facts(store, policies: policies, asOf: asOf)
            return facts.people(in: unit, period: period).filter { !missingOnly || !$0.complete }
                .sorted { (facts.districts.firstIndex(of: $0.unit) ?? .max, $0.person) < (facts.districts.firstIndex(of: $1.unit) ?? .max, $1.person) }
        }
    }

    /// A 131 target's ratio: the completeness (percent) against the target value (percent), in
    /// basis points, from the exact counts; nil when no one applies.
    static func ratio131(completed: Int64, applicable: Int64, value: Int64) -> Int64? {
        guard applicable > 0 else { return nil }
        return value == 0 ? 10_000 : completed * 1_000_000 / (applicable * value)
    }
}
