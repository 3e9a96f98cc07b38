import GrantLedgerEvents
@testable import GrantLedgerPolicy
import Testing

/// XM-2023-187/general-cap (and JJ-2019-79/5.1): at most 3 subsidised trainings per worker per
/// calendar year, whoever is paid, never twice for the same occupation and level.
@Suite("XM-2023-187/general-cap: 3 trainings a year, never the same occupation and level twice")
struct TrainingCapTests {
    static let school = "52350203MJ0000001R"

    /// A migrant worker registered in Xiamen who passes project-based employment-skills classes.
    func given(_ classes: [(id: String, occupation: String, level: String?, day: String)]) -> Given {
        var given = Given()
        given.person("worker-a", registeredIn: "350203")
        given.group("worker-a", .migrantWorker)
        given.institution(Self.school, division: "思明区")
        for item in classes {
            given.classFiled(item.id, by: Self.school, kind: "employment-skills", occupation: item.occupation, level: item.level,
                             jurisdiction: "350200", division: "思明区", start: item.day, end: item.day)
            given.trained("worker-a", in: item.id, certificate: "C-\(item.id)", occupation: item.occupation, on: item.day)
        }
        return given
    }

    @Test("a fourth training in one calendar year is capped")
    func fourthTraining() {
        let entitlements = given([
            ("K1", "电工", nil, "2024-02-01"), ("K2", "焊工", nil, "2024-04-01"),
            ("K3", "育婴员", nil, "2024-06-01"), ("K4", "保育员", nil, "2024-08-01"),
        ]).entitlements("XM-2023-187/(一)-a", on: "2024-12-31")
        #expect(entitlements.map(\.status) == [.eligible, .eligible, .eligible, .capped])
        #expect(entitlements.map(\.amount) == [yuan(1000), yuan(1000), yuan(1000), nil])
        let refusal = entitlements.last?.explanation.refusal
        #expect(refusal?.clause == "XM-2023-187/general-cap")
        #expect(refusal?.reason == "already 3 subsidised trainings in 2024 (class:K1, class:K2, class:K3); at most 3 a year")
    }

    @Test("the cap is per calendar year: a fourth training in January of the next year counts afresh")
    func nextYear() {
        let entitlements = given([
            ("K1", "电工", nil, "2023-09-01"), ("K2", "焊工", nil, "2023-10-01"),
            ("K3", "育婴员", nil, "2023-11-01"), ("K4", "保育员", nil, "2024-01-02"),
        ]).entitlements("XM-2023-187/(一)-a", on: "2024-12-31")
        #expect(entitlements.map(\.status) == [.eligible, .eligible, .eligible, .eligible])
    }

    @Test("the same occupation and level a year later is refused")
    func sameOccupationAndLevel() {
        let entitlements = given([("K1", "电工", "L4", "2023-10-01"), ("K2", "电工", "L4", "2024-10-01")])
            .entitlements("XM-2023-187/(一)-a", on: "2024-12-31")
        #expect(entitlements.map(\.status) == [.eligible, .excluded])
        #expect(entitlements.last?.explanation.refusal?.reason
            == "the worker was already subsidised for 电工 at level L4 (class:K1, 2023-10-01); never twice for the same occupation and level")
    }

    @Test("the same occupation at another level is a new training")
    func anotherLevel() {
        let entitlements = given([("K1", "电工", "L5", "2023-10-01"), ("K2", "电工", "L4", "2024-10-01")])
            .entitlements("XM-2023-187/(一)-a", on: "2024-12-31")
        #expect(entitlements.map(\.status) == [.eligible, .eligible])
    }

    @Test("the cap counts trainings whoever is paid: a worker's certificate subsidy is one of the three")
    func whoeverIsPaid() {
        var given = given([("K1", "电工", nil, "2024-02-01"), ("K2", "焊工", nil, "2024-04-01"), ("K4", "保育员", nil, "2024-08-01")])
        // Between them, a skill-level certificate earned without a filed class: (一)-c, paid to the worker.
        given.certificate("S-1", to: "worker-a", kind: .skillLevel, occupation: "育婴员", level: "L4", on: "2024-06-01")
        let entitlements = given.entitlements(on: "2024-12-31").filter { $0.subject == "worker-a" }
        #expect(entitlements.map(\.clause) == ["XM-2023-187/(一)-a", "XM-2023-187/(一)-a", "XM-2023-187/(一)-c", "XM-2023-187/(一)-a"])
        #expect(entitlements.map(\.status) == [.eligible, .eligible, .awaitingDecision, .capped])
    }

    @Test("one training paying two payees counts once")
    func oneTrainingTwoPayees() {
        var given = Given()
        given.person("worker-a", registeredIn: "350203")
        given.institution(Self.school, division: "思明区")
        for (index, day) in ["2024-02-01", "2024-04-01", "2024-06-01"].enumerated() {
            given.classFiled("D\(index)", by: Self.school, kind: "key-industry", occupation: "钳工\(index)", jurisdiction: "350200",
                             division: "思明区", start: day, end: day, cost: 1800)
            // (一)-d pays the institution for the training, (一)-c the worker for its skill-level certificate.
            given.trained("worker-a", in: "D\(index)", certificate: "S\(index)", kind: .skillLevel, occupation: "钳工\(index)", level: "L4", on: day)
        }
        let entitlements = given.entitlements(on: "2024-12-31")
        #expect(entitlements.filter { $0.clause == "XM-2023-187/(一)-d" }.map(\.status) == [.eligible, .eligible, .eligible])
        #expect(entitlements.filter { $0.clause == "XM-2023-187/(一)-d" }.map(\.amount) == [yuan(1800), yuan(1800), yuan(1800)])
        #expect(entitlements.filter { $0.clause == "XM-2023-187/(一)-c" }.map(\.status) == [.awaitingDecision, .awaitingDecision, .awaitingDecision])
    }
}

@Suite("Revocation (XM-2025-189/15): nothing is paid on a revoked certificate")
struct RevocationTests {
    @Test("a revoked certificate excludes every entitlement resting on it, citing the revocation")
    func revoked() {
        var given = Given()
        given.person("worker-a", registeredIn: "350582")
        given.enterprise("91350582MA2XJJ001R", division: "陈埭镇")
        given.employ("worker-a", by: "91350582MA2XJJ001R", on: "2020-01-01", months: 36)
        given.months("worker-a", with: "91350582MA2XJJ001R", from: "2020-01", count: 6, insuredIn: "350582")
        given.certificate("Q-1", to: "worker-a", kind: .skillLevel, level: "L3", employer: "91350582MA2XJJ001R", on: "2020-06-15")
        #expect(given.entitlements("JJ-2019-79/6.2-b", on: "2020-12-31").first?.amount == yuan(1500))
        given.revoke("Q-1", of: "worker-a", on: "2021-03-01")
        let after = given.entitlements("JJ-2019-79/6.2-b", on: "2021-12-31").first
        #expect(after?.status == .excluded)
        #expect(after?.explanation.refusal?.reason
            == "certificate Q-1 was revoked on 2021-03-01 (fraud); nothing is paid on it and anything paid is to be recovered")
        #expect(after?.explanation.facts.contains { $0.type == "certificate.revoked" } == true)
        // Evaluated before the revocation, the entitlement stands: the engine sees the log as of a date.
        #expect(given.entitlements("JJ-2019-79/6.2-b", on: "2021-02-28").first?.status == .eligible)
    }
}

/// A small catalog for the cross-cutting rules no bundled document exercises on its own.
let mechanismCatalog = """
    document: XX-1
    title: 测试
    number: 测1号
    jurisdiction: {code: "350200", name: 厦门市, divisions: [思明区]}
    inForce: {from: 2024-01-01, to: 2024-12-31, quote: 测试。}
    rules:
      - clause: "XX-1/low"
        title: Low
        quote: 低。
        payee: worker
        trigger: certificate
        match: {certificate.kind: skill-level}
        amount: {fixed: 500}
      - clause: "XX-1/high"
        title: High
        quote: 高。
        payee: worker
        trigger: certificate
        match: {certificate.kind: skill-level}
        amount: {table: {by: certificate.level, values: {L4: 1500, L5: 300}}}
      - clause: "XX-1/catalogued"
        title: Only catalogued institutions
        quote: 目录内机构。
        payee: institution
        trigger: trainee
        conditions: {organiser.catalogued: true}
        amount: {fixed: 1000}
    crossRules:
      - clause: "XX-1/principle"
        kind: most-favourable-once
        title: Most favourable, once
        quote: 从优、从高、不重复。
        covers: ["XX-1/low", "XX-1/high"]

    """

@Suite("Most favourable once, and only catalogued institutions")
struct MechanismTests {
    let catalog = try! PolicyCatalog.load(files: [("XX-1.yaml", mechanismCatalog)])

    @Test("BJ-2023/principle's mechanism: the same fact and payee earn only the most favourable clause", arguments: [
        ("L4", "XX-1/high", "XX-1/low"), ("L5", "XX-1/low", "XX-1/high"),
    ])
    func mostFavourable(level: String, kept: String, refused: String) {
        var given = Given()
        given.person("worker-a", registeredIn: "350203")
        given.certificate("S-1", to: "worker-a", kind: .skillLevel, level: level, on: "2024-05-01")
        let entitlements = given.entitlements(on: "2024-12-31", catalog: catalog)
        #expect(entitlements.first { $0.clause == kept }?.status == .eligible)
        let other = entitlements.first { $0.clause == refused }
        #expect(other?.status == .excluded)
        #expect(other?.explanation.refusal?.clause == "XX-1/principle")
    }

    @Test("a class is subsidised only if its organiser was in the catalogue for the occupation when it started")
    func catalogued() {
        var given = Given()
        given.institution("52350203MJ0000001R", division: "思明区")
        given.event("institution.catalog-listed", on: "2024-03-01", [
            "institution": "52350203MJ0000001R", "jurisdiction": "350200", "occupations": ["电工"],
        ])
        for (id, occupation, day) in [("A", "电工", "2024-02-01"), ("B", "电工", "2024-04-01"), ("C", "焊工", "2024-04-01")] {
            given.classFiled(id, by: "52350203MJ0000001R", kind: "employment-skills", occupation: occupation, jurisdiction: "350200",
                             division: "思明区", start: day, end: day)
            given.trained("worker-\(id)", in: id, certificate: "T-\(id)", occupation: occupation, on: day)
        }
        given.event("institution.catalog-delisted", on: "2024-06-01", ["institution": "52350203MJ0000001R", "jurisdiction": "350200", "reason": "评估不合格"])
        given.classFiled("D", by: "52350203MJ0000001R", kind: "employment-skills", jurisdiction: "350200", division: "思明区", start: "2024-07-01", end: "2024-07-01")
        given.trained("worker-D", in: "D", certificate: "T-D", on: "2024-07-01")
        let statuses = given.entitlements(on: "2024-12-31", catalog: catalog).map { ($0.subject ?? "", $0.status) }
        #expect(statuses.map(\.0) == ["worker-A", "worker-B", "worker-C", "worker-D"])
        #expect(statuses.map(\.1) == [.excluded, .eligible, .excluded, .excluded])
    }
}

@Suite("The engine is a pure function")
struct DeterminismTests {
    @Test("the same facts in any order of arrival give the same entitlements")
    func orderIndependent() {
        var given = Given()
        given.person("worker-a", registeredIn: "350203")
        given.group("worker-a", .migrantWorker)
        given.institution("52350203MJ0000001R", division: "思明区")
        for (id, day) in [("K1", "2024-02-01"), ("K2", "2024-04-01"), ("K3", "2024-06-01"), ("K4", "2024-08-01")] {
            given.classFiled(id, by: "52350203MJ0000001R", kind: "employment-skills", occupation: id, jurisdiction: "350200",
                             division: "思明区", start: day, end: day)
            given.trained("worker-a", in: id, certificate: "C-\(id)", occupation: id, on: day)
        }
        let engine = PolicyEngine(catalog: bundledCatalog)
        let once = engine.evaluate(given.facts, on: date("2024-12-31"))
        #expect(engine.evaluate(given.facts.reversed(), on: date("2024-12-31")) == once)
        #expect(engine.evaluate(given.facts.shuffled(), on: date("2024-12-31")) == once)
        #expect(once.count == 4)
    }
}

/// Which trainings a target counts: its unit's, and for a city's target its own jurisdiction's.
@Suite("Target counting")
struct TargetCountingTests {
    func decoded<T>(_ type: String, _ json: String, as: T.Type) throws -> T {
        let data = try #require(try JSONParser.parse(Array(json.utf8)).objectValue)
        return try #require(try EventCatalog.standard.decode(type: type, version: 1, data: data) as? T)
    }

    func filed(_ jurisdiction: String, division: String) throws -> ClassFiled {
        try decoded("class.filed", #"{"classId":"K1","organiser":"52350203MJ0000001R","kind":"employment-skills","occupation":"电工","classHours":60,"offlineHours":60,"projectBased":true,"jurisdiction":"\#(jurisdiction)","division":"\#(division)","startDate":"2020-06-01","endDate":"2020-06-05"}"#, as: ClassFiled.self)
    }

    @Test("a city's target counts the classes filed under its document's jurisdiction, not another city's")
    func cityTargetsKeepToTheirJurisdiction() throws {
        let jinjiang = try decoded("target.set", #"{"targetId":"JJ-GOAL","clause":"JJ-2019-79/goal","metric":"training-person-times","scope":"city","unit":"晋江市","periodStart":"2019-01-01","periodEnd":"2021-12-31","value":18000}"#, as: TargetSet.self)
        let day = LocalDate(year: 2020, month: 6, day: 5)!
        #expect(jinjiang.counts(.completion, level: nil, class: try filed("350582", division: "陈埭镇"), on: day, places: bundledCatalog.places))
        #expect(!jinjiang.counts(.completion, level: nil, class: try filed("350200", division: "思明区"), on: day, places: bundledCatalog.places))
        #expect(!jinjiang.counts(.completion, level: nil, class: try filed("330108", division: "长河街道"), on: day, places: bundledCatalog.places))
        let town = try decoded("target.set", #"{"targetId":"JJ-A1","clause":"JJ-2019-79/annex1","metric":"training-person-times","scope":"town","unit":"陈埭镇","periodStart":"2019-01-01","periodEnd":"2020-12-31","value":1100}"#, as: TargetSet.self)
        #expect(town.counts(.completion, level: nil, class: try filed("350582", division: "陈埭镇"), on: day, places: bundledCatalog.places))
        #expect(!town.counts(.completion, level: nil, class: try filed("350582", division: "安海镇"), on: day, places: bundledCatalog.places))
    }
}
