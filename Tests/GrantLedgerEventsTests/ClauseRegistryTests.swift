import Testing

@testable import GrantLedgerEvents

/// The seam through which a layer that knows the policy catalog tells validation which clause
/// ids exist: the clause fields of an event are found at any depth, with their JSON paths.
@Suite("Clause ids against a registry")
struct ClauseRegistryTests {
    struct Registry: ClauseRegistry {
        let ids: Set<String>
        func contains(clause: String) -> Bool { ids.contains(clause) }
        func suggestions(for clause: String) -> [String] {
            let folded = ClauseID.foldingFullWidth(clause)
            return ids.contains(folded) ? [folded] : []
        }
    }

    static let registry = Registry(ids: ["XM-2023-187/(九)-b", "JJ-2019-79/6.7"])

    /// A test-only type with clauses at the top, in an array and in objects in an array.
    static let definition = EventDefinition(
        type: "clauses.cited", title: "Clauses cited (test only)", chinese: "引用条款（测试）",
        summary: "Clause fields in every shape a field can take.", stream: "test:<id>",
        fields: [
            .required("clause", .clause, "One clause", zh: "条款"),
            .optional("also", .array(.clause, minItems: 1), "More clauses", zh: "条款"),
            .optional("lines", .array(.object([.required("clause", .clause, "A line's clause", zh: "条款")]), minItems: 1),
                      "Lines", zh: "明细"),
        ])

    @Test("every clause field the registry lacks, at any depth, with its path and the id meant; shapes are left to validation")
    func unknownClausesAtAnyDepth() throws {
        let data = try #require(try JSONParser.parse(Array("""
            {"clause":"XM-2023-187/（九）-b","also":["JJ-2019-79/6.7","XM-2023-187/(九)"],\
            "lines":[{"clause":"JJ-2019-79/6.7"},{"clause":"JJ-2019-79/6.8"},{"clause":"not a clause"}]}
            """.utf8)).objectValue)
        #expect(Self.definition.hasClauseFields)
        let found = Self.definition.unknownClauses(in: data, registry: Self.registry)
        #expect(found == [
            UnknownClause(path: "$.data.clause", clause: "XM-2023-187/（九）-b", suggestions: ["XM-2023-187/(九)-b"]),
            UnknownClause(path: "$.data.also[1]", clause: "XM-2023-187/(九)", suggestions: []),
            UnknownClause(path: "$.data.lines[1].clause", clause: "JJ-2019-79/6.8", suggestions: []),
        ])
        #expect(found[0].description == #""XM-2023-187/（九）-b" is not a clause of the policy catalog; did you mean XM-2023-187/(九)-b?"#)
        #expect(found[1].description == #""XM-2023-187/(九)" is not a clause of the policy catalog; see `grants policies list` for the clause ids"#)
        #expect(UnknownClause(path: "$", clause: "X-1/1", suggestions: ["A", "B", "C"]).description.hasSuffix("did you mean A, B or C?"))
    }

    @Test("the standard types with clause fields are the six money events")
    func standardClauseFields() {
        let types = EventCatalog.standard.definitions.values.filter(\.hasClauseFields).map(\.type)
        #expect(Set(types) == ["application.submitted", "amount.decided", "disbursement.made", "clawback.ordered", "target.set", "fund.allocated"])
    }

    @Test("full-width input is folded to the ASCII clause ids are written in", arguments: [
        ("XM-2023-187/（九）-b", "XM-2023-187/(九)-b"),
        ("XM-2023-187/（九）-ｂ", "XM-2023-187/(九)-b"),
        ("ＪＪ－２０１９－７９／６．７", "JJ-2019-79/6.7"),
        ("XM-2023-187/(九)—b", "XM-2023-187/(九)-b"),
        ("XM-2023-187/(九)-b", "XM-2023-187/(九)-b"),
    ])
    func folding(typed: String, folded: String) {
        #expect(ClauseID.foldingFullWidth(typed) == folded)
    }
}
