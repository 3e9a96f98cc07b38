import Foundation
import GRDB
import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerPolicy
@testable import GrantLedgerProjections
import Testing

/// Context that arrives after the facts it judges, or that reaches a person only through the
/// evidence an application cites: the live projections must agree with a rebuild after every
/// append, and show it.
@Suite struct LateContextTests {
    /// Appends each line on its own, catching up after each, and checks the live projections
    /// against projections built afresh from the same events.
    static func appendOneByOne(_ lines: [String], to ledger: TestLedger) async throws {
        for (n, line) in lines.enumerated() {
            try await ledger.append([line])
            try PooledLimitTests.expectLiveEqualsRebuild(ledger, "after line \(n + 1)")
        }
    }

    @Test("an organiser's rating recorded after its trainees' facts reaches their scopes at once, not only at the next rebuild")
    func lateOrganiserRating() async throws {
        let ledger = try await TestLedger()
        var story = Story()
        let school = "52330108MJ0000000H", trainee = ResidentID.withCheckCharacter("33010819980304001")!
        story.event("institution.registered", stream: "organisation:\(school)", on: "2022-09-02", [
            "institution": school, "kind": "training-institution", "name": "西兴街道职业技能培训学校", "division": "西兴街道",
        ])
        story.event("person.registered", stream: "person:\(trainee)", on: "2023-04-06", [
            "person": trainee, "registeredIn": "330108", "registrationKind": "unemployment",
        ])
        story.event("person.group-joined", stream: "person:\(trainee)", on: "2023-04-06", [
            "person": trainee, "group": "registered-unemployed", "since": "2023-04-06", "recognisedBy": "滨江区人社局",
        ])
        story.event("training.enrolled", stream: "class:BJ-K1", on: "2023-05-06", ["classId": "BJ-K1", "trainee": trainee])
        story.event("class.filed", stream: "class:BJ-K2", on: "2023-05-06", [
            "classId": "BJ-K2", "organiser": school, "kind": "skills-upgrading", "occupation": "电子商务师", "classHours": 100,
            "offlineHours": 80, "projectBased": true, "jurisdiction": "330108", "division": "西兴街道", "startDate": "2023-05-06",
            "endDate": "2023-05-30",
        ])
        // The filing after the trainee's enrolment, the certificate, and the rating last of all.
        story.event("class.filed", stream: "class:BJ-K1", on: "2023-05-06", [
            "classId": "BJ-K1", "organiser": school, "kind": "skills-upgrading", "occupation": "电子商务师", "classHours": 100,
            "offlineHours": 80, "projectBased": true, "jurisdiction": "330108", "division": "西兴街道", "startDate": "2023-05-06",
            "endDate": "2023-05-30",
        ])
        story.event("certificate.issued", stream: "certificate:S3301082023000001", on: "2023-06-20", [
            "certificateNumber": "S3301082023000001", "holder": trainee, "kind": "skill-level", "occupation": "电子商务师", "level": "L4",
            "issuer": "杭州市滨江区职业技能鉴定中心", "classId": "BJ-K1",
        ])
        story.event("organisation.rated", stream: "organisation:\(school)", on: "2023-02-21", [
            "organisation": school, "rating": "filed-training-institution", "level": "district", "ratedBy": "杭州市滨江区人力资源和社会保障局",
        ])
        try await Self.appendOneByOne(story.lines, to: ledger)
        let found = try ledger.projections.reader().entitlements(EntitlementFilter(subject: ledger.pseudonym(trainee), clause: "BJ-2023/(九)"))
        #expect(found.map(\.entitlement.status) == ["eligible"])
        #expect(found.first?.entitlement.amount == 50_000)
    }

    @Test("an enterprise's application citing a trainee's certificate as evidence, naming no worker, reaches the trainee's entitlement with its decided amount", arguments: [false, true])
    func applicationByEvidence(certificateLast: Bool) async throws {
        let ledger = try await TestLedger()
        let enterprise = Story.employer, trainee = Story.resident(21)
        var story = Story(base: 9)
        story.event("enterprise.registered", stream: "organisation:\(enterprise)", on: "2019-01-01", [
            "enterprise": enterprise, "name": "厦门某智能制造有限公司", "division": "海沧区",
        ])
        story.event("class.filed", stream: "class:BR-1", on: "2024-03-01", [
            "classId": "BR-1", "organiser": enterprise, "kind": "brics", "occupation": "工业机器人系统操作员", "classHours": 48,
            "offlineHours": 48, "practicalHours": 10, "projectBased": false, "jurisdiction": "350200", "division": "海沧区",
            "startDate": "2024-03-01", "endDate": "2024-03-20",
        ])
        let certificate = story.event("certificate.issued", stream: "certificate:BR-1-1", on: "2024-03-25", [
            "certificateNumber": "BR-1-1", "holder": trainee, "kind": "training-pass", "occupation": "工业机器人系统操作员",
            "issuer": "厦门技师学院", "classId": "BR-1",
        ])
        story.event("application.submitted", stream: "application:BR-APP-1", on: "2024-04-01", [
            "applicationId": "BR-APP-1", "clause": "XM-2023-187/(四)", "payee": ["kind": "enterprise", "organisation": enterprise],
            "evidence": [certificate], "requestedAmount": 400_000,
        ])
        story.event("application.approved", stream: "application:BR-APP-1", on: "2024-04-20", [
            "applicationId": "BR-APP-1", "approvedBy": "厦门技师学院",
        ])
        story.event("amount.decided", stream: "application:BR-APP-1", on: "2024-04-20", [
            "applicationId": "BR-APP-1", "clause": "XM-2023-187/(四)", "amount": 300_000, "decidedBy": "厦门市人社局",
            "basis": "48 课时，其中实操 10 课时",
        ])
        var lines = story.lines
        if certificateLast {
            // The application and its decisions recorded before the certificate they cite: a
            // rebuild reaches the trainee when the certificate arrives, as a catch-up does.
            lines.append(lines.remove(at: 2))
        }
        try await Self.appendOneByOne(lines, to: ledger)
        let found = try ledger.projections.reader().entitlements(EntitlementFilter(subject: ledger.pseudonym(trainee), clause: "XM-2023-187/(四)"))
        #expect(found.map(\.entitlement.status) == ["eligible"])
        #expect(found.first?.entitlement.amount == 300_000)
        _ = try ledger.projections.rebuild()
        let rebuilt = try ledger.projections.reader().entitlements(EntitlementFilter(subject: ledger.pseudonym(trainee), clause: "XM-2023-187/(四)"))
        #expect(rebuilt.first?.entitlement.amount == 300_000)
    }
}
