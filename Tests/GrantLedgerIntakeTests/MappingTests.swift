import GrantLedgerEvents
@testable import GrantLedgerIntake
import GrantLedgerPolicy
import Testing

@Suite("Mapping files")
struct MappingTests {
    static let policies = try! PolicyCatalog.bundled()

    @Test("Every shipped mapping loads, checked against the catalog and the bundled policies")
    func shippedMappingsLoad() throws {
        let policies = try PolicyCatalog.bundled()
        for name in ["si-months", "portal-certificates", "finance-payments", "agency-referrals"] {
            let mapping = try Mapping.load(path: shipped("\(name).yaml"), policies: policies)
            #expect(mapping.name == name)
            #expect(!mapping.key.isEmpty)
        }
    }

    func problems(_ yaml: String) -> [String] {
        do {
            _ = try Mapping.parse(yaml, file: "m.yaml", policies: Self.policies)
            return []
        } catch {
            return error.issues.map(\.description)
        }
    }

    @Test("A mapping that could never make a valid event is refused, each problem with its line and what to do")
    func refusedMappings() {
        let found = problems("""
            title: test
            event: referral.made
            stream: "referral:{worker}"
            key: [agency, number]
            occurredAt: 日期
            actor: test
            source: test
            fields:
              agency: 机构
              worker: 身份证
              employr: 单位
              firstTimeInCity:
                column: 首次
                codes: {是: maybe}
            """)
        #expect(found.contains { $0.hasPrefix("m.yaml:11:3: error: fields: referral.made v1 has no field employr.") && $0.contains("Did you mean `employer`?") })
        #expect(found.contains { $0.hasPrefix("m.yaml:13:5: error: fields.firstTimeInCity: firstTimeInCity is yes or no, not maybe.") })
        #expect(found.contains { $0.contains("the required field employer (用工企业) of referral.made is not mapped") })
        #expect(found.contains { $0.hasPrefix("m.yaml:3:9: error: stream: the stream would hold worker, a resident ID.") })
        #expect(found.contains { $0.contains("the key names number, which is neither a field nor a var") })
    }

    @Test("Unknown event types, clause codes no policy has, and amounts without a unit are refused")
    func refusedValues() {
        let found = problems("""
            title: test
            event: disbursement.mad
            stream: "x"
            key: [a]
            occurredAt: d
            actor: a
            source: s
            fields: {}
            """)
        #expect(found.first?.contains("unknown event type disbursement.mad") == true)
        #expect(found.first?.contains("Did you mean `disbursement.made`?") == true)

        let clauses = problems("""
            title: test
            event: disbursement.made
            stream: "disbursement:{disbursementId}"
            key: [disbursementId]
            occurredAt: d
            actor: a
            source: s
            fields:
              disbursementId: 单号
              clause: {column: 项目, codes: {A: XM-2023-187/(九)-z}}
              payee.kind: {value: agency}
              payee.organisation: 单位
              amount: 金额
            """)
        #expect(clauses.contains { $0.contains("no policy document has the clause XM-2023-187/(九)-z") })
        #expect(clauses.contains { $0.contains("Did you mean XM-2023-187/(九)-a or XM-2023-187/(九)-b or XM-2023-187/(九)-c?") })
        #expect(clauses.contains { $0.hasPrefix("m.yaml:13:11: error: fields.amount: an amount needs its unit.") })
    }

    @Test("Not YAML at all: the line and the syntax error")
    func notYAML() {
        let found = problems("title: [unclosed\nevent: x\n")
        #expect(found.count == 1)
        #expect(found.first?.contains("not valid YAML") == true)
    }
}

@Suite("Cell values")
struct CellValueTests {
    @Test("Yuan become exact fen, never through floating point")
    func yuan() throws {
        #expect(try CellValue.fen(fromYuan: "1,000.00").get() == 100_000)
        #expect(try CellValue.fen(fromYuan: "0.1").get() == 10)
        #expect(try CellValue.fen(fromYuan: "￥1500").get() == 150_000)
        #expect(try CellValue.fen(fromYuan: "19999999.99").get() == 1_999_999_999)
        #expect(throws: CellProblem.self) { try CellValue.fen(fromYuan: "1.234").get() }
        #expect(throws: CellProblem.self) { try CellValue.fen(fromYuan: "-5").get() }
        #expect(throws: CellProblem.self) { try CellValue.fen(fromYuan: "1e3").get() }
    }

    @Test("Dates and months in the layouts feeds use; spreadsheet times are ignored; impossible dates are refused")
    func dates() throws {
        let dates = DatePattern.defaultDates
        for text in ["2024-06-30", "2024/6/30", "20240630", "2024年6月30日", "2024-06-30 00:00:00", "2024.6.30"] {
            #expect(try CellValue.date(text, patterns: dates).get().description == "2024-06-30", "\(text)")
        }
        #expect(throws: CellProblem.self) { try CellValue.date("2023-02-29", patterns: dates).get() }
        #expect(throws: CellProblem.self) { try CellValue.date("30/06/2024", patterns: dates).get() }
        let months = DatePattern.defaultMonths
        for text in ["2024-06", "202406", "2024年6月", "2024/6"] {
            #expect(try CellValue.month(text, patterns: months).get().description == "2024-06", "\(text)")
        }
        #expect(DatePattern("yyyy-MM-ddd") == nil)
        #expect(DatePattern("MM-dd") == nil)
    }

    @Test("Natural-key ids are RFC 9562 version 5 UUIDs (as Python's uuid.uuid5 computes them)")
    func naturalKeys() {
        #expect(NaturalKey.uuid5(name: "target.set:JJ-2019-79-A1-2021-陈埭镇") == "4b4749fe-2c56-568e-9c6e-df7defab4b55")
        #expect(NaturalKey.eventID(type: "certificate.issued", parts: ["S3502002024100011"]) == "f8bb11db-d662-56ca-adfd-d1564de10801")
    }
}
