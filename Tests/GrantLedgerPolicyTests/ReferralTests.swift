import GrantLedgerEvents
@testable import GrantLedgerPolicy
import Testing

/// XM-2023-187/(九)-b and (九)-c: 1000 after 3 months with the same enterprise, another 1000
/// after 6, for a worker new to Xiamen brought by a labour-cooperation operating institution.
@Suite("XM-2023-187/(九)-b, (九)-c: labour-cooperation referral rewards")
struct ReferralTests {
    static let agency = "91350200MA31XM002D", employer = "91350200MA31XM001A", other = "91350200MA31XM003B"

    /// A worker referred on 2024-01-05, employed from 2024-01-08, with `months` insured months.
    func given(months: Int, skipping: Set<String> = [], dispatch: Bool = false, firstTime: Bool = true, leaveOn: String? = nil,
               recognised: Bool = true) -> Given {
        var given = Given()
        given.enterprise(Self.employer, division: "思明区")
        if recognised { given.rating(Self.agency, "labour-cooperation-agency", on: "2023-12-01", level: "city") }
        given.event("referral.made", on: "2024-01-05", [
            "agency": .string(Self.agency), "worker": "worker-a", "employer": .string(Self.employer), "firstTimeInCity": .bool(firstTime),
        ])
        given.employ("worker-a", by: Self.employer, on: "2024-01-08", dispatch: dispatch, firstTimeInCity: firstTime)
        given.months("worker-a", with: Self.employer, from: "2024-01", count: months, insuredIn: "350203", skipping: skipping)
        if let leaveOn { given.leave("worker-a", from: Self.employer, on: leaveOn) }
        return given
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let months: Int
        let leaveOn: String?
        let first: (Entitlement.Status, Int64?)
        let second: (Entitlement.Status, Int64?)
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "2 months, still employed: both wait", months: 2, leaveOn: nil, first: (.awaitingEvidence, nil), second: (.awaitingEvidence, nil)),
        Case(name: "3 months: the first 1000 is due", months: 3, leaveOn: nil, first: (.eligible, 1000), second: (.awaitingEvidence, nil)),
        Case(name: "5 months then left: 1000, the second forfeited", months: 5, leaveOn: "2024-06-10", first: (.eligible, 1000), second: (.excluded, nil)),
        Case(name: "6 months: 1000 + 1000", months: 6, leaveOn: nil, first: (.eligible, 1000), second: (.eligible, 1000)),
        Case(name: "left in month 2: nothing", months: 2, leaveOn: "2024-03-01", first: (.excluded, nil), second: (.excluded, nil)),
    ]

    @Test("staged by consecutive months with the same employer", arguments: cases)
    func stages(_ example: Case) {
        let entitlements = given(months: example.months, leaveOn: example.leaveOn).entitlements(on: "2024-12-31")
        let first = entitlements.first { $0.clause == "XM-2023-187/(九)-b" }
        let second = entitlements.first { $0.clause == "XM-2023-187/(九)-c" }
        #expect(first?.status == example.first.0)
        #expect(first?.amount == example.first.1.map(yuan))
        #expect(second?.status == example.second.0)
        #expect(second?.amount == example.second.1.map(yuan))
        #expect(first?.payee == PayeeRef(kind: .agency, id: Self.agency))
    }

    @Test("the tranches carry the month that released them")
    func tranches() throws {
        let entitlements = given(months: 6).entitlements(on: "2024-12-31")
        let first = try #require(entitlements.first { $0.clause == "XM-2023-187/(九)-b" })
        let second = try #require(entitlements.first { $0.clause == "XM-2023-187/(九)-c" })
        #expect(first.tranches.map(\.dueDate) == [date("2024-03-31")])
        #expect(second.tranches.map(\.dueDate) == [date("2024-06-30")])
        #expect(second.explanation.parameters.contains("consecutive months with the employer = 6 (2024-01–2024-06)"))
        #expect(first.explanation.facts.contains { $0.type == "referral.made" })
    }

    @Test("a gap month ends the stay: months after it do not count")
    func gapMonth() {
        let entitlements = given(months: 6, skipping: ["2024-03"]).entitlements(on: "2024-12-31")
        let first = entitlements.first { $0.clause == "XM-2023-187/(九)-b" }
        #expect(first?.status == .excluded)
        #expect(first?.explanation.refusal?.reason.contains("no month recorded with the employer in 2024-03") == true)
    }

    @Test("a change of employer ends the stay")
    func changeOfEmployer() {
        var given = given(months: 2)
        given.months("worker-a", with: Self.other, from: "2024-03", count: 4, insuredIn: "350203")
        let first = given.entitlements("XM-2023-187/(九)-b", on: "2024-12-31").first
        #expect(first?.status == .excluded)
        #expect(first?.explanation.refusal?.reason == "the stay ended after 2 months: in 2024-03 the worker was insured by another employer")
    }

    @Test("labour dispatch is excluded")
    func labourDispatch() {
        let first = given(months: 6, dispatch: true).entitlements("XM-2023-187/(九)-b", on: "2024-12-31").first
        #expect(first?.status == .excluded)
        #expect(first?.explanation.refusal?.reason == "employment.labourDispatch is true, the rule requires false")
    }

    @Test("a worker not new to the city is excluded")
    func notNewToCity() {
        let first = given(months: 6, firstTime: false).entitlements("XM-2023-187/(九)-b", on: "2024-12-31").first
        #expect(first?.status == .excluded)
        #expect(first?.explanation.refusal?.reason == "referral.firstTimeInCity is false, the rule requires true")
    }

    @Test("a referral after the document expired is expired")
    func expired() {
        var given = Given()
        given.enterprise(Self.employer, division: "思明区")
        given.event("referral.made", on: "2025-01-01", [
            "agency": .string(Self.agency), "worker": "worker-a", "employer": .string(Self.employer), "firstTimeInCity": true,
        ])
        let first = given.entitlements("XM-2023-187/(九)-b", on: "2025-12-31").first
        #expect(first?.status == .expired)
        #expect(first?.explanation.refusal?.reason == "the fact is dated 2025-01-01, after XM-2023-187 ended on 2024-12-31")
    }

    @Test("facts after the evaluation date are not seen")
    func asOf() {
        let early = given(months: 6).entitlements("XM-2023-187/(九)-b", on: "2024-02-29").first
        #expect(early?.status == .awaitingEvidence)
        #expect(early?.explanation.refusal?.reason == "2 of 3 months so far; the next tranche waits for month 3")
    }
}
