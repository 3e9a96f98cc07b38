import GrantLedgerEvents
@testable import GrantLedgerPolicy
import Testing

/// Every clause POLICIES.md names that moves money or sets a target, by document.
let clausesInPolicies: [String] = [
    "XM-2023-187/general-cap", "XM-2023-187/tranche",
    "XM-2023-187/(一)-a", "XM-2023-187/(一)-b", "XM-2023-187/(一)-c", "XM-2023-187/(一)-d", "XM-2023-187/(二)-a",
    "XM-2023-187/(二)-b", "XM-2023-187/(三)", "XM-2023-187/(四)", "XM-2023-187/(五)-a", "XM-2023-187/(五)-b",
    "XM-2023-187/(六)-a", "XM-2023-187/(六)-b", "XM-2023-187/(六)-c", "XM-2023-187/(六)-d", "XM-2023-187/(七)",
    "XM-2023-187/(八)", "XM-2023-187/(九)-a", "XM-2023-187/(九)-b", "XM-2023-187/(九)-c", "XM-2023-187/(十一)",
    "XM-2023-187/(十四)",
    "XM-2023-188/4", "XM-2023-188/3",
    "XM-2025-189/goal", "XM-2025-189/2", "XM-2025-189/15", "XM-2025-189/16",
    "JJ-2019-79/5.1", "JJ-2019-79/5.2", "JJ-2019-79/5.3", "JJ-2019-79/6.1", "JJ-2019-79/6.2-a", "JJ-2019-79/6.2-b",
    "JJ-2019-79/6.3", "JJ-2019-79/6.4", "JJ-2019-79/6.5", "JJ-2019-79/6.6", "JJ-2019-79/6.7", "JJ-2019-79/6.8",
    "JJ-2019-79/6.9", "JJ-2019-79/6.10", "JJ-2019-79/2.1", "JJ-2019-79/4.1", "JJ-2019-79/goal", "JJ-2019-79/annex1",
    "JJ-2019-79/annex2",
    "BJ-2023/principle", "BJ-2023/(一)", "BJ-2023/(二)", "BJ-2023/(四)-a", "BJ-2023/(四)-b", "BJ-2023/(五)-a",
    "BJ-2023/(五)-b", "BJ-2023/(六)", "BJ-2023/(七)", "BJ-2023/(八)", "BJ-2023/(九)", "BJ-2023/(十)-a",
    "BJ-2023/(十)-b", "BJ-2023/(十一)", "BJ-2023/(十二)",
]

@Suite("The bundled catalog")
struct BundledCatalogTests {
    @Test("loads without errors or warnings")
    func loads() throws {
        let catalog = try PolicyCatalog.bundled()
        #expect(catalog.documents.map(\.id) == ["BJ-2023", "JJ-2019-79", "XM-2023-187", "XM-2023-188", "XM-2025-189"])
        #expect(catalog.warnings.isEmpty, "\(catalog.warnings)")
    }

    @Test("defines every clause of POLICIES.md, and no other", arguments: clausesInPolicies)
    func definesClause(_ clause: String) {
        #expect(bundledCatalog.contains(clause: clause))
    }

    @Test("defines no clause POLICIES.md does not name")
    func noOtherClauses() {
        let defined = Set(bundledCatalog.documents.flatMap(\.clauseIDs))
        #expect(defined.subtracting(clausesInPolicies).isEmpty)
    }

    @Test("every rule quotes its document in Chinese and names a payee and a trigger")
    func quotes() {
        for rule in bundledCatalog.rules {
            #expect(rule.quote.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) }, "\(rule.clause)")
        }
    }

    @Test("every rule with a range or an open amount states the reading it takes")
    func readings() {
        for rule in bundledCatalog.rules {
            if case .decided(nil, nil) = rule.amount { #expect(rule.reading != nil, "\(rule.clause)") }
        }
    }

    @Test("rules in force on a date, by jurisdiction")
    func rulesInForce() {
        let xiamen2024 = Set(bundledCatalog.rules(in: .xiamen, on: date("2024-06-01")).map(\.documentID))
        #expect(xiamen2024 == ["XM-2023-187", "XM-2023-188"])
        #expect(bundledCatalog.rules(in: .xiamen, on: date("2025-01-01")).isEmpty)
        #expect(Set(bundledCatalog.rules(on: date("2020-06-01")).map(\.documentID)) == ["JJ-2019-79"])
        #expect(bundledCatalog.rules(in: .jinjiang, on: date("2022-01-01")).isEmpty)
    }
}

/// A small valid document the error tests break one way at a time.
let sampleDocument = """
    document: XX-1
    title: 测试文件
    number: 测〔2024〕1号
    jurisdiction:
      code: "350200"
      name: 厦门市
      divisions: [思明区]
    inForce:
      from: 2024-01-01
      to: 2024-12-31
      quote: 自2024年1月1日起施行。
    rules:
      - clause: "XX-1/a"
        title: Certificate subsidy
        quote: 取得证书的给予补贴。
        payee: worker
        trigger: certificate
        match:
          certificate.kind: [skill-level]
        amount:
          table: {by: certificate.level, values: {L5: 700, L4: 1000}}
        range: {min: 500, max: 3000}
    crossRules:
      - clause: "XX-1/cap"
        kind: training-cap
        title: Yearly cap
        quote: 每人每年不超过3次。
        perYear: 3
        covers: ["XX-1/a"]

    """

func issues(_ files: [(String, String)]) -> [PolicyIssue] {
    do {
        _ = try PolicyCatalog.load(files: files.map { (name: $0.0, text: $0.1) })
        return []
    } catch {
        return error.issues
    }
}

@Suite("grants policies check: every error says file, line, field and what to do")
struct PolicyLintTests {
    @Test("the sample document loads")
    func sampleLoads() throws {
        let catalog = try PolicyCatalog.load(files: [("XX-1.yaml", sampleDocument)])
        #expect(catalog.rule(clause: "XX-1/a")?.amount == .table(by: "certificate.level", values: ["L5": .fixed(yuan(700)), "L4": .fixed(yuan(1000))]))
    }

    @Test("an unknown field is named, with its line and the field it was probably meant to be")
    func unknownField() {
        let found = issues([("XX-1.yaml", sampleDocument.replacingOccurrences(of: "payee: worker", with: "payees: worker"))])
        let unknown = found.first { $0.message.contains("unknown field `payees`") }
        #expect(unknown?.location == SourceLocation(file: "XX-1.yaml", line: 16, column: 5))
        #expect(unknown?.path == "rules[0].payees")
        #expect(unknown?.hint.contains("Did you mean `payee`?") == true)
        #expect(found.contains { $0.path == "rules[0].payee" && $0.message == "is missing" })
    }

    @Test("an attribute a trigger does not offer is refused, with the ones it does")
    func unknownAttribute() {
        let found = issues([("XX-1.yaml", sampleDocument.replacingOccurrences(of: "certificate.kind: [skill-level]", with: "class.colour: [red]"))])
        #expect(found.first?.description.hasPrefix("XX-1.yaml:19:7: error: rules[0].match.class.colour: unknown field `class.colour`") == true)
    }

    @Test("a clause id defined twice")
    func duplicateClause() {
        let second = sampleDocument.replacingOccurrences(of: "document: XX-1", with: "document: XX-1")
            .replacingOccurrences(of: "from: 2024-01-01", with: "from: 2025-01-01").replacingOccurrences(of: "to: 2024-12-31", with: "to: 2025-12-31")
        // Successive versions of one document may repeat its clauses…
        #expect(issues([("XX-1.yaml", sampleDocument), ("XX-1-2025.yaml", second)]).isEmpty)
        // …but one file may not.
        let doubled = sampleDocument.replacingOccurrences(of: "crossRules:", with: """
              - clause: "XX-1/a"
                title: Again
                quote: 再次。
                payee: worker
                trigger: certificate
                amount: {fixed: 500}
            crossRules:
            """)
        #expect(issues([("XX-1.yaml", doubled)]).contains { $0.message.contains("clause XX-1/a is defined twice (first at XX-1.yaml:13:5)") })
    }

    @Test("two versions of a document whose periods overlap")
    func overlappingPeriods() {
        let second = sampleDocument.replacingOccurrences(of: "from: 2024-01-01", with: "from: 2024-06-01").replacingOccurrences(of: "to: 2024-12-31", with: "to: null")
        let found = issues([("a.yaml", sampleDocument), ("b.yaml", second)])
        #expect(found.contains { $0.message.contains("document XX-1 is in force 2024-06-01 to (open) here and 2024-01-01 to 2024-12-31 in a.yaml: the periods overlap") })
    }

    @Test("an amount outside the document's range")
    func amountOutsideRange() {
        let found = issues([("XX-1.yaml", sampleDocument.replacingOccurrences(of: "L4: 1000", with: "L4: 3500"))])
        #expect(found.map(\.description) == ["XX-1.yaml:13:5: error: XX-1/a.amount: ¥3,500.00 is outside the document's range ¥500.00–¥3,000.00. Correct the amount, or the range if the document was misread."])
    }

    @Test("a cross-cutting rule that covers a clause no document defines")
    func missingClause() {
        let found = issues([("XX-1.yaml", sampleDocument.replacingOccurrences(of: "covers: [\"XX-1/a\"]", with: "covers: [\"XX-1/a\", \"XX-1/b\"]"))])
        #expect(found.contains { $0.path == "XX-1/cap.covers[1]" && $0.message == "clause XX-1/b is not in the catalog" })
    }

    @Test("a clause id that does not start with its document's id")
    func foreignClause() {
        let found = issues([("XX-1.yaml", sampleDocument.replacingOccurrences(of: "clause: \"XX-1/a\"", with: "clause: \"YY-2/a\""))])
        #expect(found.contains { $0.message == "clause id YY-2/a does not belong to document XX-1" && $0.location.line == 13 })
    }

    @Test("broken YAML is reported at its line")
    func brokenYAML() {
        let found = issues([("XX-1.yaml", sampleDocument.replacingOccurrences(of: "title: 测试文件", with: "title: [测试文件"))])
        #expect(found.count == 1)
        #expect(found.first?.message.hasPrefix("is not valid YAML") == true)
        #expect(found.first?.location.file == "XX-1.yaml")
        #expect((found.first?.location.line ?? 0) >= 2)
    }

    @Test("a wrong type: text where a number is needed, a test that does not apply")
    func wrongTypes() {
        let found = issues([("XX-1.yaml", sampleDocument
            .replacingOccurrences(of: "L5: 700", with: "L5: seven hundred")
            .replacingOccurrences(of: "certificate.kind: [skill-level]", with: "certificate.kind: {atLeast: 3}"))])
        #expect(found.contains { $0.path == "rules[0].amount.table.values.L5" && $0.message == "expected a whole number, found \"seven hundred\"" })
        #expect(found.contains { $0.path == "rules[0].match.certificate.kind" && $0.message.contains("this test does not apply") })
    }

    @Test("a trigger that cannot pay the payee")
    func wrongPayee() {
        let found = issues([("XX-1.yaml", sampleDocument.replacingOccurrences(of: "payee: worker", with: "payee: agency"))])
        #expect(found.contains { $0.message == "certificate facts cannot pay a agency" })
    }
}
