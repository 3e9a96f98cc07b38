import GrantLedgerEvents

extension SyntheticCity {
    static let enterprisesPerBlock = 5
    static let classesPerBlock = 25

    /// Who may join a class.
    enum Audience { case anyone, paired, students }

    /// What the classes of a place are, by their number modulo 10.
    struct ClassSlot {
        let kind: String
        /// The organising enterprise's number; nil: the block's institution; -1: enterprise (class number mod 5).
        let enterprise: Int?
        let certificate: CertificateKind?
        var leveled = false
        var audience = Audience.anyone
        /// The clause a per-trainee subsidy is paid under, the payee kind, and the amount in
        /// fen (nil: by the certificate's level, or decided).
        var subsidy: (clause: String, payee: String, amount: Int64?)?
        var department: String?
    }

    static func slots(_ place: Place) -> [ClassSlot] {
        switch place {
        case .xiamen: xiamenSlots
        case .jinjiang: jinjiangSlots
        case .binjiang: binjiangSlots
        }
    }

    private static let xiamenSlots: [ClassSlot] = {
        let skills = ClassSlot(kind: "employment-skills", enterprise: nil, certificate: .trainingPass, subsidy: ("XM-2023-187/(一)-a", "institution", 100_000))
        let industry = ClassSlot(kind: "key-industry", enterprise: nil, certificate: .trainingPass, subsidy: ("XM-2023-187/(一)-d", "institution", nil))
        let business = ClassSlot(kind: "entrepreneurship", enterprise: nil, certificate: .trainingPass, subsidy: ("XM-2023-187/(一)-b", "institution", 150_000))
        let job = ClassSlot(kind: "enterprise-job-skills", enterprise: 0, certificate: .enterpriseAssessment, subsidy: ("XM-2023-187/(三)", "enterprise", 120_000))
        let upgrade = ClassSlot(kind: "skills-upgrading", enterprise: nil, certificate: .skillLevel, leveled: true)
        return [skills, skills, skills, skills, industry, industry, business, job, job, upgrade]
    }()

    private static let jinjiangSlots: [ClassSlot] = {
        let preJob = ClassSlot(kind: "pre-job", enterprise: -1, certificate: .trainingPass, subsidy: ("JJ-2019-79/6.1", "enterprise", 80_000))
        let upgrade = ClassSlot(kind: "skills-upgrading", enterprise: -1, certificate: .skillLevel, leveled: true, subsidy: ("JJ-2019-79/6.2-a", "enterprise", 80_000))
        let paired = ClassSlot(kind: "paired-region", enterprise: -1, certificate: .trainingPass, audience: .paired, subsidy: ("JJ-2019-79/6.10", "enterprise", 150_000))
        let industry = ClassSlot(kind: "key-industry", enterprise: -1, certificate: .trainingPass, subsidy: ("JJ-2019-79/6.6", "enterprise", 100_000))
        let safety = ClassSlot(kind: "safety", enterprise: -1, certificate: .specialOperation, subsidy: ("JJ-2019-79/6.5", "enterprise", 80_000))
        let difficult = ClassSlot(kind: "difficult-enterprise", enterprise: 0, certificate: .trainingPass, subsidy: ("JJ-2019-79/6.3", "enterprise", 80_000))
        // Department training is paid to the department, which has no credit code here: left unpaid.
        let department = ClassSlot(kind: "department", enterprise: nil, certificate: .trainingPass, department: "人社局")
        return [preJob, preJob, upgrade, upgrade, paired, industry, industry, safety, difficult, department]
    }()

    private static let binjiangSlots: [ClassSlot] = {
        let certification = ClassSlot(kind: "skills-upgrading", enterprise: nil, certificate: .skillLevel, leveled: true, subsidy: ("BJ-2023/(九)", "institution", nil))
        let ability = ClassSlot(kind: "employment-skills", enterprise: nil, certificate: .specialAbility, subsidy: ("BJ-2023/(九)", "institution", 30_000))
        let selfTraining = ClassSlot(kind: "self-training", enterprise: 0, certificate: .skillLevel, leveled: true)
        let students = ClassSlot(kind: "student-service", enterprise: -2, certificate: nil, audience: .students, subsidy: ("BJ-2023/(七)", "organisation", nil))
        return [certification, certification, certification, students, ability, ability, selfTraining, selfTraining, certification, students]
    }()

    /// A filed class of a block.
    struct ClassPlan {
        let id: String
        let number: Int
        let slot: ClassSlot
        let organiser: String
        let organiserNumber: Int?
        let occupation: String
        let start: LocalDate
        let end: LocalDate
        let place: Place
        let division: String
        var hours: Int { 60 + (number % 4) * 20 }
        var cost: Int64 { Int64(120_000 + (number % 5) * 30_000) }
    }

    /// The enterprise organising class `number`, or nil for the block's institution.
    static func organiserNumber(_ slot: ClassSlot, block: Int, number: Int) -> Int? {
        switch slot.enterprise {
        case .some(-1): number % enterprisesPerBlock
        case .some(-2): 1 + block % 3
        case let n: n
        }
    }

    /// When class `number` of a block starts: spread over the window, leaving three months at its end.
    func classStart(_ place: Place, block: Int, number: Int) -> LocalDate {
        let window = window(of: place)
        let span = Swift.max(1, window.upperBound.daysSinceEpoch - window.lowerBound.daysSinceEpoch - 90)
        return window.lowerBound.adding(days: 20 + (block * 53 + number * 23) % span)
    }

    func classPlan(_ place: Place, block: Int, _ number: Int) -> ClassPlan {
        let slot = Self.slots(place)[number % 10]
        let start = classStart(place, block: block, number: number)
        let end = slot.audience == .students ? start.adding(days: 2) : start.adding(days: 10 + (number % 3) * 7)
        let organiserNumber = Self.organiserNumber(slot, block: block, number: number)
        return ClassPlan(
            id: "\(place.prefix)-K\(block)-\(number)", number: number, slot: slot,
            organiser: organiserNumber.map { Self.enterprise(place, block: block, $0) } ?? Self.institution(place, block: block),
            organiserNumber: organiserNumber, occupation: place.occupations[(block + number) % place.occupations.count],
            start: start, end: end, place: place, division: Self.division(place, block: block))
    }

    // MARK: - Targets and funds

    /// Xiamen's four district targets for 2024, each with its fund's 70% pre-allocation
    /// (XM-2023-187/tranche). The document sets no district figures: these are the city's own.
    /// The documents' targets are in Tools/data/seed-targets.jsonl, not here.
    static func targetsAndFunds() -> [Draft] {
        var drafts: [Draft] = []
        for (n, district) in Place.xiamen.divisions.enumerated() {
            let target = "XM-2023-187-T03-D\(n)", fund = "XM-2023-187-F03-D\(n)"
            drafts.append(Draft(stream: "target:\(target)", type: "target.set", date: LocalDate(year: 2023, month: 10, day: 8)!,
                source: "xm-training-portal", actor: "xm-rsj:planning",
                data: object([("targetId", .string(target)), ("clause", "XM-2023-187/tranche"), ("metric", "training-person-times"),
                              ("scope", "district"), ("unit", .string(district)), ("periodStart", "2024-01-01"),
                              ("periodEnd", "2024-12-31"), ("value", 2000)])))
            drafts.append(Draft(stream: "fund:\(fund)", type: "fund.allocated", date: LocalDate(year: 2023, month: 10, day: 10)!,
                source: "xm-finance-treasury", actor: "xm-czj:treasury-batch",
                data: object([("fundId", .string(fund)), ("clause", "XM-2023-187/(三)"), ("recipient", .string(district)),
                              ("amount", 400_000_000), ("tranche", "pre-allocation"), ("periodStart", "2024-01-01"),
                              ("periodEnd", "2024-12-31"), ("targetId", .string(target))])))
        }
        return drafts
    }

    // MARK: - A block's organisations

    /// A block's enterprises, institution, ratings, catalogue listing and classes, registered
    /// half a year before its people arrive; in Xiamen a labour-cooperation agency and its
    /// operating subsidy; in Binjiang the pilot enterprise's ratings and yearly applications
    /// for the stable-hiring award, and a master studio.
    func organisations(_ place: Place, block: Int) -> [Draft] {
        let window = window(of: place)
        let division = Self.division(place, block: block)
        let registered = window.lowerBound.adding(days: -180 + block % 60)
        // Ratings come a week before the window: once the documents are in force (Xiamen's from
        // 2023-08-24), before the first referral or class.
        let rated = window.lowerBound.adding(days: -8)
        var drafts: [Draft] = []
        func add(_ organisation: String, _ type: String, on date: LocalDate, source: String? = nil, _ data: JSONObject) {
            drafts.append(Draft(stream: "organisation:\(organisation)", type: type, date: date, source: source ?? place.service,
                                actor: place.actor, data: data))
        }
        var payments = 0
        func pay(_ clause: String, payee kind: String, _ organisation: String, amount: Int64, on date: LocalDate) {
            payments += 1
            let id = "\(place.prefix)-ORG\(block)-PAY-\(payments)"
            drafts.append(Draft(stream: "disbursement:\(id)", type: "disbursement.made", date: date, source: place.treasury, actor: place.actor,
                data: object([("disbursementId", .string(id)), ("clause", .string(clause)),
                              ("payee", ["kind": .string(kind), "organisation": .string(organisation)]), ("amount", .integer(amount)),
                              ("voucher", .string("V\(id)"))])))
        }
        let keyIndustries = ["shoes", "textile-garment", "machinery", nil, "shoes"]
        for number in 0..<Self.enterprisesPerBlock {
            let code = Self.enterprise(place, block: block, number)
            let name = place == .binjiang && number == 4 ? "杭州滨江第\(block)号人力资源服务有限公司" : "\(division)第\(block * 10 + number)号企业有限公司"
            add(code, "enterprise.registered", on: registered.adding(days: number), object([
                ("enterprise", .string(code)), ("name", .string(name)), ("division", .string(division)),
                ("industry", .string(place.industries[number])),
                ("keyIndustry", place == .jinjiang ? keyIndustries[number].map(JSONValue.string) : nil),
            ]))
        }
        // Enterprise 0 runs the block's enterprise classes: a demonstration enterprise in
        // Xiamen, one in difficulty in Jinjiang, a certified self-training enterprise in Binjiang.
        let lead = Self.enterprise(place, block: block, 0)
        let leadRating: (String, String) = switch place {
        case .xiamen: ("demonstration-enterprise", "city")
        case .jinjiang: ("enterprise-in-difficulty", "quanzhou")
        case .binjiang: ("self-training-certified-enterprise", "district")
        }
        add(lead, "organisation.rated", on: rated, object([
            ("organisation", .string(lead)), ("rating", .string(leadRating.0)), ("level", .string(leadRating.1)), ("ratedBy", .string(place.bureau)),
        ]))
        let school = Self.institution(place, block: block)
        add(school, "institution.registered", on: registered, object([
            ("institution", .string(school)), ("name", .string("\(division)第\(block)职业技能培训学校")), ("division", .string(division)),
            ("kind", "training-institution"),
        ]))
        add(school, "institution.catalog-listed", on: registered.adding(days: 20), object([
            ("institution", .string(school)), ("jurisdiction", .string(place.code)), ("listingNumber", .string("\(place.prefix)RS-PXML-\(block)")),
        ]))
        switch place {
        case .xiamen:
            let agency = Self.agency(block: block)
            add(agency, "enterprise.registered", on: registered, object([
                ("enterprise", .string(agency)), ("name", .string("厦门第\(block)号人力资源服务有限公司")), ("division", .string(division)),
                ("industry", "人力资源服务"),
            ]))
            add(agency, "organisation.rated", on: rated, object([
                ("organisation", .string(agency)), ("rating", "labour-cooperation-agency"), ("level", "city"),
                ("ratedBy", .string(place.bureau)), ("decisionNumber", .string("XMRS-LW-\(block)")), ("validUntil", "2025-12-31"),
            ]))
            pay("XM-2023-187/(六)-d", payee: "agency", agency, amount: 5_000_000, on: rated.adding(days: 75))
        case .jinjiang:
            break
        case .binjiang:
            add(school, "organisation.rated", on: rated, object([
                ("organisation", .string(school)), ("rating", "filed-training-institution"), ("level", "district"), ("ratedBy", .string(place.bureau)),
                ("decisionNumber", .string("BJRS-PX-\(block)")),
            ]))
            let studio = Self.studio(block: block)
            add(studio, "institution.registered", on: registered, object([
                ("institution", .string(studio)), ("name", .string("滨江区第\(block)号技能大师工作室")), ("division", .string(division)),
                ("kind", "master-studio"),
            ]))
            let studioRated = window.lowerBound.adding(days: 30 + block % 90)
            add(studio, "organisation.rated", on: studioRated, object([
                ("organisation", .string(studio)), ("rating", "master-studio"), ("level", "district"), ("ratedBy", .string(place.bureau)),
            ]))
            pay("BJ-2023/(十一)", payee: "organisation", studio, amount: 10_000_000, on: studioRated.adding(days: 60))
            // The end-of-term star rating of the pilot enterprise, a year in.
            let term = window.lowerBound.adding(days: 365 + block % 30)
            let stars = 3 + block % 3
            add(lead, "organisation.rated", on: term, object([
                ("organisation", .string(lead)), ("rating", "brand-pilot-enterprise"), ("stars", .integer(Int64(stars))),
                ("level", "district"), ("ratedBy", .string(place.bureau)),
            ]))
            pay("BJ-2023/(十)-b", payee: "enterprise", lead, amount: Int64(stars - 2) * 1_000_000, on: term.adding(days: 45))
            // Each year that has ended, the lead enterprise applies for the stable-hiring award
            // and is approved; the award's amount is the ledger's to compute from the people's
            // stories, and the city pays none of it.
            var year = window.lowerBound.year
            while let applied = LocalDate(year: year + 1, month: 1, day: 15), applied.adding(days: 36) <= window.upperBound {
                let application = "BJ-STABLE-\(block)-\(year)"
                let stream = "application:\(application)"
                drafts.append(Draft(stream: stream, type: "application.submitted", date: applied, source: place.subsidy, actor: place.actor,
                    data: object([("applicationId", .string(application)), ("clause", "BJ-2023/(四)-a"),
                                  ("payee", ["kind": "enterprise", "organisation": .string(lead)]),
                                  ("period", .string(YearMonth(year: year, month: 12)!.description))])))
                drafts.append(Draft(stream: stream, type: "application.approved", date: applied.adding(days: 36), source: place.subsidy,
                    actor: place.actor, data: object([("applicationId", .string(application)), ("approvedBy", .string(place.approver)),
                                                      ("note", "招用本区户籍及对口地区脱贫人口稳定就业，经审核属实")])))
                year += 1
            }
        }
        for number in 0..<Self.classesPerBlock {
            let plan = classPlan(place, block: block, number)
            let hours = plan.hours
            drafts.append(Draft(stream: "class:\(plan.id)", type: "class.filed", date: plan.start.adding(days: -14), source: place.portal,
                actor: place.actor, data: object([
                    ("classId", .string(plan.id)), ("organiser", .string(plan.organiser)), ("kind", .string(plan.slot.kind)),
                    ("occupation", .string(plan.occupation)), ("level", plan.slot.leveled ? .string(["L5", "L4", "L3"][number % 3]) : nil),
                    ("classHours", .integer(Int64(hours))), ("offlineHours", .integer(Int64(hours * 4 / 5))),
                    ("practicalHours", .integer(Int64(hours / 4))), ("projectBased", .bool(plan.organiserNumber == nil)),
                    ("jurisdiction", .string(place.code)), ("division", .string(plan.division)),
                    ("startDate", .string(plan.start.description)), ("endDate", .string(plan.end.description)),
                    ("costPerTrainee", .integer(plan.cost)), ("plannedTrainees", 40),
                    ("department", plan.slot.department.map(JSONValue.string)),
                ])))
        }
        return drafts.filter { $0.date <= window.upperBound }
    }
}
