import GrantLedgerEvents

/// The facts of the log, indexed the ways the triggers look them up. Built once per
/// evaluation from the facts dated on or before the evaluation date.
struct FactIndex {
    typealias Entry<P> = (fact: Fact, event: P)

    struct Spell {
        let start: Entry<EmploymentStarted>
        var end: Entry<EmploymentEnded>?
    }

    var registrations: [String: [Entry<PersonRegistered>]] = [:]
    /// Key-group changes per person in the order they take effect: a membership from its
    /// `since` (recognised later, it still holds from then), a departure from its own date.
    var groupChanges: [String: [(fact: Fact, group: KeyGroup, joined: Bool, from: LocalDate, until: LocalDate?)]] = [:]
    var enterprises: [String: Entry<EnterpriseRegistered>] = [:]
    var institutions: [String: Entry<InstitutionRegistered>] = [:]
    var listings: [String: [(fact: Fact, jurisdiction: Jurisdiction, occupations: [String]?, listed: Bool)]] = [:]
    var ratings: [Entry<OrganisationRated>] = []
    var ratingsByOrganisation: [String: [Entry<OrganisationRated>]] = [:]
    /// Ratings granted and withdrawn, per organisation, in date order (facts are added in that order).
    var ratingChanges: [String: [(fact: Fact, rating: String, granted: Bool, validUntil: LocalDate?)]] = [:]
    var classes: [String: Entry<ClassFiled>] = [:]
    var enrolments: [String: [Entry<TrainingEnrolled>]] = [:]
    var completions: [String: [String: Entry<TrainingCompleted>]] = [:]
    var assessments: [String: [String: Entry<TrainingAssessed>]] = [:]
    var certificates: [Entry<CertificateIssued>] = []
    var certificatesByHolder: [String: [Entry<CertificateIssued>]] = [:]
    var revocations: [String: Entry<CertificateRevoked>] = [:]
    var apprenticeships: [Entry<ApprenticeshipStarted>] = []
    var diplomas: [String: [Entry<DiplomaAwarded>]] = [:]
    var spells: [String: [Spell]] = [:]
    var spellsByEmployer: [String: [(employee: String, index: Int)]] = [:]
    /// Months by "employee|employer", in month order.
    var months: [String: [YearMonth: Entry<EmploymentMonthRecorded>]] = [:]
    var monthsByEmployee: [String: [Entry<EmploymentMonthRecorded>]] = [:]
    var referrals: [Entry<ReferralMade>] = []
    var mentorSessions: [Entry<MentorSessionHeld>] = []
    var studentServices: [Entry<StudentServiceDelivered>] = []
    var awards: [Entry<AwardGranted>] = []
    var premiums: [Entry<InsurancePremiumPaid>] = []
    var applications: [String: Entry<ApplicationSubmitted>] = [:]
    var applicationsByClause: [String: [Entry<ApplicationSubmitted>]] = [:]
    var approvals: [String: Entry<ApplicationApproved>] = [:]
    var rejections: [String: Entry<ApplicationRejected>] = [:]
    var decisions: [String: [Entry<AmountDecided>]] = [:]
    var targets: [String: Entry<TargetSet>] = [:]
    var funds: [Entry<FundAllocated>] = []
    /// When the evaluation's result may change with no new fact, only because time passes.
    let review: ReviewDate

    init(facts: [Fact], through date: LocalDate) {
        review = ReviewDate(evaluatedOn: date)
        var ordered: [Fact] = []
        ordered.reserveCapacity(facts.count)
        for fact in facts {
            if fact.occurredAt <= date { ordered.append(fact) } else { review.note(fact.occurredAt) }
        }
        ordered.sort { ($0.occurredAt, $0.position) < ($1.occurredAt, $1.position) }
        for fact in ordered { add(fact) }
        for person in groupChanges.keys {
            groupChanges[person]!.sort { ($0.from, $0.fact.position) < ($1.from, $1.fact.position) }
        }
    }

    private mutating func add(_ fact: Fact) {
        // Each case is a failed cast for the facts of the later ones: the insured months, most
        // of a person's facts, come first.
        switch fact.payload {
        case let event as EmploymentMonthRecorded:
            months[event.employee + "|" + event.employer, default: [:]][event.month] = (fact, event)
            monthsByEmployee[event.employee, default: []].append((fact, event))
        case let event as PersonRegistered: registrations[event.person, default: []].append((fact, event))
        case let event as PersonGroupJoined:
            groupChanges[event.person, default: []].append((fact, event.group, true, event.since, event.until))
        case let event as PersonGroupLeft:
            groupChanges[event.person, default: []].append((fact, event.group, false, fact.occurredAt, nil))
        case let event as EnterpriseRegistered: enterprises[event.enterprise] = (fact, event)
        case let event as InstitutionRegistered: institutions[event.institution] = (fact, event)
        case let event as InstitutionCatalogListed:
            listings[event.institution, default: []].append((fact, event.jurisdiction, event.occupations, true))
        case let event as InstitutionCatalogDelisted:
            listings[event.institution, default: []].append((fact, event.jurisdiction, nil, false))
        case let event as OrganisationRated:
            ratings.append((fact, event))
            ratingsByOrganisation[event.organisation, default: []].append((fact, event))
            ratingChanges[event.organisation, default: []].append((fact, event.rating, true, event.validUntil))
        case let event as OrganisationRatingWithdrawn:
            ratingChanges[event.organisation, default: []].append((fact, event.rating, false, nil))
        case let event as ClassFiled: classes[event.classId] = (fact, event)
        case let event as TrainingEnrolled: enrolments[event.classId, default: []].append((fact, event))
        case let event as TrainingCompleted: completions[event.classId, default: [:]][event.trainee] = (fact, event)
        case let event as TrainingAssessed: assessments[event.classId, default: [:]][event.trainee] = (fact, event)
        case let event as CertificateIssued:
            certificates.append((fact, event))
            certificatesByHolder[event.holder, default: []].append((fact, event))
        case let event as CertificateRevoked: revocations[event.certificateNumber] = (fact, event)
        case let event as ApprenticeshipStarted: apprenticeships.append((fact, event))
        case let event as DiplomaAwarded: diplomas[event.student, default: []].append((fact, event))
        case let event as EmploymentStarted:
            spells[event.employee, default: []].append(Spell(start: (fact, event)))
            spellsByEmployer[event.employer, default: []].append((event.employee, spells[event.employee]!.count - 1))
        case let event as EmploymentEnded:
            if let index = spells[event.employee]?.lastIndex(where: { $0.start.event.employer == event.employer && $0.end == nil }) {
                spells[event.employee]![index].end = (fact, event)
            }
        case let event as ReferralMade: referrals.append((fact, event))
        case let event as MentorSessionHeld: mentorSessions.append((fact, event))
        case let event as StudentServiceDelivered: studentServices.append((fact, event))
        case let event as AwardGranted: awards.append((fact, event))
        case let event as InsurancePremiumPaid: premiums.append((fact, event))
        case let event as ApplicationSubmitted:
            applications[event.applicationId] = (fact, event)
            applicationsByClause[event.clause, default: []].append((fact, event))
        case let event as ApplicationApproved: approvals[event.applicationId] = (fact, event)
        case let event as ApplicationRejected: rejections[event.applicationId] = (fact, event)
        case let event as AmountDecided: decisions[event.applicationId, default: []].append((fact, event))
        case let event as TargetSet: targets[event.targetId] = (fact, event)
        case let event as FundAllocated: funds.append((fact, event))
        default: break
        }
    }

    // MARK: People

    /// The key groups a person belongs to on a date: memberships from their `since` to their
    /// `until` (inclusive), unless left before the date.
    func groups(of person: String, on date: LocalDate) -> Set<String> {
        var groups: Set<String> = []
        for change in groupChanges[person] ?? [] {
            guard change.from <= date else {
                review.note(change.from)
                break
            }
            if change.joined {
                if let until = change.until, until >= date { review.note(until.adding(days: 1)) }
                if change.until.map({ $0 >= date }) ?? true { groups.insert(change.group.rawValue) } else { groups.remove(change.group.rawValue) }
            } else {
                groups.remove(change.group.rawValue)
            }
        }
        return groups
    }

    func groupFacts(of person: String, on date: LocalDate) -> [Fact] {
        (groupChanges[person] ?? []).filter { $0.from <= date }.map(\.fact)
    }

    func registeredIn(_ person: String, on date: LocalDate) -> Set<String> {
        Set((registrations[person] ?? []).filter { $0.fact.occurredAt <= date }.map(\.event.registeredIn))
    }

    func hukou(of person: String) -> String? { registrations[person]?.last { $0.event.hukouDivision != nil }?.event.hukouDivision }

    // MARK: Organisations

    func division(of organisation: String) -> String? {
        enterprises[organisation]?.event.division ?? institutions[organisation]?.event.division
    }

    /// The ratings an organisation holds on a date (rated, not withdrawn since, not past validity).
    func ratings(of organisation: String, on date: LocalDate) -> Set<String> {
        var held: Set<String> = []
        for change in ratingChanges[organisation] ?? [] where change.fact.occurredAt <= date {
            if change.granted, let until = change.validUntil, until >= date { review.note(until.adding(days: 1)) }
            if change.granted, change.validUntil.map({ $0 >= date }) ?? true { held.insert(change.rating) } else { held.remove(change.rating) }
        }
        return held
    }

    /// Whether an institution was in a jurisdiction's catalogue for an occupation on a date.
    func isCatalogued(_ institution: String, in jurisdiction: Jurisdiction, occupation: String, on date: LocalDate) -> Bool {
        var listed = false
        for entry in listings[institution] ?? [] where entry.jurisdiction == jurisdiction && entry.fact.occurredAt <= date {
            listed = entry.listed && (entry.occupations.map { $0.contains(occupation) } ?? true)
        }
        return listed
    }

    // MARK: Employment

    /// The employment spell of a person with an employer (or, with no employer, any spell) covering a date.
    func spell(of person: String, employer: String?, on date: LocalDate) -> Spell? {
        (spells[person] ?? []).last { spell in
            (employer == nil || spell.start.event.employer == employer) && spell.start.fact.occurredAt <= date
                && (spell.end.map { $0.fact.occurredAt >= date } ?? true)
        }
    }

    func months(of person: String, with employer: String) -> [YearMonth: Entry<EmploymentMonthRecorded>] {
        months[person + "|" + employer] ?? [:]
    }

    /// The months `employer` paid `person`'s social insurance, from `first` through `last`
    /// (nil: every later month), in month order. The months are sorted, not the records.
    func insuredMonths(of person: String, with employer: String, from first: YearMonth, through last: YearMonth? = nil)
        -> [Entry<EmploymentMonthRecorded>]
    {
        guard let byMonth = months[person + "|" + employer] else { return [] }
        return byMonth.keys.filter { key in key >= first && (last.map { key <= $0 } ?? true) }.sorted().compactMap { month in
            byMonth[month].flatMap { $0.event.socialInsurancePaid ? $0 : nil }
        }
    }

    // MARK: Applications

    /// Applications under a clause by a payee about one fact: the subject must agree when both
    /// name one, and an application that lists its evidence concerns only the facts it lists.
    /// (An application without evidence concerns every fact of that payee under the clause.)
    func applications(clause: String, payee: String, subject: String?, facts: Set<String>) -> [Entry<ApplicationSubmitted>] {
        (applicationsByClause[clause] ?? []).filter { entry in
            let party = entry.event.payee.organisation ?? entry.event.payee.person
            guard party == payee else { return false }
            if let subject, let named = entry.event.subject, named != subject { return false }
            if let evidence = entry.event.evidence { return evidence.contains(where: facts.contains) }
            return true
        }
    }
}

/// The first date after an evaluation's own on which its result may differ with no new fact:
/// a rating or key-group membership runs out, a class ends, a year or target period closes.
/// A projection evaluated on one date re-evaluates once its clock reaches this date.
final class ReviewDate {
    let evaluatedOn: LocalDate
    private(set) var date: LocalDate?

    init(evaluatedOn: LocalDate) { self.evaluatedOn = evaluatedOn }

    /// Notes that something changes on `day`; days on or before the evaluation date are past.
    func note(_ day: LocalDate) {
        guard day > evaluatedOn else { return }
        if date.map({ day < $0 }) ?? true { date = day }
    }
}
