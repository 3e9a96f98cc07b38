import Foundation
import GRDB
import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerPolicy
@testable import GrantLedgerProjections
import Testing

/// Limits that span scopes: a clause's pooled fund is shared by every trainee of every
/// enterprise, though the projections evaluate one person at a time.
@Suite struct PooledLimitTests {
    static let fundClause = "XM-2023-187/(三)"
    static let enterprise = Story.employer

    /// The bundled policy files with XM-2023-187/(三)'s 20,000,000 fund replaced by `yuan`.
    static func catalog(fund yuan: Int) throws -> PolicyCatalog {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let files = try PolicyCatalog.files(in: root.appendingPathComponent("Policies").path)
        let original = "limits: {fund: 20_000_000}"
        #expect(files.contains { $0.text.contains(original) })
        return try PolicyCatalog.load(files: files.map { ($0.name, $0.text.replacingOccurrences(of: original, with: "limits: {fund: \(yuan)}")) })
    }

    /// A demonstration enterprise in the Torch zone and its filed job-skills class.
    static func demonstrationEnterprise() -> Story {
        var story = Story(base: 7)
        story.event("enterprise.registered", stream: "organisation:\(enterprise)", on: "2019-01-01", [
            "enterprise": enterprise, "name": "厦门某半导体有限公司", "division": "火炬高新区",
        ])
        story.event("organisation.rated", stream: "organisation:\(enterprise)", on: "2023-09-01", [
            "organisation": enterprise, "rating": "demonstration-enterprise", "level": "city", "ratedBy": "厦门火炬高新区管委会",
        ])
        story.event("class.filed", stream: "class:DX-1", on: "2024-03-01", [
            "classId": "DX-1", "organiser": enterprise, "kind": "enterprise-job-skills", "occupation": "半导体工艺员", "classHours": 48,
            "offlineHours": 40, "projectBased": false, "jurisdiction": "350200", "division": "火炬高新区", "startDate": "2024-03-01",
            "endDate": "2024-03-20",
        ])
        return story
    }

    /// Trainee `n`'s enterprise certificate from class DX-1, dated `day`.
    static func certificate(_ n: Int, on day: String) -> Story {
        var story = Story(base: 100 + n)
        story.event("certificate.issued", stream: "certificate:DX-1-\(n)", on: day, [
            "certificateNumber": "DX-1-\(n)", "holder": Story.resident(n), "kind": "enterprise-assessment", "occupation": "半导体工艺员",
            "issuer": "厦门某半导体有限公司", "classId": "DX-1",
        ])
        return story
    }

    /// The engine's entitlements for the whole log at once, as the projections store them.
    static func engineRecords(_ ledger: TestLedger) async throws -> [EntitlementRecord] {
        let asOf = try #require(try ledger.projections.status().asOf)
        var facts: [Fact] = []
        for try await event in ledger.log.typedEvents() {
            facts.append(Fact(eventID: event.envelope.eventID, position: event.envelope.position, occurredAt: event.envelope.occurredAt,
                              payload: event.payload))
        }
        return PolicyEngine(catalog: ledger.projections.policies).evaluate(facts, on: asOf).map(EntitlementRecord.init).sorted { $0.id < $1.id }
    }

    static func records(_ reader: ProjectionReader) throws -> [EntitlementRecord] {
        try reader.entitlements().map(\.entitlement).sorted { $0.id < $1.id }
    }

    /// The live projections' digests equal those of projections built afresh from the same events.
    static func expectLiveEqualsRebuild(_ ledger: TestLedger, _ comment: Comment? = nil) throws {
        try ledger.projections.catchUp()
        let head = try ledger.projections.status().head
        let live = try ledger.projections.digests().map { "\($0.name) \($0.digest)" }
        let afresh = try ledger.projections.reader(at: Moment(position: head)).digests().map { "\($0.name) \($0.digest)" }
        #expect(live == afresh, comment)
    }

    @Test("trainees past a clause's pooled fund are reduced then capped in date order, across people, citing the clause, as the engine does")
    func pooledFund() async throws {
        let ledger = try await TestLedger(policies: try Self.catalog(fund: 3_000))
        try await ledger.append(Self.demonstrationEnterprise().lines)
        // Recorded out of date order: 5, 3, 1, 4, 2 (dated 1 to 5 April).
        for n in [5, 3, 1, 4, 2] {
            try await ledger.append(Self.certificate(n, on: "2024-04-0\(n)").lines)
            try Self.expectLiveEqualsRebuild(ledger, "after trainee \(n)")
        }
        let reader = try ledger.projections.reader()
        let found = try reader.entitlements(EntitlementFilter(clause: Self.fundClause)).map(\.entitlement)
        let byTrainee = Dictionary(uniqueKeysWithValues: found.map { ($0.subject!, $0) })
        func trainee(_ n: Int) throws -> EntitlementRecord { try #require(byTrainee[ledger.pseudonym(Story.resident(n))]) }
        #expect(found.count == 5)
        #expect(try [1, 2].map { try trainee($0).status } == ["eligible", "eligible"])
        #expect(try [1, 2].map { try trainee($0).amount } == [120_000, 120_000])
        #expect(try trainee(3).status == "capped" && trainee(3).amount == 60_000)
        #expect(try trainee(3).explanation.refusal == .init(clause: Self.fundClause, reason: "the clause's fund of ¥3,000.00 has ¥600.00 left"))
        for n in [4, 5] {
            #expect(try trainee(n).status == "capped" && trainee(n).amount == nil)
            #expect(try trainee(n).explanation.refusal == .init(clause: Self.fundClause, reason: "the clause's fund of ¥3,000.00 has ¥0.00 left"))
        }
        // The projections hold what the engine gives for the whole log, kept current, rebuilt, or as of a moment.
        let engine = try await Self.engineRecords(ledger)
        #expect(try Self.records(reader) == engine)
        _ = try ledger.projections.rebuild()
        #expect(try Self.records(ledger.projections.reader()) == engine)
        let head = try ledger.projections.status().head
        #expect(try Self.records(ledger.projections.reader(at: Moment(position: head))) == engine)
        // One person's scope as of a moment: what is left of the fund depends on the others.
        let four = try ledger.projections.reader(at: Moment(position: head), party: ledger.pseudonym(Story.resident(4)))
        #expect(try four.entitlements(EntitlementFilter(subject: ledger.pseudonym(Story.resident(4)), clause: Self.fundClause)).map(\.entitlement) == [try trainee(4)])
    }

    @Test("a file dating ten trainees before twelve already kept evaluates those twelve again with the fund's new usage (on both cores, as a catch-up's people), as the engine does")
    func pooledFundFile() async throws {
        let ledger = try await TestLedger(policies: try Self.catalog(fund: 12_000))
        #expect(ledger.projections.backend.concurrentReads, "the catch-ups use both cores")
        try await ledger.append(Self.demonstrationEnterprise().lines)
        // Twelve trainees certified in May, kept first: the fund pays ten of them, the eleventh and twelfth are capped.
        try await ledger.append((11...22).flatMap { Self.certificate($0, on: "2024-05-\($0 - 1)").lines })
        try ledger.projections.catchUp()
        let reader = try ledger.projections.reader()
        func statuses(_ trainees: ClosedRange<Int>) throws -> [String] {
            let found = try reader.entitlements(EntitlementFilter(clause: Self.fundClause)).map(\.entitlement)
            let byTrainee = Dictionary(uniqueKeysWithValues: found.map { ($0.subject!, $0.status) })
            return try trainees.map { try #require(byTrainee[ledger.pseudonym(Story.resident($0))]) }
        }
        #expect(try statuses(11...22) == Array(repeating: "eligible", count: 10) + ["capped", "capped"])
        // Then one file of ten certified in April: they come first in the fund's order and take all of it, so
        // the twelve of May, more than a catch-up spreads over the cores, are evaluated again with the new usage.
        try await ledger.append((1...10).flatMap { Self.certificate($0, on: String(format: "2024-04-%02d", $0)).lines })
        try ledger.projections.catchUp()
        #expect(12 >= ScopeWorkers.catchUpThreshold)
        #expect(try statuses(1...10) == Array(repeating: "eligible", count: 10))
        #expect(try statuses(11...22) == Array(repeating: "capped", count: 12))
        #expect(try Self.records(reader) == (try await Self.engineRecords(ledger)))
        try Self.expectLiveEqualsRebuild(ledger)
    }
}
