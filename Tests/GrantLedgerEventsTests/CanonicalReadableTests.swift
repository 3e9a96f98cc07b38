import SyntheticCity
import Testing

@testable import GrantLedgerEvents

/// A payload that reads itself from canonical bytes must give what the decoder gives, and
/// leave to the decoder whatever it does not expect, so that the catalog's answer (or its
/// error) is the decoder's.
@Suite struct CanonicalReadableTests {
    static let type = EmploymentMonthRecorded.definition.type
    static let version = EmploymentMonthRecorded.definition.version

    /// A month's data with random values, strings that need escaping among them.
    static func randomData(_ generator: inout SplitMix64) -> JSONObject {
        let texts = ["P0123456789abcdef01234567", "91350200MA2Y0000XX", "say \"你好\"\n", "back\\slash\ttab", "", "\u{1F600}"]
        func text() -> JSONValue { .string(texts[Int(generator.next() % UInt64(texts.count))]) }
        let month = YearMonth(year: Int(generator.next() % 9999) + 1, month: Int(generator.next() % 12) + 1)!
        return JSONObject([
            "employee": text(), "employer": text(), "month": .string(month.description),
            "socialInsurancePaid": .bool(generator.next() % 2 == 0), "pensionPaid": .bool(generator.next() % 2 == 0),
            "insuredIn": text(),
        ])
    }

    @Test("5,000 random insured months read from their bytes equal what the decoder gives")
    func agreesWithTheDecoder() throws {
        var generator = SplitMix64(seed: 2026)
        for _ in 0..<5_000 {
            let canonical = CanonicalJSON.encode(.object(Self.randomData(&generator)))
            let object = try #require(try CanonicalJSONView(canonical: canonical).object())
            let read = try #require(EmploymentMonthRecorded(canonical: object))
            let decoded = try CanonicalJSONDecoder().decode(EmploymentMonthRecorded.self, from: canonical)
            #expect(String(describing: read) == String(describing: decoded))
            let viaCatalog = try EventCatalog.standard.decode(type: Self.type, version: Self.version, canonicalData: canonical)
            #expect(String(describing: viaCatalog) == String(describing: decoded))
        }
    }

    @Test("data the reader does not expect is left to the decoder: the catalog gives the decoder's answer, or its error")
    func leavesTheRestToTheDecoder() throws {
        var generator = SplitMix64(seed: 7)
        let valid = Self.randomData(&generator)
        func changed(_ name: String, _ value: JSONValue?) -> [UInt8] {
            var members = valid.members.filter { $0.key != name }
            if let value { members.append((key: name, value: value)) }
            return CanonicalJSON.encode(.object(JSONObject(unsortedMembers: members)!))
        }
        let refused: [(String, JSONValue?)] = [
            ("pensionPaid", nil), ("socialInsurancePaid", .string("true")), ("month", .string("2024-13")),
            ("month", .string("2024-1")), ("employee", .integer(7)), ("insuredIn", .null),
        ]
        for (name, value) in refused {
            let canonical = changed(name, value)
            let object = try #require(try CanonicalJSONView(canonical: canonical).object())
            #expect(EmploymentMonthRecorded(canonical: object) == nil, "\(name): \(String(describing: value))")
            #expect(throws: (any Error).self) {
                try EventCatalog.standard.decode(type: Self.type, version: Self.version, canonicalData: canonical)
            }
        }
        // A member the type does not have is passed over, by both.
        let extra = changed("note", .string("x"))
        let read = try EventCatalog.standard.decode(type: Self.type, version: Self.version, canonicalData: extra)
        #expect(String(describing: read) == String(describing: try CanonicalJSONDecoder().decode(EmploymentMonthRecorded.self, from: extra)))
    }
}
