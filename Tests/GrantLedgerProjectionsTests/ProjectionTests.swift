import Foundation
import GRDB
import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerPolicy
@testable import GrantLedgerProjections
import Testing

/// The stories of the issue, told to a ledger and read back from the projections.
@Suite struct ProjectionTests {
    static let w1 = Story.resident(1), w2 = Story.resident(2), w3 = Story.resident(3)

    /// Two referred workers (one stays 6 months, one leaves in month 5), the agency paid for
    /// the first, and a payment with no entitlement behind it.
    static func referrals() -> Story {
        var story = Story()
        story.enterprise()
        story.referral(worker: w1, months: 6, number: "LW-1")
        story.referral(worker: w2, months: 5, leaveOn: "2024-06-10", number: "LW-2")
        story.disburse("PAY-1", clause: "XM-2023-187/(九)-b", payee: Story.agency, subject: w1, yuan: 1000, on: "2024-04-10")
        story.disburse("PAY-2", clause: "XM-2023-187/(九)-b", payee: Story.agency, subject: w3, yuan: 1000, on: "2024-04-10")
        return story
    }

    func entitlement(_ views: [EntitlementView], _ clause: String, _ subject: String) -> EntitlementView? {
        views.first { $0.entitlement.clause == clause && $0.entitlement.subject == subject }
    }

    @Test("the agency earns 1000 + 1000 for a worker who stays 6 months; the second tranche is forfeited by one who leaves in month 5")
    func referralTranches() async throws {
        let ledger = try await TestLedger()
        try await ledger.append(Self.referrals().lines)
        let reader = try ledger.projections.reader()
        let views = try reader.entitlements()
        let (p1, p2) = (ledger.pseudonym(Self.w1), ledger.pseudonym(Self.w2))
        let first = try #require(entitlement(views, "XM-2023-187/(九)-b", p1))
        let second = try #require(entitlement(views, "XM-2023-187/(九)-c", p1))
        #expect(first.entitlement.status == "eligible" && first.entitlement.amount == 100_000)
        #expect(second.entitlement.status == "eligible" && second.entitlement.amount == 100_000)
        #expect(first.paid == 100_000 && first.outstanding == 0)
        #expect(second.paid == 0 && second.outstanding == 100_000)
        let leaver = try #require(entitlement(views, "XM-2023-187/(九)-c", p2))
        #expect(leaver.entitlement.status == "excluded")
        #expect(entitlement(views, "XM-2023-187/(九)-b", p2)?.entitlement.amount == 100_000)

        let schedule = try reader.payouts(EntitlementFilter(payee: Story.agency))
        let lines = schedule.filter { $0.subject == p1 }.map { "\($0.clause) \($0.amount) \($0.dueDate ?? "-") \($0.state)" }
        #expect(lines == ["XM-2023-187/(九)-b 100000 2024-03-31 paid", "XM-2023-187/(九)-c 100000 2024-06-30 due"])
        // Unpaid and due: the leaver's first 1000 (from 2024-03-31), then the stayer's second (2024-06-30).
        let p2Due = "XM-2023-187/(九)-b#referral:"
        #expect(try reader.payouts(EntitlementFilter(payee: Story.agency), dueBy: LocalDate("2024-05-31")).map(\.subject) == [p2])
        #expect(try reader.payouts(EntitlementFilter(payee: Story.agency), dueBy: LocalDate("2024-06-30")).map(\.subject) == [p2, p1])
        #expect(try reader.payouts(EntitlementFilter(payee: Story.agency), dueBy: LocalDate("2024-06-30")).allSatisfy { $0.entitlementID.hasPrefix(p2Due) || $0.clause.hasSuffix("(九)-c") })
    }

    @Test("a trainee's scope sees the organiser's rating, though no event of the trainee names the organiser")
    func organiserRatingReachesTrainees() async throws {
        let ledger = try await TestLedger()
        var story = Story()
        let school = "52330108MJ0000000H", trainee = ResidentID.withCheckCharacter("33010819980304001")!
        story.event("institution.registered", stream: "organisation:\(school)", on: "2022-09-02", [
            "institution": school, "kind": "training-institution", "name": "西兴街道职业技能培训学校", "division": "西兴街道",
        ])
        story.event("organisation.rated", stream: "organisation:\(school)", on: "2023-02-21", [
            "organisation": school, "rating": "filed-training-institution", "level": "district", "ratedBy": "杭州市滨江区人力资源和社会保障局",
        ])
        story.event("person.registered", stream: "person:\(trainee)", on: "2023-04-06", [
            "person": trainee, "registeredIn": "330108", "registrationKind": "unemployment",
        ])
        story.event("person.group-joined", stream: "person:\(trainee)", on: "2023-04-06", [
            "person": trainee, "group": "registered-unemployed", "since": "2023-04-06", "recognisedBy": "滨江区人社局",
        ])
        story.event("class.filed", stream: "class:BJ-K1", on: "2023-05-06", [
            "classId": "BJ-K1", "organiser": school, "kind": "skills-upgrading", "occupation": "电子商务师", "classHours": 100,
            "offlineHours": 80, "projectBased": true, "jurisdiction": "330108", "division": "西兴街道", "startDate": "2023-05-06",
            "endDate": "2023-05-30",
        ])
        story.event("training.enrolled", stream: "class:BJ-K1", on: "2023-05-06", ["classId": "BJ-K1", "trainee": trainee])
        story.event("training.completed", stream: "class:BJ-K1", on: "2023-05-30", ["classId": "BJ-K1", "trainee": trainee, "attendedHours": 100])
        story.event("certificate.issued", stream: "certificate:S3301082023000001", on: "2023-06-20", [
            "certificateNumber": "S3301082023000001", "holder": trainee, "kind": "skill-level", "occupation": "电子商务师", "level": "L4",
            "issuer": "杭州市滨江区职业技能鉴定中心", "classId": "BJ-K1",
        ])
        try await ledger.append(story.lines)
        _ = try ledger.projections.catchUp()
        let found = try ledger.projections.reader().entitlements(EntitlementFilter(subject: ledger.pseudonym(trainee), clause: "BJ-2023/(九)"))
        #expect(found.map(\.entitlement.status) == ["eligible"])
        #expect(found.first?.entitlement.amount == 50_000)
    }

    @Test("a payment with no entitlement behind it is a finding, not silently accepted")
    func unmatchedPayment() async throws {
        let ledger = try await TestLedger()
        try await ledger.append(Self.referrals().lines)
        let findings = try ledger.projections.reader().findings()
        #expect(findings.map(\.kind) == ["no-entitlement"])
        #expect(findings.first?.disbursements == ["PAY-2"])
        #expect(findings.first?.amount == 100_000)
    }

    @Test("--known-at before a late correction shows the uncorrected figure; after, the money paid is to be recovered")
    func lateCorrection() async throws {
        let ledger = try await TestLedger(clock: "2024-07-15T02:00:00.000Z")
        var story = Self.referrals()
        story.disburse("PAY-3", clause: "XM-2023-187/(九)-c", payee: Story.agency, subject: Self.w1, yuan: 1000, on: "2024-07-10")
        try await ledger.append(story.lines)
        let before = try await ledger.log.head()!.position
        // Weeks later the social-insurance bureau corrects April: nothing was paid that month.
        ledger.clock.set("2024-08-20T02:00:00.000Z")
        var correction = Story(base: 2)
        correction.month(worker: Self.w1, contract: "employment:\(Story.employer):HT-LW-1", month: 4, paid: false)
        try await ledger.append(correction.lines)

        let p1 = ledger.pseudonym(Self.w1)
        let now = try ledger.projections.reader().entitlements(EntitlementFilter(subject: p1))
        let corrected = try #require(entitlement(now, "XM-2023-187/(九)-c", p1))
        #expect(corrected.entitlement.status == "excluded")
        #expect(corrected.excessKind == "to-recover" && corrected.excess == 100_000)

        for moment in [Moment(position: before), Moment(knownAt: Timestamp("2024-08-01T00:00:00.000Z")!)] {
            let then = try ledger.projections.reader(at: moment).entitlements(EntitlementFilter(subject: p1))
            let uncorrected = try #require(entitlement(then, "XM-2023-187/(九)-c", p1))
            #expect(uncorrected.entitlement.status == "eligible" && uncorrected.entitlement.amount == 100_000)
            #expect(uncorrected.paid == 100_000 && uncorrected.excess == 0)
        }
        // One person's snapshot gives the same answer as the whole ledger's.
        let single = try ledger.projections.reader(at: Moment(position: before), party: p1).entitlements(EntitlementFilter(subject: p1))
        #expect(entitlement(single, "XM-2023-187/(九)-c", p1)?.entitlement.status == "eligible")
        let findings = try ledger.projections.reader().findings()
        #expect(findings.contains { $0.kind == "to-recover" && $0.disbursements == ["PAY-3"] })
    }

    @Test("--as-of a business date judges the facts dated up to it")
    func asOfDate() async throws {
        let ledger = try await TestLedger()
        try await ledger.append(Self.referrals().lines)
        let p1 = ledger.pseudonym(Self.w1)
        let april = try ledger.projections.reader(at: Moment(asOf: LocalDate("2024-04-15"))).entitlements(EntitlementFilter(subject: p1))
        #expect(entitlement(april, "XM-2023-187/(九)-b", p1)?.entitlement.status == "eligible")
        #expect(entitlement(april, "XM-2023-187/(九)-c", p1)?.entitlement.status == "awaiting-evidence")
        // The payment of 2024-04-10 is a fact of that date too: before it, nothing was paid.
        #expect(entitlement(april, "XM-2023-187/(九)-b", p1)?.paid == 100_000)
        let march = try ledger.projections.reader(at: Moment(asOf: LocalDate("2024-04-01")))
        #expect(entitlement(try march.entitlements(), "XM-2023-187/(九)-b", p1)?.paid == 0)
        #expect(try march.findings().isEmpty)
        let single = try ledger.projections.reader(at: Moment(asOf: LocalDate("2024-04-01")), party: p1)
        #expect(entitlement(try single.entitlements(), "XM-2023-187/(九)-b", p1)?.paid == 0)
    }

    @Test("a timeline lists every event naming the person in business-time order, and what resulted")
    func timeline() async throws {
        let ledger = try await TestLedger()
        var story = Self.referrals()
        // Recorded late, dated early: it sorts by its business date.
        story.event("person.registered", stream: "person:\(Self.w1)", on: "2023-12-01", [
            "person": Self.w1, "registeredIn": "思明区", "registrationKind": "employment",
        ])
        try await ledger.append(story.lines)
        let p1 = ledger.pseudonym(Self.w1)
        let timeline = try ledger.projections.reader().timeline(party: p1)
        #expect(timeline.events.first?.type == "person.registered")
        #expect(timeline.events.map(\.occurredAt) == timeline.events.map(\.occurredAt).sorted())
        let expectedEvents = 1 + 1 + 1 + 6 + 1  // registered, referral, hired, 6 months, paid
        #expect(timeline.events.count == expectedEvents)
        #expect(Set(timeline.entitlements.map(\.entitlement.clause)) == ["XM-2023-187/(九)-b", "XM-2023-187/(九)-c"])
        #expect(timeline.payouts.count == 2)
        #expect(!timeline.events.contains { $0.data.contains(Self.w1) }, "the resident ID is never in the log's data")
    }

    @Test("targets: the achieved figure, the ratio and the events that count, whether the target is set before or after them")
    func performance() async throws {
        let ledger = try await TestLedger()
        var story = Story()
        story.event("institution.registered", stream: "organisation:52350203MJ0000001R", on: "2023-06-01", [
            "institution": "52350203MJ0000001R", "name": "学校", "division": "思明区", "kind": "training-institution",
        ])
        func target(_ id: String, value: Int, _ story: inout Story) async {
            story.event("target.set", stream: "target:\(id)", on: "2024-01-02", [
                "targetId": id, "clause": "XM-2023-187/tranche", "metric": "training-person-times", "scope": "district", "unit": "思明区",
                "periodStart": "2024-01-01", "periodEnd": "2024-12-31", "value": value,
            ])
        }
        await target("T-BEFORE", value: 4, &story)
        story.event("class.filed", stream: "class:C1", on: "2024-02-01", [
            "classId": "C1", "organiser": "52350203MJ0000001R", "kind": "employment-skills", "occupation": "电工", "classHours": 80,
            "offlineHours": 80, "projectBased": false, "jurisdiction": "350200", "division": "思明区", "startDate": "2024-02-05",
            "endDate": "2024-03-29",
        ])
        for n in 1...3 {
            story.event("training.enrolled", stream: "class:C1", on: "2024-02-03", ["classId": "C1", "trainee": Story.resident(10 + n)])
            story.event("training.completed", stream: "class:C1", on: "2024-03-29", [
                "classId": "C1", "trainee": Story.resident(10 + n), "attendedHours": 80,
            ])
        }
        await target("T-AFTER", value: 6, &story)
        try await ledger.append(story.lines)
        let reader = try ledger.projections.reader()
        let targets = try reader.performance(unit: "思明区")
        #expect(targets.map(\.targetID) == ["T-AFTER", "T-BEFORE"])
        #expect(targets.map(\.achieved) == [3, 3])
        #expect(targets.map(\.ratioBasisPoints) == [5_000, 7_500])
        #expect(try reader.countedEvents(target: "T-BEFORE").map(\.type) == Array(repeating: "training.completed", count: 3))
        #expect(try reader.performance(unit: "集美区").isEmpty)
        let period = LocalDate("2025-01-01")!...LocalDate("2025-12-31")!
        #expect(try reader.performance(period: period).isEmpty)
    }
}
