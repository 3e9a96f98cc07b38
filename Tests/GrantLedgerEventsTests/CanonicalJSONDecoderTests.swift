import Testing

@testable import GrantLedgerEvents

/// The fast decoder must give exactly what the tree decoder gives, and refuse what it does not
/// understand so that the catalog falls back to the exact path.
@Suite struct CanonicalJSONDecoderTests {
    static let currentKeys = allKeys.filter { catalog.currentVersion(of: $0.type) == $0.version }

    @Test(arguments: currentKeys)
    func agreesWithTheTreeDecoderOnEveryExample(key: EventTypeKey) throws {
        let example = try #require(try loadValidExamples()[key]?.objectValue)
        let data = try #require(example["data"]?.objectValue)
        let payloadType = try #require(catalog.payloadTypes[key.type])
        let canonical = CanonicalJSON.encode(.object(data))
        let fast = try CanonicalJSONDecoder().decode(payloadType, from: canonical)
        let exact = try JSONValueDecoder().decode(payloadType, from: .object(data))
        #expect(String(describing: fast) == String(describing: exact))
    }

    @Test func decodesEscapedStringsNestedObjectsArraysAndWhitespace() throws {
        struct Inner: Decodable, Equatable { let n: Int64; let flag: Bool }
        struct Outer: Decodable, Equatable {
            let text: String
            let inner: Inner
            let list: [String]
            let missing: String?
            let explicitNull: Int?
        }
        let json = #" { "explicitNull" : null, "inner": {"flag": true, "n": -9223372036854775808}, "list": ["a", "b\"c"], "text": "say \"你好\"\n" } "#
        let decoded = try CanonicalJSONDecoder().decode(Outer.self, from: Array(json.utf8))
        #expect(decoded == Outer(
            text: "say \"你好\"\n", inner: Inner(n: .min, flag: true), list: ["a", "b\"c"], missing: nil, explicitNull: nil))
    }

    @Test(arguments: [
        #"{"n": 1.5}"#, #"{"n": "1"}"#, #"{"n": 99999999999999999999}"#, #"{"n": 1"#, #"[1]"#, #"{"n" 1}"#,
    ])
    func refusesWhatItDoesNotExpect(json: String) {
        struct One: Decodable { let n: Int }
        #expect(throws: (any Error).self) { try CanonicalJSONDecoder().decode(One.self, from: Array(json.utf8)) }
    }

    @Test func theCatalogFallsBackToTheExactPathForOldVersionsAndBadData() throws {
        let v1 = Array(#"{"certificateNumber":"S1","grade":"中级工","holder":"35020319900101123X","issuer":"x","kind":"skill-level","occupation":"电工"}"#.utf8)
        let payload = try catalog.decode(type: "certificate.issued", version: 1, canonicalData: v1)
        #expect((payload as? CertificateIssued)?.level == .l4)
        #expect(throws: (any Error).self) {
            try catalog.decode(type: "certificate.issued", version: 2, canonicalData: Array(#"{"certificateNumber":1}"#.utf8))
        }
    }
}
