import SyntheticCity
import Testing

@testable import GrantLedgerEvents

/// A JSON string without escapes is made from its bytes: as they stand when all of them are
/// ASCII, through UTF-8 validation otherwise. Both parsers (the intake's and the stored data's)
/// must accept exactly the byte strings the standard library's validation accepts, and give its
/// text: no invalid byte may come through repaired.
@Suite struct StringBytesTests {
    /// Random contents of a string: printable ASCII (no quote, no backslash) and every byte of
    /// 0x80 and above, short and long, mostly ASCII with a few high bytes among them.
    static func samples(count: Int) -> [[UInt8]] {
        var random = SplitMix64(seed: 11643)
        let ascii = (UInt8(0x20)...0x7E).filter { $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
        return (0..<count).map { _ in
            let length = Int.random(in: 0...24, using: &random)
            let highShare = [0, 1, 5, 50].randomElement(using: &random)!
            return (0..<length).map { _ in
                Int.random(in: 0..<100, using: &random) < highShare
                    ? UInt8.random(in: 0x80...0xFF, using: &random) : ascii.randomElement(using: &random)!
            }
        }
        // Known valid and invalid sequences among them.
        + [Array("厦门市 ok".utf8), Array("a😀b".utf8), [0x61, 0xFF], [0x61, 0x62, 0xC3], [0x41, 0xED, 0xA0, 0x80], [0x7A, 0xC0, 0x80]]
    }

    @Test func theIntakeParserAcceptsExactlyValidUTF8() {
        var valid = 0
        for content in Self.samples(count: 4000) {
            let expected = String(validating: content, as: UTF8.self)
            let parsed = try? JSONParser.parse([0x22] + content + [0x22])
            #expect(parsed == expected.map(JSONValue.string), "bytes \(content)")
            if expected != nil { valid += 1 }
        }
        // Both kinds were tried.
        #expect(valid > 1000 && valid < 3900)
    }

    @Test func theStoredDataReaderAcceptsExactlyValidUTF8() {
        struct Text: Decodable { let s: String }
        for content in Self.samples(count: 4000) {
            let expected = String(validating: content, as: UTF8.self)
            let document = Array(#"{"s":""#.utf8) + content + Array(#""}"#.utf8)
            let viewed = try? CanonicalJSONView(canonical: document).object()?["s"]?.string()
            let decoded = try? CanonicalJSONDecoder().decode(Text.self, from: document).s
            #expect(viewed == expected, "bytes \(content)")
            #expect(decoded == expected, "bytes \(content)")
        }
    }
}
