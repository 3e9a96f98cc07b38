import GrantLedgerEvents

/// A deterministic synthetic city whose events give the rules engine work: the submissions
/// (JSON Lines, valid for the event catalog) that the bureaus' feeds would send.
///
/// People come in blocks of 1,000; three blocks in five live in Xiamen (arriving from
/// September 2023), two in Jinjiang (from January 2020). Each block has five enterprises
/// (a few hundred employees each, counting those who change jobs), a training institution,
/// an agency (Xiamen) and 25 filed classes; their registrations, ratings, catalogue listings
/// and filings come before the block's people. Each person's story is 20 to 60 events:
/// registration, often a key group, sometimes a referral, one or two jobs with a
/// social-insurance month each, in two cases of three a class (enrolment, completion,
/// assessment, certificate with or without a level), sometimes a certificate of their own
/// with an application, a decision and a payment, and payments of training subsidies.
/// Stories of 400 people are interleaved, each in date order, as feeds would interleave
/// them. A few targets and funds open the log.
///
/// The same seed gives the same lines; a person's story depends only on the seed and the
/// person's number, so the benchmark can add later events for people already in the log.
public struct CityEvents {
    static let peoplePerBlock = 1_000
    static let enterprisesPerBlock = 5
    static let peoplePerClass = 40
    /// No story records a month after this one, so that a benchmark can add the next month.
    static let lastMonth = YearMonth(year: 2025, month: 10)!

    enum City {
        case xiamen, jinjiang

        init(block: Int) { self = block % 5 < 3 ? .xiamen : .jinjiang }

        var code: String { self == .xiamen ? "350200" : "350582" }
        var prefix: String { self == .xiamen ? "XM" : "JJ" }
        /// People arrive from `base`, over `span` days.
        var base: LocalDate { self == .xiamen ? LocalDate(year: 2023, month: 9, day: 1)! : LocalDate(year: 2020, month: 1, day: 2)! }
        var span: Int { self == .xiamen ? 540 : 450 }
        var divisions: [String] { self == .xiamen ? ["思明区", "湖里区", "集美区", "海沧区"] : ["陈埭镇", "安海镇", "磁灶镇", "青阳街道"] }
        var groups: [String] {
            self == .xiamen
                ? ["migrant-worker", "registered-unemployed", "employment-difficulty", "veteran", "graduate-within-two-years"]
                : ["poverty-household", "poverty-relieved", "employment-difficulty", "registered-unemployed", "zero-employment-family"]
        }
        var occupations: [String] {
            self == .xiamen ? ["电工", "焊工", "育婴员", "养老护理员", "中式烹调师", "电子商务师"] : ["制鞋工", "缝纫工", "电工", "叉车司机", "焊工"]
        }
        var bureau: String { self == .xiamen ? "厦门市人力资源和社会保障局" : "晋江市人力资源和社会保障局" }
        var assessor: String { self == .xiamen ? "厦门市职业技能鉴定指导中心" : "晋江市职业技能鉴定中心" }
        var actor: String { self == .xiamen ? "xm-rsj:batch" : "jj-rsj:batch" }
        var portal: String { self == .xiamen ? "xm-training-portal" : "jj-training-portal" }
        var service: String { self == .xiamen ? "xm-employment-service" : "jj-hrss-portal" }
        var subsidy: String { self == .xiamen ? "xm-subsidy-portal" : "jj-hrss-portal" }
        var insurance: String { self == .xiamen ? "xm-social-insurance-feed" : "jj-social-insurance-feed" }
        var treasury: String { self == .xiamen ? "xm-finance-treasury" : "jj-finance-treasury" }
    }

    /// What a filed class is, by its number in the block: kind, who organises it, what it certifies.
    struct ClassPlan {
        let id: String
        let kind: String
        let organiser: String
        let organiserIsEnterprise: Bool
        let certificate: String
        let leveled: Bool
        let occupation: String
        let start: LocalDate
        let end: LocalDate
        let city: City
        let division: String
        let department: String?
        /// The clause a training subsidy for it is paid under, if any.
        let subsidyClause: String?
    }

    /// One spell of employment: employer, contract number and months insured.
    struct Spell {
        let employer: String
        let contract: String
        let start: YearMonth
        let end: YearMonth
        var ended = false
    }

    /// What is fixed about a person from the seed and their number alone.
    struct Person {
        let index: Int
        let id: String
        let block: Int
        let city: City
        let registered: LocalDate
        var spells: [Spell]
        let classNumber: Int?
    }

    /// An event before it has an id and an envelope.
    struct Draft {
        var stream: String
        var type: String
        var version: Int64 = 1
        var date: LocalDate
        var source: String
        var actor: String
        var data: JSONObject
    }

    public let seed: UInt64
    private var random: SplitMix64
    private var serial: UInt64 = 0
    /// Organisation events waiting to be sent, before any more of the people's.
    private var organisationEvents: [Draft] = []
    private var organisationHead = 0
    /// The interleaved stories, each reversed (its next event last).
    private var stories: [[Draft]]
    public private(set) var peopleStarted = 0

    public init(seed: UInt64, interleaving window: Int = 400) {
        self.seed = seed
        random = SplitMix64(seed: seed)
        stories = Array(repeating: [], count: window)
        organisationEvents = Self.targetsAndFunds()
    }

    /// The next submission line.
    public mutating func next() -> [UInt8] {
        if let draft = nextOrganisationEvent() { return encode(draft) }
        let slot = random.int(0..<stories.count)
        if stories[slot].isEmpty {
            stories[slot] = startPerson()
            if let draft = nextOrganisationEvent() { return encode(draft) }
        }
        return encode(stories[slot].removeLast())
    }

    private mutating func nextOrganisationEvent() -> Draft? {
        guard organisationHead < organisationEvents.count else { return nil }
        defer {
            organisationHead += 1
            if organisationHead == organisationEvents.count {
                organisationEvents.removeAll(keepingCapacity: true)
                organisationHead = 0
            }
        }
        return organisationEvents[organisationHead]
    }

    private mutating func startPerson() -> [Draft] {
        let index = peopleStarted
        peopleStarted += 1
        if index % Self.peoplePerBlock == 0 { organisationEvents += Self.organisations(ofBlock: index / Self.peoplePerBlock) }
        return Self.story(of: index, seed: seed).reversed()
    }

    private mutating func encode(_ draft: Draft) -> [UInt8] {
        var submission = JSONObject()
        submission["eventId"] = .string(uuid())
        submission["streamId"] = .string(draft.stream)
        submission["type"] = .string(draft.type)
        submission["schemaVersion"] = .integer(draft.version)
        submission["occurredAt"] = .string(draft.date.description)
        submission["actor"] = .string(draft.actor)
        submission["source"] = .string(draft.source)
        submission["data"] = .object(draft.data)
        return CanonicalJSON.encode(.object(submission))
    }

    private mutating func uuid() -> String {
        serial += 1
        let a = random.next(), b = serial
        var bytes = (0..<8).map { UInt8(truncatingIfNeeded: a >> ($0 * 8)) } + (0..<8).map { UInt8(truncatingIfNeeded: b >> ($0 * 8)) }
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        return UUIDText.format(bytes)
    }

    // MARK: - Identities

    /// Person `index`'s resident ID: a region (Jinjiang, Xiamen, or a migrant's home), a birth
    /// date from 1965 to 2004 and a sequence number, unique for the first 14.6 million people.
    static func residentID(_ index: Int, city: City, migrant: Bool) -> String {
        let region = city == .jinjiang ? "350582"
            : migrant ? ["620102", "510722", "431121"][index % 3] : ["350203", "350205", "350206", "350211"][index % 4]
        let birth = LocalDate(year: 1965, month: 1, day: 1)!.adding(days: (index &* 7919) % 14_600)
        let first17 = region + pad(birth.year, 4) + pad(birth.month, 2) + pad(birth.day, 2) + pad((index / 14_600) % 1000, 3)
        return ResidentID.withCheckCharacter(first17)!
    }

    static func enterprise(block: Int, _ number: Int) -> String {
        CreditCode.withCheckCharacter("91" + City(block: block).code + "MA" + pad(block * 10 + number, 7))!
    }

    static func institution(block: Int) -> String { CreditCode.withCheckCharacter("52" + City(block: block).code + "MJ" + pad(block, 7))! }
    static func agency(block: Int) -> String { CreditCode.withCheckCharacter("91" + City(block: block).code + "MB" + pad(block, 7))! }
    static func division(block: Int) -> String { City(block: block).divisions[(block / 5) % 4] }

    static func classPlan(block: Int, _ number: Int) -> ClassPlan {
        let city = City(block: block)
        let start = city.base.adding(days: 20 + (block * 53 + number * 23) % city.span)
        let end = start.adding(days: 10 + (number % 3) * 7)
        let occupation = city.occupations[(block + number) % city.occupations.count]
        let id = "\(city.prefix)-K\(block)-\(number)"
        func plan(_ kind: String, byEnterprise: Int? = nil, certificate: String = "training-pass", leveled: Bool = false,
                  department: String? = nil, clause: String?) -> ClassPlan {
            ClassPlan(id: id, kind: kind, organiser: byEnterprise.map { enterprise(block: block, $0) } ?? institution(block: block),
                      organiserIsEnterprise: byEnterprise != nil, certificate: certificate, leveled: leveled, occupation: occupation,
                      start: start, end: end, city: city, division: division(block: block), department: department, subsidyClause: clause)
        }
        switch (city, number % 10) {
        case (.xiamen, 0...3): return plan("employment-skills", clause: "XM-2023-187/(一)-a")
        case (.xiamen, 4...5): return plan("key-industry", clause: "XM-2023-187/(一)-d")
        case (.xiamen, 6): return plan("entrepreneurship", clause: "XM-2023-187/(一)-b")
        case (.xiamen, 7...8): return plan("enterprise-job-skills", byEnterprise: 0, certificate: "enterprise-assessment", clause: "XM-2023-187/(三)")
        case (.xiamen, _): return plan("skills-upgrading", certificate: "skill-level", leveled: true, clause: nil)
        case (.jinjiang, 0...1): return plan("pre-job", byEnterprise: number % 5, clause: "JJ-2019-79/6.1")
        case (.jinjiang, 2...4): return plan("skills-upgrading", byEnterprise: number % 5, certificate: "skill-level", leveled: true, clause: "JJ-2019-79/6.2-a")
        case (.jinjiang, 5...6): return plan("key-industry", byEnterprise: number % 5, clause: "JJ-2019-79/6.6")
        case (.jinjiang, 7): return plan("safety", certificate: "special-operation", clause: "JJ-2019-79/6.5")
        case (.jinjiang, 8): return plan("difficult-enterprise", byEnterprise: 0, clause: "JJ-2019-79/6.3")
        case (.jinjiang, _): return plan("department", department: "人社局", clause: "JJ-2019-79/6.9")
        }
    }

    // MARK: - Organisations

    /// Targets and funds: a district target with a fund for each Xiamen district (2024), the
    /// Jinjiang bureau's yearly targets (2020, 2021), and the Xiamen 2025-2027 skills goal.
    static func targetsAndFunds() -> [Draft] {
        var drafts: [Draft] = []
        let setOn = LocalDate(year: 2019, month: 12, day: 20)!
        for year in [2020, 2021] {
            let id = "JJ-2019-79-A2-RSJ-\(year)"
            drafts.append(Draft(stream: "target:\(id)", type: "target.set", date: setOn, source: "jj-hrss-portal", actor: "jj-rsj:planning",
                data: object([("targetId", .string(id)), ("clause", "JJ-2019-79/annex2"), ("metric", "training-person-times"),
                              ("scope", "department"), ("unit", "人社局"), ("periodStart", .string("\(year)-01-01")),
                              ("periodEnd", .string("\(year)-12-31")), ("value", 500), ("fund", 50_000_000)])))
        }
        for (n, district) in City.xiamen.divisions.enumerated() {
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
        drafts.append(Draft(stream: "target:XM-2025-189-GOAL", type: "target.set", date: LocalDate(year: 2025, month: 9, day: 15)!,
            source: "xm-training-portal", actor: "xm-rsj:planning",
            data: object([("targetId", "XM-2025-189-GOAL"), ("clause", "XM-2025-189/goal"), ("metric", "new-skilled-talents"),
                          ("scope", "city"), ("unit", "厦门市"), ("periodStart", "2025-09-15"), ("periodEnd", "2027-12-31"),
                          ("value", 150_000)])))
        return drafts
    }

    /// A block's enterprises, institution, agency, ratings, listing and classes, registered
    /// half a year before its people arrive.
    static func organisations(ofBlock block: Int) -> [Draft] {
        let city = City(block: block)
        let place = Self.division(block: block)
        let registered = city.base.adding(days: -180 + block % 60)
        var drafts: [Draft] = []
        func add(_ organisation: String, _ type: String, on date: LocalDate, _ data: JSONObject) {
            drafts.append(Draft(stream: "organisation:\(organisation)", type: type, date: date, source: city.service, actor: city.actor, data: data))
        }
        let industries = ["shoes", "textile-garment", "machinery", nil]
        for number in 0..<enterprisesPerBlock {
            let code = enterprise(block: block, number)
            add(code, "enterprise.registered", on: registered.adding(days: number), object([
                ("enterprise", .string(code)), ("name", .string("\(place)第\(block * 10 + number)号企业有限公司")),
                ("division", .string(place)), ("industry", .string(["制造业", "批发和零售业", "住宿和餐饮业", "建筑业", "信息技术服务业"][number])),
                ("keyIndustry", city == .jinjiang ? industries[number % 4].map(JSONValue.string) : nil),
            ]))
        }
        // Ratings come once the city's document is in force. Enterprise 0 runs the block's
        // enterprise classes: a demonstration enterprise in Xiamen, one in difficulty in Jinjiang.
        let rated = city.base.adding(days: 14 + block % 60)
        add(enterprise(block: block, 0), "organisation.rated", on: rated, object([
            ("organisation", .string(enterprise(block: block, 0))),
            ("rating", .string(city == .xiamen ? "demonstration-enterprise" : "enterprise-in-difficulty")),
            ("level", .string(city == .xiamen ? "city" : "quanzhou")), ("ratedBy", .string(city.bureau)),
        ]))
        let school = institution(block: block)
        add(school, "institution.registered", on: registered, object([
            ("institution", .string(school)), ("name", .string("\(place)第\(block)职业技能培训学校")), ("division", .string(place)),
            ("kind", "training-institution"),
        ]))
        add(school, "institution.catalog-listed", on: registered.adding(days: 20), object([
            ("institution", .string(school)), ("jurisdiction", .string(city.code)), ("listingNumber", .string("\(city.prefix)RS-PXML-\(block)")),
        ]))
        if city == .xiamen {
            let agency = Self.agency(block: block)
            add(agency, "enterprise.registered", on: registered, object([
                ("enterprise", .string(agency)), ("name", .string("厦门第\(block)号人力资源服务有限公司")), ("division", .string(place)),
                ("industry", "人力资源服务"),
            ]))
            add(agency, "organisation.rated", on: rated, object([
                ("organisation", .string(agency)), ("rating", "labour-cooperation-agency"), ("level", "city"),
                ("ratedBy", .string(city.bureau)), ("decisionNumber", .string("XMRS-LW-\(block)")), ("validUntil", "2025-12-31"),
            ]))
        }
        for number in 0..<(peoplePerBlock / peoplePerClass) {
            let plan = classPlan(block: block, number)
            let hours = 60 + (number % 4) * 20
            drafts.append(Draft(stream: "class:\(plan.id)", type: "class.filed", date: plan.start.adding(days: -14), source: city.portal,
                actor: city.actor, data: object([
                    ("classId", .string(plan.id)), ("organiser", .string(plan.organiser)), ("kind", .string(plan.kind)),
                    ("occupation", .string(plan.occupation)), ("level", plan.leveled ? .string(["L5", "L4", "L3"][number % 3]) : nil),
                    ("classHours", .integer(Int64(hours))), ("offlineHours", .integer(Int64(hours * 4 / 5))),
                    ("practicalHours", .integer(Int64(hours / 4))), ("projectBased", .bool(plan.organiserIsEnterprise == false)),
                    ("jurisdiction", .string(city.code)), ("division", .string(plan.division)),
                    ("startDate", .string(plan.start.description)), ("endDate", .string(plan.end.description)),
                    ("costPerTrainee", .integer(Int64(120_000 + (number % 5) * 30_000))), ("plannedTrainees", 40),
                    ("department", plan.department.map(JSONValue.string)),
                ])))
        }
        return drafts
    }

    // MARK: - People

    static func person(_ index: Int, seed: UInt64) -> (Person, SplitMix64) {
        var r = SplitMix64(seed: seed ^ (UInt64(index) &+ 1) &* 0xD1B5_4A32_D192_ED03)
        let block = index / peoplePerBlock
        let city = City(block: block)
        let migrant = city == .xiamen && r.chance(40)
        let registered = city.base.adding(days: r.int(0..<city.span))
        let first = r.int(0..<enterprisesPerBlock)
        let start = registered.adding(days: r.int(5..<60)).yearMonth
        let end = min(start.adding(months: r.int(12..<37) - 1), lastMonth)
        var spells = [Spell(employer: enterprise(block: block, first), contract: "HT\(index)-1", start: start, end: end)]
        if r.chance(45), end < lastMonth.adding(months: -3) {
            spells[0].ended = true
            let second = (first + 1 + r.int(0..<enterprisesPerBlock - 1)) % enterprisesPerBlock
            let next = end.adding(months: 1)
            spells.append(Spell(employer: enterprise(block: block, second), contract: "HT\(index)-2", start: next,
                                end: min(next.adding(months: r.int(6..<19) - 1), lastMonth)))
        }
        let classNumber = r.chance(65) ? (index % peoplePerBlock) / peoplePerClass : nil
        let person = Person(index: index, id: residentID(index, city: city, migrant: migrant), block: block, city: city,
                            registered: registered, spells: spells, classNumber: classNumber)
        return (person, r)
    }

    /// Person `index`'s events, in date order.
    static func story(of index: Int, seed: UInt64) -> [Draft] {
        let (person, rng) = Self.person(index, seed: seed)
        var r = rng
        let city = person.city, id = person.id
        var drafts: [Draft] = []
        func add(_ stream: String, _ type: String, on date: LocalDate, source: String, version: Int64 = 1, _ data: JSONObject) {
            drafts.append(Draft(stream: stream, type: type, version: version, date: date, source: source, actor: city.actor, data: data))
        }
        var serial = 0
        func number(_ prefix: String) -> String {
            serial += 1
            return "\(city.prefix)-\(prefix)-\(index)-\(serial)"
        }
        func pay(_ clause: String, payee: JSONValue, amount: Int64, on date: LocalDate, application: String? = nil) {
            let id = number("PAY")
            add("disbursement:\(id)", "disbursement.made", on: date, source: city.treasury, object([
                ("disbursementId", .string(id)), ("clause", .string(clause)), ("payee", payee), ("amount", .integer(amount)),
                ("subject", .string(person.id)), ("applicationId", application.map(JSONValue.string)), ("voucher", .string("V\(id)")),
            ]))
        }
        let worker: JSONValue = ["kind": "worker", "person": .string(id)]
        let firstDay = person.spells[0].start.firstDay

        add("person:\(id)", "person.registered", on: person.registered, source: city.service, object([
            ("person", .string(id)), ("registeredIn", .string(city == .xiamen ? division(block: person.block) : "350582")),
            ("registrationKind", .string(r.pick(["job-seeking", "unemployment", "employment"]))),
            ("hukouDivision", r.chance(30) ? .string(city == .xiamen ? "同安区" : "晋江市") : nil),
        ]))
        if r.chance(50) {
            let group = r.pick(city.groups)
            add("person:\(id)", "person.group-joined", on: person.registered, source: city.service, object([
                ("person", .string(id)), ("group", .string(group)), ("since", .string(person.registered.adding(days: -r.int(0..<60)).description)),
                ("recognisedBy", .string(city.bureau)),
            ]))
            if group == "registered-unemployed", r.chance(60) {
                add("person:\(id)", "person.group-left", on: max(firstDay, person.registered), source: city.service, object([
                    ("person", .string(id)), ("group", .string(group)), ("reason", "已实现就业，注销失业登记"),
                ]))
            }
        }
        if city == .xiamen, r.chance(15) {
            let agency = Self.agency(block: person.block)
            add("referral:\(agency):R\(index)", "referral.made", on: firstDay.adding(days: -5), source: city.service, object([
                ("agency", .string(agency)), ("worker", .string(id)), ("employer", .string(person.spells[0].employer)),
                ("firstTimeInCity", true), ("originRegion", "甘肃省兰州市"),
            ]))
            if r.chance(40) {
                pay("XM-2023-187/(九)-b", payee: ["kind": "agency", "organisation": .string(agency)], amount: 100_000,
                    on: person.spells[0].start.adding(months: 4).firstDay.adding(days: 14))
            }
        }
        for spell in person.spells {
            let stream = "employment:\(spell.employer):\(spell.contract)"
            add(stream, "employment.started", on: spell.start.firstDay.adding(days: r.int(0..<10)), source: city.insurance, object([
                ("employee", .string(id)), ("employer", .string(spell.employer)),
                ("contract", .string(r.chance(85) ? "fixed-term" : "open-ended")), ("contractMonths", .integer(Int64(r.pick([12, 24, 36])))),
                ("labourDispatch", .bool(r.chance(8))), ("firstTimeInCity", .bool(city == .xiamen && r.chance(30))),
                ("publicWelfarePost", .bool(r.chance(3))), ("division", .string(division(block: person.block))),
            ]))
            var month = spell.start
            while month <= spell.end {
                add(stream, "employment.month-recorded", on: month.adding(months: 1).firstDay.adding(days: 9), source: city.insurance, object([
                    ("employee", .string(id)), ("employer", .string(spell.employer)), ("month", .string(month.description)),
                    ("socialInsurancePaid", .bool(!r.chance(3))), ("pensionPaid", .bool(!r.chance(5))), ("insuredIn", .string(city.code)),
                ]))
                month = month.adding(months: 1)
            }
            if spell.ended {
                add(stream, "employment.ended", on: spell.end.lastDay, source: city.insurance, object([
                    ("employee", .string(id)), ("employer", .string(spell.employer)),
                    ("reason", .string(r.pick(["resigned", "contract-ended", "dismissed"]))),
                ]))
            }
        }
        if let classNumber = person.classNumber {
            let plan = classPlan(block: person.block, classNumber)
            let stream = "class:\(plan.id)"
            add(stream, "training.enrolled", on: plan.start.adding(days: -3), source: city.portal, object([
                ("classId", .string(plan.id)), ("trainee", .string(id)),
                ("employer", plan.organiserIsEnterprise ? .string(person.spells[0].employer) : nil),
            ]))
            let hours = 60 + (classNumber % 4) * 20
            add(stream, "training.completed", on: plan.end, source: city.portal, object([
                ("classId", .string(plan.id)), ("trainee", .string(id)), ("attendedHours", .integer(Int64(hours - r.int(0..<8)))),
            ]))
            let passed = r.chance(88)
            add(stream, "training.assessed", on: plan.end.adding(days: 3), source: city.portal, object([
                ("classId", .string(plan.id)), ("trainee", .string(id)), ("result", .string(passed ? "passed" : "failed")),
                ("assessor", .string(city.assessor)), ("score", .integer(Int64(passed ? r.int(60..<100) : r.int(30..<60)))),
            ]))
            if passed {
                let certificate = number("C")
                add("certificate:\(certificate)", "certificate.issued", on: plan.end.adding(days: 10), source: city.portal, version: 2, object([
                    ("certificateNumber", .string(certificate)), ("holder", .string(id)), ("kind", .string(plan.certificate)),
                    ("occupation", .string(plan.occupation)), ("level", plan.leveled ? .string(r.pick(["L5", "L4", "L4", "L3"])) : nil),
                    ("issuer", .string(city.assessor)), ("classId", .string(plan.id)), ("employer", .string(person.spells[0].employer)),
                ]))
                if let clause = plan.subsidyClause, r.chance(50) {
                    let kind = plan.organiserIsEnterprise ? "enterprise" : "institution"
                    pay(clause, payee: ["kind": .string(kind), "organisation": .string(plan.organiser)], amount: 100_000,
                        on: plan.end.adding(days: 45))
                }
            }
        }
        // A certificate of their own (a skill-level assessment outside any class), in Xiamen
        // applied for under the certificate subsidy, decided, approved and paid.
        if r.chance(25) {
            let spell = person.spells[0]
            let date = spell.start.adding(months: r.int(1..<6)).firstDay.adding(days: r.int(0..<27))
            let certificate = number("S")
            let level = r.pick(["L5", "L4", "L4", "L3", "L2"])
            add("certificate:\(certificate)", "certificate.issued", on: date, source: city.portal, version: 2, object([
                ("certificateNumber", .string(certificate)), ("holder", .string(id)), ("kind", "skill-level"),
                ("occupation", .string(r.pick(city.occupations))), ("level", .string(level)), ("issuer", .string(city.assessor)),
                ("employer", .string(spell.employer)),
            ]))
            let amount: Int64 = ["L5": 70_000, "L4": 100_000, "L3": 150_000, "L2": 200_000][level]!
            if city == .xiamen, r.chance(70) {
                let application = number("APP")
                let stream = "application:\(application)"
                let clause = "XM-2023-187/(一)-c"
                add(stream, "application.submitted", on: date.adding(days: 10), source: city.subsidy, object([
                    ("applicationId", .string(application)), ("clause", .string(clause)), ("payee", worker), ("subject", .string(id)),
                    ("requestedAmount", .integer(amount * 2)),
                ]))
                if r.chance(80) {
                    add(stream, "amount.decided", on: date.adding(days: 25), source: city.subsidy, object([
                        ("applicationId", .string(application)), ("clause", .string(clause)), ("amount", .integer(amount + 50_000)),
                        ("decidedBy", .string(city.bureau)), ("basis", .string("\(level)职业技能等级证书，按证书补贴核定标准核定")),
                    ]))
                    if r.chance(85) {
                        add(stream, "application.approved", on: date.adding(days: 26), source: city.subsidy, object([
                            ("applicationId", .string(application)), ("approvedBy", "厦门市公共就业服务中心"),
                        ]))
                        if r.chance(80) { pay(clause, payee: worker, amount: amount + 50_000, on: date.adding(days: 40), application: application) }
                    }
                }
            } else if city == .jinjiang, r.chance(50) {
                pay("JJ-2019-79/6.2-b", payee: worker, amount: amount, on: date.adding(days: 40))
            }
        }
        if city == .xiamen, r.chance(8) {
            let policy = number("YLB")
            add("person:\(id)", "insurance.premium-paid", on: firstDay.adding(days: r.int(30..<200)), source: "yilubao-insurer", object([
                ("policyNumber", .string(policy)), ("insured", .string(id)), ("days", 30), ("premium", 9000),
            ]))
        }
        // Date order; events of one day in the order written.
        return drafts.enumerated().sorted { ($0.element.date, $0.offset) < ($1.element.date, $1.offset) }.map(\.element)
    }

    // MARK: - Events after the log is built

    public enum LateEvent: CaseIterable, Sendable {
        case certificate, employmentMonth, disbursement
    }

    /// One more event for person `index` (already in the log): a certificate, the month after
    /// their last insured month with their last employer, or a payment to them. Each person
    /// should be given at most one employment month.
    public mutating func lateEvent(_ kind: LateEvent, person index: Int) -> [UInt8] {
        let (person, _) = Self.person(index, seed: seed)
        let city = person.city
        let spell = person.spells.last!
        let day = LocalDate(year: 2025, month: 12, day: 20)!
        switch kind {
        case .certificate:
            let number = "\(city.prefix)-LATE-\(index)-\(serial + 1)"
            var data = object([
                ("certificateNumber", .string(number)), ("holder", .string(person.id)), ("kind", "skill-level"),
                ("occupation", .string(city.occupations[index % city.occupations.count])), ("level", "L3"),
                ("issuer", .string(city.assessor)), ("employer", .string(spell.employer)),
            ])
            if let classNumber = person.classNumber { data["classId"] = .string(Self.classPlan(block: person.block, classNumber).id) }
            return encode(Draft(stream: "certificate:\(number)", type: "certificate.issued", version: 2, date: day, source: city.portal,
                                actor: city.actor, data: data))
        case .employmentMonth:
            let month = spell.end.adding(months: 1)
            return encode(Draft(stream: "employment:\(spell.employer):\(spell.contract)", type: "employment.month-recorded",
                date: month.adding(months: 1).firstDay.adding(days: 9), source: city.insurance, actor: city.actor, data: object([
                    ("employee", .string(person.id)), ("employer", .string(spell.employer)), ("month", .string(month.description)),
                    ("socialInsurancePaid", true), ("pensionPaid", true), ("insuredIn", .string(city.code)),
                ])))
        case .disbursement:
            let id = "\(city.prefix)-LATEPAY-\(index)-\(serial + 1)"
            let clause = city == .xiamen ? "XM-2023-187/(一)-c" : "JJ-2019-79/6.2-b"
            return encode(Draft(stream: "disbursement:\(id)", type: "disbursement.made", date: day, source: city.treasury, actor: city.actor,
                data: object([
                    ("disbursementId", .string(id)), ("clause", .string(clause)), ("payee", ["kind": "worker", "person": .string(person.id)]),
                    ("amount", 150_000), ("subject", .string(person.id)), ("voucher", .string("V\(id)")),
                ])))
        }
    }
}

/// An object of the members whose value is not nil.
func object(_ members: [(String, JSONValue?)]) -> JSONObject {
    var result = JSONObject()
    for (key, value) in members { if let value { result[key] = value } }
    return result
}

/// Zero-padded decimal digits.
func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return String(repeating: "0", count: Swift.max(0, width - digits.count)) + digits
}
