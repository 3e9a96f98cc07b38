import GrantLedgerEvents

extension SyntheticCity {
    /// A person's events, before they have ids and envelopes.
    struct Story {
        /// In business-date order, reversed: the next event is the last.
        var events: [Draft] = []
        /// Corrections and what follows them, sent long after: once the story is told and
        /// ``lateDelay`` more people have started (or at the end of the city).
        var late: [Draft] = []
    }

    /// Person `index`'s story. It depends only on the seed, the number of months and the
    /// person's number.
    func story(of index: Int) -> Story {
        let (person, random) = plan(of: index)
        var writer = StoryWriter(city: self, person: person, random: random)
        writer.write()
        return writer.finish()
    }
}

/// Tells one person's story as events, drawing the details from the person's own generator.
struct StoryWriter {
    typealias Person = SyntheticCity.Person
    typealias Place = SyntheticCity.Place

    /// A payment made: what a clawback needs.
    struct Payment {
        let id: String
        let clause: String
        let payee: JSONValue
        let amount: Int64
        let date: LocalDate
    }

    let city: SyntheticCity
    let person: Person
    let place: Place
    let window: ClosedRange<LocalDate>
    var r: SplitMix64
    var drafts: [Draft] = []
    var late: [Draft] = []
    private var serial = 0
    /// Months recorded with social insurance paid: the spell's number and the month.
    private var insured: [(spell: Int, month: YearMonth)] = []
    /// Each spell's contract length in months (open-ended 1200, task-based 0).
    private var contractMonths: [Int] = []
    /// When key groups joined at registration end: left on finding work, or run out.
    private var groupEnds: [KeyGroup: LocalDate] = [:]

    init(city: SyntheticCity, person: Person, random: SplitMix64) {
        self.city = city
        self.person = person
        place = person.place
        window = city.window(of: person.place)
        r = random
    }

    var id: String { person.id }
    var worker: JSONValue { ["kind": "worker", "person": .string(person.id)] }

    mutating func write() {
        register()
        if place == .xiamen { jobServices() }
        employment()
        if person.referred { referral() }
        if place == .jinjiang { workInPlaceOfTraining() }
        training()
        ownCertificate()
        switch person.role {
        case .mentor: mentoring()
        case .serviceStaff: serviceCertificate()
        case .worker, .student: break
        }
        if place == .binjiang { contest() }
        if place == .xiamen { insuranceAndApprenticeship() }
        correction()
    }

    /// The events in date order (events of one day in the order written), reversed; nothing
    /// after the window.
    func finish() -> SyntheticCity.Story {
        let end = window.upperBound
        let ordered = drafts.enumerated().filter { $0.element.date <= end }
            .sorted { ($0.element.date, $0.offset) < ($1.element.date, $1.offset) }
        return SyntheticCity.Story(events: ordered.reversed().map(\.element), late: late.filter { $0.date <= end })
    }

    // MARK: - Helpers

    mutating func add(_ stream: String, _ type: String, on date: LocalDate, source: String, version: Int64 = 1, _ data: JSONObject) {
        drafts.append(Draft(stream: stream, type: type, version: version, date: date, source: source, actor: place.actor, data: data))
    }

    mutating func number(_ prefix: String) -> String {
        serial += 1
        return "\(place.prefix)-\(prefix)-\(person.index)-\(serial)"
    }

    /// A payment, unless it would fall after the window. One in a hundred bounces, is
    /// reversed and made again.
    @discardableResult
    mutating func pay(_ clause: String, payee: JSONValue, amount: Int64, on date: LocalDate, application: String? = nil) -> Payment? {
        guard date <= window.upperBound else { return nil }
        let id = number("PAY")
        add("disbursement:\(id)", "disbursement.made", on: date, source: place.treasury, object([
            ("disbursementId", .string(id)), ("clause", .string(clause)), ("payee", payee), ("amount", .integer(amount)),
            ("subject", .string(person.id)), ("applicationId", application.map(JSONValue.string)), ("voucher", .string("V\(id)")),
        ]))
        if r.chance(1) {
            add("disbursement:\(id)", "disbursement.reversed", on: date.adding(days: 3), source: place.treasury, object([
                ("disbursementId", .string(id)), ("amount", .integer(amount)), ("reason", "收款账户信息有误，资金退回"),
            ]))
            return pay(clause, payee: payee, amount: amount, on: date.adding(days: 12), application: application)
        }
        return Payment(id: id, clause: clause, payee: payee, amount: amount, date: date)
    }

    /// An application under a clause: most are decided (where the clause leaves the amount to
    /// a decision), approved and paid; one in ten is rejected, one in ten still pending.
    @discardableResult
    mutating func apply(_ clause: String, payee: JSONValue, on date: LocalDate, requested: Int64?, decided: Int64?, basis: String,
                        amount: Int64) -> Payment? {
        let application = number("APP")
        let stream = "application:\(application)"
        add(stream, "application.submitted", on: date, source: place.subsidy, object([
            ("applicationId", .string(application)), ("clause", .string(clause)), ("payee", payee), ("subject", .string(person.id)),
            ("requestedAmount", requested.map(JSONValue.integer)),
        ]))
        let outcome = r.int(0..<100)
        if outcome < 10 {
            add(stream, "application.rejected", on: date.adding(days: r.int(15..<40)), source: place.subsidy, object([
                ("applicationId", .string(application)), ("rejectedBy", .string(place.approver)),
                ("reason", .string(r.pick(["同一职业（工种）同一等级已享受过补贴", "申请材料不全，逾期未补正", "经核查不符合申领条件"]))),
            ]))
            return nil
        }
        var day = date.adding(days: r.int(10..<25))
        if let decided, outcome >= 15 {
            add(stream, "amount.decided", on: day, source: place.subsidy, object([
                ("applicationId", .string(application)), ("clause", .string(clause)), ("amount", .integer(decided)),
                ("decidedBy", .string(place.bureau)), ("basis", .string(basis)),
                ("decisionNumber", .string("\(place.prefix)RS-HD-\(person.index)-\(serial)")),
            ]))
            day = day.adding(days: r.int(1..<6))
        }
        guard outcome >= 20 else { return nil }  // still pending
        add(stream, "application.approved", on: day, source: place.subsidy, object([
            ("applicationId", .string(application)), ("approvedBy", .string(place.approver)),
        ]))
        guard r.chance(92) else { return nil }
        return pay(clause, payee: payee, amount: amount, on: day.adding(days: r.int(7..<30)), application: application)
    }

    /// A certificate revoked, and what was paid on it ordered back.
    mutating func revoke(_ certificate: String, issued: LocalDate, paid: Payment?) {
        let revoked = max(issued, paid?.date ?? issued).adding(days: r.int(60..<300))
        let fraud = r.chance(70)
        add("certificate:\(certificate)", "certificate.revoked", on: revoked, source: place.portal, object([
            ("certificateNumber", .string(certificate)), ("holder", .string(person.id)), ("reason", fraud ? "fraud" : "error"),
            ("revokedBy", .string(place.assessor)), ("detail", fraud ? "核查发现考核记录与实际不符" : "证书信息登记错误"),
        ]))
        if let paid {
            clawBack(paid, reason: "certificate-revoked", on: revoked.adding(days: r.int(5..<30)), detail: "证书已撤销，追回据此拨付的补贴")
        }
    }

    /// Recovery of a payment ordered; most is recovered, in one or two instalments, some not yet.
    mutating func clawBack(_ payment: Payment, reason: String, on date: LocalDate, detail: String, late isLate: Bool = false) {
        let id = number("CLAW")
        let stream = "clawback:\(id)"
        var events = [Draft(stream: stream, type: "clawback.ordered", date: date, source: place.treasury, actor: place.actor, data: object([
            ("clawbackId", .string(id)), ("clause", .string(payment.clause)), ("payee", payment.payee), ("amount", .integer(payment.amount)),
            ("reason", .string(reason)), ("disbursementId", .string(payment.id)), ("detail", .string(detail)), ("orderedBy", .string(place.bureau)),
        ]))]
        func recovered(_ amount: Int64, after days: Int) {
            events.append(Draft(stream: stream, type: "clawback.recovered", date: date.adding(days: days), source: place.treasury,
                                actor: place.actor, data: object([("clawbackId", .string(id)), ("amount", .integer(amount)),
                                                                  ("voucher", .string("R\(id)-\(events.count)"))])))
        }
        let roll = r.int(0..<100)
        if roll < 60 {
            recovered(payment.amount, after: r.int(20..<90))
        } else if roll < 85 {
            let half = payment.amount / 2
            recovered(half, after: r.int(20..<60))
            recovered(payment.amount - half, after: r.int(90..<150))
        }
        if isLate { late += events } else { drafts += events }
    }

    static let levels: [(level: String, weight: Int)] = [("L5", 33), ("L4", 37), ("L3", 21), ("L2", 7), ("L1", 2)]

    mutating func level() -> String {
        var roll = r.int(0..<100)
        for entry in Self.levels {
            if roll < entry.weight { return entry.level }
            roll -= entry.weight
        }
        return "L5"
    }

    // MARK: - Registration and key groups

    mutating func register() {
        let hukou: String = switch person.origin {
        case .local: place == .xiamen ? SyntheticCity.division(place, block: person.block) : place.localHukou
        case .migrant(_, let name), .paired(_, _, let name): name
        }
        add("person:\(id)", "person.registered", on: person.registered, source: place.service, object([
            ("person", .string(id)), ("name", .string(SyntheticCity.name(person.index, seed: city.seed))),
            ("registeredIn", .string(registeredIn)), ("registrationKind", .string(person.registrationKind)),
            ("hukouDivision", .string(hukou)),
        ]))
        let firstHire = person.spells.first?.hired
        for group in person.groups {
            var since = person.registered.adding(days: -r.int(0..<60))
            var until: LocalDate?
            switch group {
            case .localHukou: since = person.birth
            case .graduateWithinTwoYears: until = since.adding(days: r.int(365..<730))
            case .localHukouStudent: until = since.adding(days: r.int(730..<1460))
            default: break
            }
            if let until { groupEnds[group] = until.adding(days: 1) }
            var region: String?
            if group == .pairedRegionOrigin, case .paired(_, let key, _) = person.origin { region = key }
            add("person:\(id)", "person.group-joined", on: person.registered, source: place.service, object([
                ("person", .string(id)), ("group", .string(group.rawValue)), ("since", .string(since.description)),
                ("until", until.map { .string($0.description) }), ("originRegion", region.map(JSONValue.string)),
                ("recognisedBy", .string(place.bureau)),
            ]))
            if group == .registeredUnemployed, let firstHire, r.chance(85) {
                groupEnds[group] = Swift.max(firstHire, person.registered)
                add("person:\(id)", "person.group-left", on: max(firstHire, person.registered), source: place.service, object([
                    ("person", .string(id)), ("group", .string(group.rawValue)), ("reason", "已实现就业，注销失业登记"),
                ]))
            }
        }
    }

    /// Whether the person still belongs to a key group recognised at registration.
    func holds(_ group: KeyGroup, on date: LocalDate) -> Bool {
        person.groups.contains(group) && groupEnds[group].map { date < $0 } ?? true
    }

    var registeredIn: String {
        place == .jinjiang ? place.code : SyntheticCity.division(place, block: person.block)
    }

    /// Xiamen's "131" service for the registered unemployed and graduates: a career-guidance
    /// session, three job referrals and a training offer (XM-2023-188/4); one in five gets less.
    mutating func jobServices() {
        guard person.groups.contains(.registeredUnemployed) || person.groups.contains(.graduateWithinTwoYears) else { return }
        let complete = r.chance(80)
        var day = person.registered.adding(days: r.int(3..<15))
        let division = SyntheticCity.division(place, block: person.block)
        func contact(_ writer: inout StoryWriter, _ service: String, employer: String? = nil) {
            writer.add("person:\(writer.id)", "job-service.contacted", on: day, source: writer.place.service, object([
                ("person", .string(writer.id)), ("service", .string(service)), ("employer", employer.map(JSONValue.string)),
                ("division", .string(division)),
            ]))
        }
        contact(&self, "career-guidance")
        for _ in 0..<(complete ? 3 : r.int(0..<3)) {
            day = day.adding(days: r.int(5..<20))
            contact(&self, "job-referral", employer: SyntheticCity.enterprise(place, block: person.block, r.int(0..<SyntheticCity.enterprisesPerBlock)))
        }
        if complete || r.chance(50) {
            day = day.adding(days: r.int(5..<30))
            contact(&self, "training-offer")
        }
    }

    // MARK: - Employment

    /// Each spell: the start, a month of social insurance for each month worked, the end. After
    /// a gap of two months or more, one in two registers as unemployed again.
    mutating func employment() {
        for (n, spell) in person.spells.enumerated() {
            let stream = "employment:\(spell.employer):\(spell.contract)"
            if n > 0, spell.start.ordinal - person.spells[n - 1].end.ordinal > 2, r.chance(50) {
                let day = person.spells[n - 1].end.lastDay.adding(days: r.int(3..<20))
                add("person:\(id)", "person.registered", on: day, source: place.service, object([
                    ("person", .string(id)), ("registeredIn", .string(registeredIn)), ("registrationKind", "unemployment"),
                ]))
                add("person:\(id)", "person.group-joined", on: day, source: place.service, object([
                    ("person", .string(id)), ("group", "registered-unemployed"), ("since", .string(day.description)),
                    ("recognisedBy", .string(place.bureau)),
                ]))
                add("person:\(id)", "person.group-left", on: spell.hired, source: place.service, object([
                    ("person", .string(id)), ("group", "registered-unemployed"), ("reason", "已重新就业，注销失业登记"),
                ]))
            }
            let referral = person.referred && n == 0
            let contractRoll = r.int(0..<100)
            let contract = referral || person.role == .serviceStaff || contractRoll < 85 ? "fixed-term" : contractRoll < 97 ? "open-ended" : "task-based"
            let months = contract == "fixed-term" ? r.pick([12, 12, 24, 36]) : contract == "open-ended" ? 1200 : 0
            contractMonths.append(months)
            let firstTime: Bool? = switch person.origin {
            case .local: n == 0 && place == .xiamen ? false : nil
            case .migrant, .paired: n == 0 ? (referral || r.chance(60)) : false
            }
            add(stream, "employment.started", on: spell.hired, source: place.insurance, object([
                ("employee", .string(id)), ("employer", .string(spell.employer)), ("contract", .string(contract)),
                ("contractMonths", contract == "fixed-term" ? .integer(Int64(months)) : nil),
                ("labourDispatch", .bool(!referral && r.chance(8))), ("firstTimeInCity", firstTime.map(JSONValue.bool)),
                ("publicWelfarePost", .bool(r.chance(person.groups.contains(.employmentDifficulty) ? 30 : 1))),
                ("division", .string(SyntheticCity.division(place, block: person.block))),
            ]))
            let template = monthTemplate(spell)
            var month = spell.start
            while month <= spell.end {
                // A referred worker's first six months are insured: the rewards rest on them.
                let paid = (referral && month.ordinal - spell.start.ordinal < 6) || !r.chance(3)
                drafts.append(template.draft(month: month, socialInsurancePaid: paid, pensionPaid: paid && !r.chance(3)))
                if paid { insured.append((n, month)) }
                month = month.adding(months: 1)
            }
            if spell.ended {
                add(stream, "employment.ended", on: spell.end.lastDay, source: place.insurance, object([
                    ("employee", .string(id)), ("employer", .string(spell.employer)),
                    ("reason", .string(referral && spell.months < 6 ? "resigned" : r.pick(["resigned", "contract-ended", "dismissed"]))),
                ]))
            }
        }
    }

    /// A Xiamen labour-cooperation agency brought the worker to their first job: 1000 after
    /// three months with that employer, 1000 more after six. Now and then an insured month of
    /// those six is corrected to unpaid long after the second reward was paid, and the
    /// reward is ordered back.
    mutating func referral() {
        guard let spell = person.spells.first else { return }
        let agency = SyntheticCity.agency(block: person.block)
        let referred = max(person.registered, spell.hired.adding(days: -5))
        var origin: String?
        if case .migrant(_, let name) = person.origin { origin = name }
        add("referral:\(agency):R\(person.index)", "referral.made", on: referred, source: place.service, object([
            ("agency", .string(agency)), ("worker", .string(id)), ("employer", .string(spell.employer)),
            ("firstTimeInCity", true), ("originRegion", origin.map(JSONValue.string)),
        ]))
        guard place.subsidises(referred) else { return }
        let payee: JSONValue = ["kind": "agency", "organisation": .string(agency)]
        if spell.months >= 3, r.chance(90) {
            pay("XM-2023-187/(九)-b", payee: payee, amount: 100_000, on: spell.start.adding(months: 3).firstDay.adding(days: r.int(10..<25)))
        }
        guard spell.months >= 6, r.chance(85),
              let second = pay("XM-2023-187/(九)-c", payee: payee, amount: 100_000, on: spell.start.adding(months: 6).firstDay.adding(days: r.int(10..<25)))
        else { return }
        if r.chance(10) {
            correct(spell: 0, month: spell.start.adding(months: r.int(1..<5)))
            if r.chance(75) {
                clawBack(second, reason: "ineligible", on: min(window.upperBound, second.date.adding(days: r.int(90..<200))),
                         detail: "社保补录更正后不满六个月稳定就业，追回第二阶段奖励", late: true)
            }
        }
    }

    /// Jinjiang's work-in-place-of-training subsidy (JJ-2019-79/6.7): 200 a month for up to
    /// six insured months of a poverty-household, employment-difficulty or zero-employment-family
    /// hire, paid to the employer in two parts.
    mutating func workInPlaceOfTraining() {
        guard person.groups.contains(where: { [.povertyHousehold, .employmentDifficulty, .zeroEmploymentFamily].contains($0) }),
              let spell = person.spells.first, place.subsidises(spell.hired), r.chance(60)
        else { return }
        let months = insured.filter { $0.spell == 0 }.prefix(6).count
        let payee: JSONValue = ["kind": "enterprise", "organisation": .string(spell.employer)]
        for (part, range) in [(3, 0..<min(3, months)), (6, min(3, months)..<months)] where !range.isEmpty {
            pay("JJ-2019-79/6.7", payee: payee, amount: 20_000 * Int64(range.count), on: spell.start.adding(months: part).firstDay.adding(days: 19))
        }
    }

    // MARK: - Training and certificates

    /// About half of the people train in one of their block's classes: those open to them,
    /// starting after they registered and, for an enterprise's class, while they work there.
    mutating func training() {
        let share = place == .binjiang ? (person.role == .student ? 85 : 50) : place == .xiamen ? 60 : 65
        guard r.chance(share) else { return }
        let slots = SyntheticCity.slots(place)
        var open: [Int] = []
        for number in 0..<SyntheticCity.classesPerBlock {
            let slot = slots[number % 10]
            // Students take the days of training or service offered to them.
            switch slot.audience {
            case .students: guard person.role == .student else { continue }
            case .paired: guard case .paired = person.origin, person.role != .student else { continue }
            case .anyone: guard person.role != .student else { continue }
            }
            let start = city.classStart(place, block: person.block, number: number)
            guard start >= person.registered.adding(days: 3), start.adding(days: 60) <= window.upperBound else { continue }
            // An enterprise trains its own staff, employed from the start of the class to its certificates.
            if slot.audience != .students, let organiser = SyntheticCity.organiserNumber(slot, block: person.block, number: number) {
                guard let spell = person.spell(in: start.yearMonth), spell.employerNumber == organiser,
                      spell.end >= start.adding(days: 40).yearMonth
                else { continue }
            }
            open.append(number)
        }
        guard !open.isEmpty else { return }
        let plan = city.classPlan(place, block: person.block, open[r.int(0..<open.count)])
        if plan.slot.audience == .students { return studentService(plan) }
        let stream = "class:\(plan.id)"
        let employer = person.spell(in: plan.start.yearMonth)?.employer
        add(stream, "training.enrolled", on: plan.start.adding(days: -3), source: place.portal, object([
            ("classId", .string(plan.id)), ("trainee", .string(id)), ("employer", plan.organiserNumber != nil ? employer.map(JSONValue.string) : nil),
        ]))
        add(stream, "training.completed", on: plan.end, source: place.portal, object([
            ("classId", .string(plan.id)), ("trainee", .string(id)), ("attendedHours", .integer(Int64(plan.hours - r.int(0..<8)))),
        ]))
        let passed = r.chance(88)
        add(stream, "training.assessed", on: plan.end.adding(days: 3), source: place.portal, object([
            ("classId", .string(plan.id)), ("trainee", .string(id)), ("result", .string(passed ? "passed" : "failed")),
            ("assessor", .string(place.assessor)), ("score", .integer(Int64(passed ? r.int(60..<100) : r.int(30..<60)))),
        ]))
        guard passed, let kind = plan.slot.certificate else { return }
        let certificate = number("C")
        let issued = plan.end.adding(days: 10)
        let level = plan.slot.leveled ? ["L5", "L4", "L3"][plan.number % 3] : nil
        add("certificate:\(certificate)", "certificate.issued", on: issued, source: place.portal, version: 2, object([
            ("certificateNumber", .string(certificate)), ("holder", .string(id)), ("kind", .string(kind.rawValue)),
            ("occupation", .string(plan.occupation)), ("level", level.map(JSONValue.string)), ("issuer", .string(place.assessor)),
            ("classId", .string(plan.id)), ("employer", employer.map(JSONValue.string)),
        ]))
        var payment: Payment?
        if let subsidy = plan.slot.subsidy, place.subsidises(plan.end) {
            let amount: Int64 = subsidy.amount
                ?? (subsidy.clause == "XM-2023-187/(一)-d" ? min(plan.cost, 200_000) : (level.map { $0 <= "L3" } ?? false) ? 100_000 : 50_000)
            let groups: Set<KeyGroup> = switch subsidy.clause {
            case "XM-2023-187/(一)-a", "XM-2023-187/(一)-b": [.migrantWorker, .registeredUnemployed, .employmentDifficulty, .graduateWithinTwoYears, .veteran]
            case "BJ-2023/(九)": [.registeredUnemployed, .flexibleWorker, .localHukouStudent, .povertyRelieved, .veteran, .migrantWorker]
            default: []
            }
            // The bureaus pay those who qualify, mostly; one in fifty is paid regardless.
            let qualifies = groups.isEmpty || person.groups.contains { groups.contains($0) && holds($0, on: issued) }
            if qualifies && r.chance(75) || r.chance(2) {
                payment = pay(subsidy.clause, payee: ["kind": .string(subsidy.payee), "organisation": .string(plan.organiser)],
                              amount: amount, on: plan.end.adding(days: r.int(45..<90)))
            }
        }
        if r.chance(payment == nil ? 1 : 3) { revoke(certificate, issued: issued, paid: payment) }
    }

    /// Binjiang: days of training or service for a local-hukou student, and the organiser's
    /// application at a decided rate of at most 200 a day for at most three days (BJ-2023 (七)).
    mutating func studentService(_ plan: SyntheticCity.ClassPlan) {
        let days = r.int(1..<6)
        add("class:\(plan.id)", "student-service.delivered", on: plan.end, source: place.portal, object([
            ("classId", .string(plan.id)), ("organiser", .string(plan.organiser)), ("student", .string(id)), ("days", .integer(Int64(days))),
        ]))
        let rate = Int64(r.pick([15_000, 18_000, 20_000])), counted = Int64(min(days, 3))
        apply("BJ-2023/(七)", payee: ["kind": "organisation", "organisation": .string(plan.organiser)], on: plan.end.adding(days: r.int(10..<30)),
              requested: 20_000 * Int64(days), decided: rate * counted,
              basis: "本区户籍大学生培训服务\(counted)天，按每人每天\(rate / 100)元核定", amount: rate * counted)
    }

    /// A certificate of their own, during their first job: in Xiamen applied for under the
    /// certificate subsidy (a decided amount within 500-3000), in Jinjiang paid by the level
    /// table (JJ-2019-79/6.2-b). Binjiang's pilot enterprise has most of its staff certified.
    mutating func ownCertificate() {
        guard let spell = person.spells.first else { return }
        guard r.chance(place == .binjiang && spell.employerNumber == 0 ? 45 : 20) else { return }
        let date = spell.start.adding(months: r.int(1..<7)).firstDay.adding(days: r.int(0..<27))
        guard date <= spell.end.lastDay else { return }
        let certificate = number("S")
        let level = level()
        let kind = r.chance(85) ? "skill-level" : "vocational-qualification"
        add("certificate:\(certificate)", "certificate.issued", on: date, source: place.portal, version: 2, object([
            ("certificateNumber", .string(certificate)), ("holder", .string(id)), ("kind", .string(kind)),
            ("occupation", .string(r.pick(place.occupations))), ("level", .string(level)), ("issuer", .string(place.assessor)),
            ("employer", .string(spell.employer)),
        ]))
        var payment: Payment?
        switch place {
        case .xiamen where place.subsidises(date) && r.chance(70):
            let base: Int64 = ["L5": 80_000, "L4": 120_000, "L3": 180_000, "L2": 250_000, "L1": 300_000][level]!
            let decided = min(300_000, max(50_000, base + Int64(r.int(-2..<3)) * 10_000))
            payment = apply("XM-2023-187/(一)-c", payee: worker, on: date.adding(days: 10), requested: 300_000, decided: decided,
                            basis: "\(level)级证书，按证书补贴核定标准核定", amount: decided)
        case .jinjiang where place.subsidises(date) && contractMonths[0] >= 12 && r.chance(60):
            let amount: Int64 = ["L5": 70_000, "L4": 100_000, "L3": 150_000, "L2": 200_000, "L1": 300_000][level]!
            payment = pay("JJ-2019-79/6.2-b", payee: worker, amount: amount, on: date.adding(days: r.int(30..<60)))
        default: break
        }
        if payment != nil ? r.chance(3) : r.int(0..<1000) < 5 { revoke(certificate, issued: date, paid: payment) }
    }

    // MARK: - Binjiang

    /// A mentor of the district's pool: online and offline sessions, each paid 300 or 1000
    /// (BJ-2023 (五)-b); one in four wins a mentor award (五)-a.
    mutating func mentoring() {
        let organiser = r.chance(50) ? SyntheticCity.institution(place, block: person.block) : SyntheticCity.enterprise(place, block: person.block, 4)
        let span = max(1, window.upperBound.daysSinceEpoch - person.registered.daysSinceEpoch - 20)
        for _ in 0..<r.int(2..<13) {
            let date = person.registered.adding(days: 20 + r.int(0..<span))
            let online = r.chance(60)
            add("person:\(id)", "mentor.session-held", on: date, source: place.service, object([
                ("sessionId", .string(number("MS"))), ("mentor", .string(id)), ("mode", online ? "online" : "offline"),
                ("organiser", .string(organiser)),
            ]))
            if r.chance(85) { pay("BJ-2023/(五)-b", payee: worker, amount: online ? 30_000 : 100_000, on: date.adding(days: r.int(20..<50))) }
        }
        if r.chance(25) {
            let roll = r.int(0..<100)
            let (level, amount): (String, Int64) = roll < 70 ? ("city", 200_000) : roll < 95 ? ("provincial", 300_000) : ("national", 500_000)
            let award = number("AW"), date = person.registered.adding(days: 20 + r.int(0..<span))
            add("award:\(award)", "award.granted", on: date, source: place.service, object([
                ("awardId", .string(award)), ("award", "mentor-award"), ("person", .string(id)), ("organisation", .string(organiser)),
                ("level", .string(level)),
            ]))
            pay("BJ-2023/(五)-a", payee: worker, amount: amount, on: date.adding(days: r.int(30..<60)))
        }
    }

    /// A public employment service worker's certificate in a service occupation, applied for
    /// and paid by level (BJ-2023 (六)).
    mutating func serviceCertificate() {
        guard let spell = person.spells.first else { return }
        let date = spell.start.adding(months: r.int(2..<9)).firstDay.adding(days: r.int(0..<27))
        guard date <= spell.end.lastDay else { return }
        let certificate = number("S")
        let level = level()
        add("certificate:\(certificate)", "certificate.issued", on: date, source: place.portal, version: 2, object([
            ("certificateNumber", .string(certificate)), ("holder", .string(id)), ("kind", "skill-level"),
            ("occupation", .string(r.pick(["职业指导师", "企业人力资源管理师", "劳动关系协调员", "劳动保障协理员", "创业指导师"]))),
            ("level", .string(level)), ("issuer", .string(place.assessor)), ("employer", .string(spell.employer)),
        ]))
        let amount: Int64 = ["L5": 100_000, "L4": 150_000, "L3": 200_000, "L2": 250_000, "L1": 300_000][level]!
        let payment = apply("BJ-2023/(六)", payee: worker, on: date.adding(days: r.int(10..<30)), requested: amount, decided: nil,
                            basis: "", amount: amount)
        if payment != nil, r.chance(4) { revoke(certificate, issued: date, paid: payment) }
    }

    /// One worker in fifty places in a district skills contest (BJ-2023 (十二)).
    mutating func contest() {
        guard let spell = person.spells.first, r.chance(2) else { return }
        let prize = r.int(1..<4)
        let award = number("AW"), date = spell.start.adding(months: r.int(0..<Swift.min(12, spell.months))).firstDay.adding(days: 20)
        add("award:\(award)", "award.granted", on: date, source: place.service, object([
            ("awardId", .string(award)), ("award", "skills-contest"), ("person", .string(id)), ("organisation", .string(spell.employer)),
            ("level", "district"), ("place", .integer(Int64(prize))),
        ]))
        pay("BJ-2023/(十二)", payee: worker, amount: [200_000, 150_000, 100_000][prize - 1], on: date.adding(days: r.int(30..<60)))
    }

    // MARK: - Xiamen

    /// Flexible workers' day-based accident insurance (益鹭保), and a few apprenticeships under
    /// the enterprise-and-school model with a decided subsidy of 4000-6000 (XM-2023-187 (二)-a).
    mutating func insuranceAndApprenticeship() {
        if person.groups.contains(.flexibleWorker) || r.chance(4) {
            for _ in 0..<r.int(1..<4) {
                let days = r.pick([7, 30, 30, 90])
                add("person:\(id)", "insurance.premium-paid", on: person.registered.adding(days: r.int(20..<300)), source: "yilubao-insurer", object([
                    ("policyNumber", .string(number("YLB"))), ("insured", .string(id)), ("days", .integer(Int64(days))),
                    ("premium", .integer(Int64(days) * 300)),
                ]))
            }
        }
        guard person.isYoung, let spell = person.spells.first, r.chance(6) else { return }
        let apprenticeship = number("AP"), date = spell.hired.adding(days: r.int(30..<120))
        add("apprenticeship:\(apprenticeship)", "apprenticeship.started", on: date, source: place.portal, object([
            ("apprenticeshipId", .string(apprenticeship)), ("apprentice", .string(id)), ("enterprise", .string(spell.employer)),
            ("school", .string(SyntheticCity.institution(place, block: person.block))), ("model", "dual-mentor"),
            ("occupation", .string(r.pick(place.occupations))), ("plannedHours", 400), ("endDate", .string(date.adding(days: 365).description)),
        ]))
        guard place.subsidises(date) else { return }
        let decided = Int64(400_000 + r.int(0..<5) * 50_000)
        apply("XM-2023-187/(二)-a", payee: ["kind": "enterprise", "organisation": .string(spell.employer)], on: date.adding(days: r.int(30..<90)),
              requested: 600_000, decided: decided, basis: "企校双师带徒，按培养成本核定", amount: decided)
    }

    // MARK: - Late corrections

    /// One person in fifty has an insured month corrected to unpaid, recorded long after.
    mutating func correction() {
        guard !insured.isEmpty, r.chance(2) else { return }
        let (spell, month) = insured[r.int(0..<insured.count)]
        correct(spell: spell, month: month)
    }

    /// The social-insurance feed sends a month again: nothing was paid after all. Same stream
    /// and business date as the month it corrects; recorded long after.
    mutating func correct(spell n: Int, month: YearMonth) {
        late.append(monthTemplate(person.spells[n]).draft(month: month, socialInsurancePaid: false, pensionPaid: false))
    }

    func monthTemplate(_ spell: SyntheticCity.Spell) -> MonthTemplate {
        MonthTemplate(stream: "employment:\(spell.employer):\(spell.contract)", employee: id, employer: spell.employer,
                      insuredIn: place.code, source: place.insurance, actor: place.actor)
    }
}
