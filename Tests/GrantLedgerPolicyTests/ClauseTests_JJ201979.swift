import GrantLedgerEvents
@testable import GrantLedgerPolicy
import Testing

/// JJ-2019-79 (晋政办〔2019〕79号), in force 2019-12-20 to 2021-12-31: one suite per money
/// clause. Amounts are worked out by hand from the document (POLICIES.md) and the catalog's
/// readings (Policies/JJ-2019-79.yaml); 5.2's 60% advance is tested on every staged clause.
@Suite("JJ-2019-79: Jinjiang skills upgrading action 2019-2021")
enum ClauseTests_JJ201979 {
    static let enterprise = "91350582MAJJ790001"   // an enterprise in 陈埭镇
    static let other = "91350582MAJJ790002"        // another enterprise in 安海镇
    static let institution = "52350582MJJJ790003"  // a training institution in 青阳街道
    static let organisation = "52350582MJJJ790004" // a base or studio in 350582
    static let worker = "worker-jj"

    static func only(_ given: Given, _ clause: String, on day: String = "2021-12-31") throws -> Entitlement {
        let found = given.entitlements(clause, on: day)
        try #require(found.count == 1, "expected one \(clause) entitlement, got \(found.map { "\($0.status) \($0.explanation.refusal?.description ?? "")" })")
        return found[0]
    }

    /// Months recorded with social insurance paid, and pension paid or not.
    static func insured(_ given: inout Given, _ person: String, with employer: String, from first: String, count: Int,
                        pension: Bool, insuredIn: String = "350582") {
        var month = YearMonth(first)!
        for _ in 0..<count {
            given.event("employment.month-recorded", on: month.lastDay.description, [
                "employee": .string(person), "employer": .string(employer), "month": .string(month.description),
                "socialInsurancePaid": true, "pensionPaid": .bool(pension), "insuredIn": .string(insuredIn),
            ])
            month = month.adding(months: 1)
        }
    }

    /// A worker of `enterprise` (hired on `hired`, two insured months from then) trained in a
    /// class the enterprise files under Jinjiang's policies; completion and assessment on
    /// `day`, then (unless `certificate` is nil) a certificate. Returns the log and the id of
    /// the triggering event (the certificate, else the assessment).
    static func trained(kind: String, projectBased: Bool = false, group: KeyGroup? = nil, registeredIn: String = "350582",
                        hired: String? = "2020-01-06", contract: String = "fixed-term", contractMonths: Int64 = 24,
                        pension: Bool = true, dispatch: Bool = false, keyIndustry: String? = nil, rating: String? = nil,
                        organiser: String = enterprise, certificate: CertificateKind? = .trainingPass, level: String? = nil,
                        occupation: String = "缝纫工", jurisdiction: String = "350582", division: String = "陈埭镇",
                        department: String? = nil, start: String = "2020-03-02", day: String = "2020-03-20",
                        classId: String = "JJ-C1", number: String = "JJ-CERT-1") -> (given: Given, key: String) {
        var given = Given()
        given.enterprise(enterprise, division: "陈埭镇", keyIndustry: keyIndustry)
        given.institution(institution, division: "青阳街道")
        if let rating { given.rating(organiser, rating, on: "2020-01-02") }
        given.person(worker, registeredIn: registeredIn)
        if let group { given.group(worker, group) }
        if let hired {
            given.employ(worker, by: enterprise, on: hired, contract: contract, months: contractMonths, dispatch: dispatch)
            insured(&given, worker, with: enterprise, from: String(hired.prefix(7)), count: 2, pension: pension)
        }
        given.classFiled(classId, by: organiser, kind: kind, occupation: occupation, projectBased: projectBased, jurisdiction: jurisdiction,
                         division: division, start: start, end: day, department: department)
        given.enrol(worker, in: classId, on: start, employer: hired == nil ? nil : enterprise)
        given.complete(worker, in: classId, on: day)
        given.assess(worker, in: classId, on: day)
        var key = lastID(given)
        if let certificate {
            key = given.certificate(number, to: worker, kind: certificate, occupation: occupation, level: level, classId: classId,
                                    employer: hired == nil ? nil : enterprise, on: day)
        }
        return (given, key)
    }

    /// 5.2: with the training done and no certificate yet, 60% is due in advance; with the
    /// certificate, both tranches are due.
    static func checkStaging(_ clause: String, total: Int64, uncertified: Given, certified: Given) throws {
        let advance = total * 60 / 100, balance = total - advance
        let waiting = try only(uncertified, clause)
        #expect(waiting.status == .awaitingEvidence)
        #expect(waiting.amount == yuan(advance))
        #expect(waiting.tranches.map(\.amount) == [yuan(advance), yuan(balance)])
        #expect(waiting.tranches.map(\.state) == [.due, .waiting])
        #expect(waiting.tranches.map(\.dueDate) == [date("2020-03-20"), nil])
        #expect(waiting.explanation.refusal?.reason == "certificate.kind is not recorded yet")
        let done = try only(certified, clause)
        #expect(done.status == .eligible)
        #expect(done.amount == yuan(total))
        #expect(done.tranches.map(\.amount) == [yuan(advance), yuan(balance)])
        #expect(done.tranches.map(\.state) == [.due, .due])
        #expect(done.explanation.arithmetic.contains("JJ-2019-79/5.2: \(yuan(total)) × 60% = \(yuan(advance)) in advance, \(yuan(balance)) after results"))
    }

    static let registeredElsewhere = "person.registeredIn is 350203, the rule requires any of 350582, 晋江市"

    // MARK: - 6.1

    @Suite("JJ-2019-79/6.1: pre-job training of new hires, 800 to the enterprise")
    struct PreJob {
        static let clause = "JJ-2019-79/6.1"

        @Test("JJ-2019-79/6.1: a new hire with a 2-year contract trained 2 months after hire: 800")
        func happy() throws {
            // 6.1: 800 per new hire who gets the training-pass certificate
            let (given, key) = trained(kind: "pre-job")
            let entitlement = try only(given, Self.clause)
            #expect(entitlement.status == .eligible)
            #expect(entitlement.amount == yuan(800))
            #expect(entitlement.payee == PayeeRef(kind: .enterprise, id: enterprise))
            #expect(entitlement.subject == worker)
            #expect(cites(entitlement, key))
        }

        @Test("JJ-2019-79/6.1 with 5.2: 60% (480) in advance once trained, 320 after the certificate")
        func staging() throws {
            // 800 × 60% = 480 in advance, 800 − 480 = 320 after results
            try checkStaging(Self.clause, total: 800, uncertified: trained(kind: "pre-job", certificate: nil).given,
                             certified: trained(kind: "pre-job").given)
        }

        struct HireCase: Sendable, CustomTestStringConvertible {
            let hired: String
            let start: String
            let day: String
            let refusal: String?
            var testDescription: String { "hired \(hired), class from \(start)" + (refusal == nil ? ": within a year" : ": too late") }
        }

        // "在招用之日起一年内": at most 11 whole months from the hire to the class's start.
        static let hires: [HireCase] = [
            HireCase(hired: "2020-01-06", start: "2020-12-06", day: "2020-12-20", refusal: nil),  // 11 whole months
            HireCase(hired: "2020-01-06", start: "2021-01-05", day: "2021-01-20", refusal: nil),  // 11 months and 30 days
            HireCase(hired: "2020-01-06", start: "2021-01-06", day: "2021-01-20",
                     refusal: "employment.monthsSinceHire is 12, the rule allows at most 11"),     // 12 months
        ]

        @Test("JJ-2019-79/6.1: trained within one year of the hire", arguments: hires)
        func withinAYear(_ example: HireCase) throws {
            let entitlement = try only(trained(kind: "pre-job", hired: example.hired, start: example.start, day: example.day).given, Self.clause)
            #expect(entitlement.status == (example.refusal == nil ? .eligible : .excluded))
            #expect(entitlement.explanation.refusal?.reason == example.refusal)
        }

        struct ContractCase: Sendable, CustomTestStringConvertible {
            let contract: String
            let months: Int64
            let refusal: String?
            var testDescription: String { contract == "open-ended" ? "open-ended contract" : "\(months)-month contract" }
        }

        @Test("JJ-2019-79/6.1: a contract of at least one year", arguments: [
            ContractCase(contract: "fixed-term", months: 12, refusal: nil),
            ContractCase(contract: "open-ended", months: 0, refusal: nil),
            ContractCase(contract: "fixed-term", months: 11, refusal: "employment.contractMonths is 11, the rule requires at least 12"),
        ])
        func contract(_ example: ContractCase) throws {
            let entitlement = try only(trained(kind: "pre-job", contract: example.contract, contractMonths: example.months).given, Self.clause)
            #expect(entitlement.status == (example.refusal == nil ? .eligible : .excluded))
            #expect(entitlement.explanation.refusal?.reason == example.refusal)
        }

        @Test("JJ-2019-79/6.1: a worker registered in Jinjiang by name also qualifies; one registered in Xiamen is excluded", arguments: [
            ("晋江市", String?.none), ("350203", String?.some(registeredElsewhere)),
        ])
        func registration(_ place: String, _ refusal: String?) throws {
            let entitlement = try only(trained(kind: "pre-job", registeredIn: place).given, Self.clause)
            #expect(entitlement.status == (refusal == nil ? .eligible : .excluded))
            #expect(entitlement.explanation.refusal?.reason == refusal)
        }

        @Test("JJ-2019-79/6.1: a certificate dated 2022-01-01, the day after the plan ends, is expired")
        func expired() throws {
            let entitlement = try only(trained(kind: "pre-job", hired: "2021-11-01", start: "2021-12-13", day: "2022-01-01").given,
                                       Self.clause, on: "2022-06-30")
            #expect(entitlement.status == .expired)
            #expect(entitlement.amount == nil)
            #expect(entitlement.explanation.refusal?.reason == "the fact is dated 2022-01-01, after JJ-2019-79 ended on 2021-12-31")
        }

        @Test("JJ-2019-79/6.1: a pre-job class filed under Xiamen's policies earns nothing here")
        func otherJurisdiction() {
            #expect(trained(kind: "pre-job", jurisdiction: "350200", division: "思明区").given.entitlements(Self.clause, on: "2021-12-31").isEmpty)
        }
    }

    // MARK: - 6.2-a

    @Suite("JJ-2019-79/6.2-a: job-skills upgrading of employees, 800 to the enterprise")
    struct SkillsUpgrading {
        static let clause = "JJ-2019-79/6.2-a"

        // 6.2-a: 800 per employee who passes and gets a certificate (any of the three kinds).
        @Test("JJ-2019-79/6.2-a: 800 for a training-pass, qualification or skill-level certificate", arguments: [
            CertificateKind.trainingPass, .vocationalQualification, .skillLevel,
        ])
        func kinds(_ kind: CertificateKind) throws {
            let (given, key) = trained(kind: "skills-upgrading", certificate: kind, level: kind == .trainingPass ? nil : "L4")
            let entitlement = try only(given, Self.clause)
            #expect(entitlement.status == .eligible)
            #expect(entitlement.amount == yuan(800))
            #expect(entitlement.payee == PayeeRef(kind: .enterprise, id: enterprise))
            #expect(cites(entitlement, key))
        }

        @Test("JJ-2019-79/6.2-a: a special-ability certificate is not one of the three")
        func specialAbility() throws {
            let entitlement = try only(trained(kind: "skills-upgrading", certificate: .specialAbility).given, Self.clause)
            #expect(entitlement.status == .excluded)
            #expect(entitlement.explanation.refusal?.reason
                == "certificate.kind is special-ability, the rule requires one of training-pass, vocational-qualification, skill-level")
        }

        @Test("JJ-2019-79/6.2-a: no pension insurance paid by the enterprise: excluded")
        func noPension() throws {
            let entitlement = try only(trained(kind: "skills-upgrading", pension: false).given, Self.clause)
            #expect(entitlement.status == .excluded)
            #expect(entitlement.explanation.refusal?.reason == "employment.pensionPaid is false, the rule requires true")
        }

        @Test("JJ-2019-79/6.2-a: a labour-dispatch worker trained by the using enterprise qualifies (catalog's reading)")
        func dispatch() throws {
            #expect(try only(trained(kind: "skills-upgrading", dispatch: true).given, Self.clause).amount == yuan(800))
        }

        @Test("JJ-2019-79/6.2-a with 5.2: 480 in advance, 320 after the certificate")
        func staging() throws {
            try checkStaging(Self.clause, total: 800, uncertified: trained(kind: "skills-upgrading", certificate: nil).given,
                             certified: trained(kind: "skills-upgrading").given)
        }

        @Test("JJ-2019-79/6.2-a: a certificate dated 2022-01-01 is expired")
        func expired() throws {
            let given = trained(kind: "skills-upgrading", start: "2021-12-13", day: "2022-01-01").given
            #expect(try only(given, Self.clause, on: "2022-06-30").status == .expired)
        }

        @Test("JJ-2019-79/6.2-a: a class filed under Xiamen's policies earns nothing here")
        func otherJurisdiction() {
            #expect(trained(kind: "skills-upgrading", jurisdiction: "350200", division: "思明区").given.entitlements(Self.clause, on: "2021-12-31").isEmpty)
        }
    }

    // MARK: - 6.2-b

    @Suite("JJ-2019-79/6.2-b: certificate subsidy to the employee, 700 to 3000 by level")
    struct CertificateByLevel {
        static let clause = "JJ-2019-79/6.2-b"

        /// A certificate (not from a class) of an employee of `enterprise` since 2020-01-06.
        static func given(level: String?, kind: CertificateKind = .skillLevel, registeredIn: String = "350582", contractMonths: Int64 = 24,
                          pension: Bool = true, employerDivision: String = "陈埭镇", insuredIn: String = "350582",
                          on day: String = "2020-06-15") -> (given: Given, key: String) {
            var given = Given()
            given.enterprise(enterprise, division: employerDivision)
            given.person(worker, registeredIn: registeredIn)
            given.employ(worker, by: enterprise, on: "2020-01-06", months: contractMonths)
            insured(&given, worker, with: enterprise, from: "2020-01", count: 3, pension: pension, insuredIn: insuredIn)
            let key = given.certificate("JJ-CERT-B", to: worker, kind: kind, level: level, employer: enterprise, on: day)
            return (given, key)
        }

        struct Case: Sendable, CustomTestStringConvertible {
            let level: String
            let amount: Int64
            var testDescription: String { "\(level): \(amount)" }
        }

        // 6.2-b: 初级工(五级) 700, 中级工(四级) 1000, 高级工(三级) 1500, 技师(二级) 2000, 高级技师(一级) 3000.
        @Test("JJ-2019-79/6.2-b: by the certificate's level", arguments: [
            Case(level: "L5", amount: 700), Case(level: "L4", amount: 1000), Case(level: "L3", amount: 1500),
            Case(level: "L2", amount: 2000), Case(level: "L1", amount: 3000),
        ])
        func levels(_ example: Case) throws {
            let (given, key) = Self.given(level: example.level)
            let entitlement = try only(given, Self.clause)
            #expect(entitlement.status == .eligible)
            #expect(entitlement.amount == yuan(example.amount))
            #expect(entitlement.payee == PayeeRef(kind: .worker, id: worker))
            #expect(cites(entitlement, key))
        }

        @Test("JJ-2019-79/6.2-b: a vocational qualification is paid by the same table")
        func qualification() throws {
            #expect(try only(Self.given(level: "L3", kind: .vocationalQualification).given, Self.clause).amount == yuan(1500))
        }

        @Test("JJ-2019-79/6.2-b: no level recorded: awaiting evidence")
        func noLevel() throws {
            let entitlement = try only(Self.given(level: nil, kind: .vocationalQualification).given, Self.clause)
            #expect(entitlement.status == .awaitingEvidence)
            #expect(entitlement.explanation.refusal?.reason == "certificate.level is not recorded yet, so the tier is unknown")
        }

        @Test("JJ-2019-79/6.2-b: a contract under a year, no pension, or a registration outside Jinjiang is excluded", arguments: [
            ("contract", "employment.contractMonths is 6, the rule requires at least 12"),
            ("pension", "employment.pensionPaid is false, the rule requires true"),
            ("registration", registeredElsewhere),
        ])
        func conditions(_ failing: String, _ refusal: String) throws {
            let given = Self.given(level: "L4", registeredIn: failing == "registration" ? "350203" : "350582",
                                   contractMonths: failing == "contract" ? 6 : 24, pension: failing != "pension").given
            let entitlement = try only(given, Self.clause)
            #expect(entitlement.status == .excluded)
            #expect(entitlement.explanation.refusal?.reason == refusal)
        }

        @Test("JJ-2019-79/6.2-b: a worker of a Xiamen employer, registered and insured in Xiamen, earns nothing here")
        func otherJurisdiction() {
            #expect(Self.given(level: "L4", registeredIn: "350203", employerDivision: "思明区", insuredIn: "350203").given
                .entitlements(Self.clause, on: "2021-12-31").isEmpty)
        }

        @Test("JJ-2019-79/6.2-b: a certificate dated 2022-01-01 is expired")
        func expired() throws {
            #expect(try only(Self.given(level: "L4", on: "2022-01-01").given, Self.clause, on: "2022-06-30").status == .expired)
        }
    }

    // MARK: - 6.3

    @Suite("JJ-2019-79/6.3: staff training by an enterprise in difficulty, 800")
    struct DifficultEnterprise {
        static let clause = "JJ-2019-79/6.3"

        @Test("JJ-2019-79/6.3: an enterprise rated in difficulty gets 800 per certified employee")
        func happy() throws {
            let (given, key) = trained(kind: "difficult-enterprise", rating: "enterprise-in-difficulty")
            let entitlement = try only(given, Self.clause)
            #expect(entitlement.status == .eligible)
            #expect(entitlement.amount == yuan(800))
            #expect(entitlement.payee == PayeeRef(kind: .enterprise, id: enterprise))
            #expect(cites(entitlement, key))
        }

        @Test("JJ-2019-79/6.3: an enterprise not rated in difficulty is excluded")
        func notRated() throws {
            let entitlement = try only(trained(kind: "difficult-enterprise").given, Self.clause)
            #expect(entitlement.status == .excluded)
            #expect(entitlement.explanation.refusal?.reason == "organiser.ratings is (none), the rule requires any of enterprise-in-difficulty")
        }

        @Test("JJ-2019-79/6.3 with 5.2: 480 in advance, 320 after the certificate")
        func staging() throws {
            try checkStaging(Self.clause, total: 800,
                             uncertified: trained(kind: "difficult-enterprise", rating: "enterprise-in-difficulty", certificate: nil).given,
                             certified: trained(kind: "difficult-enterprise", rating: "enterprise-in-difficulty").given)
        }

        @Test("JJ-2019-79/6.3: a worker registered outside Jinjiang is excluded")
        func registration() throws {
            let entitlement = try only(trained(kind: "difficult-enterprise", registeredIn: "350203", rating: "enterprise-in-difficulty").given, Self.clause)
            #expect(entitlement.status == .excluded)
            #expect(entitlement.explanation.refusal?.reason == registeredElsewhere)
        }

        @Test("JJ-2019-79/6.3: a class filed under Xiamen's policies earns nothing here")
        func otherJurisdiction() {
            #expect(trained(kind: "difficult-enterprise", rating: "enterprise-in-difficulty", jurisdiction: "350200", division: "思明区").given.entitlements(Self.clause, on: "2021-12-31").isEmpty)
        }
    }

    // MARK: - 6.4

    @Suite("JJ-2019-79/6.4: new apprenticeship (企校双制), at least 4000 per apprentice (decided)")
    struct DualSystemApprenticeship {
        static let clause = "JJ-2019-79/6.4"

        static func given(registeredIn: String = "350582", contractMonths: Int64 = 24, division: String = "陈埭镇",
                          on day: String = "2020-04-01") -> (given: Given, key: String) {
            var given = Given()
            given.enterprise(enterprise, division: division)
            given.person(worker, registeredIn: registeredIn)
            given.employ(worker, by: enterprise, on: "2020-01-06", months: contractMonths)
            let key = given.event("apprenticeship.started", on: day, [
                "apprenticeshipId": "JJ-AP-1", "apprentice": .string(worker), "enterprise": .string(enterprise),
                "model": "dual-system", "occupation": "制鞋工", "endDate": "2021-03-31",
            ])
            return (given, key)
        }

        // 6.4: 不低于4000 per person per year: a floor, decided.
        static let cases: [DecisionCase] = [
            DecisionCase(name: "no decision: awaiting one of at least 4000", decision: .none, status: .awaitingDecision, amount: nil,
                         refusal: "the document leaves the amount to a decision (at least ¥4,000.00); none is recorded"),
            DecisionCase(name: "decided 4000 (the floor)", decision: .decided(4000), status: .eligible, amount: 4000, refusal: nil),
            DecisionCase(name: "decided 6000", decision: .decided(6000), status: .eligible, amount: 6000, refusal: nil),
            DecisionCase(name: "decided 3500: below the floor", decision: .decided(3500), status: .awaitingDecision, amount: nil,
                         refusal: "the decided amount ¥3,500.00 is below the minimum ¥4,000.00 of the clause; a new decision within the range is needed"),
            DecisionCase(name: "rejected", decision: .rejected, status: .excluded, amount: nil, refusal: rejected),
        ]

        @Test("JJ-2019-79/6.4: the decision, at least 4000", arguments: cases)
        func decisions(_ example: DecisionCase) throws {
            var (given, key) = Self.given()
            record(example.decision, in: &given, clause: Self.clause, payee: .enterprise, enterprise, subject: worker, on: "2020-05-01")
            let entitlement = try only(given, Self.clause)
            // a floor with no ceiling has no closed range to show
            check(entitlement, example, range: nil)
            #expect(entitlement.payee == PayeeRef(kind: .enterprise, id: enterprise))
            #expect(cites(entitlement, key))
        }

        @Test("JJ-2019-79/6.4: a contract under one year or a registration outside Jinjiang is excluded", arguments: [
            ("contract", "employment.contractMonths is 6, the rule requires at least 12"), ("registration", registeredElsewhere),
        ])
        func conditions(_ failing: String, _ refusal: String) throws {
            let given = Self.given(registeredIn: failing == "registration" ? "350203" : "350582", contractMonths: failing == "contract" ? 6 : 24).given
            let entitlement = try only(given, Self.clause)
            #expect(entitlement.status == .excluded)
            #expect(entitlement.explanation.refusal?.reason == refusal)
        }

        @Test("JJ-2019-79/6.4: an apprenticeship started 2022-01-01 is expired")
        func expired() throws {
            #expect(try only(Self.given(on: "2022-01-01").given, Self.clause, on: "2022-06-30").status == .expired)
        }

        @Test("JJ-2019-79/6.4: an enterprise in Xiamen earns nothing here")
        func otherJurisdiction() {
            #expect(Self.given(division: "思明区").given.entitlements(Self.clause, on: "2021-12-31").isEmpty)
        }
    }

    // MARK: - 6.5

    @Suite("JJ-2019-79/6.5: safety skills training in high-risk industries, 800 per first certificate")
    struct Safety {
        static let clause = "JJ-2019-79/6.5"

        @Test("JJ-2019-79/6.5: a first special-operation or training-pass certificate: 800", arguments: [
            CertificateKind.specialOperation, .trainingPass,
        ])
        func kinds(_ kind: CertificateKind) throws {
            let (given, key) = trained(kind: "safety", certificate: kind, occupation: "焊工")
            let entitlement = try only(given, Self.clause)
            #expect(entitlement.status == .eligible)
            #expect(entitlement.amount == yuan(800))
            #expect(entitlement.payee == PayeeRef(kind: .enterprise, id: enterprise))
            #expect(cites(entitlement, key))
        }

        @Test("JJ-2019-79/6.5: not the first certificate of its kind and occupation (初次取得): excluded")
        func notFirst() throws {
            var (given, _) = trained(kind: "safety", certificate: .specialOperation, occupation: "焊工")
            given.classFiled("JJ-C2", by: enterprise, kind: "safety", occupation: "焊工", projectBased: false, jurisdiction: "350582",
                             division: "陈埭镇", start: "2020-09-01", end: "2020-09-20")
            given.trained(worker, in: "JJ-C2", certificate: "JJ-CERT-2", kind: .specialOperation, occupation: "焊工", on: "2020-09-20",
                          employer: enterprise)
            let found = given.entitlements(Self.clause, on: "2021-12-31")
            try #require(found.count == 2)
            #expect(found.map(\.status) == [.eligible, .excluded])
            #expect(found[1].explanation.refusal?.reason == "certificate.firstOfKind is false, the rule requires true")
        }

        @Test("JJ-2019-79/6.5 with 5.2: 480 in advance, 320 after the certificate")
        func staging() throws {
            try checkStaging(Self.clause, total: 800, uncertified: trained(kind: "safety", certificate: nil).given,
                             certified: trained(kind: "safety").given)
        }

        @Test("JJ-2019-79/6.5: a safety class filed in Xiamen earns nothing here")
        func otherJurisdiction() {
            #expect(trained(kind: "safety", jurisdiction: "350200", division: "思明区").given.entitlements(Self.clause, on: "2021-12-31").isEmpty)
        }
    }

    // MARK: - 6.6

    @Suite("JJ-2019-79/6.6: training in Jinjiang key-industry occupations, 1000")
    struct KeyIndustry {
        static let clause = "JJ-2019-79/6.6"

        // 6.6: 1000 per employee of a textile, shoe, petrochemical or machinery enterprise.
        @Test("JJ-2019-79/6.6: each of the four key industries: 1000", arguments: ["textile-garment", "shoes", "petrochemical", "machinery"])
        func industries(_ industry: String) throws {
            let (given, key) = trained(kind: "key-industry", keyIndustry: industry)
            let entitlement = try only(given, Self.clause)
            #expect(entitlement.status == .eligible)
            #expect(entitlement.amount == yuan(1000))
            #expect(entitlement.payee == PayeeRef(kind: .enterprise, id: enterprise))
            #expect(cites(entitlement, key))
        }

        @Test("JJ-2019-79/6.6: an enterprise outside the key industries is excluded")
        func otherIndustry() throws {
            let entitlement = try only(trained(kind: "key-industry").given, Self.clause)
            #expect(entitlement.status == .excluded)
            #expect(entitlement.explanation.refusal?.reason
                == "employer.keyIndustry is none, the rule requires one of textile-garment, shoes, petrochemical, machinery")
        }

        @Test("JJ-2019-79/6.6: a contract under one year is excluded")
        func shortContract() throws {
            let entitlement = try only(trained(kind: "key-industry", contractMonths: 6, keyIndustry: "shoes").given, Self.clause)
            #expect(entitlement.status == .excluded)
            #expect(entitlement.explanation.refusal?.reason == "employment.contractMonths is 6, the rule requires at least 12")
        }

        @Test("JJ-2019-79/6.6 with 5.2: 600 in advance, 400 after the certificate")
        func staging() throws {
            // 1000 × 60% = 600, 1000 − 600 = 400
            try checkStaging(Self.clause, total: 1000, uncertified: trained(kind: "key-industry", keyIndustry: "shoes", certificate: nil).given,
                             certified: trained(kind: "key-industry", keyIndustry: "shoes").given)
        }

        @Test("JJ-2019-79/6.6: a class filed under Xiamen's policies earns nothing here")
        func otherJurisdiction() {
            #expect(trained(kind: "key-industry", keyIndustry: "shoes", jurisdiction: "350200", division: "思明区").given.entitlements(Self.clause, on: "2021-12-31").isEmpty)
        }
    }

    // MARK: - 6.7

    @Suite("JJ-2019-79/6.7: work in place of training (以工代训), 200 a month for at most 6 months")
    struct WorkInPlaceOfTraining {
        static let clause = "JJ-2019-79/6.7"

        /// A worker of `group` hired on `hired` by `enterprise`, with `months` insured months from the hire month.
        static func given(group: KeyGroup? = .povertyHousehold, registeredIn: String = "350582", hired: String = "2020-03-02",
                          months: Int, skipping: Set<String> = [], division: String = "陈埭镇", insuredIn: String = "350582")
            -> (given: Given, key: String) {
            var given = Given()
            given.enterprise(enterprise, division: division)
            given.person(worker, registeredIn: registeredIn)
            if let group { given.group(worker, group, since: "2019-12-01") }
            given.employ(worker, by: enterprise, on: hired)
            let key = lastID(given)
            given.months(worker, with: enterprise, from: String(hired.prefix(7)), count: months, insuredIn: insuredIn, skipping: skipping)
            return (given, key)
        }

        struct Case: Sendable, CustomTestStringConvertible {
            let name: String
            let months: Int
            var skipping: Set<String> = []
            let counted: Int
            var testDescription: String { name }
        }

        // 200 × qualifying months, at most 6.
        static let cases: [Case] = [
            Case(name: "5 months: 5 × 200 = 1000", months: 5, counted: 5),
            Case(name: "6 months: 6 × 200 = 1200", months: 6, counted: 6),
            Case(name: "8 months: 6 × 200 = 1200 (at most 6)", months: 8, counted: 6),
            Case(name: "2020-03 to 2020-08 with 2020-05 missing: 5 × 200 = 1000", months: 6, skipping: ["2020-05"], counted: 5),
            Case(name: "2020-03 to 2020-10 with 2020-05 missing: 7 qualifying, 6 × 200 = 1200", months: 8, skipping: ["2020-05"], counted: 6),
        ]

        @Test("JJ-2019-79/6.7: 200 for each month of social insurance paid, at most 6", arguments: cases)
        func months(_ example: Case) throws {
            let (given, key) = Self.given(months: example.months, skipping: example.skipping)
            let entitlement = try only(given, Self.clause)
            #expect(entitlement.status == .eligible)
            #expect(entitlement.amount == yuan(200 * Int64(example.counted)))
            #expect(entitlement.tranches.count == example.counted)
            #expect(entitlement.tranches.allSatisfy { $0.amount == yuan(200) && $0.state == .due })
            for missing in example.skipping { #expect(!entitlement.tranches.contains { $0.label == missing }) }
            #expect(entitlement.payee == PayeeRef(kind: .enterprise, id: enterprise))
            #expect(cites(entitlement, key))
        }

        @Test("JJ-2019-79/6.7: each of the three groups qualifies", arguments: [
            KeyGroup.povertyHousehold, .employmentDifficulty, .zeroEmploymentFamily,
        ])
        func groups(_ group: KeyGroup) throws {
            #expect(try only(Self.given(group: group, months: 6).given, Self.clause).amount == yuan(1200))
        }

        @Test("JJ-2019-79/6.7: a worker in none of the groups is not the clause's business")
        func noGroup() {
            #expect(Self.given(group: .migrantWorker, months: 6).given.entitlements(Self.clause, on: "2021-12-31").isEmpty)
        }

        @Test("JJ-2019-79/6.7: no insured month yet: awaiting evidence")
        func noMonthYet() throws {
            let entitlement = try only(Self.given(months: 0).given, Self.clause)
            #expect(entitlement.status == .awaitingEvidence)
            #expect(entitlement.explanation.refusal?.reason == "no month with social insurance paid by the employer is recorded yet")
        }

        @Test("JJ-2019-79/6.7: months after the worker left do not count")
        func afterLeaving() throws {
            var (given, _) = Self.given(months: 6)
            given.leave(worker, from: enterprise, on: "2020-05-15")
            // 2020-03, 04, 05 counted: 3 × 200 = 600
            #expect(try only(given, Self.clause).amount == yuan(600))
        }

        @Test("JJ-2019-79/6.7: months after 2021-12 fall outside the plan")
        func afterThePlan() throws {
            let entitlement = try only(Self.given(hired: "2021-10-08", months: 6).given, Self.clause, on: "2022-06-30")
            // 2021-10, 11, 12 counted: 3 × 200 = 600
            #expect(entitlement.amount == yuan(600))
            #expect(entitlement.tranches.map(\.state) == [.due, .due, .due, .forfeited, .forfeited, .forfeited])
            #expect(entitlement.explanation.arithmetic.contains("2022-01, 2022-02, 2022-03 not released by 2021-12-31, when JJ-2019-79 ended: forfeited; ¥600.00 due"))
        }

        @Test("JJ-2019-79/6.7: a worker registered outside Jinjiang is excluded")
        func registration() throws {
            let entitlement = try only(Self.given(registeredIn: "350203", months: 6).given, Self.clause)
            #expect(entitlement.status == .excluded)
            #expect(entitlement.explanation.refusal?.reason == registeredElsewhere)
        }

        @Test("JJ-2019-79/6.7: a hire on 2022-01-04 is expired")
        func expired() throws {
            let entitlement = try only(Self.given(hired: "2022-01-04", months: 3).given, Self.clause, on: "2022-06-30")
            #expect(entitlement.status == .expired)
            #expect(entitlement.explanation.refusal?.reason == "the fact is dated 2022-01-04, after JJ-2019-79 ended on 2021-12-31")
        }

        @Test("JJ-2019-79/6.7: a hire by a Xiamen employer, insured in Xiamen, earns nothing here")
        func otherJurisdiction() {
            #expect(Self.given(months: 6, division: "思明区", insuredIn: "350203").given.entitlements(Self.clause, on: "2021-12-31").isEmpty)
        }
    }

    @Suite("JJ-2019-79/6.7 × 6.1: work in place of training and pre-job training are not paid together")
    struct NotCombinable {
        @Test("JJ-2019-79/6.7 first: hired 2020-03-02, pre-job certificate 2020-03-20: 6.1 is excluded")
        func workFirst() throws {
            var (given, _) = WorkInPlaceOfTraining.given(months: 6)
            let hire = given.facts.first { $0.type == "employment.started" }!.eventID
            given.classFiled("JJ-C1", by: enterprise, kind: "pre-job", projectBased: false, jurisdiction: "350582", division: "陈埭镇",
                             start: "2020-03-09", end: "2020-03-20")
            given.trained(worker, in: "JJ-C1", certificate: "JJ-CERT-1", on: "2020-03-20", employer: enterprise)
            let work = try only(given, "JJ-2019-79/6.7")
            #expect(work.status == .eligible)
            #expect(work.amount == yuan(1200))
            let preJob = try only(given, "JJ-2019-79/6.1")
            #expect(preJob.status == .excluded)
            #expect(preJob.amount == nil)
            #expect(preJob.explanation.refusal?.clause == "JJ-2019-79/6.7")
            #expect(preJob.explanation.refusal?.reason
                == "not combinable with JJ-2019-79/6.7 for the same worker, granted first on 2020-03-02 (JJ-2019-79/6.7#employment:\(hire))")
        }

        @Test("JJ-2019-79/6.1 first: pre-job certificate 2020-03-20, then a 6.7 hire elsewhere on 2020-07-01: 6.7 is excluded")
        func trainingFirst() throws {
            var given = trained(kind: "pre-job").given
            given.leave(worker, from: enterprise, on: "2020-06-30")
            given.enterprise(other, division: "安海镇")
            given.group(worker, .employmentDifficulty, since: "2020-06-01")
            given.employ(worker, by: other, on: "2020-07-01")
            given.months(worker, with: other, from: "2020-07", count: 6, insuredIn: "350582")
            let preJob = try only(given, "JJ-2019-79/6.1")
            #expect(preJob.status == .eligible)
            #expect(preJob.amount == yuan(800))
            let work = try only(given, "JJ-2019-79/6.7")
            #expect(work.status == .excluded)
            #expect(work.amount == nil)
            #expect(work.tranches.allSatisfy { $0.state == .forfeited })
            #expect(work.explanation.refusal?.reason
                == "not combinable with JJ-2019-79/6.1 for the same worker, granted first on 2020-03-20 (JJ-2019-79/6.1#class:JJ-C1/\(worker))")
        }

        @Test("JJ-2019-79/6.7 × 6.1: different workers are not affected")
        func differentWorkers() throws {
            var (given, _) = WorkInPlaceOfTraining.given(months: 6)
            given.person("worker-jj-2", registeredIn: "350582")
            given.employ("worker-jj-2", by: enterprise, on: "2020-03-02")
            given.classFiled("JJ-C1", by: enterprise, kind: "pre-job", projectBased: false, jurisdiction: "350582", division: "陈埭镇",
                             start: "2020-03-09", end: "2020-03-20")
            given.trained("worker-jj-2", in: "JJ-C1", certificate: "JJ-CERT-2", on: "2020-03-20", employer: enterprise)
            #expect(try only(given, "JJ-2019-79/6.7").status == .eligible)
            #expect(try only(given, "JJ-2019-79/6.1").status == .eligible)
        }
    }

    // MARK: - 6.8, 6.9

    @Suite("JJ-2019-79/6.8: prisoners and compulsory-detox persons, 800 to the organising department")
    struct PrisonerDetox {
        static let clause = "JJ-2019-79/6.8"

        @Test("JJ-2019-79/6.8: 800 to the department named on the class, whatever the trainee's registration")
        func happy() throws {
            let (given, key) = trained(kind: "prisoner-detox", group: .prisonerOrDetox, registeredIn: "350203", hired: nil,
                                       organiser: institution, department: "司法局")
            let entitlement = try only(given, Self.clause)
            #expect(entitlement.status == .eligible)
            #expect(entitlement.amount == yuan(800))
            #expect(entitlement.payee == PayeeRef(kind: .department, id: "司法局"))
            #expect(cites(entitlement, key))
        }

        @Test("JJ-2019-79/6.8: no department on the class: the organiser is paid")
        func noDepartment() throws {
            let entitlement = try only(trained(kind: "prisoner-detox", hired: nil, organiser: institution).given, Self.clause)
            #expect(entitlement.payee == PayeeRef(kind: .department, id: institution))
        }

        @Test("JJ-2019-79/6.8: a certificate other than training-pass is excluded")
        func wrongCertificate() throws {
            let entitlement = try only(trained(kind: "prisoner-detox", hired: nil, organiser: institution, certificate: .specialAbility).given, Self.clause)
            #expect(entitlement.status == .excluded)
            #expect(entitlement.explanation.refusal?.reason == "certificate.kind is special-ability, the rule requires training-pass")
        }

        @Test("JJ-2019-79/6.8: a certificate dated 2022-01-01 is expired")
        func expired() throws {
            let given = trained(kind: "prisoner-detox", hired: nil, organiser: institution, start: "2021-12-13", day: "2022-01-01").given
            #expect(try only(given, Self.clause, on: "2022-06-30").status == .expired)
        }

        @Test("JJ-2019-79/6.8: a class filed under Xiamen's policies earns nothing here")
        func otherJurisdiction() {
            #expect(trained(kind: "prisoner-detox", hired: nil, organiser: institution, jurisdiction: "350200", division: "思明区", department: "司法局").given.entitlements(Self.clause, on: "2021-12-31").isEmpty)
        }
    }

    @Suite("JJ-2019-79/6.9: training organised by departments, 800")
    struct DepartmentTraining {
        static let clause = "JJ-2019-79/6.9"

        @Test("JJ-2019-79/6.9: 800 to the department")
        func happy() throws {
            let (given, key) = trained(kind: "department", hired: nil, organiser: institution, department: "人社局")
            let entitlement = try only(given, Self.clause)
            #expect(entitlement.status == .eligible)
            #expect(entitlement.amount == yuan(800))
            #expect(entitlement.payee == PayeeRef(kind: .department, id: "人社局"))
            #expect(cites(entitlement, key))
        }

        @Test("JJ-2019-79/6.9: a trainee registered outside Jinjiang or without a training-pass is excluded", arguments: [
            ("registration", registeredElsewhere), ("certificate", "certificate.kind is skill-level, the rule requires training-pass"),
        ])
        func conditions(_ failing: String, _ refusal: String) throws {
            let given = trained(kind: "department", registeredIn: failing == "registration" ? "350203" : "350582", hired: nil, organiser: institution,
                                certificate: failing == "certificate" ? .skillLevel : .trainingPass, level: failing == "certificate" ? "L4" : nil,
                                department: "人社局").given
            let entitlement = try only(given, Self.clause)
            #expect(entitlement.status == .excluded)
            #expect(entitlement.explanation.refusal?.reason == refusal)
        }

        @Test("JJ-2019-79/6.9: a department class filed in Binjiang earns nothing here")
        func otherJurisdiction() {
            #expect(trained(kind: "department", hired: nil, organiser: institution, jurisdiction: "330108", division: "滨江区",
                            department: "人社局").given.entitlements(Self.clause, on: "2021-12-31").isEmpty)
        }
    }

    // MARK: - 6.10

    @Suite("JJ-2019-79/6.10: workers from paired regions (Ningxia, Tibet, Xinjiang), 1500 to the enterprise")
    struct PairedRegion {
        static let clause = "JJ-2019-79/6.10"

        @Test("JJ-2019-79/6.10: a paired-region worker with a training-pass: 1500")
        func happy() throws {
            let (given, key) = trained(kind: "paired-region", group: .pairedRegionOrigin)
            let entitlement = try only(given, Self.clause)
            #expect(entitlement.status == .eligible)
            #expect(entitlement.amount == yuan(1500))
            #expect(entitlement.payee == PayeeRef(kind: .enterprise, id: enterprise))
            #expect(cites(entitlement, key))
        }

        @Test("JJ-2019-79/6.10: a worker not from a paired region is excluded")
        func notPaired() throws {
            let entitlement = try only(trained(kind: "paired-region", group: .migrantWorker).given, Self.clause)
            #expect(entitlement.status == .excluded)
            #expect(entitlement.explanation.refusal?.reason == "person.groups is migrant-worker, the rule requires any of paired-region-origin")
        }

        @Test("JJ-2019-79/6.10 with 5.2: 900 in advance, 600 after the certificate")
        func staging() throws {
            // 1500 × 60% = 900, 1500 − 900 = 600
            try checkStaging(Self.clause, total: 1500, uncertified: trained(kind: "paired-region", group: .pairedRegionOrigin, certificate: nil).given,
                             certified: trained(kind: "paired-region", group: .pairedRegionOrigin).given)
        }

        @Test("JJ-2019-79/6.10: a class filed under Xiamen's policies earns nothing here")
        func otherJurisdiction() {
            #expect(trained(kind: "paired-region", group: .pairedRegionOrigin, jurisdiction: "350200", division: "思明区").given.entitlements(Self.clause, on: "2021-12-31").isEmpty)
        }
    }

    // MARK: - 5.3

    @Suite("JJ-2019-79/5.3: living allowance for poverty labourers, at most 500 a training, 3 a year")
    struct LivingAllowance {
        static let clause = "JJ-2019-79/5.3"

        /// A poverty-household worker (not employed) trained in `count` project-based classes.
        static func given(count: Int = 1, group: KeyGroup = .povertyHousehold, registeredIn: String = "350582", certificate: Bool = true,
                          year: Int = 2020) -> Given {
            var given = Given()
            given.institution(institution, division: "青阳街道")
            given.person(worker, registeredIn: registeredIn)
            given.group(worker, group)
            for i in 1...count {
                let day = "\(year)-0\(i + 1)-20"
                given.classFiled("JJ-P\(year)-\(i)", by: institution, kind: "employment-skills", projectBased: true, jurisdiction: "350582",
                                 division: "青阳街道", start: "\(year)-0\(i + 1)-01", end: day)
                if certificate {
                    given.trained(worker, in: "JJ-P\(year)-\(i)", certificate: "JJ-L\(year)-\(i)", on: day)
                } else {
                    given.complete(worker, in: "JJ-P\(year)-\(i)", on: day)
                }
            }
            return given
        }

        // 5.3: 每次生活费补贴不超过500元: decided up to 500.
        static let cases: [DecisionCase] = [
            DecisionCase(name: "no decision: awaiting one up to 500", decision: .none, status: .awaitingDecision, amount: nil,
                         refusal: "the document leaves the amount to a decision (at most ¥500.00); none is recorded"),
            DecisionCase(name: "decided 400", decision: .decided(400), status: .eligible, amount: 400, refusal: nil),
            DecisionCase(name: "decided 500", decision: .decided(500), status: .eligible, amount: 500, refusal: nil),
            DecisionCase(name: "decided 600: above the ceiling", decision: .decided(600), status: .awaitingDecision, amount: nil,
                         refusal: "the decided amount ¥600.00 is above the maximum ¥500.00 of the clause; a new decision within the range is needed"),
            DecisionCase(name: "rejected", decision: .rejected, status: .excluded, amount: nil, refusal: rejected),
        ]

        @Test("JJ-2019-79/5.3: the decision, at most 500, paid to the worker", arguments: cases)
        func decisions(_ example: DecisionCase) throws {
            var given = Self.given()
            let certificate = given.facts.first { $0.type == "certificate.issued" }!.eventID
            record(example.decision, in: &given, clause: Self.clause, payee: .worker, worker, subject: worker, on: "2020-03-25")
            let entitlement = try only(given, Self.clause)
            check(entitlement, example, range: yuan(0)...yuan(500))
            #expect(entitlement.payee == PayeeRef(kind: .worker, id: worker))
            #expect(cites(entitlement, certificate))
        }

        @Test("JJ-2019-79/5.3: the poverty-relieved qualify too")
        func povertyRelieved() throws {
            #expect(try only(Self.given(group: .povertyRelieved), Self.clause).status == .awaitingDecision)
        }

        @Test("JJ-2019-79/5.3: a labourer registered outside Jinjiang is excluded")
        func registration() throws {
            let entitlement = try only(Self.given(registeredIn: "350203"), Self.clause)
            #expect(entitlement.status == .excluded)
            #expect(entitlement.explanation.refusal?.reason == registeredElsewhere)
        }

        @Test("JJ-2019-79/5.3: trained but no training-pass yet: awaiting evidence")
        func noCertificate() throws {
            let entitlement = try only(Self.given(certificate: false), Self.clause)
            #expect(entitlement.status == .awaitingEvidence)
            #expect(entitlement.explanation.refusal?.reason == "certificate.kind is not recorded yet")
        }

        @Test("JJ-2019-79/5.3: a project-based class filed under Xiamen's policies earns nothing here")
        func otherJurisdiction() {
            var given = Given()
            given.person(worker, registeredIn: "350582")
            given.group(worker, .povertyHousehold)
            given.classFiled("XM-P1", by: institution, kind: "employment-skills", projectBased: true, jurisdiction: "350200",
                             division: "思明区", start: "2020-02-01", end: "2020-02-20")
            given.trained(worker, in: "XM-P1", certificate: "XM-L1", on: "2020-02-20")
            #expect(given.entitlements(Self.clause, on: "2021-12-31").isEmpty)
        }

        @Test("JJ-2019-79/5.3: a certificate dated 2022-01-01 is expired")
        func expired() throws {
            var given = Given()
            given.person(worker, registeredIn: "350582")
            given.group(worker, .povertyHousehold)
            given.classFiled("JJ-P1", by: institution, kind: "employment-skills", projectBased: true, jurisdiction: "350582",
                             division: "青阳街道", start: "2021-12-06", end: "2022-01-01")
            given.trained(worker, in: "JJ-P1", certificate: "JJ-L1", on: "2022-01-01")
            #expect(try only(given, Self.clause, on: "2022-06-30").status == .expired)
        }

        @Test("JJ-2019-79/5.3: a 4th living allowance in one year is capped; the next year starts again")
        func threeAYear() {
            var given = Self.given(count: 4)
            given.classFiled("JJ-P2021-1", by: institution, kind: "employment-skills", projectBased: true, jurisdiction: "350582",
                             division: "青阳街道", start: "2021-02-01", end: "2021-02-20")
            given.trained(worker, in: "JJ-P2021-1", certificate: "JJ-L2021-1", on: "2021-02-20")
            let found = given.entitlements(Self.clause, on: "2021-12-31")
            #expect(found.map(\.status) == [.awaitingDecision, .awaitingDecision, .awaitingDecision, .capped, .awaitingDecision])
            #expect(found[3].explanation.refusal?.reason == "the worker already has 3 of this clause in 2020; at most 3 a year")
            #expect(found[3].range == nil)
        }

        @Test("JJ-2019-79/5.3: each training's allowance follows the decision on the application that cites it")
        func decisionPerTraining() throws {
            var given = Self.given(count: 3)
            let certificates = given.facts.filter { $0.type == "certificate.issued" }.map(\.eventID)
            for (i, amount) in [(1, Int64(300)), (2, 400), (3, 500)] {
                given.apply("APP-\(i)", clause: Self.clause, payee: .worker, worker, subject: worker, evidence: [certificates[i - 1]],
                            on: "2020-0\(i + 1)-25")
                given.decide("APP-\(i)", clause: Self.clause, yuan: amount, on: "2020-0\(i + 1)-25")
            }
            let found = given.entitlements(Self.clause, on: "2021-12-31")
            try #require(found.count == 3)
            #expect(found.map(\.status) == [.eligible, .eligible, .eligible])
            #expect(found.map(\.amount) == [yuan(300), yuan(400), yuan(500)])
        }

        @Test("JJ-2019-79/5.3: an application that cites no evidence concerns every training of the worker under the clause")
        func decisionWithoutEvidence() throws {
            var given = Self.given(count: 2)
            given.apply("APP-1", clause: Self.clause, payee: .worker, worker, subject: worker, on: "2020-03-25")
            given.decide("APP-1", clause: Self.clause, yuan: 300, on: "2020-03-25")
            #expect(given.entitlements(Self.clause, on: "2021-12-31").map(\.amount) == [yuan(300), yuan(300)])
        }
    }

    // MARK: - 2.1, 4.1

    @Suite("JJ-2019-79/2.1: high-skill bases, industrial training bases, master studios (as printed)")
    struct BasesAndStudios {
        static let clause = "JJ-2019-79/2.1"

        static func given(_ rating: String, level: String?, division: String = "350582", on day: String = "2020-06-01") -> (given: Given, key: String) {
            var given = Given()
            given.institution(organisation, division: division)
            let key = given.rating(organisation, rating, on: day, level: level)
            return (given, key)
        }

        struct Case: Sendable, CustomTestStringConvertible {
            let rating: String
            let level: String?
            let status: Entitlement.Status
            let amount: Int64?
            let refusal: String?
            var testDescription: String { "\(rating)/\(level ?? "-"): \(amount.map(String.init) ?? status.rawValue)" }
        }

        static let unpaid = "; the clause pays only high-skill-base/national, industrial-training-base/quanzhou, master-studio/national, master-studio/provincial, master-studio/quanzhou"

        // 2.1: 国家级高技能人才培训基地 500万, 泉州市级产业实训基地 100~500万 (decided), 国家级/省级/泉州市级技能大师工作室 20万/10万/15万.
        static let cases: [Case] = [
            Case(rating: "high-skill-base", level: "national", status: .eligible, amount: 5_000_000, refusal: nil),
            Case(rating: "master-studio", level: "national", status: .eligible, amount: 200_000, refusal: nil),
            Case(rating: "master-studio", level: "provincial", status: .eligible, amount: 100_000, refusal: nil),
            Case(rating: "master-studio", level: "quanzhou", status: .eligible, amount: 150_000, refusal: nil),
            Case(rating: "industrial-training-base", level: "quanzhou", status: .awaitingDecision, amount: nil,
                 refusal: "the document leaves the amount to a decision (at least ¥1,000,000.00 and at most ¥5,000,000.00); none is recorded"),
            Case(rating: "master-studio", level: "district", status: .excluded, amount: nil, refusal: "rating.kindAndLevel is master-studio/district" + unpaid),
            Case(rating: "high-skill-base", level: "provincial", status: .excluded, amount: nil, refusal: "rating.kindAndLevel is high-skill-base/provincial" + unpaid),
            Case(rating: "master-studio", level: nil, status: .awaitingEvidence, amount: nil,
                 refusal: "rating.kindAndLevel is not recorded yet, so the tier is unknown"),
        ]

        @Test("JJ-2019-79/2.1: by kind and level", arguments: cases)
        func tiers(_ example: Case) throws {
            let (given, key) = Self.given(example.rating, level: example.level)
            let entitlement = try only(given, Self.clause)
            #expect(entitlement.status == example.status)
            #expect(entitlement.amount == example.amount.map(yuan))
            #expect(entitlement.explanation.refusal?.reason == example.refusal)
            #expect(entitlement.payee == PayeeRef(kind: .organisation, id: organisation))
            #expect(cites(entitlement, key))
            if example.status == .awaitingDecision { #expect(entitlement.range == yuan(1_000_000)...yuan(5_000_000)) }
        }

        static let decisions: [DecisionCase] = [
            DecisionCase(name: "decided 3,000,000", decision: .decided(3_000_000), status: .eligible, amount: 3_000_000, refusal: nil),
            DecisionCase(name: "decided 800,000: below the range", decision: .decided(800_000), status: .awaitingDecision, amount: nil,
                         refusal: "the decided amount ¥800,000.00 is below the minimum ¥1,000,000.00 of the clause; a new decision within the range is needed"),
            DecisionCase(name: "decided 6,000,000: above the range", decision: .decided(6_000_000), status: .awaitingDecision, amount: nil,
                         refusal: "the decided amount ¥6,000,000.00 is above the maximum ¥5,000,000.00 of the clause; a new decision within the range is needed"),
            DecisionCase(name: "rejected", decision: .rejected, status: .excluded, amount: nil, refusal: rejected),
        ]

        @Test("JJ-2019-79/2.1: a Quanzhou industrial training base gets the decision within 1,000,000-5,000,000", arguments: decisions)
        func industrialBase(_ example: DecisionCase) throws {
            var (given, _) = Self.given("industrial-training-base", level: "quanzhou")
            record(example.decision, in: &given, clause: Self.clause, payee: .organisation, organisation, on: "2020-07-01")
            check(try only(given, Self.clause), example, range: yuan(1_000_000)...yuan(5_000_000))
        }

        @Test("JJ-2019-79/2.1: a rating dated 2022-01-01 is expired")
        func expired() throws {
            #expect(try only(Self.given("master-studio", level: "national", on: "2022-01-01").given, Self.clause, on: "2022-06-30").status == .expired)
        }

        @Test("JJ-2019-79/2.1: a studio in Xiamen earns nothing here")
        func otherJurisdiction() {
            #expect(Self.given("master-studio", level: "national", division: "思明区").given.entitlements(Self.clause, on: "2021-12-31").isEmpty)
        }
    }

    @Suite("JJ-2019-79/4.1: facility upgrade for outstanding trainers, 500,000-5,000,000 (decided)")
    struct FacilityUpgrade {
        static let clause = "JJ-2019-79/4.1"

        // 4.1: 50~500万, decided.
        static let cases: [DecisionCase] = [
            DecisionCase(name: "no decision", decision: .none, status: .awaitingDecision, amount: nil,
                         refusal: "the document leaves the amount to a decision (at least ¥500,000.00 and at most ¥5,000,000.00); none is recorded"),
            DecisionCase(name: "decided 2,000,000", decision: .decided(2_000_000), status: .eligible, amount: 2_000_000, refusal: nil),
            DecisionCase(name: "decided 400,000: below", decision: .decided(400_000), status: .awaitingDecision, amount: nil,
                         refusal: "the decided amount ¥400,000.00 is below the minimum ¥500,000.00 of the clause; a new decision within the range is needed"),
            DecisionCase(name: "decided 5,500,000: above", decision: .decided(5_500_000), status: .awaitingDecision, amount: nil,
                         refusal: "the decided amount ¥5,500,000.00 is above the maximum ¥5,000,000.00 of the clause; a new decision within the range is needed"),
            DecisionCase(name: "rejected", decision: .rejected, status: .excluded, amount: nil, refusal: rejected),
        ]

        @Test("JJ-2019-79/4.1: the decision within 500,000-5,000,000", arguments: cases)
        func decisions(_ example: DecisionCase) throws {
            var given = Given()
            record(example.decision, in: &given, clause: Self.clause, payee: .organisation, organisation, on: "2020-09-01")
            let entitlement = try only(given, Self.clause)
            check(entitlement, example, range: yuan(500_000)...yuan(5_000_000))
            #expect(entitlement.payee == PayeeRef(kind: .organisation, id: organisation))
            #expect(entitlement.explanation.facts.first?.type == "application.submitted")
        }

        @Test("JJ-2019-79/4.1: an application dated 2022-01-01 is expired")
        func expired() throws {
            var given = Given()
            given.apply("APP-1", clause: Self.clause, payee: .organisation, organisation, on: "2022-01-01")
            #expect(try only(given, Self.clause, on: "2022-06-30").status == .expired)
        }
    }
}
