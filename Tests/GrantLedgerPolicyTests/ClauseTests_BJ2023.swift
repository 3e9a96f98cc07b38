import GrantLedgerEvents
@testable import GrantLedgerPolicy
import Testing

/// BJ-2023 (Binjiang draft opinion on high-quality employment), in force from 2023-01-01 with no
/// end: one suite per money clause. Amounts are worked out by hand from the document
/// (POLICIES.md) and the catalog's readings (Policies/BJ-2023.yaml).
@Suite("BJ-2023: Binjiang high-quality employment")
enum ClauseTests_BJ2023 {
    static let enterprise = "91330108MABJ230001"   // an enterprise in 滨江区
    static let organisation = "52330108MJBJ230002" // a street office, community, studio… in 西兴街道
    static let institution = "52330108MJBJ230003"  // a filed training institution in 330108
    static let xiamen = "91350203MAXM230009"       // an enterprise in 思明区, outside Binjiang
    static let person = "person-bj"

    static func only(_ given: Given, _ clause: String, on day: String = "2024-03-31") throws -> Entitlement {
        let found = given.entitlements(clause, on: day)
        try #require(found.count == 1, "expected one \(clause) entitlement, got \(found.map { "\($0.status) \($0.explanation.refusal?.description ?? "")" })")
        return found[0]
    }

    static let undecided = "the document leaves the amount to a decision (no amount in the document); none is recorded"

    /// An organisation registered in `division`, rated on `day`.
    static func rated(_ rating: String, level: String? = nil, stars: Int64? = nil, division: String = "西兴街道",
                      on day: String = "2023-06-01") -> (given: Given, key: String) {
        var given = Given()
        given.institution(organisation, division: division)
        let key = given.rating(organisation, rating, on: day, level: level, stars: stars)
        return (given, key)
    }

    static func approve(_ given: inout Given, _ clause: String, payee: PayeeKind, _ party: String, subject: String? = nil,
                        approved: Bool = true, on day: String = "2024-01-15") {
        given.apply("APP-A", clause: clause, payee: payee, party, subject: subject, on: day)
        if approved { given.approve("APP-A", on: day) } else { given.reject("APP-A", on: day) }
    }

    // MARK: - (一)

    @Suite("BJ-2023/(一): street platforms ≤500,000, community ≤150,000, industry platform ≤300,000, gig market 150,000")
    struct Platforms {
        static let clause = "BJ-2023/(一)"

        struct Case: Sendable, CustomTestStringConvertible {
            let kind: String
            let example: DecisionCase
            let range: ClosedRange<Fen>?
            var testDescription: String { "\(kind): \(example.name)" }
        }

        // (一): 街道每年最高50万; 社区中心最高15万; 产业平台中心每年最高30万; 零工市场每年15万.
        static let cases: [Case] = [
            Case(kind: "street-platform", example: DecisionCase(name: "no decision", decision: .none, status: .awaitingDecision, amount: nil,
                 refusal: "the document leaves the amount to a decision (at most ¥500,000.00); none is recorded"), range: yuan(0)...yuan(500_000)),
            Case(kind: "street-platform", example: DecisionCase(name: "decided 450,000", decision: .decided(450_000), status: .eligible,
                 amount: 450_000, refusal: nil), range: nil),
            Case(kind: "street-platform", example: DecisionCase(name: "decided 600,000: above", decision: .decided(600_000), status: .awaitingDecision, amount: nil,
                 refusal: "the decided amount ¥600,000.00 is above the maximum ¥500,000.00 of the clause; a new decision within the range is needed"),
                 range: yuan(0)...yuan(500_000)),
            Case(kind: "street-platform", example: DecisionCase(name: "rejected", decision: .rejected, status: .excluded, amount: nil, refusal: rejected), range: nil),
            Case(kind: "community-centre", example: DecisionCase(name: "decided 150,000", decision: .decided(150_000), status: .eligible,
                 amount: 150_000, refusal: nil), range: nil),
            Case(kind: "community-centre", example: DecisionCase(name: "decided 160,000: above", decision: .decided(160_000), status: .awaitingDecision, amount: nil,
                 refusal: "the decided amount ¥160,000.00 is above the maximum ¥150,000.00 of the clause; a new decision within the range is needed"),
                 range: yuan(0)...yuan(150_000)),
            Case(kind: "industry-platform", example: DecisionCase(name: "no decision", decision: .none, status: .awaitingDecision, amount: nil,
                 refusal: "the document leaves the amount to a decision (at most ¥300,000.00); none is recorded"), range: yuan(0)...yuan(300_000)),
            Case(kind: "industry-platform", example: DecisionCase(name: "decided 300,000", decision: .decided(300_000), status: .eligible,
                 amount: 300_000, refusal: nil), range: nil),
            Case(kind: "gig-market", example: DecisionCase(name: "accepted: 150,000 with no decision needed", decision: .none, status: .eligible,
                 amount: 150_000, refusal: nil), range: nil),
        ]

        @Test("BJ-2023/(一): by kind, ceilings decided", arguments: cases)
        func kinds(_ example: Case) throws {
            var (given, key) = rated(example.kind)
            record(example.example.decision, in: &given, clause: Self.clause, payee: .organisation, organisation, on: "2023-12-01")
            let entitlement = try only(given, Self.clause)
            check(entitlement, example.example, range: example.range)
            #expect(entitlement.payee == PayeeRef(kind: .organisation, id: organisation))
            #expect(cites(entitlement, key))
        }

        @Test("BJ-2023/(一): a rating before 2023-01-01 is not the opinion's business; one in 2030 still is (no end date)")
        func period() throws {
            #expect(rated("gig-market", on: "2022-12-31").given.entitlements(Self.clause, on: "2024-03-31").isEmpty)
            #expect(try only(rated("gig-market", on: "2030-06-01").given, Self.clause, on: "2030-12-31").status == .eligible)
        }

        @Test("BJ-2023/(一): a gig market in Xiamen earns nothing here")
        func otherJurisdiction() {
            #expect(rated("gig-market", division: "思明区").given.entitlements(Self.clause, on: "2024-03-31").isEmpty)
        }
    }

    // MARK: - (二)

    @Suite("BJ-2023/(二): high-quality employment communities, 100,000 / 50,000 / 40,000 / 10,000")
    struct Communities {
        static let clause = "BJ-2023/(二)"

        // (二): 国家级 10万, 省级 5万, 市级 4万, 区级 1万.
        @Test("BJ-2023/(二): by level", arguments: [
            ("national", Int64?(100_000)), ("provincial", 50_000), ("city", 40_000), ("district", 10_000), ("street", nil),
        ])
        func levels(_ level: String, _ amount: Int64?) throws {
            let (given, key) = rated("employment-community", level: level)
            let entitlement = try only(given, Self.clause)
            #expect(entitlement.amount == amount.map(yuan))
            #expect(entitlement.payee == PayeeRef(kind: .organisation, id: organisation))
            #expect(cites(entitlement, key))
            if amount == nil {
                #expect(entitlement.status == .excluded)
                #expect(entitlement.explanation.refusal?.reason == "rating.level is street; the clause pays only city, district, national, provincial")
            } else {
                #expect(entitlement.status == .eligible)
            }
        }

        @Test("BJ-2023/(二): a community in Jinjiang earns nothing here")
        func otherJurisdiction() {
            #expect(rated("employment-community", level: "city", division: "陈埭镇").given.entitlements(Self.clause, on: "2024-03-31").isEmpty)
        }
    }

    // MARK: - (四)-a

    @Suite("BJ-2023/(四)-a: stable-hiring award, 50,000 for 50, +25,000 per further 25, at most 500,000")
    struct StableHiring {
        static let clause = "BJ-2023/(四)-a"

        /// `count` local-hukou workers hired on 2023-10-09, insured by the enterprise Oct-Dec 2023.
        static func hires(_ count: Int, into given: inout Given, employer: String = enterprise, prefix: String = "h") {
            for i in 0..<count {
                let worker = "\(prefix)\(i)"
                given.group(worker, .localHukou, since: "2023-01-01")
                given.employ(worker, by: employer, on: "2023-10-09")
                given.months(worker, with: employer, from: "2023-10", count: 3, insuredIn: "330108")
            }
        }

        static func given(stable: Int, approved: Bool? = true, division: String = "滨江区") -> Given {
            var given = Given()
            given.enterprise(enterprise, division: division)
            hires(stable, into: &given)
            if let approved { approve(&given, clause, payee: .enterprise, enterprise, approved: approved) }
            return given
        }

        struct Case: Sendable, CustomTestStringConvertible {
            let stable: Int
            let status: Entitlement.Status
            let amount: Int64?
            let refusal: String?
            var testDescription: String { "\(stable) stable hires → \(amount.map(String.init) ?? status.rawValue)" }
        }

        // 50,000 + 25,000 × ⌊(stable − 50) / 25⌋, at most 500,000.
        static let cases: [Case] = [
            Case(stable: 49, status: .excluded, amount: nil, refusal: "count.stableHires 49 is below 50"),
            Case(stable: 50, status: .eligible, amount: 50_000, refusal: nil),     // 50,000
            Case(stable: 74, status: .eligible, amount: 50_000, refusal: nil),     // ⌊24/25⌋ = 0 → 50,000
            Case(stable: 75, status: .eligible, amount: 75_000, refusal: nil),     // ⌊25/25⌋ = 1 → 75,000
            Case(stable: 100, status: .eligible, amount: 100_000, refusal: nil),   // 2 → 100,000
            Case(stable: 500, status: .eligible, amount: 500_000, refusal: nil),   // 18 → 50,000 + 450,000 = 500,000, exactly the maximum
            Case(stable: 600, status: .capped, amount: 500_000,                    // 22 → 600,000, capped at 500,000
                 refusal: "¥600,000.00 exceeds the yearly maximum ¥500,000.00"),
        ]

        @Test("BJ-2023/(四)-a: by the number of stable hires in the year", arguments: cases)
        func steps(_ example: Case) throws {
            let given = Self.given(stable: example.stable)
            let entitlement = try only(given, Self.clause)
            #expect(entitlement.status == example.status)
            #expect(entitlement.amount == example.amount.map(yuan))
            #expect(entitlement.explanation.refusal?.reason == example.refusal)
            #expect(entitlement.payee == PayeeRef(kind: .enterprise, id: enterprise))
            #expect(entitlement.date == date("2023-12-31"))
            #expect(entitlement.explanation.parameters.contains("count.stableHires = \(example.stable)"))
            if example.stable > 0 {
                // the December month of the first hire is cited as a stable hire
                let december = given.facts.first { ($0.payload as? EmploymentMonthRecorded)?.month.description == "2023-12" }!.eventID
                #expect(cites(entitlement, december))
            }
        }

        enum Special: String, Sendable, CaseIterable, CustomTestStringConvertible {
            case localHukouFromMarch, pairedAndRelieved, pairedOnly, relievedOnly, noGroup, gapInNovember, leftInNovember,
                 firstInsuredTwoMonthsAfterHire
            var testDescription: String { rawValue }
            var counts: Bool {
                switch self {
                case .localHukouFromMarch, .pairedAndRelieved: true
                default: false
                }
            }
        }

        /// 49 stable hires and one more worker who may or may not count: 50 → 50,000, 49 → excluded.
        static func given(special: Special) -> Given {
            var given = Self.given(stable: 49)
            let w = "special"
            switch special {
            case .localHukouFromMarch:
                given.group(w, .localHukou, since: "2023-01-01")
                given.employ(w, by: enterprise, on: "2023-03-06")
                given.months(w, with: enterprise, from: "2023-03", count: 10, insuredIn: "330108")
            case .pairedAndRelieved, .pairedOnly, .relievedOnly, .noGroup:
                if special == .pairedAndRelieved || special == .pairedOnly { given.group(w, .pairedRegionOrigin, since: "2023-01-01") }
                if special == .pairedAndRelieved || special == .relievedOnly { given.group(w, .povertyRelieved, since: "2023-01-01") }
                given.employ(w, by: enterprise, on: "2023-10-09")
                given.months(w, with: enterprise, from: "2023-10", count: 3, insuredIn: "330108")
            case .gapInNovember:
                given.group(w, .localHukou, since: "2023-01-01")
                given.employ(w, by: enterprise, on: "2023-10-09")
                given.months(w, with: enterprise, from: "2023-10", count: 3, insuredIn: "330108", skipping: ["2023-11"])
            case .leftInNovember:
                given.group(w, .localHukou, since: "2023-01-01")
                given.employ(w, by: enterprise, on: "2023-10-09")
                given.months(w, with: enterprise, from: "2023-10", count: 2, insuredIn: "330108")
                given.leave(w, from: enterprise, on: "2023-11-30")
            case .firstInsuredTwoMonthsAfterHire:
                given.group(w, .localHukou, since: "2023-01-01")
                given.employ(w, by: enterprise, on: "2023-03-06")
                given.months(w, with: enterprise, from: "2023-05", count: 8, insuredIn: "330108")
            }
            return given
        }

        @Test("BJ-2023/(四)-a: who counts as a stable hire (49 others + 1)", arguments: Special.allCases)
        func stableHire(_ special: Special) throws {
            let entitlement = try only(Self.given(special: special), Self.clause)
            #expect(entitlement.explanation.parameters.contains("count.stableHires = \(special.counts ? 50 : 49)"))
            #expect(entitlement.status == (special.counts ? .eligible : .excluded))
            #expect(entitlement.amount == (special.counts ? yuan(50_000) : nil))
        }

        @Test("BJ-2023/(四)-a: no application yet: awaiting evidence")
        func noApplication() throws {
            let entitlement = try only(Self.given(stable: 50, approved: nil), Self.clause)
            #expect(entitlement.status == .awaitingEvidence)
            #expect(entitlement.explanation.refusal?.reason == "application.approved is not recorded yet")
        }

        @Test("BJ-2023/(四)-a: the application rejected: excluded")
        func rejectedApplication() throws {
            let entitlement = try only(Self.given(stable: 50, approved: false), Self.clause)
            #expect(entitlement.status == .excluded)
            #expect(entitlement.amount == nil)
            #expect(entitlement.explanation.refusal?.reason == "application.approved is false, the rule requires true")
        }

        @Test("BJ-2023/(四)-a: before December's insurance is recorded, the hires still unbroken give a running figure")
        func yearNotOver() throws {
            let found = Self.given(stable: 60).entitlements(Self.clause, on: "2023-11-30")
            try #require(found.count == 1)
            #expect(found[0].status == .awaitingEvidence)
            #expect(found[0].amount == nil)
            #expect(found[0].explanation.parameters.contains("count.stableHires = 60"))
            #expect(found[0].explanation.arithmetic.contains("running figure ¥50,000.00; the year is not over"))
        }

        @Test("BJ-2023/(四)-a: an enterprise in Xiamen earns nothing here")
        func otherJurisdiction() {
            #expect(Self.given(stable: 50, division: "思明区").entitlements(Self.clause, on: "2024-03-31").isEmpty)
        }

        @Test("BJ-2023/(四)-a and (十)-a: stable hires and new skilled talents are different facts; both are paid")
        func withSelfTraining() throws {
            var given = Self.given(stable: 50)
            given.rating(enterprise, "self-training-certified-enterprise", on: "2023-01-10")
            SelfTraining.certificates(100, level: "L4", into: &given)
            let hiring = try only(given, Self.clause)
            let training = try only(given, SelfTraining.clause)
            #expect(hiring.status == .eligible)
            #expect(training.status == .eligible)
            #expect(hiring.explanation.refusal == nil)
        }
    }

    // MARK: - (四)-b

    @Suite("BJ-2023/(四)-b: 1:1 match for city-level poverty-relief caring enterprises (decided)")
    struct CaringEnterprise {
        static let clause = "BJ-2023/(四)-b"

        // (四)-b: 按市级政策给予1:1配套: the city's amount is not in the document, so the decision is paid.
        static let cases: [DecisionCase] = [
            DecisionCase(name: "no decision", decision: .none, status: .awaitingDecision, amount: nil, refusal: undecided),
            DecisionCase(name: "decided 100,000 (the city's award matched)", decision: .decided(100_000), status: .eligible, amount: 100_000, refusal: nil),
            DecisionCase(name: "rejected", decision: .rejected, status: .excluded, amount: nil, refusal: rejected),
        ]

        @Test("BJ-2023/(四)-b: the decision", arguments: cases)
        func decisions(_ example: DecisionCase) throws {
            var given = Given()
            record(example.decision, in: &given, clause: Self.clause, payee: .enterprise, enterprise, on: "2023-09-01")
            let entitlement = try only(given, Self.clause)
            check(entitlement, example, range: nil)
            #expect(entitlement.range == nil)
            #expect(entitlement.payee == PayeeRef(kind: .enterprise, id: enterprise))
            #expect(entitlement.explanation.facts.first?.type == "application.submitted")
        }
    }

    // MARK: - (五)-a, (十二): awards

    static func award(_ kind: String, level: String? = nil, place: Int64? = nil, person: String? = ClauseTests_BJ2023.person, organisation: String? = nil,
                      registeredIn: String = "330108", on day: String = "2023-11-01") -> (given: Given, key: String) {
        var given = Given()
        if let person { given.person(person, registeredIn: registeredIn) }
        if let organisation { given.enterprise(organisation, division: "长河街道") }
        var data: [String: JSONValue] = ["awardId": "AW-1", "award": .string(kind)]
        if let person { data["person"] = .string(person) }
        if let organisation { data["organisation"] = .string(organisation) }
        if let level { data["level"] = .string(level) }
        if let place { data["place"] = .integer(place) }
        let key = given.event("award.granted", on: day, data)
        return (given, key)
    }

    @Suite("BJ-2023/(五)-a: mentor awards, 5000 / 3000 / 2000")
    struct MentorAwards {
        static let clause = "BJ-2023/(五)-a"

        // (五)-a: 国家 5000, 省 3000, 市 2000.
        @Test("BJ-2023/(五)-a: by the award's level", arguments: [
            ("national", Int64?(5000)), ("provincial", 3000), ("city", 2000), ("district", nil),
        ])
        func levels(_ level: String, _ amount: Int64?) throws {
            let (given, key) = award("mentor-award", level: level)
            let entitlement = try only(given, Self.clause)
            #expect(entitlement.amount == amount.map(yuan))
            #expect(entitlement.payee == PayeeRef(kind: .worker, id: person))
            #expect(cites(entitlement, key))
            if amount == nil {
                #expect(entitlement.status == .excluded)
                #expect(entitlement.explanation.refusal?.reason == "award.level is district; the clause pays only city, national, provincial")
            } else {
                #expect(entitlement.status == .eligible)
            }
        }

        @Test("BJ-2023/(五)-a: no level recorded: awaiting evidence")
        func noLevel() throws {
            let entitlement = try only(award("mentor-award").given, Self.clause)
            #expect(entitlement.status == .awaitingEvidence)
            #expect(entitlement.explanation.refusal?.reason == "award.level is not recorded yet, so the tier is unknown")
        }

        @Test("BJ-2023/(五)-a: a mentor registered in Xiamen earns nothing here")
        func otherJurisdiction() {
            #expect(award("mentor-award", level: "city", registeredIn: "350203").given.entitlements(Self.clause, on: "2024-03-31").isEmpty)
        }
    }

    @Suite("BJ-2023/(十二): Zhejiang craftsmen 20,000; district contest prizes 2000 / 1500 / 1000")
    struct CraftsmenAndContests {
        static let clause = "BJ-2023/(十二)"

        // (十二): 一、二、三等奖 2000, 1500, 1000.
        @Test("BJ-2023/(十二): by the contest place", arguments: [(Int64(1), Int64(2000)), (2, 1500), (3, 1000)])
        func places(_ place: Int64, _ amount: Int64) throws {
            let (given, key) = award("skills-contest", level: "district", place: place)
            let entitlement = try only(given, Self.clause)
            #expect(entitlement.status == .eligible)
            #expect(entitlement.amount == yuan(amount))
            #expect(entitlement.payee == PayeeRef(kind: .worker, id: person))
            #expect(cites(entitlement, key))
        }

        @Test("BJ-2023/(十二): a Zhejiang craftsman's employer, recorded as the winner, gets 20,000")
        func craftsman() throws {
            let (given, key) = award("zhejiang-craftsman", level: "provincial", person: nil, organisation: enterprise)
            let entitlement = try only(given, Self.clause)
            #expect(entitlement.status == .eligible)
            #expect(entitlement.amount == yuan(20_000))
            #expect(entitlement.payee.id == enterprise)
            #expect(cites(entitlement, key))
        }

        @Test("BJ-2023/(十二): a contest award without a place is excluded")
        func noPlace() throws {
            let entitlement = try only(award("skills-contest", level: "district").given, Self.clause)
            #expect(entitlement.status == .excluded)
            #expect(entitlement.explanation.refusal?.reason
                == "award.tier is skills-contest; the clause pays only skills-contest/1, skills-contest/2, skills-contest/3, zhejiang-craftsman")
        }

        @Test("BJ-2023/(十二): a contestant registered in Jinjiang earns nothing here")
        func otherJurisdiction() {
            #expect(award("skills-contest", place: 1, registeredIn: "350582").given.entitlements(Self.clause, on: "2024-03-31").isEmpty)
        }
    }

    // MARK: - (五)-b

    @Suite("BJ-2023/(五)-b: mentor service sessions, 300 online, 1000 offline")
    struct MentorSessions {
        static let clause = "BJ-2023/(五)-b"

        static func given(mode: String, registeredIn: String = "330108") -> (given: Given, key: String) {
            var given = Given()
            given.person(person, registeredIn: registeredIn)
            let key = given.event("mentor.session-held", on: "2023-05-10", ["sessionId": "S-1", "mentor": .string(person), "mode": .string(mode)])
            return (given, key)
        }

        // (五)-b: 线上300元/次、线下1000元/次.
        @Test("BJ-2023/(五)-b: by the session's mode", arguments: [("online", Int64(300)), ("offline", 1000)])
        func modes(_ mode: String, _ amount: Int64) throws {
            let (given, key) = Self.given(mode: mode)
            let entitlement = try only(given, Self.clause)
            #expect(entitlement.status == .eligible)
            #expect(entitlement.amount == yuan(amount))
            #expect(entitlement.payee == PayeeRef(kind: .worker, id: person))
            #expect(cites(entitlement, key))
        }

        @Test("BJ-2023/(五)-b: a mentor registered in Xiamen, with no Binjiang organiser, earns nothing here")
        func otherJurisdiction() {
            #expect(Self.given(mode: "offline", registeredIn: "350203").given.entitlements(Self.clause, on: "2024-03-31").isEmpty)
        }
    }

    // MARK: - (六)

    @Suite("BJ-2023/(六): skill-level certificates of public employment service staff, 1000 to 3000 by level")
    struct ServiceStaffCertificates {
        static let clause = "BJ-2023/(六)"

        static func given(level: String = "L3", occupation: String = "职业指导师", kind: CertificateKind = .skillLevel,
                          registeredIn: String = "330108", approved: Bool? = true) -> (given: Given, key: String) {
            var given = Given()
            given.person(person, registeredIn: registeredIn)
            let key = given.certificate("BJ-CERT-6", to: person, kind: kind, occupation: occupation, level: level, on: "2023-07-01")
            if let approved { approve(&given, clause, payee: .worker, person, subject: person, approved: approved, on: "2023-07-20") }
            return (given, key)
        }

        struct Case: Sendable, CustomTestStringConvertible {
            let level: String
            let amount: Int64
            var testDescription: String { "\(level): \(amount)" }
        }

        // (六): 高级技师 3000, 技师 2500, 高级工 2000, 中级工 1500, 初级工 1000.
        @Test("BJ-2023/(六): by level", arguments: [
            Case(level: "L1", amount: 3000), Case(level: "L2", amount: 2500), Case(level: "L3", amount: 2000),
            Case(level: "L4", amount: 1500), Case(level: "L5", amount: 1000),
        ])
        func levels(_ example: Case) throws {
            let (given, key) = Self.given(level: example.level)
            let entitlement = try only(given, Self.clause)
            #expect(entitlement.status == .eligible)
            #expect(entitlement.amount == yuan(example.amount))
            #expect(entitlement.payee == PayeeRef(kind: .worker, id: person))
            #expect(cites(entitlement, key))
        }

        @Test("BJ-2023/(六): each of the five occupations qualifies; another does not", arguments: [
            ("职业指导师", true), ("企业人力资源管理师", true), ("劳动关系协调员", true), ("劳动保障协理员", true), ("创业指导师", true), ("电工", false),
        ])
        func occupations(_ occupation: String, _ qualifies: Bool) {
            #expect(Self.given(occupation: occupation).given.entitlements(Self.clause, on: "2024-03-31").count == (qualifies ? 1 : 0))
        }

        @Test("BJ-2023/(六): no approved application yet (work in public employment service unattested): awaiting evidence")
        func noApplication() throws {
            let entitlement = try only(Self.given(approved: nil).given, Self.clause)
            #expect(entitlement.status == .awaitingEvidence)
            #expect(entitlement.explanation.refusal?.reason == "application.approved is not recorded yet")
        }

        @Test("BJ-2023/(六): the application rejected: excluded")
        func rejectedApplication() throws {
            let entitlement = try only(Self.given(approved: false).given, Self.clause)
            #expect(entitlement.status == .excluded)
            #expect(entitlement.explanation.refusal?.reason == "application.approved is false, the rule requires true")
        }

        @Test("BJ-2023/(六): a holder registered in Xiamen earns nothing here")
        func otherJurisdiction() {
            #expect(Self.given(registeredIn: "350203").given.entitlements(Self.clause, on: "2024-03-31").isEmpty)
        }
    }

    // MARK: - (七)

    @Suite("BJ-2023/(七): services for local-hukou students, at most 200 a day for at most 3 days (decided)")
    struct LocalStudents {
        static let clause = "BJ-2023/(七)"
        static let student = "student-bj"

        static func given(days: Int64, group: KeyGroup = .localHukouStudent, division: String = "滨江区") -> (given: Given, key: String) {
            var given = Given()
            given.enterprise(enterprise, division: division)
            given.person(student, registeredIn: "330108")
            given.group(student, group, since: "2023-01-01")
            let key = given.event("student-service.delivered", on: "2023-07-10", [
                "classId": "BJ-S-1", "organiser": .string(enterprise), "student": .string(student), "days": .integer(days),
            ])
            return (given, key)
        }

        struct Case: Sendable, CustomTestStringConvertible {
            let days: Int64
            let example: DecisionCase
            let ceiling: Int64
            var testDescription: String { "\(days) days: \(example.name)" }
        }

        // (七): ≤200 a day × min(days, 3).
        static let cases: [Case] = [
            Case(days: 2, example: DecisionCase(name: "no decision: at most 2 × 200 = 400", decision: .none, status: .awaitingDecision, amount: nil,
                 refusal: "the document leaves the amount to a decision (at most ¥400.00); none is recorded"), ceiling: 400),
            Case(days: 5, example: DecisionCase(name: "no decision: at most 3 × 200 = 600", decision: .none, status: .awaitingDecision, amount: nil,
                 refusal: "the document leaves the amount to a decision (at most ¥600.00); none is recorded"), ceiling: 600),
            Case(days: 3, example: DecisionCase(name: "decided 600", decision: .decided(600), status: .eligible, amount: 600, refusal: nil), ceiling: 600),
            Case(days: 5, example: DecisionCase(name: "decided 500", decision: .decided(500), status: .eligible, amount: 500, refusal: nil), ceiling: 600),
            Case(days: 5, example: DecisionCase(name: "decided 700: above 3 × 200", decision: .decided(700), status: .awaitingDecision, amount: nil,
                 refusal: "the decided amount ¥700.00 is above the maximum ¥600.00 of the clause; a new decision within the range is needed"), ceiling: 600),
            Case(days: 3, example: DecisionCase(name: "rejected", decision: .rejected, status: .excluded, amount: nil, refusal: rejected), ceiling: 600),
        ]

        @Test("BJ-2023/(七): the decision, at most 200 a day for 3 days", arguments: cases)
        func decisions(_ example: Case) throws {
            var (given, key) = Self.given(days: example.days)
            record(example.example.decision, in: &given, clause: Self.clause, payee: .organisation, enterprise, subject: Self.student, on: "2023-08-01")
            let entitlement = try only(given, Self.clause)
            check(entitlement, example.example, range: yuan(0)...yuan(example.ceiling))
            #expect(entitlement.payee == PayeeRef(kind: .organisation, id: enterprise))
            #expect(cites(entitlement, key))
        }

        @Test("BJ-2023/(七): a student who is not a local-hukou student is excluded")
        func notLocalStudent() throws {
            let entitlement = try only(Self.given(days: 2, group: .localHukou).given, Self.clause)
            #expect(entitlement.status == .excluded)
            #expect(entitlement.explanation.refusal?.reason == "person.groups is local-hukou, the rule requires any of local-hukou-student")
        }

        @Test("BJ-2023/(七): an organiser in Xiamen earns nothing here")
        func otherJurisdiction() {
            #expect(Self.given(days: 2, division: "思明区").given.entitlements(Self.clause, on: "2024-03-31").isEmpty)
        }
    }

    // MARK: - (八)

    @Suite("BJ-2023/(八): public-welfare posts for employment-difficulty persons (decided)")
    struct PublicWelfarePosts {
        static let clause = "BJ-2023/(八)"
        static let worker = "worker-bj-8"

        static func given(group: KeyGroup = .employmentDifficulty, post: Bool = true, division: String = "滨江区", insuredIn: String = "330108")
            -> (given: Given, key: String) {
            var given = Given()
            given.enterprise(organisation, division: division)
            given.person(worker, registeredIn: insuredIn)
            given.group(worker, group, since: "2023-01-01")
            given.employ(worker, by: organisation, on: "2023-04-03", publicWelfarePost: post)
            let key = lastID(given)
            given.months(worker, with: organisation, from: "2023-04", count: 3, insuredIn: insuredIn)
            return (given, key)
        }

        // (八): the district tops up what the city leaves short: no amount in the document, wholly decided.
        static let cases: [DecisionCase] = [
            DecisionCase(name: "no decision", decision: .none, status: .awaitingDecision, amount: nil, refusal: undecided),
            DecisionCase(name: "decided 3600", decision: .decided(3600), status: .eligible, amount: 3600, refusal: nil),
            DecisionCase(name: "rejected", decision: .rejected, status: .excluded, amount: nil, refusal: rejected),
        ]

        @Test("BJ-2023/(八): the decision, paid to the post's employer", arguments: cases)
        func decisions(_ example: DecisionCase) throws {
            var (given, key) = Self.given()
            record(example.decision, in: &given, clause: Self.clause, payee: .organisation, organisation, subject: Self.worker, on: "2023-08-01")
            let entitlement = try only(given, Self.clause)
            check(entitlement, example, range: nil)
            #expect(entitlement.range == nil)
            #expect(entitlement.payee == PayeeRef(kind: .organisation, id: organisation))
            #expect(cites(entitlement, key))
        }

        @Test("BJ-2023/(八): a post holder not recognised as employment-difficulty is excluded")
        func notDifficulty() throws {
            let entitlement = try only(Self.given(group: .zeroEmploymentFamily).given, Self.clause)
            #expect(entitlement.status == .excluded)
            #expect(entitlement.explanation.refusal?.reason == "person.groups is zero-employment-family, the rule requires any of employment-difficulty")
        }

        @Test("BJ-2023/(八): an ordinary job is not the clause's business")
        func notAPost() {
            #expect(Self.given(post: false).given.entitlements(Self.clause, on: "2024-03-31").isEmpty)
        }

        @Test("BJ-2023/(八): a post in Xiamen earns nothing here")
        func otherJurisdiction() {
            #expect(Self.given(division: "思明区", insuredIn: "350203").given.entitlements(Self.clause, on: "2024-03-31").isEmpty)
        }
    }

    // MARK: - (九)

    @Suite("BJ-2023/(九): training-certification subsidy to filed institutions, 500 / 1000 / 300")
    struct TrainingCertification {
        static let clause = "BJ-2023/(九)"
        static let trainee = "trainee-bj"

        static func given(kind: CertificateKind = .skillLevel, level: String? = "L4", group: KeyGroup = .registeredUnemployed,
                          rating: String? = "filed-training-institution", jurisdiction: String = "330108") -> (given: Given, key: String) {
            var given = Given()
            given.institution(institution, division: "330108")
            if let rating { given.rating(institution, rating, on: "2023-01-05") }
            given.person(trainee, registeredIn: "330108")
            given.group(trainee, group, since: "2023-01-01")
            given.classFiled("BJ-C9", by: institution, kind: "employment-skills", projectBased: false, jurisdiction: jurisdiction,
                             division: "浦沿街道", start: "2023-04-03", end: "2023-05-26")
            given.enrol(trainee, in: "BJ-C9", on: "2023-04-03")
            given.complete(trainee, in: "BJ-C9", on: "2023-05-26")
            given.assess(trainee, in: "BJ-C9", on: "2023-05-26")
            let key = given.certificate("BJ-CERT-9", to: trainee, kind: kind, level: level, classId: "BJ-C9", on: "2023-06-10")
            return (given, key)
        }

        struct Case: Sendable, CustomTestStringConvertible {
            let kind: CertificateKind
            let level: String?
            let amount: Int64
            var testDescription: String { "\(level ?? kind.rawValue): \(amount)" }
        }

        // (九): 初级工、中级工 500, 高级工及以上 1000, 专项能力证书 300.
        @Test("BJ-2023/(九): by the certificate's level or kind", arguments: [
            Case(kind: .skillLevel, level: "L5", amount: 500), Case(kind: .skillLevel, level: "L4", amount: 500),
            Case(kind: .skillLevel, level: "L3", amount: 1000), Case(kind: .skillLevel, level: "L2", amount: 1000),
            Case(kind: .skillLevel, level: "L1", amount: 1000), Case(kind: .specialAbility, level: nil, amount: 300),
        ])
        func tiers(_ example: Case) throws {
            let (given, key) = Self.given(kind: example.kind, level: example.level)
            let entitlement = try only(given, Self.clause)
            #expect(entitlement.status == .eligible)
            #expect(entitlement.amount == yuan(example.amount))
            #expect(entitlement.payee == PayeeRef(kind: .institution, id: institution))
            #expect(cites(entitlement, key))
        }

        @Test("BJ-2023/(九): each named group qualifies", arguments: [
            KeyGroup.registeredUnemployed, .flexibleWorker, .localHukouStudent, .povertyRelieved, .veteran, .migrantWorker,
        ])
        func groups(_ group: KeyGroup) throws {
            #expect(try only(Self.given(group: group).given, Self.clause).amount == yuan(500))
        }

        @Test("BJ-2023/(九): a master studio as organiser qualifies too")
        func masterStudio() throws {
            #expect(try only(Self.given(rating: "master-studio").given, Self.clause).amount == yuan(500))
        }

        @Test("BJ-2023/(九): an organiser not filed with the HR bureau is excluded")
        func notFiled() throws {
            let entitlement = try only(Self.given(rating: nil).given, Self.clause)
            #expect(entitlement.status == .excluded)
            #expect(entitlement.explanation.refusal?.reason == "organiser.ratings is (none), the rule requires any of filed-training-institution, master-studio")
        }

        @Test("BJ-2023/(九): a training-pass certificate is neither skill-level nor special-ability")
        func trainingPass() throws {
            let entitlement = try only(Self.given(kind: .trainingPass, level: nil).given, Self.clause)
            #expect(entitlement.status == .excluded)
            #expect(entitlement.explanation.refusal?.reason == "certificate.kind is training-pass, the rule requires one of skill-level, special-ability")
        }

        @Test("BJ-2023/(九): a trainee of none of the named groups is not the clause's business")
        func otherGroup() {
            #expect(Self.given(group: .taiwanCompatriot).given.entitlements(Self.clause, on: "2024-03-31").isEmpty)
        }

        @Test("BJ-2023/(九): a class filed under Xiamen's policies earns nothing here")
        func otherJurisdiction() {
            #expect(Self.given(jurisdiction: "350200").given.entitlements(Self.clause, on: "2024-03-31").isEmpty)
        }
    }

    // MARK: - (十)-a

    @Suite("BJ-2023/(十)-a: self-training award, 100 skilled or 50 high-skill → 50,000, +10,000 per 20 / 10, at most 200,000")
    struct SelfTraining {
        static let clause = "BJ-2023/(十)-a"

        /// `count` certificates at `level`, issued to employees of `employer` on `day`.
        static func certificates(_ count: Int, level: String, into given: inout Given, employer: String = enterprise,
                                 on day: String = "2023-06-15", prefix: String = "c") {
            for i in 0..<count {
                given.certificate("BJ-\(prefix)\(level)-\(i)", to: "\(prefix)\(level)-\(i)", kind: .skillLevel, level: level,
                                  employer: employer, on: day)
            }
        }

        static func given(skilled l4: Int, high l3: Int, rated: Bool = true, division: String = "滨江区", on day: String = "2023-06-15") -> Given {
            var given = Given()
            given.enterprise(enterprise, division: division)
            if rated { given.rating(enterprise, "self-training-certified-enterprise", on: "2023-01-10") }
            certificates(l4, level: "L4", into: &given, on: day)
            certificates(l3, level: "L3", into: &given, on: day)
            return given
        }

        struct Case: Sendable, CustomTestStringConvertible {
            let l4: Int
            let l3: Int
            let status: Entitlement.Status
            let amount: Int64?
            let refusal: String?
            var testDescription: String { "\(l4) at L4 + \(l3) at L3 → \(amount.map(String.init) ?? status.rawValue)" }
        }

        // skilled = L4 + L3 (all levels), high-skill = L3 and above:
        // max over measures of 50,000 + 10,000 × ⌊(skilled − 100) / 20⌋ or ⌊(high − 50) / 10⌋, at most 200,000.
        static let cases: [Case] = [
            Case(l4: 99, l3: 0, status: .excluded, amount: nil, refusal: "count.newSkilled 99 is below 100; count.newHighSkill 0 is below 50"),
            Case(l4: 100, l3: 0, status: .eligible, amount: 50_000, refusal: nil),    // skilled 100 → 50,000
            Case(l4: 119, l3: 0, status: .eligible, amount: 50_000, refusal: nil),    // ⌊19/20⌋ = 0
            Case(l4: 140, l3: 0, status: .eligible, amount: 70_000, refusal: nil),    // ⌊40/20⌋ = 2 → 70,000
            Case(l4: 0, l3: 50, status: .eligible, amount: 50_000, refusal: nil),     // high 50 → 50,000 (skilled 50 is below 100)
            Case(l4: 0, l3: 59, status: .eligible, amount: 50_000, refusal: nil),     // ⌊9/10⌋ = 0
            Case(l4: 0, l3: 70, status: .eligible, amount: 70_000, refusal: nil),     // ⌊20/10⌋ = 2 → 70,000
            Case(l4: 100, l3: 70, status: .eligible, amount: 80_000, refusal: nil),   // skilled 170: ⌊70/20⌋ = 3 → 80,000 beats high 70 → 70,000
            Case(l4: 40, l3: 80, status: .eligible, amount: 80_000, refusal: nil),    // skilled 120 → 60,000; high 80: ⌊30/10⌋ = 3 → 80,000
            Case(l4: 0, l3: 200, status: .eligible, amount: 200_000, refusal: nil),   // high 200: ⌊150/10⌋ = 15 → 200,000, exactly the maximum
            Case(l4: 1000, l3: 0, status: .capped, amount: 200_000,                   // ⌊900/20⌋ = 45 → 500,000, capped at 200,000
                 refusal: "¥500,000.00 exceeds the yearly maximum ¥200,000.00"),
        ]

        @Test("BJ-2023/(十)-a: the more favourable measure counts", arguments: cases)
        func steps(_ example: Case) throws {
            let given = Self.given(skilled: example.l4, high: example.l3)
            let entitlement = try only(given, Self.clause)
            #expect(entitlement.status == example.status)
            #expect(entitlement.amount == example.amount.map(yuan))
            #expect(entitlement.explanation.refusal?.reason == example.refusal)
            #expect(entitlement.payee == PayeeRef(kind: .enterprise, id: enterprise))
            #expect(entitlement.explanation.parameters.contains("count.newSkilled = \(example.l4 + example.l3)"))
            #expect(entitlement.explanation.parameters.contains("count.newHighSkill = \(example.l3)"))
            #expect(entitlement.explanation.arithmetic.contains("the more favourable measure counts; they are not added"))
            let first = given.facts.first { $0.type == "certificate.issued" }!.eventID
            #expect(cites(entitlement, first))
        }

        @Test("BJ-2023/(十)-a: the year not over: awaiting evidence, with the running figure")
        func yearNotOver() throws {
            let entitlement = try only(Self.given(skilled: 120, high: 0, on: "2023-05-15"), Self.clause, on: "2023-06-30")
            #expect(entitlement.status == .awaitingEvidence)
            #expect(entitlement.amount == nil)
            #expect(entitlement.explanation.refusal?.reason == "the year is not over; the award is worked out on the full year")
            // 50,000 + ⌊20/20⌋ × 10,000 = 60,000 so far
            #expect(entitlement.explanation.arithmetic.contains("running figure ¥60,000.00; the year is not over"))
        }

        @Test("BJ-2023/(十)-a: the year not over and below both thresholds: awaiting evidence")
        func yearNotOverBelow() throws {
            let entitlement = try only(Self.given(skilled: 30, high: 0, on: "2023-05-15"), Self.clause, on: "2023-06-30")
            #expect(entitlement.status == .awaitingEvidence)
            #expect(entitlement.explanation.refusal?.reason
                == "the year is not over: count.newSkilled 30 is below 100; count.newHighSkill 0 is below 50 so far")
        }

        @Test("BJ-2023/(十)-a: a revoked certificate does not count")
        func revoked() throws {
            var given = Self.given(skilled: 100, high: 0)
            given.revoke("BJ-cL4-0", of: "cL4-0", on: "2023-09-01")
            let entitlement = try only(given, Self.clause)
            #expect(entitlement.status == .excluded)
            #expect(entitlement.explanation.refusal?.reason == "count.newSkilled 99 is below 100; count.newHighSkill 0 is below 50")
        }

        @Test("BJ-2023/(十)-a: certificates of different years are not added")
        func perYear() {
            var given = Self.given(skilled: 60, high: 0)
            Self.certificates(60, level: "L4", into: &given, on: "2024-03-01", prefix: "d")
            let found = given.entitlements(Self.clause, on: "2024-12-31")
            #expect(found.map(\.status) == [.excluded, .excluded])
        }

        @Test("BJ-2023/(十)-a: an enterprise not certified for self-training is not the clause's business")
        func notRated() {
            #expect(Self.given(skilled: 100, high: 0, rated: false).entitlements(Self.clause, on: "2024-03-31").isEmpty)
        }

        @Test("BJ-2023/(十)-a: an enterprise in Xiamen earns nothing here")
        func otherJurisdiction() {
            #expect(Self.given(skilled: 100, high: 0, division: "思明区").entitlements(Self.clause, on: "2024-03-31").isEmpty)
        }
    }

    // MARK: - (十)-b, (十一)

    @Suite("BJ-2023/(十)-b: brand-building stars of pilot enterprises, 10,000 / 20,000 / 30,000")
    struct BrandStars {
        static let clause = "BJ-2023/(十)-b"

        // (十)-b: 三星 1万, 四星 2万, 五星 3万.
        @Test("BJ-2023/(十)-b: by stars", arguments: [(Int64(3), Int64?(10_000)), (4, 20_000), (5, 30_000), (2, nil)])
        func stars(_ stars: Int64, _ amount: Int64?) throws {
            let (given, key) = rated("brand-pilot-enterprise", stars: stars)
            let entitlement = try only(given, Self.clause)
            #expect(entitlement.amount == amount.map(yuan))
            #expect(entitlement.payee == PayeeRef(kind: .enterprise, id: organisation))
            #expect(cites(entitlement, key))
            if amount == nil {
                #expect(entitlement.status == .excluded)
                #expect(entitlement.explanation.refusal?.reason == "rating.stars is 2; the clause pays only 3, 4, 5")
            } else {
                #expect(entitlement.status == .eligible)
            }
        }

        @Test("BJ-2023/(十)-b: an enterprise in Xiamen earns nothing here")
        func otherJurisdiction() {
            #expect(rated("brand-pilot-enterprise", stars: 5, division: "湖里区").given.entitlements(Self.clause, on: "2024-03-31").isEmpty)
        }
    }

    @Suite("BJ-2023/(十一): district-level skill master studios, 100,000 once")
    struct MasterStudios {
        static let clause = "BJ-2023/(十一)"

        @Test("BJ-2023/(十一): a district-level studio: 100,000")
        func district() throws {
            let (given, key) = rated("master-studio", level: "district")
            let entitlement = try only(given, Self.clause)
            #expect(entitlement.status == .eligible)
            #expect(entitlement.amount == yuan(100_000))
            #expect(entitlement.payee == PayeeRef(kind: .organisation, id: organisation))
            #expect(cites(entitlement, key))
        }

        @Test("BJ-2023/(十一): a studio at another level is not the clause's business", arguments: ["city", "provincial", "national"])
        func otherLevels(_ level: String) {
            #expect(rated("master-studio", level: level).given.entitlements(Self.clause, on: "2024-03-31").isEmpty)
        }

        @Test("BJ-2023/(十一): a district studio in Jinjiang earns nothing here")
        func otherJurisdiction() {
            #expect(rated("master-studio", level: "district", division: "350582").given.entitlements(Self.clause, on: "2024-03-31").isEmpty)
        }
    }
}
