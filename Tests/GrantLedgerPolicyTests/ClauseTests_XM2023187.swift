import GrantLedgerEvents
@testable import GrantLedgerPolicy
import Testing

/// XM-2023-187 (厦人社〔2023〕187号), in force 2023-08-24 to 2024-12-31: one suite per money
/// clause, except (九)-b and (九)-c (ReferralTests). Amounts are worked out by hand from the
/// document (POLICIES.md) and the catalog's readings (Policies/XM-2023-187.yaml).
@Suite("XM-2023-187: Xiamen public employment service measures")
enum ClauseTests_XM2023187 {
    static let institution = "52350203MJXM187001"   // a training institution in 思明区
    static let enterprise = "91350206MAXM187002"    // an enterprise in 湖里区
    static let organisation = "52350211MJXM187003"  // a base, park or market operator in 集美区 (350211)
    static let agency = "91350205MAXM187004"        // an HR service agency in 海沧区
    static let binjiang = "91330108MABJ000009"      // an organisation outside Xiamen (滨江区)
    static let trainee = "trainee-xm"

    /// The single entitlement of a clause on a date.
    static func only(_ given: Given, _ clause: String, on day: String) throws -> Entitlement {
        let found = given.entitlements(clause, on: day)
        try #require(found.count == 1, "expected one \(clause) entitlement, got \(found.map { "\($0.status) \($0.explanation.refusal?.description ?? "")" })")
        return found[0]
    }

    /// A trainee of a class filed under Xiamen's policies: completion, assessment, and (unless
    /// `certificate` is nil) a certificate. Returns the log and the id of the triggering event
    /// (the certificate, else the assessment).
    static func trained(kind: String, projectBased: Bool = true, group: KeyGroup? = .migrantWorker,
                        certificate: CertificateKind? = .trainingPass, level: String? = nil, hours: Int64 = 60,
                        offline: Int64 = 60, practical: Int64? = nil, cost: Int64? = nil, organiser: String = institution,
                        jurisdiction: String = "350200", division: String = "思明区", completed: Bool = true,
                        start: String = "2024-03-01", day: String = "2024-03-20") -> (given: Given, key: String) {
        var given = Given()
        given.institution(institution, division: "思明区")
        given.enterprise(enterprise, division: "湖里区")
        given.person(trainee, registeredIn: "350203")
        if let group { given.group(trainee, group) }
        given.classFiled("XM-C1", by: organiser, kind: kind, level: level, hours: hours, offline: offline, practical: practical,
                         projectBased: projectBased, jurisdiction: jurisdiction, division: division, start: start, end: day, cost: cost)
        given.enrol(trainee, in: "XM-C1", on: start)
        if completed { given.complete(trainee, in: "XM-C1", on: day) }
        given.assess(trainee, in: "XM-C1", on: day)
        var key = lastID(given)
        if let certificate {
            key = given.certificate("XM-CERT-1", to: trainee, kind: certificate, level: level, classId: "XM-C1", on: day)
        }
        return (given, key)
    }

    // MARK: - (一)-a

    @Suite("XM-2023-187/(一)-a: employment-skills training subsidy, 1000 per certified key-group trainee")
    struct EmploymentSkills {
        static let clause = "XM-2023-187/(一)-a"

        // (一)-a: 1000 yuan per trainee who passes, for each of the five key groups named.
        @Test("XM-2023-187/(一)-a: each named key group earns the institution 1000", arguments: [
            KeyGroup.migrantWorker, .registeredUnemployed, .employmentDifficulty, .graduateWithinTwoYears, .veteran,
        ])
        func keyGroups(_ group: KeyGroup) throws {
            let (given, key) = trained(kind: "employment-skills", group: group)
            let entitlement = try only(given, Self.clause, on: "2024-12-31")
            #expect(entitlement.status == .eligible)
            #expect(entitlement.amount == yuan(1000))
            #expect(entitlement.payee == PayeeRef(kind: .institution, id: institution))
            #expect(entitlement.subject == trainee)
            #expect(cites(entitlement, key))
        }

        @Test("XM-2023-187/(一)-a: a trainee outside the five key groups is excluded")
        func notKeyGroup() throws {
            let entitlement = try only(trained(kind: "employment-skills", group: .taiwanCompatriot).given, Self.clause, on: "2024-12-31")
            #expect(entitlement.status == .excluded)
            #expect(entitlement.amount == nil)
            #expect(entitlement.explanation.refusal?.reason
                == "person.groups is taiwan-compatriot, the rule requires any of migrant-worker, registered-unemployed, employment-difficulty, graduate-within-two-years, veteran")
        }

        @Test("XM-2023-187/(一)-a: a certificate other than the training-pass is excluded")
        func wrongCertificate() throws {
            let given = trained(kind: "employment-skills", certificate: .skillLevel, level: "L4").given
            let entitlement = try only(given, Self.clause, on: "2024-12-31")
            #expect(entitlement.status == .excluded)
            #expect(entitlement.explanation.refusal?.reason == "certificate.kind is skill-level, the rule requires training-pass")
        }

        @Test("XM-2023-187/(一)-a: passed but no certificate yet: awaiting evidence")
        func noCertificateYet() throws {
            let entitlement = try only(trained(kind: "employment-skills", certificate: nil).given, Self.clause, on: "2024-12-31")
            #expect(entitlement.status == .awaitingEvidence)
            #expect(entitlement.explanation.refusal?.reason == "certificate.kind is not recorded yet")
        }

        @Test("XM-2023-187/(一)-a: a class that is not project-based is not the clause's business")
        func notProjectBased() {
            #expect(trained(kind: "employment-skills", projectBased: false).given.entitlements(Self.clause, on: "2024-12-31").isEmpty)
        }

        @Test("XM-2023-187/(一)-a: a certificate dated the day after 2024-12-31 is expired")
        func expired() throws {
            let given = trained(kind: "employment-skills", start: "2024-12-01", day: "2025-01-01").given
            let entitlement = try only(given, Self.clause, on: "2025-06-30")
            #expect(entitlement.status == .expired)
            #expect(entitlement.amount == nil)
            #expect(entitlement.explanation.refusal?.reason == "the fact is dated 2025-01-01, after XM-2023-187 ended on 2024-12-31")
        }

        @Test("XM-2023-187/(一)-a: a class filed under Jinjiang's policies earns nothing here")
        func otherJurisdiction() {
            let given = trained(kind: "employment-skills", jurisdiction: "350582", division: "陈埭镇").given
            #expect(given.entitlements(Self.clause, on: "2024-12-31").isEmpty)
        }
    }

    // MARK: - (一)-b

    @Suite("XM-2023-187/(一)-b: entrepreneurship training subsidy, 1500 per certified key-group trainee")
    struct Entrepreneurship {
        static let clause = "XM-2023-187/(一)-b"

        // (一)-b: 1500 yuan per trainee of an entrepreneurship class who passes.
        @Test("XM-2023-187/(一)-b: each named key group earns the institution 1500", arguments: [
            KeyGroup.migrantWorker, .registeredUnemployed, .employmentDifficulty, .graduateWithinTwoYears, .veteran,
        ])
        func keyGroups(_ group: KeyGroup) throws {
            let (given, key) = trained(kind: "entrepreneurship", group: group)
            let entitlement = try only(given, Self.clause, on: "2024-12-31")
            #expect(entitlement.status == .eligible)
            #expect(entitlement.amount == yuan(1500))
            #expect(entitlement.payee == PayeeRef(kind: .institution, id: institution))
            #expect(cites(entitlement, key))
            // an entrepreneurship class is not an employment-skills class
            #expect(given.entitlements("XM-2023-187/(一)-a", on: "2024-12-31").isEmpty)
        }

        @Test("XM-2023-187/(一)-b: a trainee in no key group is excluded")
        func noGroup() throws {
            let entitlement = try only(trained(kind: "entrepreneurship", group: nil).given, Self.clause, on: "2024-12-31")
            #expect(entitlement.status == .excluded)
            #expect(entitlement.explanation.refusal?.reason
                == "person.groups is (none), the rule requires any of migrant-worker, registered-unemployed, employment-difficulty, graduate-within-two-years, veteran")
        }

        @Test("XM-2023-187/(一)-b: a certificate the day after the period is expired")
        func expired() throws {
            let entitlement = try only(trained(kind: "entrepreneurship", start: "2024-12-01", day: "2025-01-01").given, Self.clause, on: "2025-01-31")
            #expect(entitlement.status == .expired)
        }

        @Test("XM-2023-187/(一)-b: a class filed in Binjiang earns nothing here")
        func otherJurisdiction() {
            #expect(trained(kind: "entrepreneurship", jurisdiction: "330108", division: "滨江区").given
                .entitlements(Self.clause, on: "2024-12-31").isEmpty)
        }
    }

    // MARK: - (一)-c

    @Suite("XM-2023-187/(一)-c: certificate subsidy to the worker, 500-3000 decided per case")
    struct CertificateSubsidy {
        static let clause = "XM-2023-187/(一)-c"
        static let holder = "worker-xm-c"

        static func given(kind: CertificateKind = .skillLevel, registeredIn: String = "350206", on day: String = "2024-05-10")
            -> (given: Given, key: String) {
            var given = Given()
            given.person(holder, registeredIn: registeredIn)
            let key = given.certificate("XM-CERT-C", to: holder, kind: kind, level: kind == .skillLevel ? "L4" : nil, on: day)
            return (given, key)
        }

        static let range = yuan(500)...yuan(3000)

        // (一)-c: the document prints only 500-3000 per person: a decision inside the range is paid as decided.
        static let cases: [DecisionCase] = [
            DecisionCase(name: "no decision yet: awaiting one within 500-3000", decision: .none, status: .awaitingDecision, amount: nil,
                         refusal: "the document leaves the amount to a decision (at least ¥500.00 and at most ¥3,000.00); none is recorded"),
            DecisionCase(name: "decided 2000: paid 2000", decision: .decided(2000), status: .eligible, amount: 2000, refusal: nil),
            DecisionCase(name: "decided 500 (the floor): paid 500", decision: .decided(500), status: .eligible, amount: 500, refusal: nil),
            DecisionCase(name: "decided 3000 (the ceiling): paid 3000", decision: .decided(3000), status: .eligible, amount: 3000, refusal: nil),
            DecisionCase(name: "decided 3500: above the range, a new decision is needed", decision: .decided(3500), status: .awaitingDecision, amount: nil,
                         refusal: "the decided amount ¥3,500.00 is above the maximum ¥3,000.00 of the clause; a new decision within the range is needed"),
            DecisionCase(name: "decided 400: below the range, a new decision is needed", decision: .decided(400), status: .awaitingDecision, amount: nil,
                         refusal: "the decided amount ¥400.00 is below the minimum ¥500.00 of the clause; a new decision within the range is needed"),
            DecisionCase(name: "application rejected: excluded", decision: .rejected, status: .excluded, amount: nil, refusal: rejected),
        ]

        @Test("XM-2023-187/(一)-c: the amount follows the decision, checked against 500-3000", arguments: cases)
        func decisions(_ example: DecisionCase) throws {
            var (given, key) = Self.given()
            record(example.decision, in: &given, clause: Self.clause, payee: .worker, Self.holder, subject: Self.holder, on: "2024-06-01")
            let entitlement = try only(given, Self.clause, on: "2024-12-31")
            check(entitlement, example, range: Self.range)
            #expect(entitlement.payee == PayeeRef(kind: .worker, id: Self.holder))
            #expect(cites(entitlement, key))
        }

        @Test("XM-2023-187/(一)-c: a rejected application leaves no range to decide in")
        func rejectedHasNoRange() throws {
            var (given, _) = Self.given()
            record(.rejected, in: &given, clause: Self.clause, payee: .worker, Self.holder, subject: Self.holder, on: "2024-06-01")
            let entitlement = try only(given, Self.clause, on: "2024-12-31")
            #expect(entitlement.status == .excluded)
            #expect(entitlement.range == nil)
        }

        @Test("XM-2023-187/(一)-c: only qualification and skill-level certificates qualify", arguments: [
            (CertificateKind.vocationalQualification, true), (.skillLevel, true), (.specialAbility, false), (.trainingPass, false),
            (.specialOperation, false), (.enterpriseAssessment, false),
        ])
        func kinds(_ kind: CertificateKind, _ qualifies: Bool) {
            #expect(Self.given(kind: kind).given.entitlements(Self.clause, on: "2024-12-31").count == (qualifies ? 1 : 0))
        }

        @Test("XM-2023-187/(一)-c: a certificate of a worker registered in Binjiang earns nothing here")
        func otherJurisdiction() {
            #expect(Self.given(registeredIn: "330108").given.entitlements(Self.clause, on: "2024-12-31").isEmpty)
        }

        @Test("XM-2023-187/(一)-c: a certificate dated 2025-01-01 is expired")
        func expired() throws {
            let entitlement = try only(Self.given(on: "2025-01-01").given, Self.clause, on: "2025-03-31")
            #expect(entitlement.status == .expired)
            #expect(entitlement.explanation.refusal?.reason == "the fact is dated 2025-01-01, after XM-2023-187 ended on 2024-12-31")
        }
    }

    // MARK: - (一)-d

    @Suite("XM-2023-187/(一)-d: key-industry project training, the cost per trainee up to 2000")
    struct KeyIndustry {
        static let clause = "XM-2023-187/(一)-d"

        struct Case: Sendable, CustomTestStringConvertible {
            let cost: Int64?
            let amount: Int64?
            let status: Entitlement.Status
            var testDescription: String { cost.map { "cost \($0) → \(amount.map(String.init) ?? "-")" } ?? "no cost recorded" }
        }

        // (一)-d: min(cost per trainee, 2000).
        static let cases: [Case] = [
            Case(cost: 1500, amount: 1500, status: .eligible),   // min(1500, 2000) = 1500
            Case(cost: 2000, amount: 2000, status: .eligible),   // min(2000, 2000) = 2000
            Case(cost: 2600, amount: 2000, status: .eligible),   // min(2600, 2000) = 2000
            Case(cost: nil, amount: nil, status: .awaitingEvidence),
        ]

        @Test("XM-2023-187/(一)-d: the recorded cost, capped at 2000", arguments: cases)
        func cost(_ example: Case) throws {
            let (given, _) = trained(kind: "key-industry", group: nil, cost: example.cost)
            let entitlement = try only(given, Self.clause, on: "2024-12-31")
            #expect(entitlement.status == example.status)
            if example.status == .eligible {
                #expect(entitlement.amount == example.amount.map(yuan))
                #expect(entitlement.payee == PayeeRef(kind: .institution, id: institution))
                #expect(entitlement.explanation.facts.contains { $0.type == "training.completed" })
            } else {
                #expect(entitlement.explanation.refusal?.reason == "class.costPerTrainee is not recorded, so the cost-based amount cannot be worked out")
            }
        }

        @Test("XM-2023-187/(一)-d: a trainee with no completion is excluded")
        func notCompleted() throws {
            let entitlement = try only(trained(kind: "key-industry", cost: 1500, completed: false).given, Self.clause, on: "2024-12-31")
            #expect(entitlement.status == .excluded)
            #expect(entitlement.explanation.refusal?.reason == "training.completed is false, the rule requires true")
        }

        @Test("XM-2023-187/(一)-d: a certificate the day after the period is expired")
        func expired() throws {
            let entitlement = try only(trained(kind: "key-industry", cost: 1500, start: "2024-12-01", day: "2025-01-01").given, Self.clause, on: "2025-01-31")
            #expect(entitlement.status == .expired)
        }

        @Test("XM-2023-187/(一)-d: a key-industry class filed in Jinjiang earns nothing here")
        func otherJurisdiction() {
            #expect(trained(kind: "key-industry", cost: 1500, jurisdiction: "350582", division: "陈埭镇").given
                .entitlements(Self.clause, on: "2024-12-31").isEmpty)
        }
    }

    // MARK: - (二)-a

    @Suite("XM-2023-187/(二)-a: enterprise new apprenticeship (企校双师), 4000-6000 decided per apprentice")
    struct DualMentorApprenticeship {
        static let clause = "XM-2023-187/(二)-a"
        static let apprentice = "apprentice-xm-a"

        static func given(division: String = "湖里区", on day: String = "2024-03-01") -> (given: Given, key: String) {
            var given = Given()
            given.enterprise(enterprise, division: division)
            given.person(apprentice, registeredIn: "350206")
            let key = given.event("apprenticeship.started", on: day, [
                "apprenticeshipId": "XM-AP-1", "apprentice": .string(apprentice), "enterprise": .string(enterprise),
                "model": "dual-mentor", "occupation": "数控车工", "endDate": "2025-02-28",
            ])
            return (given, key)
        }

        // (二)-a: 4000-6000 per person, a range with no formula: the decision is paid if inside it.
        static let cases: [DecisionCase] = [
            DecisionCase(name: "no decision: awaiting one within 4000-6000", decision: .none, status: .awaitingDecision, amount: nil,
                         refusal: "the document leaves the amount to a decision (at least ¥4,000.00 and at most ¥6,000.00); none is recorded"),
            DecisionCase(name: "decided 5000: paid 5000", decision: .decided(5000), status: .eligible, amount: 5000, refusal: nil),
            DecisionCase(name: "decided 6500: above the range", decision: .decided(6500), status: .awaitingDecision, amount: nil,
                         refusal: "the decided amount ¥6,500.00 is above the maximum ¥6,000.00 of the clause; a new decision within the range is needed"),
            DecisionCase(name: "decided 3000: below the range", decision: .decided(3000), status: .awaitingDecision, amount: nil,
                         refusal: "the decided amount ¥3,000.00 is below the minimum ¥4,000.00 of the clause; a new decision within the range is needed"),
            DecisionCase(name: "rejected: excluded", decision: .rejected, status: .excluded, amount: nil, refusal: rejected),
        ]

        @Test("XM-2023-187/(二)-a: the amount follows the decision, checked against 4000-6000", arguments: cases)
        func decisions(_ example: DecisionCase) throws {
            var (given, key) = Self.given()
            record(example.decision, in: &given, clause: Self.clause, payee: .enterprise, enterprise, subject: Self.apprentice, on: "2024-04-01")
            let entitlement = try only(given, Self.clause, on: "2024-12-31")
            check(entitlement, example, range: yuan(4000)...yuan(6000))
            #expect(entitlement.payee == PayeeRef(kind: .enterprise, id: enterprise))
            #expect(cites(entitlement, key))
        }

        @Test("XM-2023-187/(二)-a: an apprenticeship started 2025-01-01 is expired")
        func expired() throws {
            #expect(try only(Self.given(on: "2025-01-01").given, Self.clause, on: "2025-06-30").status == .expired)
        }

        @Test("XM-2023-187/(二)-a: an enterprise in Binjiang earns nothing here")
        func otherJurisdiction() {
            #expect(Self.given(division: "滨江区").given.entitlements(Self.clause, on: "2024-12-31").isEmpty)
        }
    }

    // MARK: - (二)-b

    @Suite("XM-2023-187/(二)-b: graduation-year student apprenticeship, 3000 secondary / 4000 higher vocational")
    struct GraduationYearApprenticeship {
        static let clause = "XM-2023-187/(二)-b"
        static let student = "student-xm-b"

        /// Apprenticeship from 2024-03-01, diploma 2024-06-30, joins the enterprise 2024-07-01,
        /// then `months` months insured in `insuredIn`.
        static func given(schoolLevel: String = "secondary-vocational", classHours: Int64 = 150, joins: Bool = true, months: Int = 1,
                          insuredIn: String = "350206", division: String = "湖里区", start: String = "2024-03-01")
            -> (given: Given, key: String) {
            var given = Given()
            given.enterprise(enterprise, division: division)
            given.person(student, registeredIn: "350206")
            let key = given.event("apprenticeship.started", on: start, [
                "apprenticeshipId": "XM-AP-2", "apprentice": .string(student), "enterprise": .string(enterprise),
                "model": "graduation-year-student", "occupation": "电工", "endDate": "2024-06-30", "plannedHours": 160,
            ])
            given.event("diploma.awarded", on: "2024-06-30", [
                "student": .string(student), "school": "91350200MAXMSCHOOL1", "schoolLevel": .string(schoolLevel), "classHours": .integer(classHours),
            ])
            if joins { given.employ(student, by: enterprise, on: "2024-07-01") }
            given.months(student, with: enterprise, from: "2024-07", count: months, insuredIn: insuredIn)
            return (given, key)
        }

        struct Case: Sendable, CustomTestStringConvertible {
            let name: String
            let schoolLevel: String
            let classHours: Int64
            let status: Entitlement.Status
            let amount: Int64?
            let refusal: String?
            var testDescription: String { name }
        }

        // (二)-b: 中职 3000, 高职 4000 per student; an undergraduate diploma has no printed rate.
        static let cases: [Case] = [
            Case(name: "secondary vocational, 150 hours: 3000", schoolLevel: "secondary-vocational", classHours: 150, status: .eligible, amount: 3000, refusal: nil),
            Case(name: "higher vocational, 200 hours: 4000", schoolLevel: "higher-vocational", classHours: 200, status: .eligible, amount: 4000, refusal: nil),
            Case(name: "undergraduate: no tier", schoolLevel: "undergraduate", classHours: 200, status: .excluded, amount: nil,
                 refusal: "diploma.schoolLevel is undergraduate; the clause pays only higher-vocational, secondary-vocational"),
            Case(name: "149 class hours: below 150", schoolLevel: "higher-vocational", classHours: 149, status: .excluded, amount: nil,
                 refusal: "diploma.classHours is 149, the rule requires at least 150"),
        ]

        @Test("XM-2023-187/(二)-b: by school level, once the student joined and was insured a month", arguments: cases)
        func tiers(_ example: Case) throws {
            let (given, key) = Self.given(schoolLevel: example.schoolLevel, classHours: example.classHours)
            let entitlement = try only(given, Self.clause, on: "2024-12-31")
            #expect(entitlement.status == example.status)
            #expect(entitlement.amount == example.amount.map(yuan))
            #expect(entitlement.explanation.refusal?.reason == example.refusal)
            #expect(entitlement.payee == PayeeRef(kind: .enterprise, id: enterprise))
            #expect(cites(entitlement, key))
            if example.status == .eligible {
                // dated by the first insured month (2024-07, recorded 2024-07-31)
                #expect(entitlement.date == date("2024-07-31"))
            }
        }

        @Test("XM-2023-187/(二)-b: not yet joined the enterprise: awaiting evidence")
        func notJoinedYet() throws {
            let entitlement = try only(Self.given(joins: false, months: 0).given, Self.clause, on: "2024-12-31")
            #expect(entitlement.status == .awaitingEvidence)
            #expect(entitlement.explanation.refusal?.reason == "employment.joinedEnterprise is not recorded yet")
        }

        @Test("XM-2023-187/(二)-b: joined, first insured month not reported yet: awaiting evidence, not excluded")
        func firstMonthNotYetReported() throws {
            // Joined on 2024-07-01, evaluated 2024-07-15: July's social insurance cannot be reported yet.
            let entitlement = try only(Self.given(months: 0).given, Self.clause, on: "2024-07-15")
            #expect(entitlement.status == .awaitingEvidence)
        }

        @Test("XM-2023-187/(二)-b: a month insured outside Xiamen is not 缴纳我市社会保险")
        func insuredOutsideXiamen() throws {
            let entitlement = try only(Self.given(insuredIn: "330108").given, Self.clause, on: "2024-12-31")
            #expect(entitlement.status != .eligible)
        }

        @Test("XM-2023-187/(二)-b: an enterprise in Binjiang earns nothing here")
        func otherJurisdiction() {
            #expect(Self.given(insuredIn: "330108", division: "滨江区").given.entitlements(Self.clause, on: "2024-12-31").isEmpty)
        }
    }

    // MARK: - (三)

    @Suite("XM-2023-187/(三): demonstration-enterprise job-skills training, 1200 per certified trainee")
    struct DemonstrationEnterprise {
        static let clause = "XM-2023-187/(三)"

        static func given(rated: Bool = true, hours: Int64 = 40, offline: Int64 = 20, certificate: CertificateKind = .enterpriseAssessment,
                          day: String = "2024-05-20") -> (given: Given, key: String) {
            var (given, _) = trained(kind: "enterprise-job-skills", group: nil, certificate: nil, hours: hours, offline: offline,
                                     organiser: enterprise, division: "火炬高新区", start: "2024-05-01", day: day)
            if rated { given.rating(enterprise, "demonstration-enterprise", on: "2024-01-15") }
            let key = given.certificate("XM-CERT-3", to: trainee, kind: certificate, classId: "XM-C1", on: day)
            return (given, key)
        }

        struct Case: Sendable, CustomTestStringConvertible {
            let hours: Int64
            let offline: Int64
            let refusal: String?
            var testDescription: String { "\(hours) class hours, \(offline) offline" + (refusal == nil ? ": 1200" : ": excluded") }
        }

        // (三): 1200 per trainee with ≥40 class hours, ≥50% offline.
        static let cases: [Case] = [
            Case(hours: 40, offline: 20, refusal: nil),                                              // 40 h, 20×100/40 = 50%
            Case(hours: 80, offline: 80, refusal: nil),                                              // 80 h, 100%
            Case(hours: 39, offline: 39, refusal: "class.hours is 39, the rule requires at least 40"),
            Case(hours: 40, offline: 19, refusal: "class.offlineSharePercent is 47, the rule requires at least 50"),  // 19×100/40 = 47
        ]

        @Test("XM-2023-187/(三): 1200 when the class has ≥40 hours and ≥50% offline", arguments: cases)
        func hours(_ example: Case) throws {
            let (given, key) = Self.given(hours: example.hours, offline: example.offline)
            let entitlement = try only(given, Self.clause, on: "2024-12-31")
            #expect(entitlement.explanation.refusal?.reason == example.refusal)
            if example.refusal == nil {
                #expect(entitlement.status == .eligible)
                #expect(entitlement.amount == yuan(1200))
                #expect(entitlement.payee == PayeeRef(kind: .enterprise, id: enterprise))
                #expect(cites(entitlement, key))
            } else {
                #expect(entitlement.status == .excluded)
            }
        }

        @Test("XM-2023-187/(三): an enterprise not rated a demonstration enterprise is excluded")
        func notDemonstration() throws {
            let entitlement = try only(Self.given(rated: false).given, Self.clause, on: "2024-12-31")
            #expect(entitlement.status == .excluded)
            #expect(entitlement.explanation.refusal?.reason == "organiser.ratings is (none), the rule requires any of demonstration-enterprise")
        }

        @Test("XM-2023-187/(三): a training-pass certificate is not the enterprise's own assessment certificate")
        func wrongCertificate() throws {
            let entitlement = try only(Self.given(certificate: .trainingPass).given, Self.clause, on: "2024-12-31")
            #expect(entitlement.status == .excluded)
            #expect(entitlement.explanation.refusal?.reason == "certificate.kind is training-pass, the rule requires enterprise-assessment")
        }

        @Test("XM-2023-187/(三): a certificate dated 2025-01-01 is expired")
        func expired() throws {
            #expect(try only(Self.given(day: "2025-01-01").given, Self.clause, on: "2025-01-31").status == .expired)
        }

        @Test("XM-2023-187/(三): an enterprise class filed under Jinjiang's policies earns nothing here")
        func otherJurisdiction() {
            var (given, _) = trained(kind: "enterprise-job-skills", group: nil, certificate: .enterpriseAssessment, hours: 40, offline: 40,
                                     organiser: enterprise, jurisdiction: "350582", division: "陈埭镇")
            given.rating(enterprise, "demonstration-enterprise", on: "2024-01-15")
            #expect(given.entitlements(Self.clause, on: "2024-12-31").isEmpty)
        }
    }

    // MARK: - (四)

    @Suite("XM-2023-187/(四): BRICS+ enterprise training, at most 4000 per certified trainee (decided)")
    struct Brics {
        static let clause = "XM-2023-187/(四)"

        static func given(hours: Int64 = 40, practical: Int64? = 8) -> (given: Given, key: String) {
            trained(kind: "brics", group: nil, hours: hours, offline: hours, practical: practical, organiser: enterprise, division: "湖里区")
        }

        // (四): at most 4000 per trainee, decided.
        static let cases: [DecisionCase] = [
            DecisionCase(name: "no decision: awaiting one up to 4000", decision: .none, status: .awaitingDecision, amount: nil,
                         refusal: "the document leaves the amount to a decision (at most ¥4,000.00); none is recorded"),
            DecisionCase(name: "decided 3200: paid 3200", decision: .decided(3200), status: .eligible, amount: 3200, refusal: nil),
            DecisionCase(name: "decided 4000: paid 4000", decision: .decided(4000), status: .eligible, amount: 4000, refusal: nil),
            DecisionCase(name: "decided 4500: above the ceiling", decision: .decided(4500), status: .awaitingDecision, amount: nil,
                         refusal: "the decided amount ¥4,500.00 is above the maximum ¥4,000.00 of the clause; a new decision within the range is needed"),
            DecisionCase(name: "rejected: excluded", decision: .rejected, status: .excluded, amount: nil, refusal: rejected),
        ]

        @Test("XM-2023-187/(四): the amount follows the decision, at most 4000", arguments: cases)
        func decisions(_ example: DecisionCase) throws {
            var (given, key) = Self.given()
            record(example.decision, in: &given, clause: Self.clause, payee: .enterprise, enterprise, subject: trainee, on: "2024-04-10")
            let entitlement = try only(given, Self.clause, on: "2024-12-31")
            check(entitlement, example, range: yuan(0)...yuan(4000))
            #expect(entitlement.payee == PayeeRef(kind: .enterprise, id: enterprise))
            #expect(cites(entitlement, key))
        }

        struct HoursCase: Sendable, CustomTestStringConvertible {
            let hours: Int64
            let practical: Int64
            let refusal: String
            var testDescription: String { "\(hours) hours, \(practical) practical" }
        }

        @Test("XM-2023-187/(四): fewer than 40 class hours or 8 practical hours at the BRICS base is excluded", arguments: [
            HoursCase(hours: 39, practical: 8, refusal: "class.hours is 39, the rule requires at least 40"),
            HoursCase(hours: 40, practical: 7, refusal: "class.practicalHours is 7, the rule requires at least 8"),
        ])
        func hours(_ example: HoursCase) throws {
            let entitlement = try only(Self.given(hours: example.hours, practical: example.practical).given, Self.clause, on: "2024-12-31")
            #expect(entitlement.status == .excluded)
            #expect(entitlement.explanation.refusal?.reason == example.refusal)
        }

        @Test("XM-2023-187/(四): practical hours not filed: awaiting evidence")
        func practicalUnknown() throws {
            let entitlement = try only(Self.given(practical: nil).given, Self.clause, on: "2024-12-31")
            #expect(entitlement.status == .awaitingEvidence)
            #expect(entitlement.explanation.refusal?.reason == "class.practicalHours is not recorded yet")
        }

        @Test("XM-2023-187/(四): a BRICS class filed under Binjiang's policies earns nothing here")
        func otherJurisdiction() {
            let given = trained(kind: "brics", group: nil, hours: 40, offline: 40, practical: 8, organiser: enterprise,
                                jurisdiction: "330108", division: "滨江区").given
            #expect(given.entitlements(Self.clause, on: "2024-12-31").isEmpty)
        }

        @Test("XM-2023-187/(四): a certificate dated 2025-01-01 is expired")
        func expired() throws {
            let given = trained(kind: "brics", group: nil, hours: 40, offline: 40, practical: 8, organiser: enterprise, division: "湖里区",
                                start: "2024-12-01", day: "2025-01-01").given
            #expect(try only(given, Self.clause, on: "2025-01-31").status == .expired)
        }
    }

    // MARK: - Ratings: (五)-a, (五)-b, (六)-a…(六)-d, (七), (八)

    struct RatingCase: Sendable, CustomTestStringConvertible {
        let name: String
        var level: String? = nil
        var stars: Int64? = nil
        var tier: Int64? = nil
        let status: Entitlement.Status
        let amount: Int64?
        var refusal: String? = nil
        var testDescription: String { name }
    }

    /// An organisation registered in `division`, rated `rating` on `day`.
    static func rated(_ rating: String, level: String? = nil, stars: Int64? = nil, tier: Int64? = nil, upgradedFrom: String? = nil,
                      organisation: String = ClauseTests_XM2023187.organisation, division: String = "350211", on day: String = "2024-04-01")
        -> (given: Given, key: String) {
        var given = Given()
        given.institution(organisation, division: division)
        let key = given.rating(organisation, rating, on: day, level: level, stars: stars, tier: tier, upgradedFrom: upgradedFrom)
        return (given, key)
    }

    static func checkRating(_ clause: String, _ rating: String, _ example: RatingCase, payee: PayeeKind) throws {
        let (given, key) = rated(rating, level: example.level, stars: example.stars, tier: example.tier)
        let entitlement = try only(given, clause, on: "2024-12-31")
        #expect(entitlement.status == example.status)
        #expect(entitlement.amount == example.amount.map(yuan))
        #expect(entitlement.explanation.refusal?.reason == example.refusal)
        #expect(entitlement.payee == PayeeRef(kind: payee, id: organisation))
        #expect(cites(entitlement, key))
    }

    @Suite("XM-2023-187/(五)-a: star-rated employment guidance bases, 50,000 / 100,000 / 150,000")
    struct GuidanceBases {
        static let clause = "XM-2023-187/(五)-a"

        // (五)-a: 分档 5万 / 10万 / 15万 read as 1, 2, 3 stars.
        static let cases: [RatingCase] = [
            RatingCase(name: "1 star: 50,000", stars: 1, status: .eligible, amount: 50_000),
            RatingCase(name: "2 stars: 100,000", stars: 2, status: .eligible, amount: 100_000),
            RatingCase(name: "3 stars: 150,000", stars: 3, status: .eligible, amount: 150_000),
            RatingCase(name: "4 stars: no such tier", stars: 4, status: .excluded, amount: nil, refusal: "rating.stars is 4; the clause pays only 1, 2, 3"),
            RatingCase(name: "no stars recorded: awaiting evidence", status: .awaitingEvidence, amount: nil,
                       refusal: "rating.stars is not recorded yet, so the tier is unknown"),
        ]

        @Test("XM-2023-187/(五)-a: by stars", arguments: cases)
        func stars(_ example: RatingCase) throws {
            try checkRating(Self.clause, "employment-guidance-base", example, payee: .institution)
        }

        @Test("XM-2023-187/(五)-a: a rating dated 2025-01-01 is expired")
        func expired() throws {
            let entitlement = try only(rated("employment-guidance-base", stars: 2, on: "2025-01-01").given, Self.clause, on: "2025-12-31")
            #expect(entitlement.status == .expired)
            #expect(entitlement.explanation.refusal?.reason == "the fact is dated 2025-01-01, after XM-2023-187 ended on 2024-12-31")
        }

        @Test("XM-2023-187/(五)-a: a rating the day before the notice was issued is not its business")
        func beforeIssue() {
            #expect(rated("employment-guidance-base", stars: 2, on: "2023-08-23").given.entitlements(Self.clause, on: "2024-12-31").isEmpty)
        }

        @Test("XM-2023-187/(五)-a: a college in Binjiang earns nothing here")
        func otherJurisdiction() {
            #expect(rated("employment-guidance-base", stars: 2, division: "330108").given.entitlements(Self.clause, on: "2024-12-31").isEmpty)
        }
    }

    @Suite("XM-2023-187/(五)-b: Taiwan youth bases, 100,000 / 150,000 / 200,000 by tier")
    struct TaiwanYouthBases {
        static let clause = "XM-2023-187/(五)-b"

        // (五)-b: tiers 1, 2, 3 → 10万, 15万, 20万.
        static let cases: [RatingCase] = [
            RatingCase(name: "tier 1: 100,000", tier: 1, status: .eligible, amount: 100_000),
            RatingCase(name: "tier 2: 150,000", tier: 2, status: .eligible, amount: 150_000),
            RatingCase(name: "tier 3: 200,000", tier: 3, status: .eligible, amount: 200_000),
            RatingCase(name: "no tier recorded: awaiting evidence", status: .awaitingEvidence, amount: nil,
                       refusal: "rating.tier is not recorded yet, so the tier is unknown"),
        ]

        @Test("XM-2023-187/(五)-b: by tier", arguments: cases)
        func tiers(_ example: RatingCase) throws {
            try checkRating(Self.clause, "taiwan-youth-base", example, payee: .organisation)
        }

        @Test("XM-2023-187/(五)-b: a base in Binjiang earns nothing here")
        func otherJurisdiction() {
            #expect(rated("taiwan-youth-base", tier: 1, division: "西兴街道").given.entitlements(Self.clause, on: "2024-12-31").isEmpty)
        }

        @Test("XM-2023-187/(五)-b: a rating dated 2025-01-01 is expired")
        func expired() throws {
            #expect(try only(rated("taiwan-youth-base", tier: 1, on: "2025-01-01").given, Self.clause, on: "2025-12-31").status == .expired)
        }
    }

    @Suite("XM-2023-187/(六)-a: district-level HR service park, 1,000,000 once")
    struct DistrictPark {
        static let clause = "XM-2023-187/(六)-a"

        // (六)-a: 100万 one-time for a district-level park.
        @Test("XM-2023-187/(六)-a: a district-level park earns 1,000,000")
        func district() throws {
            try checkRating(Self.clause, "hr-service-park", RatingCase(name: "district", level: "district", status: .eligible, amount: 1_000_000),
                            payee: .organisation)
        }

        @Test("XM-2023-187/(六)-a: a city-level park is not the clause's business", arguments: ["city", "provincial"])
        func otherLevels(_ level: String) {
            #expect(rated("hr-service-park", level: level).given.entitlements(Self.clause, on: "2024-12-31").isEmpty)
        }

        @Test("XM-2023-187/(六)-a: a park outside Xiamen earns nothing")
        func otherJurisdiction() {
            #expect(rated("hr-service-park", level: "district", division: "滨江区").given.entitlements(Self.clause, on: "2024-12-31").isEmpty)
        }
    }

    @Suite("XM-2023-187/(六)-b: city-level HR service park with a district policy, 1,500,000 once")
    struct CityPark {
        static let clause = "XM-2023-187/(六)-b"

        /// approved: true (approved), false (rejected), nil (no application).
        static func given(approved: Bool?) -> (given: Given, key: String) {
            var (given, key) = rated("hr-service-park", level: "city")
            if let approved {
                given.apply("APP-P", clause: clause, payee: .organisation, organisation, on: "2024-05-01")
                if approved { given.approve("APP-P", on: "2024-05-20") } else { given.reject("APP-P", on: "2024-05-20") }
            }
            return (given, key)
        }

        // (六)-b: 150万 one-time, the district support policy attested by the approved application.
        @Test("XM-2023-187/(六)-b: approved: 1,500,000")
        func approved() throws {
            let (given, key) = Self.given(approved: true)
            let entitlement = try only(given, Self.clause, on: "2024-12-31")
            #expect(entitlement.status == .eligible)
            #expect(entitlement.amount == yuan(1_500_000))
            #expect(entitlement.payee == PayeeRef(kind: .organisation, id: organisation))
            #expect(cites(entitlement, key))
            #expect(entitlement.explanation.parameters.contains("application.approved = true"))
            // a city-level park rated directly is not a district park nor an upgrade
            #expect(given.entitlements("XM-2023-187/(六)-a", on: "2024-12-31").isEmpty)
            #expect(given.entitlements("XM-2023-187/(六)-c", on: "2024-12-31").isEmpty)
        }

        @Test("XM-2023-187/(六)-b: no application yet: awaiting evidence")
        func noApplication() throws {
            let entitlement = try only(Self.given(approved: nil).given, Self.clause, on: "2024-12-31")
            #expect(entitlement.status == .awaitingEvidence)
            #expect(entitlement.explanation.refusal?.reason == "application.approved is not recorded yet")
        }

        @Test("XM-2023-187/(六)-b: awaiting the approval, nothing is due yet")
        func nothingDueWhileAwaiting() throws {
            let entitlement = try only(Self.given(approved: nil).given, Self.clause, on: "2024-12-31")
            #expect(entitlement.amount == nil)
        }

        @Test("XM-2023-187/(六)-b: the application rejected: excluded")
        func rejectedApplication() throws {
            let entitlement = try only(Self.given(approved: false).given, Self.clause, on: "2024-12-31")
            #expect(entitlement.status == .excluded)
            #expect(entitlement.amount == nil)
            #expect(entitlement.explanation.refusal?.reason == "application.approved is false, the rule requires true")
        }

        @Test("XM-2023-187/(六)-b: an approved city-level park outside Xiamen earns nothing here")
        func otherJurisdiction() {
            var (given, _) = rated("hr-service-park", level: "city", division: "330108")
            given.apply("APP-P", clause: Self.clause, payee: .organisation, organisation, on: "2024-05-01")
            given.approve("APP-P", on: "2024-05-20")
            #expect(given.entitlements(Self.clause, on: "2024-12-31").isEmpty)
        }
    }

    @Suite("XM-2023-187/(六)-c: park upgraded from district to city level, 500,000 once")
    struct UpgradedPark {
        static let clause = "XM-2023-187/(六)-c"

        // (六)-a 1,000,000 as a district park in 2023, then (六)-c 500,000 on the upgrade; not (六)-b.
        @Test("XM-2023-187/(六)-c: district park, then upgraded: 1,000,000 + 500,000, not 1,500,000")
        func upgrade() throws {
            var (given, _) = rated("hr-service-park", level: "district", on: "2023-10-01")
            let upgrade = given.rating(organisation, "hr-service-park", on: "2024-06-01", level: "city", upgradedFrom: "district")
            given.apply("APP-U", clause: Self.clause, payee: .organisation, organisation, on: "2024-06-10")
            given.approve("APP-U", on: "2024-06-20")
            let entitlement = try only(given, Self.clause, on: "2024-12-31")
            #expect(entitlement.status == .eligible)
            #expect(entitlement.amount == yuan(500_000))
            #expect(entitlement.payee == PayeeRef(kind: .organisation, id: organisation))
            #expect(cites(entitlement, upgrade))
            #expect(try only(given, "XM-2023-187/(六)-a", on: "2024-12-31").amount == yuan(1_000_000))
            #expect(given.entitlements("XM-2023-187/(六)-b", on: "2024-12-31").isEmpty)
        }

        @Test("XM-2023-187/(六)-c: the upgrade's application rejected: excluded")
        func rejectedApplication() throws {
            var (given, _) = rated("hr-service-park", level: "city", upgradedFrom: "district")
            given.apply("APP-U", clause: Self.clause, payee: .organisation, organisation, on: "2024-06-10")
            given.reject("APP-U", on: "2024-06-20")
            let entitlement = try only(given, Self.clause, on: "2024-12-31")
            #expect(entitlement.status == .excluded)
            #expect(entitlement.explanation.refusal?.reason == "application.approved is false, the rule requires true")
        }

        @Test("XM-2023-187/(六)-c: an upgrade rated 2025-01-01 is expired")
        func expired() throws {
            let given = rated("hr-service-park", level: "city", upgradedFrom: "district", on: "2025-01-01").given
            #expect(try only(given, Self.clause, on: "2025-12-31").status == .expired)
        }

        @Test("XM-2023-187/(六)-c: an approved upgrade outside Xiamen earns nothing here")
        func otherJurisdiction() {
            var (given, _) = rated("hr-service-park", level: "city", upgradedFrom: "district", division: "陈埭镇")
            given.apply("APP-U", clause: Self.clause, payee: .organisation, organisation, on: "2024-06-10")
            given.approve("APP-U", on: "2024-06-20")
            #expect(given.entitlements(Self.clause, on: "2024-12-31").isEmpty)
        }
    }

    @Suite("XM-2023-187/(六)-d: labour-cooperation operating institution, 50,000 operating subsidy")
    struct LabourCooperationAgency {
        static let clause = "XM-2023-187/(六)-d"

        // (六)-d: 5万 per recognition.
        @Test("XM-2023-187/(六)-d: a recognised agency earns 50,000")
        func recognised() throws {
            try checkRating(Self.clause, "labour-cooperation-agency", RatingCase(name: "recognised", status: .eligible, amount: 50_000), payee: .agency)
        }

        @Test("XM-2023-187/(六)-d: an agency outside Xiamen earns nothing")
        func otherJurisdiction() {
            #expect(rated("labour-cooperation-agency", division: "330108").given.entitlements(Self.clause, on: "2024-12-31").isEmpty)
        }

        @Test("XM-2023-187/(六)-d: a recognition dated 2025-01-01 is expired")
        func expired() throws {
            #expect(try only(rated("labour-cooperation-agency", on: "2025-01-01").given, Self.clause, on: "2025-12-31").status == .expired)
        }
    }

    @Suite("XM-2023-187/(七): gig markets up to 1,000,000, gig stations up to 300,000 (decided)")
    struct GigMarkets {
        static let clause = "XM-2023-187/(七)"

        struct Case: Sendable, CustomTestStringConvertible {
            let kind: String
            let example: DecisionCase
            let range: ClosedRange<Fen>
            var testDescription: String { "\(kind): \(example.name)" }
        }

        static let market = yuan(0)...yuan(1_000_000), station = yuan(0)...yuan(300_000)

        // (七): 最高100万 for a market, 最高30万 for a station: the decision is paid if within the ceiling.
        static let cases: [Case] = [
            Case(kind: "gig-market", example: DecisionCase(name: "no decision", decision: .none, status: .awaitingDecision, amount: nil,
                 refusal: "the document leaves the amount to a decision (at most ¥1,000,000.00); none is recorded"), range: market),
            Case(kind: "gig-market", example: DecisionCase(name: "decided 800,000", decision: .decided(800_000), status: .eligible, amount: 800_000, refusal: nil), range: market),
            Case(kind: "gig-market", example: DecisionCase(name: "decided 1,200,000: above the ceiling", decision: .decided(1_200_000), status: .awaitingDecision, amount: nil,
                 refusal: "the decided amount ¥1,200,000.00 is above the maximum ¥1,000,000.00 of the clause; a new decision within the range is needed"), range: market),
            Case(kind: "gig-market", example: DecisionCase(name: "rejected", decision: .rejected, status: .excluded, amount: nil, refusal: rejected), range: market),
            Case(kind: "gig-station", example: DecisionCase(name: "no decision", decision: .none, status: .awaitingDecision, amount: nil,
                 refusal: "the document leaves the amount to a decision (at most ¥300,000.00); none is recorded"), range: station),
            Case(kind: "gig-station", example: DecisionCase(name: "decided 300,000", decision: .decided(300_000), status: .eligible, amount: 300_000, refusal: nil), range: station),
            Case(kind: "gig-station", example: DecisionCase(name: "decided 400,000: above the station's ceiling", decision: .decided(400_000), status: .awaitingDecision, amount: nil,
                 refusal: "the decided amount ¥400,000.00 is above the maximum ¥300,000.00 of the clause; a new decision within the range is needed"), range: station),
        ]

        @Test("XM-2023-187/(七): the decision, within the ceiling of the kind", arguments: cases)
        func decisions(_ example: Case) throws {
            var (given, key) = rated(example.kind)
            record(example.example.decision, in: &given, clause: Self.clause, payee: .organisation, organisation, on: "2024-05-01")
            let entitlement = try only(given, Self.clause, on: "2024-12-31")
            check(entitlement, example.example, range: example.range)
            #expect(entitlement.payee == PayeeRef(kind: .organisation, id: organisation))
            #expect(cites(entitlement, key))
        }

        @Test("XM-2023-187/(七): a gig market in Binjiang earns nothing here")
        func otherJurisdiction() {
            #expect(rated("gig-market", division: "滨江区").given.entitlements(Self.clause, on: "2024-12-31").isEmpty)
        }

        @Test("XM-2023-187/(七): a recognition dated 2025-01-01 is expired")
        func expired() throws {
            #expect(try only(rated("gig-station", on: "2025-01-01").given, Self.clause, on: "2025-12-31").status == .expired)
        }
    }

    @Suite("XM-2023-187/(八): incubation demonstration bases, 100,000 / 500,000 / 800,000 by level")
    struct IncubationBases {
        static let clause = "XM-2023-187/(八)"

        // (八): 市级 10万, 省级 50万, 国家级 80万.
        static let cases: [RatingCase] = [
            RatingCase(name: "city: 100,000", level: "city", status: .eligible, amount: 100_000),
            RatingCase(name: "provincial: 500,000", level: "provincial", status: .eligible, amount: 500_000),
            RatingCase(name: "national: 800,000", level: "national", status: .eligible, amount: 800_000),
            RatingCase(name: "district: no such level", level: "district", status: .excluded, amount: nil,
                       refusal: "rating.level is district; the clause pays only city, national, provincial"),
        ]

        @Test("XM-2023-187/(八): by the level of the rating", arguments: cases)
        func levels(_ example: RatingCase) throws {
            try checkRating(Self.clause, "incubation-base", example, payee: .organisation)
        }

        @Test("XM-2023-187/(八): a base rated at city then provincial level gets each award as printed")
        func successive() {
            var (given, _) = rated("incubation-base", level: "city", on: "2023-09-01")
            given.rating(organisation, "incubation-base", on: "2024-09-01", level: "provincial")
            // 100,000 + 500,000 (the catalog's reading: each rating its amount)
            #expect(given.entitlements(Self.clause, on: "2024-12-31").map(\.amount) == [yuan(100_000), yuan(500_000)])
        }

        @Test("XM-2023-187/(八): a rating dated 2025-01-01 is expired")
        func expired() throws {
            #expect(try only(rated("incubation-base", level: "national", on: "2025-01-01").given, Self.clause, on: "2025-12-31").status == .expired)
        }

        @Test("XM-2023-187/(八): a base in Binjiang earns nothing here")
        func otherJurisdiction() {
            #expect(rated("incubation-base", level: "national", division: "330108").given.entitlements(Self.clause, on: "2024-12-31").isEmpty)
        }
    }

    // MARK: - Applications: (九)-a, (十一)

    @Suite("XM-2023-187/(九)-a: guidance expert teams, at most 50,000 a year (decided)")
    struct ExpertTeams {
        static let clause = "XM-2023-187/(九)-a"

        // (九)-a: 最高5万元/年, decided per application.
        static let cases: [DecisionCase] = [
            DecisionCase(name: "no decision", decision: .none, status: .awaitingDecision, amount: nil,
                         refusal: "the document leaves the amount to a decision (at most ¥50,000.00); none is recorded"),
            DecisionCase(name: "decided 30,000", decision: .decided(30_000), status: .eligible, amount: 30_000, refusal: nil),
            DecisionCase(name: "decided 60,000: above the ceiling", decision: .decided(60_000), status: .awaitingDecision, amount: nil,
                         refusal: "the decided amount ¥60,000.00 is above the maximum ¥50,000.00 of the clause; a new decision within the range is needed"),
            DecisionCase(name: "rejected", decision: .rejected, status: .excluded, amount: nil, refusal: rejected),
        ]

        @Test("XM-2023-187/(九)-a: the amount follows the decision, at most 50,000", arguments: cases)
        func decisions(_ example: DecisionCase) throws {
            var given = Given()
            record(example.decision, in: &given, clause: Self.clause, payee: .organisation, organisation, on: "2024-03-01")
            let entitlement = try only(given, Self.clause, on: "2024-12-31")
            check(entitlement, example, range: yuan(0)...yuan(50_000))
            #expect(entitlement.payee == PayeeRef(kind: .organisation, id: organisation))
            #expect(entitlement.explanation.facts.first?.type == "application.submitted")
        }

        @Test("XM-2023-187/(九)-a: a second decision in the year is reduced to what is left of 50,000, a third is capped")
        func yearlyLimit() throws {
            var given = Given()
            for (id, day, amount) in [("APP-1", "2024-02-01", Int64(30_000)), ("APP-2", "2024-06-01", 30_000), ("APP-3", "2024-09-01", 10_000)] {
                given.apply(id, clause: Self.clause, payee: .organisation, organisation, on: day)
                given.decide(id, clause: Self.clause, yuan: amount, on: day)
            }
            let found = given.entitlements(Self.clause, on: "2024-12-31")
            try #require(found.count == 3)
            // 30,000; then 30,000 + 30,000 > 50,000 → 50,000 − 30,000 = 20,000; then nothing left
            #expect(found.map(\.status) == [.eligible, .capped, .capped])
            #expect(found.map(\.amount) == [yuan(30_000), yuan(20_000), nil])
            #expect(found[1].explanation.refusal?.reason == "¥30,000.00 already granted to this payee in 2024; the yearly limit is ¥50,000.00")
            #expect(found[2].explanation.refusal?.reason == "¥50,000.00 already granted to this payee in 2024; the yearly limit is ¥50,000.00")
        }

        @Test("XM-2023-187/(九)-a: the limit is per calendar year and per team")
        func perYearPerTeam() {
            var given = Given()
            for (id, team, day, amount) in [("APP-1", organisation, "2023-10-01", Int64(50_000)), ("APP-2", organisation, "2024-02-01", 50_000),
                                            ("APP-3", agency, "2024-02-01", 40_000)] {
                given.apply(id, clause: Self.clause, payee: .organisation, team, on: day)
                given.decide(id, clause: Self.clause, yuan: amount, on: day)
            }
            let found = given.entitlements(Self.clause, on: "2024-12-31")
            #expect(found.map(\.status) == [.eligible, .eligible, .eligible])
            #expect(found.map(\.amount).compactMap { $0 }.reduce(Fen.zero, +) == yuan(140_000))
        }

        @Test("XM-2023-187/(九)-a: an application dated 2025-01-01 is expired")
        func expired() throws {
            var given = Given()
            given.apply("APP-1", clause: Self.clause, payee: .organisation, organisation, on: "2025-01-01")
            #expect(try only(given, Self.clause, on: "2025-12-31").status == .expired)
        }
    }

    @Suite("XM-2023-187/(十一): staff training outside the city, at most 10,000 per person (decided)")
    struct StaffTraining {
        static let clause = "XM-2023-187/(十一)"

        // (十一): 每人最高不超过1万元.
        static let cases: [DecisionCase] = [
            DecisionCase(name: "no decision", decision: .none, status: .awaitingDecision, amount: nil,
                         refusal: "the document leaves the amount to a decision (at most ¥10,000.00); none is recorded"),
            DecisionCase(name: "decided 8000", decision: .decided(8000), status: .eligible, amount: 8000, refusal: nil),
            DecisionCase(name: "decided 12,000: above the ceiling", decision: .decided(12_000), status: .awaitingDecision, amount: nil,
                         refusal: "the decided amount ¥12,000.00 is above the maximum ¥10,000.00 of the clause; a new decision within the range is needed"),
            DecisionCase(name: "rejected", decision: .rejected, status: .excluded, amount: nil, refusal: rejected),
        ]

        @Test("XM-2023-187/(十一): the amount follows the decision, at most 10,000", arguments: cases)
        func decisions(_ example: DecisionCase) throws {
            var given = Given()
            record(example.decision, in: &given, clause: Self.clause, payee: .organisation, organisation, on: "2024-03-01")
            let entitlement = try only(given, Self.clause, on: "2024-12-31")
            check(entitlement, example, range: yuan(0)...yuan(10_000))
            #expect(entitlement.payee == PayeeRef(kind: .organisation, id: organisation))
            #expect(entitlement.explanation.facts.first?.type == "application.submitted")
        }

        @Test("XM-2023-187/(十一): an application dated 2025-01-01 is expired")
        func expired() throws {
            var given = Given()
            given.apply("APP-1", clause: Self.clause, payee: .organisation, organisation, on: "2025-01-01")
            #expect(try only(given, Self.clause, on: "2025-12-31").status == .expired)
        }
    }

    // MARK: - (十四)

    @Suite("XM-2023-187/(十四): 益鹭保 day-based insurance, 50% of the premium")
    struct Yilubao {
        static let clause = "XM-2023-187/(十四)"
        static let worker = "flexible-xm"

        static func given(premiumFen: Int64, registeredIn: String = "350203", on day: String = "2024-07-01") -> (given: Given, key: String) {
            var given = Given()
            given.person(worker, registeredIn: registeredIn)
            given.group(worker, .flexibleWorker)
            let key = given.event("insurance.premium-paid", on: day, [
                "policyNumber": "YLB-1", "insured": .string(worker), "days": 30, "premium": .integer(premiumFen),
            ])
            return (given, key)
        }

        // (十四): 政府补贴50%: premium × 50%, rounded down to the fen.
        @Test("XM-2023-187/(十四): half the premium", arguments: [
            (Int64(6000), Int64(3000)),  // ¥60.00 × 50% = ¥30.00
            (Int64(333), Int64(166)),    // ¥3.33 × 50% = ¥1.665 → ¥1.66
            (Int64(1), Int64(0)),        // 1 fen × 50% = 0.5 fen → 0
        ])
        func half(_ premium: Int64, _ expected: Int64) throws {
            let (given, key) = Self.given(premiumFen: premium)
            let entitlement = try only(given, Self.clause, on: "2024-12-31")
            #expect(entitlement.status == .eligible)
            #expect(entitlement.amount == Fen(expected))
            #expect(entitlement.payee == PayeeRef(kind: .worker, id: Self.worker))
            #expect(cites(entitlement, key))
        }

        @Test("XM-2023-187/(十四): a worker registered outside Xiamen earns nothing here")
        func otherJurisdiction() {
            #expect(Self.given(premiumFen: 6000, registeredIn: "350582").given.entitlements(Self.clause, on: "2024-12-31").isEmpty)
        }

        @Test("XM-2023-187/(十四): a premium paid 2025-01-01 is expired")
        func expired() throws {
            #expect(try only(Self.given(premiumFen: 6000, on: "2025-01-01").given, Self.clause, on: "2025-12-31").status == .expired)
        }
    }

    // MARK: - tranche

    @Suite("XM-2023-187/tranche: funds for (三), (六)-a, (七) allocated 70% up front, 30% by targets")
    struct Tranche70_30 {
        static let clause = "XM-2023-187/tranche"

        /// 1,000,000 allocated on 2024-01-10 to 思明区 for (七); with a target of 100 training
        /// person-times in 思明区 in 2024-H1 and `completions` completions of classes there.
        static func given(for fundClause: String = "XM-2023-187/(七)", recipient: String = "思明区", target: Bool = true, completions: Int = 0,
                          on day: String = "2024-01-10") -> (given: Given, key: String) {
            var given = Given()
            if target {
                given.event("target.set", on: "2024-01-05", [
                    "targetId": "T-SM-1", "clause": "XM-2023-187/tranche", "metric": "training-person-times", "scope": "district",
                    "unit": "思明区", "periodStart": "2024-01-01", "periodEnd": "2024-06-30", "value": 100,
                ])
            }
            var fund: [String: JSONValue] = [
                "fundId": "F-1", "clause": .string(fundClause), "recipient": .string(recipient), "amount": .integer(1_000_000 * 100),
                "tranche": "pre-allocation",
            ]
            if target { fund["targetId"] = "T-SM-1" }
            let key = given.event("fund.allocated", on: day, fund)
            if completions > 0 {
                given.classFiled("SM-1", by: institution, kind: "employment-skills", jurisdiction: "350200", division: "思明区",
                                 start: "2024-02-01", end: "2024-03-31")
                for i in 0..<completions { given.complete("t-\(i)", in: "SM-1", on: "2024-03-31") }
            }
            return (given, key)
        }

        @Test("XM-2023-187/tranche: no target linked: 700,000 up front, 300,000 waiting")
        func noTarget() throws {
            let (given, key) = Self.given(target: false)
            let entitlement = try only(given, Self.clause, on: "2024-12-31")
            // 1,000,000 × 70% = 700,000 up front
            #expect(entitlement.status == .eligible)
            #expect(entitlement.amount == yuan(700_000))
            #expect(entitlement.payee == PayeeRef(kind: .department, id: "思明区"))
            #expect(entitlement.tranches.map(\.amount) == [yuan(700_000), yuan(300_000)])
            #expect(entitlement.tranches.map(\.state) == [.due, .waiting])
            #expect(entitlement.tranches.first?.dueDate == date("2024-01-10"))
            #expect(cites(entitlement, key))
        }

        @Test("XM-2023-187/tranche: before the target's period ends, only the 70% is due")
        func beforeTargetEnds() throws {
            let entitlement = try only(Self.given(completions: 100).given, Self.clause, on: "2024-06-29")
            #expect(entitlement.amount == yuan(700_000))
            #expect(entitlement.tranches.map(\.state) == [.due, .waiting])
        }

        struct Case: Sendable, CustomTestStringConvertible {
            let completions: Int
            let amount: Int64
            var testDescription: String { "\(completions) of 100 person-times → \(amount)" }
        }

        // 700,000 + 300,000 × min(1, achieved / 100)
        static let cases: [Case] = [
            Case(completions: 0, amount: 700_000),      // 700,000 + 0
            Case(completions: 50, amount: 850_000),     // 700,000 + 300,000 × 50/100 = 850,000
            Case(completions: 100, amount: 1_000_000),  // 700,000 + 300,000
            Case(completions: 150, amount: 1_000_000),  // min(1, 150/100) = 1
        ]

        @Test("XM-2023-187/tranche: the 30% follows completion of the target", arguments: cases)
        func performance(_ example: Case) throws {
            let entitlement = try only(Self.given(completions: example.completions).given, Self.clause, on: "2024-07-31")
            #expect(entitlement.status == .eligible)
            #expect(entitlement.amount == yuan(example.amount))
            #expect(entitlement.tranches.filter { $0.state == .due }.map(\.amount).reduce(Fen.zero, +) == yuan(example.amount))
            #expect(entitlement.explanation.facts.contains { $0.type == "target.set" })
        }

        @Test("XM-2023-187/tranche: only the funds of (三), (六)-a and (七)", arguments: [
            ("XM-2023-187/(三)", true), ("XM-2023-187/(六)-a", true), ("XM-2023-187/(七)", true), ("XM-2023-187/(五)-a", false),
        ])
        func funds(_ fundClause: String, _ covered: Bool) {
            #expect(Self.given(for: fundClause, target: false).given.entitlements(Self.clause, on: "2024-12-31").count == (covered ? 1 : 0))
        }

        @Test("XM-2023-187/tranche: a fund for a district outside Xiamen earns nothing here")
        func otherJurisdiction() {
            #expect(Self.given(recipient: "滨江区", target: false).given.entitlements(Self.clause, on: "2024-12-31").isEmpty)
        }

        @Test("XM-2023-187/tranche: an allocation dated 2025-01-01 is expired")
        func expired() throws {
            #expect(try only(Self.given(target: false, on: "2025-01-01").given, Self.clause, on: "2025-12-31").status == .expired)
        }
    }
}
