import Testing

@testable import GrantLedgerEvents

@Suite struct JSONValueDecoderTests {
    struct Sample: Decodable, Equatable {
        struct Inner: Decodable, Equatable {
            let flag: Bool
        }
        let name: String
        let count: Int
        let big: Int64
        let small: UInt8
        let ratio: Double
        let date: LocalDate
        let month: YearMonth
        let amount: Fen
        let level: CertificateLevel
        let tags: [String]
        let inner: Inner
        let nested: [[Int]]
        let missing: String?
        let explicitNull: Int?
    }

    let sample: JSONValue = [
        "name": "陈建华", "count": 3, "big": .integer(.max), "small": 255, "ratio": 2,
        "date": "2024-02-29", "month": "2024-06", "amount": 150_000, "level": "L4",
        "tags": ["a", "b"], "inner": ["flag": true], "nested": [[1], [], [2, 3]], "explicitNull": nil,
    ]

    @Test func decodesEveryKindOfMember() throws {
        let decoded = try JSONValueDecoder().decode(Sample.self, from: sample)
        #expect(decoded == Sample(
            name: "陈建华", count: 3, big: .max, small: 255, ratio: 2,
            date: try #require(LocalDate("2024-02-29")), month: try #require(YearMonth("2024-06")), amount: 150_000,
            level: .l4, tags: ["a", "b"], inner: .init(flag: true), nested: [[1], [], [2, 3]],
            missing: nil, explicitNull: nil))
    }

    @Test func decodesTopLevelScalarsAndArrays() throws {
        #expect(try JSONValueDecoder().decode(String.self, from: "x") == "x")
        #expect(try JSONValueDecoder().decode(Int.self, from: 42) == 42)
        #expect(try JSONValueDecoder().decode([Bool].self, from: [true, false]) == [true, false])
        #expect(try JSONValueDecoder().decode(Fen.self, from: 5) == Fen(5))
    }

    /// Regression: these used to recurse until the stack overflowed.
    @Test(arguments: ["3", true, [1], ["a": 1], nil] as [JSONValue])
    func numbersFromAnythingButIntegersAreMismatches(value: JSONValue) {
        #expect(throws: DecodingError.self) { try JSONValueDecoder().decode(Int.self, from: value) }
        #expect(throws: DecodingError.self) { try JSONValueDecoder().decode(UInt8.self, from: value) }
        #expect(throws: DecodingError.self) { try JSONValueDecoder().decode(Double.self, from: value) }
        #expect(throws: DecodingError.self) { try JSONValueDecoder().decode(Fen.self, from: value) }
    }

    @Test func reportsAMissingKey() {
        var members = object(sample)
        members["name"] = nil
        #expect {
            try JSONValueDecoder().decode(Sample.self, from: .object(members))
        } throws: { error in
            guard case DecodingError.keyNotFound(let key, _) = error else { return false }
            return key.stringValue == "name"
        }
    }

    @Test(arguments: [
        ("name", JSONValue.integer(1)),
        ("count", "3"),
        ("small", 256),
        ("small", -1),
        ("level", "中级工"),
        ("date", "2023-02-29"),
        ("month", "2024-13"),
        ("inner", [true]),
        ("tags", "a"),
    ] as [(String, JSONValue)])
    func reportsAWrongValue(member: String, value: JSONValue) {
        var members = object(sample)
        members[member] = value
        #expect(throws: DecodingError.self) { try JSONValueDecoder().decode(Sample.self, from: .object(members)) }
    }

    @Test func reportsThePathOfANestedMismatch() {
        var members = object(sample)
        members["inner"] = ["flag": "yes"]
        #expect {
            try JSONValueDecoder().decode(Sample.self, from: .object(members))
        } throws: { error in
            guard case DecodingError.typeMismatch(_, let context) = error else { return false }
            return context.codingPath.map(\.stringValue) == ["inner", "flag"]
        }
    }
}
