import Testing

@testable import GrantLedgerEvents

@Suite struct JSONParserTests {
    @Test(arguments: [
        (#"null"#, JSONValue.null),
        (#"true"#, .bool(true)),
        (#" false "#, .bool(false)),
        (#"0"#, .integer(0)),
        (#"-0"#, .integer(0)),
        (#"150000"#, .integer(150_000)),
        (#"-42"#, .integer(-42)),
        (#"9223372036854775807"#, .integer(.max)),
        (#"-9223372036854775808"#, .integer(.min)),
        (#""""#, .string("")),
        (#""厦门市""#, .string("厦门市")),
        (#""\"\\\/\b\f\n\r\t""#, .string("\"\\/\u{8}\u{C}\n\r\t")),
        (#""\u0041\u00e9\u4e2d""#, .string("Aé中")),
        (#""\ud83d\ude00""#, .string("😀")),
        (#"[]"#, .array([])),
        (#"[1, "a", [true]]"#, .array([1, "a", [true]])),
        (#"{}"#, .object(JSONObject())),
        ("{\n  \"b\": 2,\n\t\"a\": [null]\r\n}", ["a": [nil], "b": 2] as JSONValue),
    ])
    func parsesValidDocuments(text: String, expected: JSONValue) throws {
        #expect(try JSONParser.parse(text) == expected)
        #expect(try JSONParser.parse(Array(text.utf8)) == expected)
    }

    @Test func keepsObjectMembersSortedByKey() throws {
        let value = try JSONParser.parse(#"{"z": 1, "a": 2, "é": 3, "B": 4}"#)
        #expect(value.objectValue?.keys == ["B", "a", "z", "é"])
    }

    /// Each error the parser can report, with where it says the problem is.
    @Test(arguments: [
        ("", "unexpected end of input", 1, 1),
        ("[1,", "unexpected end of input", 1, 4),
        ("1 2", "unexpected text after the JSON value", 1, 3),
        ("[,]", "unexpected character ','", 1, 2),
        ("tru", "unknown literal; expected true", 1, 1),
        ("nul", "unknown literal; expected null", 1, 1),
        ("{1: 2}", "expected a quoted member name", 1, 2),
        ("{", "unterminated object", 1, 2),
        (#"{"a" 1}"#, #"expected ':' after member name "a""#, 1, 6),
        (#"{"a": 1"#, "unterminated object (opened at column 1)", 1, 8),
        (#"{"a": 1]"#, "expected ',' or '}' in object, found ']'", 1, 8),
        (#"{"a": 1, "a": 2}"#, #"member "a" appears twice in one object"#, 1, 1),
        (#"[1, {"b": 1, "c": 2, "b": 3}]"#, #"member "b" appears twice in one object"#, 1, 5),
        ("[1", "unterminated array", 1, 3),
        ("[1}", "expected ',' or ']' in array, found '}'", 1, 3),
        ("-", "a digit must follow '-'", 1, 2),
        ("-a", "a digit must follow '-'", 1, 2),
        ("01", "numbers must not have leading zeros", 1, 1),
        ("[-01]", "numbers must not have leading zeros", 1, 2),
        ("1.5", "only whole numbers are allowed", 1, 1),
        ("0.0", "only whole numbers are allowed", 1, 1),
        ("1e3", "only whole numbers are allowed", 1, 1),
        ("[7, 2E1]", "only whole numbers are allowed", 1, 5),
        ("9223372036854775808", "integer does not fit in 64 bits", 1, 1),
        ("-9223372036854775809", "integer does not fit in 64 bits", 1, 1),
        ("\"a\nb\"", "control character in string", 1, 3),
        ("\"a\\\u{1}\"", "unknown escape", 1, 3),
        (#""\x""#, #"unknown escape '\x'"#, 1, 2),
        (#""\u12""#, #"\u escape needs four hex digits"#, 1, 4),
        (#""\u12G4""#, #"\u escape needs four hex digits"#, 1, 6),
        (#""\ud800""#, "unpaired UTF-16 surrogate in \\u escape", 1, 8),
        (#""\udc00""#, "unpaired UTF-16 surrogate in \\u escape", 1, 8),
        (#""\ud800\u0041""#, "unpaired UTF-16 surrogate", 1, 14),
        (#""abc"#, "unterminated string", 1, 1),
        ("{\n  \"amount\": 1500.00\n}", "only whole numbers are allowed", 2, 13),
        ("[1,\n 2,\n x]", "unexpected character 'x'", 3, 2),
    ])
    func reportsErrorsWithLineAndColumn(text: String, reason: String, line: Int, column: Int) {
        #expect {
            try JSONParser.parse(text)
        } throws: { error in
            guard let error = error as? JSONParser.SyntaxError else { return false }
            return error.reason.contains(reason) && error.line == line && error.column == column
        }
    }

    @Test(arguments: [
        [0x22, 0xFF, 0x22],  // not UTF-8 at all
        [0x22, 0xC3, 0x22],  // truncated two-byte sequence
        [0x22, 0xED, 0xA0, 0x80, 0x22],  // an encoded surrogate
        [0x22, 0x5C, 0x6E, 0xC0, 0x80, 0x22],  // overlong NUL, on the escaping path
    ] as [[UInt8]])
    func rejectsInvalidUTF8(bytes: [UInt8]) {
        #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(bytes) }
        do {
            _ = try JSONParser.parse(bytes)
        } catch {
            #expect(error.reason == "string is not valid UTF-8")
            #expect(error.column == 1)
        }
    }

    @Test func limitsNestingDepth() throws {
        let depth = JSONParser.maximumDepth
        let deepest = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(throws: Never.self) { try JSONParser.parse(deepest) }
        let tooDeep = String(repeating: "[", count: depth + 1) + String(repeating: "]", count: depth + 1)
        #expect(throws: JSONParser.SyntaxError(line: 1, column: depth + 1, reason: "nested deeper than \(depth) levels")) {
            try JSONParser.parse(tooDeep)
        }
        let objects = String(repeating: #"{"a":"#, count: depth + 1) + "1" + String(repeating: "}", count: depth + 1)
        #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(objects) }
    }

    @Test func describesErrorsForPeople() {
        let error = JSONParser.SyntaxError(line: 3, column: 7, reason: "unterminated array")
        #expect(error.description == "invalid JSON at line 3, column 7: unterminated array")
    }
}
