import GrantLedgerEvents
@testable import GrantLedgerPolicy
import Testing

/// XM-2023-188 (厦人社〔2023〕188号), in force 2023-08-23 to 2024-08-22 (the catalog's reading
/// of 经过一年): the plan prints no amount, so both money clauses are wholly decided.
@Suite("XM-2023-188: Xiamen public employment service plan")
enum ClauseTests_XM2023188 {
    static let provider = "91350206MAXM188001"  // a commercial HR service agency in 湖里区
    static let employer = "52350211MJXM188002"  // a community employing public-welfare posts in 集美区
    static let worker = "worker-xm-188"

    static func only(_ given: Given, _ clause: String, on day: String = "2024-08-22") throws -> Entitlement {
        let found = given.entitlements(clause, on: day)
        try #require(found.count == 1, "expected one \(clause) entitlement, got \(found.map { "\($0.status) \($0.explanation.refusal?.description ?? "")" })")
        return found[0]
    }

    /// No amount in the document: nothing to check a decision against, no range to show.
    static let cases: [DecisionCase] = [
        DecisionCase(name: "no decision: awaiting one", decision: .none, status: .awaitingDecision, amount: nil,
                     refusal: "the document leaves the amount to a decision (no amount in the document); none is recorded"),
        DecisionCase(name: "decided 20,000: paid 20,000", decision: .decided(20_000), status: .eligible, amount: 20_000, refusal: nil),
        DecisionCase(name: "decided 1: paid 1 (no range to be outside of)", decision: .decided(1), status: .eligible, amount: 1, refusal: nil),
        DecisionCase(name: "rejected: excluded", decision: .rejected, status: .excluded, amount: nil, refusal: "the application was rejected: 材料不全"),
    ]

    // MARK: - /4

    @Suite("XM-2023-188/4: 131 employment service by third-party providers (wholly decided)")
    struct Service131 {
        static let clause = "XM-2023-188/4"

        @Test("XM-2023-188/4: the decision is paid as decided", arguments: cases)
        func decisions(_ example: DecisionCase) throws {
            var given = Given()
            record(example.decision, in: &given, clause: Self.clause, payee: .organisation, provider, on: "2024-03-01")
            let entitlement = try only(given, Self.clause)
            #expect(entitlement.status == example.status)
            #expect(entitlement.amount == example.amount.map(yuan))
            #expect(entitlement.range == nil)
            #expect(entitlement.explanation.refusal?.reason == example.refusal)
            #expect(entitlement.payee == PayeeRef(kind: .organisation, id: provider))
            #expect(entitlement.explanation.facts.first?.type == "application.submitted")
            #expect(entitlement.explanation.parameters.contains("decision range: no amount in the document"))
        }

        @Test("XM-2023-188/4: an application on the plan's last day is in force; the day after is expired", arguments: [
            ("2024-08-22", Entitlement.Status.awaitingDecision), ("2024-08-23", .expired),
        ])
        func period(_ day: String, _ status: Entitlement.Status) throws {
            var given = Given()
            given.apply("APP-1", clause: Self.clause, payee: .organisation, provider, on: day)
            let entitlement = try only(given, Self.clause, on: "2024-12-31")
            #expect(entitlement.status == status)
            if status == .expired {
                #expect(entitlement.explanation.refusal?.reason == "the fact is dated 2024-08-23, after XM-2023-188 ended on 2024-08-22")
            }
        }

        @Test("XM-2023-188/4: an application the day before the plan was signed is not its business")
        func beforeThePlan() {
            var given = Given()
            given.apply("APP-1", clause: Self.clause, payee: .organisation, provider, on: "2023-08-22")
            #expect(given.entitlements(Self.clause, on: "2024-08-22").isEmpty)
        }
    }

    // MARK: - /3

    @Suite("XM-2023-188/3: public-welfare posts for those hard to place (wholly decided)")
    struct PublicWelfarePosts {
        static let clause = "XM-2023-188/3"

        /// A worker of `group` placed in a public-welfare post of `employer` on `day`, insured 3 months.
        static func given(group: KeyGroup? = .employmentDifficulty, post: Bool = true, division: String = "集美区",
                          insuredIn: String = "350211", on day: String = "2024-01-08") -> (given: Given, key: String) {
            var given = Given()
            given.institution(employer, division: division)
            given.person(worker, registeredIn: insuredIn)
            if let group { given.group(worker, group, since: "2023-01-01") }
            given.employ(worker, by: employer, on: day, publicWelfarePost: post)
            let key = given.facts.last!.eventID
            given.months(worker, with: employer, from: String(day.prefix(7)), count: 3, insuredIn: insuredIn)
            return (given, key)
        }

        @Test("XM-2023-188/3: the decision is paid to the post's employer", arguments: cases)
        func decisions(_ example: DecisionCase) throws {
            var (given, key) = Self.given()
            record(example.decision, in: &given, clause: Self.clause, payee: .organisation, employer, subject: worker, on: "2024-04-01")
            let entitlement = try only(given, Self.clause)
            #expect(entitlement.status == example.status)
            #expect(entitlement.amount == example.amount.map(yuan))
            #expect(entitlement.range == nil)
            #expect(entitlement.explanation.refusal?.reason == example.refusal)
            #expect(entitlement.payee == PayeeRef(kind: .organisation, id: employer))
            #expect(entitlement.subject == worker)
            #expect(entitlement.explanation.facts.contains { $0.eventID == key })
        }

        @Test("XM-2023-188/3: employment-difficulty persons and zero-employment-family members are those hard to place", arguments: [
            (KeyGroup?.some(.employmentDifficulty), nil),
            (KeyGroup?.some(.zeroEmploymentFamily), nil),
            (KeyGroup?.some(.migrantWorker), "person.groups is migrant-worker, the rule requires any of employment-difficulty, zero-employment-family"),
            (KeyGroup?.none, "person.groups is (none), the rule requires any of employment-difficulty, zero-employment-family"),
        ])
        func groups(_ group: KeyGroup?, _ refusal: String?) throws {
            let entitlement = try only(Self.given(group: group).given, Self.clause)
            #expect(entitlement.status == (refusal == nil ? .awaitingDecision : .excluded))
            if let refusal { #expect(entitlement.explanation.refusal?.reason == refusal) }
        }

        @Test("XM-2023-188/3: an ordinary job is not the clause's business")
        func notAPost() {
            #expect(Self.given(post: false).given.entitlements(Self.clause, on: "2024-08-22").isEmpty)
        }

        @Test("XM-2023-188/3: a placement dated 2024-08-23, the day after the plan's year, is expired")
        func expired() throws {
            let entitlement = try only(Self.given(on: "2024-08-23").given, Self.clause, on: "2024-12-31")
            #expect(entitlement.status == .expired)
            #expect(entitlement.explanation.refusal?.reason == "the fact is dated 2024-08-23, after XM-2023-188 ended on 2024-08-22")
        }

        @Test("XM-2023-188/3: a post in Binjiang earns nothing here (it is BJ-2023/(八)'s)")
        func otherJurisdiction() {
            let given = Self.given(division: "滨江区", insuredIn: "330108").given
            #expect(given.entitlements(Self.clause, on: "2024-08-22").isEmpty)
            #expect(given.entitlements("BJ-2023/(八)", on: "2024-08-22").count == 1)
        }
    }
}
