import Testing

@testable import GrantLedgerEvents

@Suite struct CanonicalJSONTests {
    @Test func sortsKeysByUTF8BytesAndDropsWhitespace() throws {
        let value = try JSONParser.parse(#"{ "b": 1, "a": { "d": [1, 2], "c": null }, "B": true, "é": "x", "aa": false }"#)
        #expect(CanonicalJSON.string(value) == #"{"B":true,"a":{"c":null,"d":[1,2]},"aa":false,"b":1,"é":"x"}"#)
    }

    @Test(arguments: [
        ("plain", #""plain""#),
        ("quote \" and backslash \\", #""quote \" and backslash \\""#),
        ("\u{8}\u{C}\n\r\t", #""\b\f\n\r\t""#),
        ("\u{0}\u{1}\u{1F}", #""\u0000\u0001\u001f""#),
        ("/ stays", #""/ stays""#),
        ("\u{7F} DEL stays", "\"\u{7F} DEL stays\""),
        ("中文 and 😀 stay as UTF-8", #""中文 and 😀 stay as UTF-8""#),
        ("\u{2028}", "\"\u{2028}\""),
    ])
    func escapesOnlyQuoteBackslashAndControlCharacters(string: String, encoded: String) {
        #expect(CanonicalJSON.string(.string(string)) == encoded)
    }

    @Test(arguments: [Int64.min, -1, 0, 7, 10, 150_000, Int64.max])
    func writesIntegersInPlainDecimal(value: Int64) {
        #expect(CanonicalJSON.string(.integer(value)) == String(value))
    }

    /// The exact bytes are part of the hash chain: this must never change.
    @Test func encodesAFixedEventToFixedBytes() throws {
        let text = """
            {"type": "training.completed", "eventId": "00000000-0000-4000-8000-000000000017",
             "data": {"trainee": "35020319900101123X", "classId": "XM-2024-0012", "attendedHours": 118,
                      "note": "第一行\\n\\"引号\\"\\u0007"},
             "schemaVersion": 1, "ok": true, "none": null, "list": [], "empty": {}}
            """
        let expected = #"{"data":{"attendedHours":118,"classId":"XM-2024-0012","note":"第一行\n\"引号\"\u0007","trainee":"35020319900101123X"},"empty":{},"eventId":"00000000-0000-4000-8000-000000000017","list":[],"none":null,"ok":true,"schemaVersion":1,"type":"training.completed"}"#
        #expect(CanonicalJSON.encode(try JSONParser.parse(text)) == Array(expected.utf8))
    }

    @Test(arguments: [
        #"{"a": [1, -2, {"b": "c\u0000"}], "z": null}"#,
        #"["\ud83d\ude00", "\\", "\"", "\/", "\t", 9223372036854775807, -9223372036854775808]"#,
        #"{"": {"": [[], {}]}}"#,
    ])
    func roundTripsThroughTheParser(text: String) throws {
        let value = try JSONParser.parse(text)
        let encoded = CanonicalJSON.encode(value)
        let reparsed = try JSONParser.parse(encoded)
        #expect(reparsed == value)
        #expect(CanonicalJSON.encode(reparsed) == encoded)
    }

    @Test func roundTripsEveryValidExample() throws {
        for (key, value) in try loadValidExamples() {
            let encoded = CanonicalJSON.encode(value)
            #expect(try JSONParser.parse(encoded) == value, "\(key)")
        }
    }

    @Test func prettyPrintsWithTwoSpacesAndSortedKeys() throws {
        let value = try JSONParser.parse(#"{"b": [1, {"d": "x\n"}], "a": {}, "c": []}"#)
        #expect(PrettyJSON.string(value) == """
            {
              "a": {},
              "b": [
                1,
                {
                  "d": "x\\n"
                }
              ],
              "c": []
            }

            """)
        #expect(PrettyJSON.string(.integer(5)) == "5\n")
        #expect(try JSONParser.parse(PrettyJSON.string(value)) == value)
    }
}
