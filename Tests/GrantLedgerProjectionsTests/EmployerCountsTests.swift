import Foundation
import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerPolicy
@testable import GrantLedgerProjections
import Testing

/// An enterprise's yearly counts (BJ-2023's stable hires) come from the parts its workers'
/// evaluations keep, not from its workers' events: the insured month that makes a hire stable
/// must reach the employer through the worker's scope.
@Suite("Employer counts: an enterprise's stable hires from its workers' kept parts")
struct EmployerCountsTests {
    static let clause = "BJ-2023/(四)-a"
    static let employer = Story.employer

    /// A Binjiang enterprise with an approved application under (四)-a, and `workers`
    /// local-hukou hires of 2023-10-09 insured by it from October to December 2023. The last
    /// worker's December comes last.
    static func story(workers: Int) -> [String] {
        var story = Story(base: 14)
        story.event("enterprise.registered", stream: "organisation:\(employer)", on: "2019-01-01", [
            "enterprise": employer, "name": "杭州某科技有限公司", "division": "滨江区",
        ])
        story.event("application.submitted", stream: "application:BJ-WD-2023-001", on: "2023-12-20", [
            "applicationId": "BJ-WD-2023-001", "clause": clause, "payee": ["kind": "enterprise", "organisation": employer],
        ])
        story.event("application.approved", stream: "application:BJ-WD-2023-001", on: "2023-12-28", [
            "applicationId": "BJ-WD-2023-001", "approvedBy": "杭州市滨江区人力资源和社会保障局",
        ])
        var last: [String] = []
        for n in 1...workers {
            let worker = Story.resident(500 + n)
            story.event("person.group-joined", stream: "person:\(worker)", on: "2023-01-01", [
                "person": worker, "group": "local-hukou", "since": "2023-01-01",
            ])
            let contract = "employment:\(employer):BJ-\(n)"
            story.event("employment.started", stream: contract, on: "2023-10-09", [
                "employee": worker, "employer": employer, "contract": "open-ended", "labourDispatch": false,
            ])
            for month in ["2023-10", "2023-11", "2023-12"] {
                let line = [
                    "employee": worker, "employer": employer, "month": month, "socialInsurancePaid": true, "pensionPaid": true,
                    "insuredIn": "330108",
                ] as [String: Any]
                if n == workers && month == "2023-12" {
                    var held = Story(base: 15)
                    held.event("employment.month-recorded", stream: contract, on: YearMonth(month)!.lastDay.description, line)
                    last = held.lines
                } else {
                    story.event("employment.month-recorded", stream: contract, on: YearMonth(month)!.lastDay.description, line)
                }
            }
        }
        return story.lines + last
    }

    static func award(_ ledger: TestLedger) throws -> EntitlementView? {
        try ledger.projections.reader().entitlements(EntitlementFilter(clause: clause)).first
    }

    @Test("the month that makes the 50th hire stable re-evaluates the employer: 49 refused, then 50,000, as a rebuild and the engine say")
    func fiftiethHire() async throws {
        let ledger = try await TestLedger(clock: "2024-01-05T02:00:00.000Z")
        let lines = Self.story(workers: 50)
        try await ledger.append(Array(lines.dropLast()))
        try ledger.projections.catchUp()
        let before = try #require(try Self.award(ledger))
        #expect(before.entitlement.status == "excluded")
        #expect(before.entitlement.explanation.parameters.contains("count.stableHires = 49"))

        try await ledger.append(Array(lines.suffix(1)))
        let report = try ledger.projections.catchUp()
        // The month names the employer, but only the worker's scope reads it; the worker's
        // changed part brings the employer's scope in.
        #expect(report.eventsApplied == 1)
        #expect(report.scopesEvaluated == 2)
        let after = try #require(try Self.award(ledger))
        #expect(after.entitlement.status == "eligible")
        #expect(after.entitlement.amount == 5_000_000)
        #expect(after.entitlement.explanation.parameters.contains("count.stableHires = 50"))

        // The same rows as a rebuild, and as the engine given the whole log.
        let live = try ledger.projections.digests()
        #expect(try ledger.projections.rebuild().digests.map(\.digest) == live.map(\.digest))
        var facts: [Fact] = []
        for try await typed in ledger.log.typedEvents() {
            let envelope = typed.envelope
            facts.append(Fact(eventID: envelope.eventID, position: envelope.position, occurredAt: envelope.occurredAt, payload: typed.payload))
        }
        let engine = PolicyEngine(catalog: TestLedger.bundled).evaluate(facts, on: LocalDate("2024-01-05")!)
            .filter { $0.clause == Self.clause }.map(EntitlementRecord.init)
        #expect(engine == [after.entitlement])
    }

    @Test("a worker whose part changes is evaluated before the employer, whichever order the batch names them in")
    func peopleFirst() {
        let scopes: Set<Scope> = [.organisation("91350200MA31XM001A"), .person("P1"), .organisation("A"), .person("P0")]
        #expect(ProjectionBatch.peopleFirst(scopes) == [[.person("P0"), .person("P1")], [.organisation("91350200MA31XM001A"), .organisation("A")]])
    }
}
