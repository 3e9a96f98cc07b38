import Foundation
import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerPolicy
@testable import GrantLedgerProjections
import Testing

/// Xiamen's "131" service (XM-2023-188/4): per district and period, the registered unemployed
/// and unemployed graduates, those given 1 career guidance, 3 job referrals and 1 training or
/// internship offer, the completeness, and who still misses which part.
@Suite struct Service131Tests {
    /// 思明区: A complete; B (a graduate, registered by code) with 1 guidance and 1 referral; C a
    /// member only in 2022; D in no key group; E complete with an internship, having left the
    /// group mid-year; F served in 2023 but only one referral in 2024. 湖里区: G and I complete,
    /// H served only in a later recording.
    static let a = Story.resident(101), b = Story.resident(102), c = Story.resident(103), d = Story.resident(104)
    static let e = Story.resident(105), f = Story.resident(106), g = Story.resident(107), h = Story.resident(108)
    static let i = Story.resident(109)

    static func person(_ story: inout Story, _ id: String, in place: String, group: String?, since: String = "2024-01-02", until: String? = nil) {
        story.event("person.registered", stream: "person:\(id)", on: since, ["person": id, "registeredIn": place, "registrationKind": "unemployment"])
        if let group {
            var data: [String: Any] = ["person": id, "group": group, "since": since]
            if let until { data["until"] = until }
            story.event("person.group-joined", stream: "person:\(id)", on: since, data)
        }
    }

    static func contact(_ story: inout Story, _ id: String, _ service: String, on day: String) {
        var data: [String: Any] = ["person": id, "service": service]
        if service == "job-referral" { data["employer"] = Story.employer }
        story.event("job-service.contacted", stream: "person:\(id)", on: day, data)
    }

    /// Guidance, three referrals and an offer, from `month` of 2024.
    static func serveFully(_ story: inout Story, _ id: String, offer: String = "training-offer", month: Int = 2) {
        let m = String(format: "%02d", month)
        contact(&story, id, "career-guidance", on: "2024-\(m)-05")
        for day in ["10", "15", "20"] { contact(&story, id, "job-referral", on: "2024-\(m)-\(day)") }
        contact(&story, id, offer, on: "2024-\(m)-25")
    }

    static func story() -> Story {
        var story = Story()
        person(&story, a, in: "思明区", group: "registered-unemployed")
        serveFully(&story, a)
        person(&story, b, in: "350203", group: "graduate-within-two-years", since: "2024-02-01")
        contact(&story, b, "career-guidance", on: "2024-02-10")
        contact(&story, b, "job-referral", on: "2024-02-12")
        person(&story, c, in: "思明区", group: "registered-unemployed", since: "2022-01-03", until: "2022-12-31")
        serveFully(&story, c)
        person(&story, d, in: "思明区", group: "migrant-worker")
        serveFully(&story, d)
        person(&story, e, in: "思明区", group: "registered-unemployed", since: "2024-03-01")
        contact(&story, e, "career-guidance", on: "2024-03-05")
        for day in ["2024-03-10", "2024-03-20", "2024-04-01"] { contact(&story, e, "job-referral", on: day) }
        contact(&story, e, "internship-offer", on: "2024-05-01")
        story.event("person.group-left", stream: "person:\(e)", on: "2024-06-01", ["person": e, "group": "registered-unemployed"])
        person(&story, f, in: "思明区", group: "registered-unemployed", since: "2023-06-01")
        contact(&story, f, "career-guidance", on: "2023-06-10")
        contact(&story, f, "job-referral", on: "2023-07-10")
        contact(&story, f, "job-referral", on: "2023-08-10")
        contact(&story, f, "training-offer", on: "2023-09-10")
        contact(&story, f, "job-referral", on: "2024-01-15")
        person(&story, g, in: "湖里区", group: "registered-unemployed")
        serveFully(&story, g, month: 3)
        person(&story, h, in: "湖里区", group: "registered-unemployed")
        person(&story, i, in: "350206", group: "graduate-within-two-years")
        serveFully(&story, i, offer: "internship-offer", month: 4)
        story.event("target.set", stream: "target:T-131-SM-2024", on: "2024-01-01", [
            "targetId": "T-131-SM-2024", "clause": "XM-2023-188/4", "metric": "service-131-completeness-percent", "scope": "district",
            "unit": "思明区", "periodStart": "2024-01-01", "periodEnd": "2024-12-31", "value": 90,
        ])
        return story
    }

    /// H's services, recorded later.
    static func late() -> Story {
        var story = Story(base: 2)
        serveFully(&story, h, month: 6)
        return story
    }

    static let year2024 = LocalDate("2024-01-01")!...LocalDate("2024-12-31")!

    func line(_ lines: [Service131Line], _ unit: String, _ start: String = "2024-01-01") -> Service131Line? {
        lines.first { $0.unit == unit && $0.periodStart == start }
    }

    @Test("applicable, served in full and the completeness per district and for the city; a 131 target reports achieved and ratio")
    func completeness() async throws {
        let ledger = try await TestLedger()
        try await ledger.append(Self.story().lines)
        let before = try await ledger.log.head()!.position
        ledger.clock.set("2026-11-22T02:00:00.000Z")
        try await ledger.append(Self.late().lines)
        let reader = try ledger.projections.reader()

        let lines = try reader.service131(period: Self.year2024)
        // 思明区: A, B, E, F apply (C's membership ended in 2022, D is in no key group); A and E are served in full.
        let siming = try #require(line(lines, "思明区"))
        #expect(siming.applicable == 4 && siming.completed == 2 && siming.completenessBasisPoints == 5_000)
        #expect(siming.target == "T-131-SM-2024" && siming.targetValue == 90 && siming.ratioBasisPoints == 5_555)
        let huli = try #require(line(lines, "湖里区"))
        #expect(huli.applicable == 3 && huli.completed == 3 && huli.completenessBasisPoints == 10_000 && huli.target == nil)
        let city = try #require(line(lines, "厦门市"))
        #expect(city.scope == "city" && city.applicable == 7 && city.completed == 5 && city.completenessBasisPoints == 7_142)
        #expect(lines.map(\.unit) == ["思明区", "湖里区", "厦门市"])
        #expect(try reader.service131(unit: "350206", period: Self.year2024).map(\.unit) == ["湖里区"])

        // Without a period: every year with a contact (F's 2023 services), and the target's period.
        let natural = try reader.service131()
        #expect(natural.map { "\($0.unit) \($0.periodStart) \($0.applicable) \($0.completed)" } == [
            "思明区 2023-01-01 1 0", "厦门市 2023-01-01 1 0", "思明区 2024-01-01 4 2", "湖里区 2024-01-01 3 3", "厦门市 2024-01-01 7 5",
        ])

        // The target: achieved is the completeness in percent, the ratio against the 90% target.
        let target = try #require(try reader.performance().first { $0.targetID == "T-131-SM-2024" })
        #expect(target.achieved == 50 && target.ratioBasisPoints == 5_555 && target.applicable == 4 && target.completed == 2)

        // Who misses what in 思明区: B a referral short of three and no offer; F, served in 2023, only one referral in 2024.
        let (pb, pf) = (ledger.pseudonym(Self.b), ledger.pseudonym(Self.f))
        let missing = try reader.service131People(unit: "思明区", period: Self.year2024)
        #expect(Set(missing.map(\.person)) == [pb, pf])
        #expect(missing.first { $0.person == pb }?.missing == ["referrals 1/3", "training-or-internship 0/1"])
        #expect(missing.first { $0.person == pf }?.missing == ["guidance 0/1", "referrals 1/3", "training-or-internship 0/1"])
        #expect(missing.first { $0.person == pb }?.groups == ["graduate-within-two-years"])
        let everyone = try reader.service131People(unit: "思明区", period: Self.year2024, missingOnly: false)
        #expect(Set(everyone.map(\.person)) == Set([Self.a, Self.b, Self.e, Self.f].map(ledger.pseudonym)))
        #expect(Set(try reader.service131People(period: Self.year2024).map(\.person)) == [pb, pf])

        // As of a moment: before H's services were recorded, H misses everything; on 2024-04-30, E's internship is yet to come.
        let then = try ledger.projections.reader(at: Moment(position: before))
        #expect(line(try then.service131(period: Self.year2024), "湖里区").map { [$0.applicable, $0.completed] } == [3, 2])
        #expect(try then.service131People(unit: "湖里区", period: Self.year2024).map(\.missing)
                == [["guidance 0/1", "referrals 0/3", "training-or-internship 0/1"]])
        let april = try ledger.projections.reader(at: Moment(asOf: LocalDate("2024-04-30")))
        let aprilSiming = try #require(line(try april.service131(period: Self.year2024), "思明区"))
        #expect(aprilSiming.applicable == 4 && aprilSiming.completed == 1)
        #expect(try april.performance().first { $0.targetID == "T-131-SM-2024" }?.achieved == 25)

        // Kept event by event, the tables equal a fresh build.
        let live = try ledger.projections.digests().map(\.digest)
        #expect(try ledger.projections.rebuild().digests.map(\.digest) == live)
    }

    @Test("a 131 target with no one to serve reports no achieved figure rather than a made-up one")
    func nobodyApplicable() async throws {
        let ledger = try await TestLedger()
        var story = Story()
        story.event("target.set", stream: "target:T-131-HC", on: "2024-01-01", [
            "targetId": "T-131-HC", "clause": "XM-2023-188/4", "metric": "service-131-completeness-percent", "scope": "district",
            "unit": "海沧区", "periodStart": "2024-01-01", "periodEnd": "2024-12-31", "value": 100,
        ])
        try await ledger.append(story.lines)
        let reader = try ledger.projections.reader()
        let target = try #require(try reader.performance().first)
        #expect(target.applicable == 0 && target.completed == 0 && target.achieved == nil && target.ratioBasisPoints == nil)
        let lines = try reader.service131()
        #expect(lines.map { "\($0.unit) \($0.periodStart) \($0.applicable) \($0.target ?? "-")" } == ["海沧区 2024-01-01 0 T-131-HC"])
        #expect(lines.first?.completenessBasisPoints == nil)
    }
}
