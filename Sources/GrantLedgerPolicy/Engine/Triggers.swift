import GrantLedgerEvents

/// Finds the candidates of each trigger kind in the facts. One function per kind.
struct Triggers {
    let index: FactIndex
    let date: LocalDate
    let places: Places

    /// The parts kept of the enterprise `counted`'s yearly counts, when its evaluation is not
    /// given its workers' facts (see ``EmployerCounts``).
    var counts: (any EmployerCounts)? = nil
    var counted: String? = nil

    func candidates(for rule: PolicyRule, catalog: PolicyCatalog) -> [Candidate] {
        switch rule.trigger {
        case .trainee: trainees()
        case .certificate: certificates()
        case .apprenticeship: apprenticeships()
        case .rating: ratings()
        case .referral: referrals()
        case .employment: employments()
        case .enterpriseYear:
            enterpriseYears(from: counts.map { $0.contributions(employer: counted!, clause: rule.clause) }
                ?? employerContributions(clause: rule.clause, parameters: rule.parameters))
        case .mentorSession: mentorSessions()
        case .award: awards()
        case .studentService: studentServices()
        case .insurancePremium: premiums()
        case .application: applications(clause: rule.clause)
        case .fund: funds(parameters: rule.parameters)
        }
    }

    // MARK: Shared attributes

    func person(_ person: String, on date: LocalDate) -> ([String: AttributeValue], [Citation]) {
        var attributes: [String: AttributeValue] = [
            "person.groups": .set(index.groups(of: person, on: date)),
            "person.registeredIn": .set(index.registeredIn(person, on: date)),
        ]
        if let hukou = index.hukou(of: person) { attributes["person.hukouDivision"] = .text(hukou) }
        let citations = index.groupFacts(of: person, on: date).map { $0.cited("key-group membership") }
            + (index.registrations[person] ?? []).prefix(1).map { $0.fact.cited("registration") }
        return (attributes, citations)
    }

    /// Attributes of a person's employment with an employer (or any employer) on a date.
    func employment(_ person: String, employer: String?, on date: LocalDate, trainingStart: LocalDate? = nil)
        -> ([String: AttributeValue], [Citation], String?)
    {
        guard let spell = index.spell(of: person, employer: employer, on: date) else {
            if let employer { return (employerAttributes(employer, on: date), [], employer) }
            return ([:], [], nil)
        }
        let started = spell.start.event
        var attributes = employerAttributes(started.employer, on: date)
        attributes["employment.contract"] = .text(started.contract)
        attributes["employment.contractMonths"] = contractMonths(started)
        attributes["employment.labourDispatch"] = .flag(started.labourDispatch)
        if let first = started.firstTimeInCity { attributes["employment.firstTimeInCity"] = .flag(first) }
        attributes["employment.publicWelfarePost"] = .flag(started.publicWelfarePost ?? false)
        let reference = trainingStart ?? date
        let hired = spell.start.fact.occurredAt
        var months = (reference.year - hired.year) * 12 + (reference.month - hired.month)
        if reference.day < hired.day { months -= 1 }
        attributes["employment.monthsSinceHire"] = .integer(Int64(max(0, months)))
        let recorded = index.months(of: person, with: started.employer)
        let pension = recorded.keys.filter { $0 <= date.yearMonth && recorded[$0]!.event.pensionPaid }.min().flatMap { recorded[$0] }
        attributes["employment.pensionPaid"] = .flag(pension != nil)
        var citations = [spell.start.fact.cited("employment")]
        if let pension { citations.append(pension.fact.cited("pension paid")) }
        return (attributes, citations, started.employer)
    }

    /// A contract's length in months: open-ended counts as 1200, task-based or none as 0,
    /// a fixed term without its length as not recorded.
    func contractMonths(_ started: EmploymentStarted) -> AttributeValue? {
        switch started.contract {
        case "open-ended": .integer(1200)
        case "fixed-term": started.contractMonths.map { .integer(Int64($0)) }
        default: .integer(0)
        }
    }

    func employerAttributes(_ employer: String, on date: LocalDate) -> [String: AttributeValue] {
        var attributes: [String: AttributeValue] = ["employer.ratings": .set(index.ratings(of: employer, on: date))]
        if let enterprise = index.enterprises[employer] {
            attributes["employer.keyIndustry"] = .text(enterprise.event.keyIndustry ?? "none")
        }
        return attributes
    }

    func places(of organisation: String?) -> Set<String> {
        guard let organisation, let division = index.division(of: organisation) else { return [] }
        return [division]
    }

    func certificateAttributes(_ entry: FactIndex.Entry<CertificateIssued>) -> [String: AttributeValue] {
        let certificate = entry.event
        var attributes: [String: AttributeValue] = [
            "certificate.kind": .text(certificate.kind.rawValue), "certificate.occupation": .text(certificate.occupation),
            "certificate.tier": .text(certificate.level?.rawValue ?? certificate.kind.rawValue),
        ]
        if let level = certificate.level { attributes["certificate.level"] = .text(level.rawValue) }
        let earlier = (index.certificatesByHolder[certificate.holder] ?? []).contains {
            $0.event.kind == certificate.kind && $0.event.occupation == certificate.occupation
                && ($0.fact.occurredAt, $0.fact.position) < (entry.fact.occurredAt, entry.fact.position)
        }
        attributes["certificate.firstOfKind"] = .flag(!earlier)
        return attributes
    }

    func classAttributes(_ filed: ClassFiled, on date: LocalDate) -> [String: AttributeValue] {
        var attributes: [String: AttributeValue] = [
            "class.kind": .text(filed.kind), "class.projectBased": .flag(filed.projectBased), "class.hours": .integer(Int64(filed.classHours)),
            "class.offlineSharePercent": .integer(Int64(filed.offlineHours * 100 / max(filed.classHours, 1))),
            "class.occupation": .text(filed.occupation),
            "organiser.ratings": .set(index.ratings(of: filed.organiser, on: date)),
            "organiser.catalogued": .flag(index.isCatalogued(filed.organiser, in: filed.jurisdiction, occupation: filed.occupation, on: filed.startDate)),
        ]
        if let practical = filed.practicalHours { attributes["class.practicalHours"] = .integer(Int64(practical)) }
        if let cost = filed.costPerTrainee { attributes["class.costPerTrainee"] = .integer(cost.value) }
        if let level = filed.level { attributes["class.level"] = .text(level.rawValue) }
        if let department = filed.department { attributes["class.department"] = .text(department) }
        return attributes
    }

    // MARK: Training

    /// Paid to the organiser, or to the trainee or the organising department for rules paying a
    /// worker or a department.
    /// The class's end date once the evaluation date has reached it.
    func classEnded(_ filed: ClassFiled) -> LocalDate? {
        guard filed.endDate <= date else {
            index.review.note(filed.endDate)
            return nil
        }
        return filed.endDate
    }

    func trainees() -> [Candidate] {
        var certificatesByClass: [String: [String: FactIndex.Entry<CertificateIssued>]] = [:]
        for entry in index.certificates {
            if let classId = entry.event.classId { certificatesByClass[classId, default: [:]][entry.event.holder] = entry }
        }
        var result: [Candidate] = []
        for (classId, filed) in index.classes.sorted(by: { $0.key < $1.key }) {
            let completions = index.completions[classId] ?? [:]
            let assessments = index.assessments[classId] ?? [:]
            let certificates = certificatesByClass[classId] ?? [:]
            let trainees = Set(completions.keys).union(assessments.keys).union(certificates.keys)
            for trainee in trainees.sorted() {
                let certificate = certificates[trainee], completion = completions[trainee], assessment = assessments[trainee]
                guard let dated = certificate?.fact ?? assessment?.fact ?? completion?.fact else { continue }
                var facts = [filed.fact.cited("class filing")]
                var attributes = classAttributes(filed.event, on: dated.occurredAt)
                let enrolment = index.enrolments[classId]?.first { $0.event.trainee == trainee }
                if let enrolment { facts.append(enrolment.fact.cited("enrolment")) }
                if let completion {
                    facts.append(completion.fact.cited("completion"))
                    attributes["training.attendedHours"] = .integer(Int64(completion.event.attendedHours))
                }
                attributes["training.completed"] = .flag(completion != nil)
                if let assessment {
                    facts.append(assessment.fact.cited("assessment"))
                    attributes["assessment.result"] = .text(assessment.event.result)
                }
                if let certificate {
                    facts.append(certificate.fact.cited("certificate"))
                    attributes.merge(certificateAttributes(certificate)) { a, _ in a }
                }
                let (personAttributes, personFacts) = person(trainee, on: dated.occurredAt)
                attributes.merge(personAttributes) { a, _ in a }
                let employer = enrolment?.event.employer ?? certificate?.event.employer
                    ?? (index.spell(of: trainee, employer: filed.event.organiser, on: dated.occurredAt) != nil ? filed.event.organiser : nil)
                let (employmentAttributes, employmentFacts, employerID) = employment(
                    trainee, employer: employer, on: dated.occurredAt, trainingStart: filed.event.startDate)
                attributes.merge(employmentAttributes) { a, _ in a }
                attributes["employment.employerIsOrganiser"] = .flag(employerID == filed.event.organiser)
                facts += personFacts + employmentFacts
                result.append(Candidate(
                    key: "class:\(classId)/\(trainee)", payee: filed.event.organiser, subject: trainee, date: dated.occurredAt,
                    jurisdiction: filed.event.jurisdiction, places: [filed.event.division], facts: facts, attributes: attributes,
                    keyFact: certificate?.fact.eventID ?? dated.eventID, certificate: certificate?.event.certificateNumber,
                    training: .init(id: "class:\(classId)", occupation: certificate?.event.occupation ?? filed.event.occupation,
                                    level: certificate?.event.level?.rawValue ?? filed.event.level?.rawValue),
                    completedOn: completion?.fact.occurredAt ?? classEnded(filed.event),
                    payees: [.worker: trainee, .department: filed.event.department ?? filed.event.organiser],
                    limits: [Self.traineeDating]))
            }
        }
        return result
    }

    func certificates() -> [Candidate] {
        index.certificates.map { entry in
            let certificate = entry.event
            var attributes = certificateAttributes(entry)
            var facts = [entry.fact.cited("certificate")]
            var jurisdiction: Jurisdiction?
            var places: Set<String> = []
            if let classId = certificate.classId, let filed = index.classes[classId] {
                attributes.merge(classAttributes(filed.event, on: entry.fact.occurredAt)) { a, _ in a }
                facts.append(filed.fact.cited("class filing"))
                jurisdiction = filed.event.jurisdiction
                places.insert(filed.event.division)
            }
            let (personAttributes, personFacts) = person(certificate.holder, on: entry.fact.occurredAt)
            attributes.merge(personAttributes) { a, _ in a }
            let (employmentAttributes, employmentFacts, employer) = employment(certificate.holder, employer: certificate.employer, on: entry.fact.occurredAt)
            attributes.merge(employmentAttributes) { a, _ in a }
            facts += personFacts + employmentFacts
            if jurisdiction == nil {
                places.formUnion(index.registeredIn(certificate.holder, on: entry.fact.occurredAt))
                places.formUnion(self.places(of: employer))
                if let employer {
                    places.formUnion(index.months(of: certificate.holder, with: employer).values.map(\.event.insuredIn))
                }
            }
            return Candidate(
                key: "certificate:\(certificate.certificateNumber)", payee: certificate.holder, subject: certificate.holder,
                date: entry.fact.occurredAt, jurisdiction: jurisdiction, places: places, facts: facts, attributes: attributes,
                keyFact: entry.fact.eventID, certificate: certificate.certificateNumber,
                training: .init(id: certificate.classId.map { "class:\($0)" } ?? "certificate:\(certificate.certificateNumber)",
                                occupation: certificate.occupation, level: certificate.level?.rawValue))
        }
    }

    func apprenticeships() -> [Candidate] {
        index.apprenticeships.map { entry in
            let started = entry.event
            var attributes: [String: AttributeValue] = ["apprenticeship.model": .text(started.model)]
            if let hours = started.plannedHours { attributes["apprenticeship.plannedHours"] = .integer(Int64(hours)) }
            var facts = [entry.fact.cited("apprenticeship")]
            let (personAttributes, personFacts) = person(started.apprentice, on: entry.fact.occurredAt)
            attributes.merge(personAttributes) { a, _ in a }
            facts += personFacts
            if let diploma = index.diplomas[started.apprentice]?.last {
                attributes["diploma.schoolLevel"] = .text(diploma.event.schoolLevel)
                if let hours = diploma.event.classHours { attributes["diploma.classHours"] = .integer(Int64(hours)) }
                facts.append(diploma.fact.cited("diploma"))
            }
            var date = entry.fact.occurredAt
            let spell = (index.spells[started.apprentice] ?? []).first { $0.start.event.employer == started.enterprise }
            if let spell {
                facts.append(spell.start.fact.cited("employment"))
                attributes["employment.joinedEnterprise"] = .flag(true)
                attributes["employment.contractMonths"] = contractMonths(spell.start.event)
            }
            let enterprisePlaces = places(of: started.enterprise)
            let insured = index.insuredMonths(of: started.apprentice, with: started.enterprise, from: entry.fact.occurredAt.yearMonth)
            // Only months insured in the rule's own jurisdiction count; none yet is missing evidence
            // (the student may still join), not a failure.
            if let first = insured.first {
                facts.append(first.fact.cited("social insurance month"))
                if started.model == "graduation-year-student" { date = max(date, first.fact.occurredAt) }
            }
            if spell == nil, insured.isEmpty, started.model == "graduation-year-student" {
                attributes["employment.joinedEnterprise"] = nil  // not yet: awaiting evidence
            } else if spell == nil {
                attributes["employment.joinedEnterprise"] = .flag(!insured.isEmpty)
            }
            return Candidate(
                key: "apprenticeship:\(started.apprenticeshipId)", payee: started.enterprise, subject: started.apprentice, date: date,
                places: enterprisePlaces.union(insured.map(\.event.insuredIn)), facts: facts, attributes: attributes, keyFact: entry.fact.eventID,
                localCounts: ["employment.insuredMonths": insured.map(\.event.insuredIn)], limits: [Self.diplomaHours])
        }
    }

    // MARK: Organisations

    func ratings() -> [Candidate] {
        index.ratings.map { entry in
            let rated = entry.event
            var attributes: [String: AttributeValue] = [
                "rating.kind": .text(rated.rating), "rating.upgradedFrom": .text(rated.upgradedFrom?.rawValue ?? "none"),
            ]
            if let level = rated.level {
                attributes["rating.level"] = .text(level.rawValue)
                attributes["rating.kindAndLevel"] = .text("\(rated.rating)/\(level.rawValue)")
            }
            if let stars = rated.stars { attributes["rating.stars"] = .integer(Int64(stars)) }
            if let tier = rated.tier { attributes["rating.tier"] = .integer(Int64(tier)) }
            return Candidate(
                key: "rating:\(entry.fact.eventID)", payee: rated.organisation, date: entry.fact.occurredAt,
                places: places(of: rated.organisation), facts: [entry.fact.cited("rating")], attributes: attributes,
                keyFact: entry.fact.eventID)
        }
    }

    // MARK: Employment

    /// The run of consecutive months with social insurance paid by an employer, from a month on.
    func stay(of person: String, with employer: String, from start: YearMonth) -> Candidate.Stay {
        let recorded = index.months(of: person, with: employer)
        var run: [(month: YearMonth, fact: Fact)] = []
        guard let first = recorded.keys.filter({ $0 >= start && recorded[$0]!.event.socialInsurancePaid }).min() else {
            return Candidate.Stay(months: [], ended: endOfSpell(person, employer))
        }
        var month = first
        while let entry = recorded[month], entry.event.socialInsurancePaid {
            run.append((month, entry.fact))
            month = month.adding(months: 1)
        }
        var stay = Candidate.Stay(months: run, ended: nil)
        if let entry = recorded[month] {
            stay.ended = (month.lastDay, "no social insurance paid by the employer in \(month)", entry.fact)
        } else if let later = recorded.keys.filter({ $0 > month }).min() {
            stay.ended = (month.lastDay, "no month recorded with the employer in \(month) (next recorded: \(later))", recorded[later]!.fact)
        } else if let other = (index.monthsByEmployee[person] ?? []).first(where: { $0.event.month == month && $0.event.employer != employer }) {
            stay.ended = (month.firstDay, "in \(month) the worker was insured by another employer", other.fact)
        } else if let ended = endOfSpell(person, employer), ended.date <= month.lastDay {
            stay.ended = ended
        }
        return stay
    }

    private func endOfSpell(_ person: String, _ employer: String) -> (date: LocalDate, reason: String, fact: Fact?)? {
        guard let end = (index.spells[person] ?? []).last(where: { $0.start.event.employer == employer })?.end else { return nil }
        return (end.fact.occurredAt, "employment ended (\(end.event.reason))", end.fact)
    }

    func referrals() -> [Candidate] {
        index.referrals.map { entry in
            let referral = entry.event
            let referredOn = entry.fact.occurredAt
            var attributes: [String: AttributeValue] = [
                "referral.firstTimeInCity": .flag(referral.firstTimeInCity),
                // The bureaus recognise labour-cooperation agencies (XM-2023-187/(六)): what the agency held that day.
                "agency.ratings": .set(index.ratings(of: referral.agency, on: referredOn)),
            ]
            var facts = [entry.fact.cited("referral")]
            for rating in index.ratingsByOrganisation[referral.agency] ?? [] where rating.fact.occurredAt <= referredOn {
                facts.append(rating.fact.cited("agency recognition"))
            }
            let (personAttributes, personFacts) = person(referral.worker, on: entry.fact.occurredAt)
            attributes.merge(personAttributes) { a, _ in a }
            facts += personFacts
            let spell = (index.spells[referral.worker] ?? []).first {
                $0.start.event.employer == referral.employer && $0.start.fact.occurredAt >= entry.fact.occurredAt.adding(days: -31)
            }
            if let spell {
                attributes.merge(employerAttributes(referral.employer, on: date)) { a, _ in a }
                attributes["employment.labourDispatch"] = .flag(spell.start.event.labourDispatch)
                attributes["employment.contract"] = .text(spell.start.event.contract)
                if let first = spell.start.event.firstTimeInCity { attributes["employment.firstTimeInCity"] = .flag(first) }
                facts.append(spell.start.fact.cited("employment"))
            }
            let stay = stay(of: referral.worker, with: referral.employer, from: entry.fact.occurredAt.yearMonth)
            let places = places(of: referral.employer).union(stay.months.compactMap { ($0.fact.payload as? EmploymentMonthRecorded)?.insuredIn })
            var candidate = Candidate(
                key: "referral:\(entry.fact.eventID)", payee: referral.agency, subject: referral.worker, date: entry.fact.occurredAt,
                places: places, facts: facts, attributes: attributes, keyFact: entry.fact.eventID, stay: stay)
            if referral.firstTimeInCity {
                candidate.contradictions["referral.firstTimeInCity"] = earlierPresence(of: referral.worker, before: referredOn, spell: spell)
            }
            candidate.limits = [Self.referralWindow, Self.monthDating]
            return candidate
        }
    }

    /// What the log records of a worker in some place before a date: insured months, and
    /// employment that started more than a month earlier (the spell a referral leads to may be
    /// filed a few days before it). A spell declared not to be the first in the city says so
    /// itself, wherever it is.
    func earlierPresence(of worker: String, before date: LocalDate, spell: FactIndex.Spell?) -> [Candidate.Contradiction] {
        var found: [Candidate.Contradiction] = []
        if let spell, spell.start.event.firstTimeInCity == false {
            found.append(.init(place: nil, fact: spell.start.fact,
                               shows: "the employment it leads to was recorded as not the worker's first in the city"))
        }
        for month in index.monthsByEmployee[worker] ?? [] where month.event.month < date.yearMonth {
            found.append(.init(place: month.event.insuredIn, fact: month.fact,
                               shows: "the worker's social insurance was recorded in \(month.event.insuredIn) for \(month.event.month)"))
        }
        for earlier in index.spells[worker] ?? [] where earlier.start.fact.occurredAt < date.adding(days: -31) {
            let started = earlier.start.event
            guard let place = started.division ?? index.division(of: started.employer) else { continue }
            found.append(.init(place: place, fact: earlier.start.fact,
                               shows: "the worker was employed by \(started.employer) in \(place) from \(earlier.start.fact.occurredAt)"))
        }
        return found
    }

    static let referralWindow = "The engine's limit, set by no document: the employment a referral leads to is the worker's first with the referred employer that starts no more than 31 days before the referral (or at any time after it); the stay counts from the referral's month."
    static let monthDating = "The engine's limit, set by no document: a month counts as the calendar month the social-insurance record names (not the day it was recorded), and a tranche that month releases is due on its last day."
    static let diplomaHours = "The engine's limit, set by no document: class hours are read from the diploma (diploma.awarded classHours), not from the apprenticeship's planned hours; joining the enterprise is an employment.started with it, or a month of social insurance it paid from the apprenticeship's month on."
    static let traineeDating = "The engine's limit, set by no document: a trainee's fact is dated by the certificate issued for the class, else the assessment, else the completion; the employment read is the spell with the enrolment's (or the certificate's) employer on that date."
    static let performanceCounting = "The engine's limit, set by no document: a target counts one person-time per training.completed and one new skilled talent per certificate with a level issued for a class, by the class's division (or department) and the fact's date, not by where the trainee lives or is registered."
    static let all = [referralWindow, monthDating, diplomaHours, traineeDating, performanceCounting]

    func employments() -> [Candidate] {
        index.spells.keys.sorted().flatMap { person -> [Candidate] in
            (index.spells[person] ?? []).map { spell -> Candidate in
                let started = spell.start
                var (attributes, facts, _) = employment(person, employer: started.event.employer, on: started.fact.occurredAt)
                let (personAttributes, personFacts) = self.person(person, on: started.fact.occurredAt)
                attributes.merge(personAttributes) { a, _ in a }
                facts += personFacts
                if let end = spell.end { facts.append(end.fact.cited("employment ended")) }
                let months = index.insuredMonths(of: person, with: started.event.employer, from: started.fact.occurredAt.yearMonth,
                                                 through: spell.end?.fact.occurredAt.yearMonth)
                var places = places(of: started.event.employer).union(months.map(\.event.insuredIn))
                if let division = started.event.division { places.insert(division) }
                return Candidate(
                    key: "employment:\(started.fact.eventID)", payee: started.event.employer, subject: person, date: started.fact.occurredAt,
                    places: places, facts: facts, attributes: attributes, keyFact: started.fact.eventID,
                    months: months.map { ($0.event.month, $0.fact) }, limits: [Self.monthDating])
            }
        }
    }

    // MARK: Services, awards, insurance

    func mentorSessions() -> [Candidate] {
        index.mentorSessions.map { entry in
            var places = places(of: entry.event.organiser)
            places.formUnion(index.registeredIn(entry.event.mentor, on: entry.fact.occurredAt))
            return Candidate(
                key: "mentor-session:\(entry.event.sessionId)", payee: entry.event.mentor, subject: entry.event.mentor,
                date: entry.fact.occurredAt, places: places, facts: [entry.fact.cited("mentor session")],
                attributes: ["session.mode": .text(entry.event.mode)], keyFact: entry.fact.eventID)
        }
    }

    func awards() -> [Candidate] {
        index.awards.map { entry in
            let award = entry.event
            var attributes: [String: AttributeValue] = ["award.kind": .text(award.award)]
            if let level = award.level { attributes["award.level"] = .text(level.rawValue) }
            if let place = award.place { attributes["award.place"] = .integer(Int64(place)) }
            attributes["award.tier"] = .text(award.place.map { "\(award.award)/\($0)" } ?? award.award)
            var places = places(of: award.organisation)
            if let person = award.person { places.formUnion(index.registeredIn(person, on: entry.fact.occurredAt)) }
            return Candidate(
                key: "award:\(award.awardId)", payee: award.person ?? award.organisation ?? "", subject: award.person,
                date: entry.fact.occurredAt, places: places, facts: [entry.fact.cited("award")], attributes: attributes,
                keyFact: entry.fact.eventID)
        }
    }

    func studentServices() -> [Candidate] {
        index.studentServices.map { entry in
            var (attributes, facts) = person(entry.event.student, on: entry.fact.occurredAt)
            attributes["service.days"] = .integer(Int64(entry.event.days))
            attributes["organiser.ratings"] = .set(index.ratings(of: entry.event.organiser, on: entry.fact.occurredAt))
            var places = places(of: entry.event.organiser)
            if let filed = index.classes[entry.event.classId] { places.insert(filed.event.division) }
            return Candidate(
                key: "student-service:\(entry.fact.eventID)", payee: entry.event.organiser, subject: entry.event.student,
                date: entry.fact.occurredAt, jurisdiction: index.classes[entry.event.classId]?.event.jurisdiction, places: places,
                facts: [entry.fact.cited("student service")] + facts, attributes: attributes, keyFact: entry.fact.eventID)
        }
    }

    func premiums() -> [Candidate] {
        index.premiums.map { entry in
            var (attributes, facts) = person(entry.event.insured, on: entry.fact.occurredAt)
            attributes["insurance.days"] = .integer(Int64(entry.event.days))
            attributes["insurance.premium"] = .integer(entry.event.premium.value)
            return Candidate(
                key: "insurance:\(entry.event.policyNumber)", payee: entry.event.insured, subject: entry.event.insured,
                date: entry.fact.occurredAt, places: index.registeredIn(entry.event.insured, on: entry.fact.occurredAt),
                facts: [entry.fact.cited("insurance premium")] + facts, attributes: attributes, keyFact: entry.fact.eventID)
        }
    }

    // MARK: Applications and funds

    func applications(clause: String) -> [Candidate] {
        (index.applicationsByClause[clause] ?? []).map { entry in
            let application = entry.event
            var attributes: [String: AttributeValue] = [:]
            if let requested = application.requestedAmount { attributes["application.requestedAmount"] = .integer(requested.value) }
            return Candidate(
                key: "application:\(application.applicationId)", payee: application.payee.organisation ?? application.payee.person ?? "",
                subject: application.subject, date: entry.fact.occurredAt, facts: [entry.fact.cited("application")],
                attributes: attributes, keyFact: entry.fact.eventID)
        }
    }

    func funds(parameters: [String: AttributeValue]) -> [Candidate] {
        guard case .set(let clauses)? = parameters["funds"] else { return [] }
        return index.funds.filter { clauses.contains($0.event.clause) && $0.event.tranche != "performance" }.map { entry in
            let fund = entry.event
            var facts = [entry.fact.cited("fund allocation")]
            let target = fund.targetId.flatMap { index.targets[$0] }
            if let target { facts.append(target.fact.cited("target")) }
            return Candidate(
                key: "fund:\(fund.fundId)", payee: fund.recipient, date: entry.fact.occurredAt, places: [fund.recipient], facts: facts,
                attributes: ["fund.tranche": .text(fund.tranche), "fund.clause": .text(fund.clause), "fund.recipient": .text(fund.recipient),
                             "fund.amount": .integer(fund.amount.value)],
                keyFact: entry.fact.eventID, target: target.map { ($0.event, $0.fact) })
        }
    }
}
