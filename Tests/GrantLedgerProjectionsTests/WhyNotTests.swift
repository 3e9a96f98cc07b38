import Foundation
import GrantLedgerEvents
import GrantLedgerPolicy
@testable import GrantLedgerProjections
import Testing

/// `why-not`'s library call: for every rule a person's facts could fire, where each fact stopped.
@Suite("why not: the first test each of a person's facts failed")
struct WhyNotTests {
    static let (idle, trained, elsewhere, hukou) = (Story.resident(71), Story.resident(72), Story.resident(73), Story.resident(74))
    static let binjiangFirm = "91330108MA27XB001H"

    static func ledger() async throws -> TestLedger {
        let ledger = try await TestLedger()
        var story = Story()
        story.person(idle, registeredIn: "350203")
        // Four subsidised trainings in 2024: the fourth is over XM-2023-187's yearly cap.
        story.person(trained, registeredIn: "350203")
        for (n, occupation) in ["电工", "焊工", "育婴员", "养老护理员"].enumerated() {
            story.event("certificate.issued", stream: "certificate:XM-W-\(n)", on: "2024-0\(n + 3)-15", [
                "certificateNumber": "XM-W-\(n)", "holder": trained, "kind": "skill-level", "occupation": occupation, "level": "L4",
                "issuer": "厦门市职业技能鉴定中心",
            ])
        }
        // Registered in Binjiang: Xiamen's and Jinjiang's certificate subsidies are not theirs.
        story.person(elsewhere, registeredIn: "330108")
        story.event("certificate.issued", stream: "certificate:BJ-W-1", on: "2024-04-10", [
            "certificateNumber": "BJ-W-1", "holder": elsewhere, "kind": "skill-level", "occupation": "电工", "level": "L4",
            "issuer": "杭州市滨江区职业技能鉴定中心",
        ])
        // A Binjiang hukou on the registration, but no local-hukou group: BJ-2023/(四)-a does not count the hire.
        story.event("person.registered", stream: "person:\(hukou)", on: "2023-01-05", [
            "person": hukou, "registeredIn": "330108", "hukouDivision": "330108", "registrationKind": "job-seeking",
        ])
        story.event("enterprise.registered", stream: "organisation:\(binjiangFirm)", on: "2019-01-01", [
            "enterprise": binjiangFirm, "name": "杭州滨江某科技有限公司", "division": "长河街道",
        ])
        story.event("employment.started", stream: "employment:\(binjiangFirm):H-1", on: "2023-02-01", [
            "employee": hukou, "employer": binjiangFirm, "contract": "open-ended", "labourDispatch": false,
        ])
        try await ledger.append(story.lines)
        return ledger
    }

    func report(_ ledger: TestLedger, _ person: String, clause: String? = nil) throws -> WhyNotReport {
        try ledger.projections.reader().whyNot(person: ledger.pseudonym(person), clause: clause, policies: ledger.projections.policies)
    }

    @Test("a person with no fact a rule reads: no rule, and the events that name them")
    func nothingToFire() async throws {
        let ledger = try await Self.ledger()
        let answer = try report(ledger, Self.idle)
        #expect(answer.rules.isEmpty)
        #expect(answer.eventsNamingPerson == ["person.registered": 1])
    }

    @Test("a fourth training in a year stops at the cap, naming the clause that capped it")
    func cappedTraining() async throws {
        let ledger = try await Self.ledger()
        let rule = try #require(try report(ledger, Self.trained, clause: "XM-2023-187/(一)-c").rules.first)
        #expect(rule.findings.map(\.stage) == [.waiting, .waiting, .waiting, .cap])
        let capped = try #require(rule.findings.last)
        #expect(capped.refusedBy == "XM-2023-187/general-cap")
        #expect(capped.reason.hasPrefix("already 3 subsidised trainings in 2024"))
        #expect(capped.facts.first?.type == "certificate.issued")
        // The same question, through the projections' own rows: the entitlement agrees.
        let row = try ledger.projections.reader().entitlement(id: try #require(capped.entitlementID))
        #expect(row?.entitlement.status == "capped")
    }

    @Test("a person outside the jurisdiction: the rule's document and where the fact lies")
    func outsideJurisdiction() async throws {
        let ledger = try await Self.ledger()
        let answer = try report(ledger, Self.elsewhere)
        let xiamen = try #require(answer.rules.first { $0.clause == "XM-2023-187/(一)-c" })
        #expect(xiamen.findings.map(\.stage) == [.jurisdiction])
        #expect(xiamen.findings.first?.reason == "XM-2023-187 applies in 厦门市 (350200); it lies in 330108")
        let jinjiang = try #require(answer.rules.first { $0.clause == "JJ-2019-79/6.2-b" })
        #expect(jinjiang.findings.map(\.stage) == [.jurisdiction])
    }

    @Test("a hukou recorded on the registration while the rule tests the local-hukou group: a hint says so")
    func hukouHint() async throws {
        let ledger = try await Self.ledger()
        let rule = try #require(try report(ledger, Self.hukou, clause: "BJ-2023/(四)-a").rules.first)
        let finding = try #require(rule.findings.first)
        #expect(finding.stage == .match)
        #expect(finding.reason.contains("BJ-2023/(四)-a counts hires in local-hukou, or paired-region-origin and poverty-relieved"))
        #expect(finding.hints.contains { $0.hasPrefix("The household registration is recorded as person.registered.hukouDivision = 330108, inside 滨江区, but BJ-2023/(四)-a tests the key group local-hukou") })
    }
}
