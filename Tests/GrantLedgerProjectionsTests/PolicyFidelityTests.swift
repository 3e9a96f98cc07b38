import Foundation
import GrantLedgerEvents
import GrantLedgerPolicy
@testable import GrantLedgerProjections
import Testing

/// Issue #11's stories: money the documents do not give, or withhold, told to a ledger and
/// read back from the projections. Each failed before its fix.
@Suite("policy fidelity: pay what the documents say, refuse what they do not")
struct PolicyFidelityTests {
    static let unrecognised = "91350200MA31XM003G"
    static let factory = "91350582MA2XJJ001R"

    func entitlements(_ ledger: TestLedger, _ person: String, _ clause: String) throws -> [EntitlementRecord] {
        try ledger.projections.reader().entitlements(EntitlementFilter(subject: ledger.pseudonym(person), clause: clause)).map(\.entitlement)
    }

    func only(_ ledger: TestLedger, _ person: String, _ clause: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> EntitlementRecord {
        let found = try entitlements(ledger, person, clause)
        try #require(found.count == 1, "\(clause): \(found.map(\.id))", sourceLocation: sourceLocation)
        return found[0]
    }

    // MARK: 1. Only a recognised agency earns the referral rewards

    @Test("an agency with no recognition as a labour-cooperation operating institution earns nothing; one recognised after the referral neither")
    func unrecognisedAgency() async throws {
        let ledger = try await TestLedger()
        var story = Story()
        story.enterprise()
        let (w1, w2) = (Story.resident(11), Story.resident(12))
        story.referral(worker: w1, agency: Self.unrecognised, on: "2024-01-05", months: 6, number: "U-1")
        // Recognised only in February: the January referral was not made by a recognised institution.
        story.event("organisation.rated", stream: "organisation:\(Self.unrecognised)", on: "2024-02-01", [
            "organisation": Self.unrecognised, "rating": "labour-cooperation-agency", "level": "city", "ratedBy": "厦门市人力资源和社会保障局",
        ])
        story.referral(worker: w2, agency: Story.agency, on: "2024-01-05", months: 6, number: "R-1")
        try await ledger.append(story.lines)
        for clause in ["XM-2023-187/(九)-b", "XM-2023-187/(九)-c"] {
            let refused = try only(ledger, w1, clause)
            #expect(refused.status == "excluded" && refused.amount == nil)
            #expect(refused.explanation.refusal?.reason == "agency.ratings is (none), the rule requires any of labour-cooperation-agency")
            let paid = try only(ledger, w2, clause)
            #expect(paid.status == "eligible" && paid.amount == 100_000)
            #expect(paid.explanation.facts.contains { $0.role == "agency recognition" })
        }
    }

    // MARK: 2. Recorded facts outweigh a declaration

    @Test("a worker declared new to Xiamen whose insured months or employment the ledger already holds is excluded, citing the event")
    func declarationContradicted() async throws {
        let ledger = try await TestLedger()
        var story = Story()
        story.enterprise()
        let (insuredBefore, notFirst, jinjiangBefore) = (Story.resident(21), Story.resident(22), Story.resident(23))
        // Insured in 湖里区 (350206) in June 2023, by another employer.
        let earlier = story.event("employment.month-recorded", stream: "employment:\(Self.unrecognised):OLD-21", on: "2023-06-30", [
            "employee": insuredBefore, "employer": Self.unrecognised, "month": "2023-06", "socialInsurancePaid": true, "pensionPaid": true,
            "insuredIn": "350206",
        ])
        story.referral(worker: insuredBefore, agency: Story.agency, on: "2024-01-05", months: 6, number: "D-1")
        // The employment the referral leads to says it is not the worker's first in the city.
        let started = story.referral(worker: notFirst, agency: Story.agency, on: "2024-01-05", months: 6, number: "D-2", employmentFirstTime: false)
        // Insured before, but in Jinjiang: still new to Xiamen.
        story.event("employment.month-recorded", stream: "employment:\(Self.factory):OLD-23", on: "2023-06-30", [
            "employee": jinjiangBefore, "employer": Self.factory, "month": "2023-06", "socialInsurancePaid": true, "pensionPaid": true,
            "insuredIn": "350582",
        ])
        story.referral(worker: jinjiangBefore, agency: Story.agency, on: "2024-01-05", months: 6, number: "D-3")
        try await ledger.append(story.lines)

        let first = try only(ledger, insuredBefore, "XM-2023-187/(九)-b")
        #expect(first.status == "excluded")
        #expect(first.explanation.refusal?.reason == "referral.firstTimeInCity was declared true, but the worker's social insurance was recorded in 350206 for 2023-06 (employment.month-recorded \(earlier) of 2023-06-30); recorded facts outweigh a declaration")
        #expect(first.explanation.facts.contains { $0.eventID == earlier && $0.role == "contradicts the declaration" })
        let second = try only(ledger, notFirst, "XM-2023-187/(九)-b")
        #expect(second.status == "excluded")
        #expect(second.explanation.refusal?.reason.hasPrefix("referral.firstTimeInCity was declared true, but the employment it leads to was recorded as not the worker's first in the city (employment.started \(started)") == true)
        #expect(try only(ledger, jinjiangBefore, "XM-2023-187/(九)-b").status == "eligible")
    }

    // MARK: 3. Tranches released after a document's period are forfeited

    @Test("XM-2023-187 ends 2024-12-31: a referral's tranche released in December is due, one released in 2025 is forfeited")
    func milestonesAtTheEnd() async throws {
        let ledger = try await TestLedger()
        var story = Story()
        story.enterprise()
        let worker = Story.resident(31)
        story.referral(worker: worker, agency: Story.agency, on: "2024-10-05", months: 6, number: "E-1", firstMonth: 10)
        try await ledger.append(story.lines)
        let first = try only(ledger, worker, "XM-2023-187/(九)-b")
        #expect(first.status == "eligible" && first.amount == 100_000)
        #expect(first.tranches.map(\.dueDate) == ["2024-12-31"])
        let second = try only(ledger, worker, "XM-2023-187/(九)-c")
        #expect(second.status == "excluded" && second.amount == nil)
        #expect(second.tranches.map(\.state) == ["forfeited"])
        #expect(second.explanation.refusal?.reason == "after 6 months is not released by 2024-12-31, when XM-2023-187 ended; only what is released within the period is paid")
    }

    @Test("JJ-2019-79 ends 2021-12-31: 以工代训 months of 2022 are forfeited, and a 5.2 balance released by a 2022 certificate too, while its advance stands")
    func monthlyAndAdvanceAtTheEnd() async throws {
        let ledger = try await TestLedger()
        var story = Story()
        let (monthly, trainee) = (Story.resident(32), Story.resident(33))
        story.jinjiangFactory()
        story.person(monthly, registeredIn: "350582")
        story.group(monthly, "employment-difficulty", since: "2021-01-01", on: "2021-01-05")
        story.hire(monthly, by: Self.factory, on: "2021-10-08", months: 6, contractMonths: 24, number: "M-1", firstMonth: "2021-10")
        story.person(trainee, registeredIn: "350582")
        story.hire(trainee, by: Self.factory, on: "2021-11-01", months: 1, contractMonths: 24, number: "M-2", firstMonth: "2021-11")
        story.preJobClass("JJ-PJ-1", trainee: trainee, end: "2021-12-20", certificateOn: "2022-01-10", number: "C-1")
        try await ledger.append(story.lines)

        let months = try only(ledger, monthly, "JJ-2019-79/6.7")
        #expect(months.amount == 60_000)
        #expect(months.tranches.map(\.state) == ["due", "due", "due", "forfeited", "forfeited", "forfeited"])
        let staged = try only(ledger, trainee, "JJ-2019-79/6.1")
        #expect(staged.tranches.map(\.label) == ["advance 60%", "balance 40%"])
        #expect(staged.tranches.map(\.state) == ["due", "forfeited"])
        #expect(staged.amount == 48_000)
    }

    @Test("XM-2023-187/tranche: the 30% performance share of a target ending after 2024 is forfeited, the 70% up front stands")
    func upfrontAtTheEnd() async throws {
        let ledger = try await TestLedger()
        var story = Story()
        story.event("target.set", stream: "target:T-HL-2025", on: "2024-06-01", [
            "targetId": "T-HL-2025", "clause": "XM-2023-187/tranche", "metric": "training-person-times", "scope": "district", "unit": "湖里区",
            "periodStart": "2024-06-01", "periodEnd": "2025-05-31", "value": 10,
        ])
        story.event("fund.allocated", stream: "fund:F-HL-1", on: "2024-06-10", [
            "fundId": "F-HL-1", "clause": "XM-2023-187/(三)", "recipient": "湖里区", "amount": 1_000_000, "tranche": "pre-allocation",
            "targetId": "T-HL-2025",
        ])
        try await ledger.append(story.lines)
        let fund = try #require(try ledger.projections.reader().entitlements(EntitlementFilter(clause: "XM-2023-187/tranche")).first?.entitlement)
        // The target period ends after the document: its share (and shortfall) is forfeited whatever was achieved.
        #expect(fund.tranches.map(\.state) == ["due", "forfeited", "forfeited"])
        #expect(fund.tranches.first?.amount == 700_000)
        #expect(fund.amount == 700_000)
    }

    // MARK: 4. A place inside the jurisdiction, by code or name, at any level

    @Test("a worker registered in 陈埭镇 or 青阳街道办事处 is registered in Jinjiang; one in 思明区 is not")
    func townsAreInTheirCity() async throws {
        let ledger = try await TestLedger()
        var story = Story()
        story.jinjiangFactory()
        let people = [(Story.resident(41), "陈埭镇"), (Story.resident(42), "青阳街道办事处"), (Story.resident(43), "思明区")]
        for (n, (person, place)) in people.enumerated() {
            story.person(person, registeredIn: place)
            story.group(person, "employment-difficulty", since: "2020-01-01", on: "2020-01-02")
            story.hire(person, by: Self.factory, on: "2020-03-02", months: 2, contractMonths: 24, number: "P-\(n)", firstMonth: "2020-03")
        }
        try await ledger.append(story.lines)
        #expect(try only(ledger, people[0].0, "JJ-2019-79/6.7").status == "eligible")
        #expect(try only(ledger, people[0].0, "JJ-2019-79/6.7").explanation.parameters.contains("person.registeredIn = 陈埭镇 (within 350582, 晋江市)"))
        #expect(try only(ledger, people[1].0, "JJ-2019-79/6.7").status == "eligible")
        let outside = try only(ledger, people[2].0, "JJ-2019-79/6.7")
        #expect(outside.status == "excluded")
        #expect(outside.explanation.refusal?.reason == "person.registeredIn is 思明区, the rule requires any of 350582, 晋江市")
    }

    @Test("performance counts a class toward every target whose unit contains its division, in short or printed form")
    func performanceByContainment() async throws {
        let ledger = try await TestLedger()
        var story = Story()
        story.jinjiangFactory()
        for (id, scope, unit) in [("T-QY", "town", "青阳街道"), ("T-RS", "department", "人社局"), ("T-CD", "town", "陈埭镇")] {
            story.event("target.set", stream: "target:\(id)", on: "2020-01-01", [
                "targetId": id, "clause": id == "T-RS" ? "JJ-2019-79/annex2" : "JJ-2019-79/annex1", "metric": "training-person-times",
                "scope": scope, "unit": unit, "periodStart": "2020-01-01", "periodEnd": "2020-12-31", "value": 10,
            ])
        }
        story.event("class.filed", stream: "class:JJ-QY-1", on: "2020-04-01", [
            "classId": "JJ-QY-1", "organiser": Self.factory, "kind": "department", "occupation": "电工", "classHours": 40, "offlineHours": 40,
            "projectBased": false, "jurisdiction": "350582", "division": "青阳街道办事处", "department": "市人社局",
            "startDate": "2020-04-01", "endDate": "2020-04-20",
        ])
        let trainee = Story.resident(44)
        story.event("training.completed", stream: "class:JJ-QY-1", on: "2020-04-20", ["classId": "JJ-QY-1", "trainee": trainee, "attendedHours": 40])
        try await ledger.append(story.lines)
        let achieved = Dictionary(uniqueKeysWithValues: try ledger.projections.reader().performance().map { ($0.targetID, $0.achieved) })
        #expect(achieved["T-QY"] == 1)
        #expect(achieved["T-RS"] == 1)
        #expect(achieved["T-CD"] == 0)
    }

    // MARK: 5. Key-group membership from its `since`

    @Test("recognised in March as employment-difficulty since November: a member at a January hire, so 6.7 pays and 6.1 is the one excluded")
    func membershipSince() async throws {
        let ledger = try await TestLedger()
        var story = Story()
        story.jinjiangFactory()
        let worker = Story.resident(51)
        story.person(worker, registeredIn: "350582")
        story.hire(worker, by: Self.factory, on: "2020-01-06", months: 6, contractMonths: 24, number: "S-1", firstMonth: "2020-01")
        story.group(worker, "employment-difficulty", since: "2019-11-05", on: "2020-03-10")
        story.preJobClass("JJ-PJ-2", trainee: worker, end: "2020-02-20", certificateOn: "2020-02-25", number: "C-2")
        try await ledger.append(story.lines)
        let monthly = try only(ledger, worker, "JJ-2019-79/6.7")
        #expect(monthly.status == "eligible" && monthly.amount == 120_000)
        let preJob = try only(ledger, worker, "JJ-2019-79/6.1")
        #expect(preJob.status == "excluded")
        #expect(preJob.explanation.refusal?.clause == "JJ-2019-79/6.7")
    }

    // MARK: 10. JJ-2019-79 6.10's worker subsidy: 6.2-b's amounts, not its conditions

    @Test("a paired-region worker without 6.2's one-year contract or pension is paid 6.2-b's amount, 6.10 setting those conditions aside; another worker is not")
    func pairedRegionWorker() async throws {
        let ledger = try await TestLedger()
        var story = Story()
        story.jinjiangFactory()
        let (paired, local) = (Story.resident(61), Story.resident(63))
        for (n, (person, isPaired)) in [(paired, true), (local, false)].enumerated() {
            story.person(person, registeredIn: "350582")
            if isPaired { story.group(person, "paired-region-origin", since: "2019-06-01", on: "2019-06-01") }
            story.hire(person, by: Self.factory, on: "2020-02-03", months: 2, contractMonths: 6, number: "W-\(n)", firstMonth: "2020-02")
            story.event("certificate.issued", stream: "certificate:JJ-C-6\(n)", on: "2020-05-12", [
                "certificateNumber": "JJ-C-6\(n)", "holder": person, "kind": "skill-level", "occupation": "缝纫工", "level": "L4",
                "issuer": "晋江市职业技能鉴定中心", "employer": Self.factory,
            ])
        }
        try await ledger.append(story.lines)
        // Amounts only: the contract does not matter for a paired-region worker.
        let waived = try only(ledger, paired, "JJ-2019-79/6.2-b")
        #expect(waived.status == "eligible" && waived.amount == 100_000)
        #expect(waived.explanation.parameters.contains("employment.contractMonths: set aside by JJ-2019-79/6.10 (person.groups = paired-region-origin)"))
        #expect(waived.explanation.readings.contains { $0.hasPrefix("6.10: 取得职业资格证书或职业技能等级证书的") })
        // Any other worker: 6.2's contract stands.
        let refused = try only(ledger, local, "JJ-2019-79/6.2-b")
        #expect(refused.status == "excluded")
        #expect(refused.explanation.refusal?.reason == "employment.contractMonths is 6, the rule requires at least 12")
    }
}

extension Story {
    /// A referral by `agency` of a worker hired by the employer three days later, insured `months`
    /// months in a row from `firstMonth` of the referral's year.
    @discardableResult
    mutating func referral(worker: String, agency: String, on day: String, months: Int, number: String, firstMonth: Int = 1,
                           employmentFirstTime: Bool = true) -> String {
        event("referral.made", stream: "referral:\(agency):\(number)", on: day, [
            "agency": agency, "worker": worker, "employer": Self.employer, "firstTimeInCity": true, "originRegion": "甘肃省兰州市城关区",
        ])
        let contract = "employment:\(Self.employer):HT-\(number)"
        let start = LocalDate(day)!.adding(days: 3)
        let started = event("employment.started", stream: contract, on: start.description, [
            "employee": worker, "employer": Self.employer, "contract": "fixed-term", "contractMonths": 24, "labourDispatch": false,
            "firstTimeInCity": employmentFirstTime,
        ])
        let year = LocalDate(day)!.year
        for offset in 0..<months {
            let month = YearMonth(year: year, month: firstMonth)!.adding(months: offset)
            event("employment.month-recorded", stream: contract, on: month.lastDay.description, [
                "employee": worker, "employer": Self.employer, "month": month.description, "socialInsurancePaid": true, "pensionPaid": true,
                "insuredIn": "350203",
            ])
        }
        return started
    }

    static let jinjiangFactory = "91350582MA2XJJ001R"

    mutating func jinjiangFactory() {
        event("enterprise.registered", stream: "organisation:\(Self.jinjiangFactory)", on: "2019-01-01", [
            "enterprise": Self.jinjiangFactory, "name": "晋江市恒达鞋业有限公司", "division": "陈埭镇", "keyIndustry": "shoes",
        ])
    }

    mutating func person(_ person: String, registeredIn place: String) {
        event("person.registered", stream: "person:\(person)", on: "2019-03-01", [
            "person": person, "registeredIn": place, "registrationKind": "job-seeking",
        ])
    }

    mutating func group(_ person: String, _ group: String, since: String, on day: String) {
        event("person.group-joined", stream: "person:\(person)", on: day, [
            "person": person, "group": group, "since": since, "recognisedBy": "晋江市人社局",
        ])
    }

    /// A hire by `employer` with `months` insured months in a row from `firstMonth` (YYYY-MM).
    mutating func hire(_ person: String, by employer: String, on day: String, months: Int, contractMonths: Int, number: String, firstMonth: String) {
        let contract = "employment:\(employer):\(number)"
        event("employment.started", stream: contract, on: day, [
            "employee": person, "employer": employer, "contract": "fixed-term", "contractMonths": contractMonths, "labourDispatch": false,
        ])
        let first = YearMonth(firstMonth)!
        for offset in 0..<months {
            let month = first.adding(months: offset)
            event("employment.month-recorded", stream: contract, on: month.lastDay.description, [
                "employee": person, "employer": employer, "month": month.description, "socialInsurancePaid": true, "pensionPaid": true,
                "insuredIn": "350582",
            ])
        }
    }

    /// A Jinjiang pre-job class run by the factory for its new hire, ending on `end`, with a
    /// training-pass certificate on `certificateOn` (JJ-2019-79/6.1, staged by 5.2).
    mutating func preJobClass(_ id: String, trainee: String, end: String, certificateOn: String, number: String) {
        let start = LocalDate(end)!.adding(days: -14).description
        event("class.filed", stream: "class:\(id)", on: start, [
            "classId": id, "organiser": Self.jinjiangFactory, "kind": "pre-job", "occupation": "缝纫工", "classHours": 40, "offlineHours": 40,
            "projectBased": false, "jurisdiction": "350582", "division": "陈埭镇", "startDate": start, "endDate": end,
        ])
        event("training.enrolled", stream: "class:\(id)", on: start, ["classId": id, "trainee": trainee, "employer": Self.jinjiangFactory])
        event("training.completed", stream: "class:\(id)", on: end, ["classId": id, "trainee": trainee, "attendedHours": 40])
        event("certificate.issued", stream: "certificate:JJ-\(number)", on: certificateOn, [
            "certificateNumber": "JJ-\(number)", "holder": trainee, "kind": "training-pass", "occupation": "缝纫工", "issuer": "晋江市人社局",
            "classId": id, "employer": Self.jinjiangFactory,
        ])
    }
}
