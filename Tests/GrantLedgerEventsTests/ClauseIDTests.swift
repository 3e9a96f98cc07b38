import Testing

@testable import GrantLedgerEvents

@Suite struct ClauseIDTests {
    @Test(arguments: [
        "XM-2023-187/(九)-b", "JJ-2019-79/6.7", "BJ-2023/(十)-a", "XM-2023-187/general-cap", "XM-2025-189/goal",
        "JJ-2019-79/annex1", "XM-2023-188/4", "XM-2023-187/(一)-c", "JJ-2019-79/a/b",
    ])
    func acceptsClauseIDsAsPoliciesWritesThem(id: String) {
        #expect(ClauseID.isWellFormed(id))
    }

    @Test(arguments: [
        "XM-2023-187", "XM-2023-187/", "/6.7", "xm-2023-187/6.7", "X-2023/1", "XMX-2023/1", "XM/1", "XM-/1",
        "XM-2023-187-1/1", "XM-20a3/1", "XM-2023-187/(九) b", "XM-2023-187/\u{3000}b", "XM-2023-187 (九)-b",
        "XM-２０２３/1", "XM-2023/" + String(repeating: "a", count: 41), "XM-2023/" + String(repeating: "九", count: 14),
    ])
    func rejectsMalformedClauseIDs(id: String) {
        #expect(!ClauseID.isWellFormed(id))
    }

    @Test func limitsLabelsToFortyBytes() {
        #expect(ClauseID.isWellFormed("XM-2023/" + String(repeating: "a", count: 40)))
        #expect(ClauseID.isWellFormed("XM-2023/" + String(repeating: "九", count: 13)))
    }

    @Test func splitsOffTheDocument() {
        #expect(ClauseID.document(of: "JJ-2019-79/6.7") == "JJ-2019-79")
        #expect(ClauseID.document(of: "XM-2023-187/(九)-b") == "XM-2023-187")
        #expect(ClauseID.document(of: "no-slash") == "no-slash")
    }

    /// Every clause a definition says it feeds is well formed.
    @Test func everyFedClauseIsWellFormed() {
        for definition in catalog.definitions.values {
            for clause in definition.feeds { #expect(ClauseID.isWellFormed(clause), "\(definition.key): \(clause)") }
        }
    }
}

@Suite struct StreamIDTests {
    @Test(arguments: [
        "certificate:S3502002024000123", "class:XM-2024-0012", "person:35020319900101123X", "person:35020319900101123x",
        "employment:91350200MA31XM001A:HT-2024-0188", "person:P0123456789abcdef01234567", "a:b", "x-1:a/b.c_d",
    ])
    func acceptsWellFormedStreamIDs(id: String) {
        #expect(StreamID.problem(id) == nil)
    }

    @Test(arguments: [
        ("certificate", "a stream id is a category, a colon and a key"),
        ("Certificate:S1", "the category of a stream id"),
        ("1class:S1", "the category of a stream id"),
        (":S1", "the category of a stream id"),
        ("cert_x:S1", "the category of a stream id"),
        (String(repeating: "a", count: 33) + ":S1", "the category of a stream id"),
        ("class:", "the key of a stream id: an identifier has 1 to 64 characters"),
        ("class:XM 2024", "the key of a stream id: \"XM 2024\" has a character outside"),
        ("class:" + String(repeating: "a", count: 65), "an identifier has 1 to 64 characters"),
        ("employment:91350200MA31XM001A:35020319900101123X", "look like a resident ID; identifiers must not contain one"),
        ("person:350203199001011234", "the key of a person: stream is the person's resident ID or pseudonym: the check character (GB 11643)"),
        ("person:chen-jianhua", "the key of a person: stream is the person's resident ID or pseudonym: a resident ID has 18 characters"),
    ])
    func explainsMalformedStreamIDs(id: String, problem: String) {
        #expect(StreamID.problem(id)?.contains(problem) == true, "\(StreamID.problem(id) ?? "accepted")")
    }

    @Test func findsThePersonKey() throws {
        #expect(StreamID.personKey("person:35020319900101123X")?.digits == "35020319900101123X")
        #expect(StreamID.personKey("person:P0123456789abcdef01234567") == nil)
        #expect(StreamID.personKey("certificate:35020319900101123X") == nil)
    }
}
