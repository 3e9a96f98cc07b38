import Testing

@testable import GrantLedgerEvents

@Suite struct EventSubmissionTests {
    /// A valid training.completed submission to vary.
    static let base: JSONObject = object([
        "eventId": "00000000-0000-4000-8000-000000000017", "streamId": "class:XM-2024-0012", "expectedVersion": 2,
        "type": "training.completed", "schemaVersion": 1, "occurredAt": "2024-04-26",
        "actor": "batch:xm-portal-export", "source": "xm-training-portal",
        "correlationId": "c0000001-0000-4000-8000-000000000001", "causationId": "00000000-0000-4000-8000-000000000015",
        "data": ["classId": "XM-2024-0012", "trainee": "35020319900101123X", "attendedHours": 118, "offlineHours": 98],
    ])

    static func with(_ member: String, _ value: JSONValue?) -> JSONValue {
        var submission = base
        submission[member] = value
        return .object(submission)
    }

    @Test func acceptsTheBaseSubmission() throws {
        let submission = try EventSubmission.parse(.object(Self.base), catalog: catalog).get()
        #expect(submission.eventID == "00000000-0000-4000-8000-000000000017")
        #expect(submission.streamID == "class:XM-2024-0012")
        #expect(submission.expectedVersion == .exactly(2))
        #expect(submission.type == "training.completed")
        #expect(submission.schemaVersion == 1)
        #expect(submission.occurredAt == LocalDate(year: 2024, month: 4, day: 26))
        #expect(submission.actor == "batch:xm-portal-export")
        #expect(submission.source == "xm-training-portal")
        #expect(submission.correlationID == "c0000001-0000-4000-8000-000000000001")
        #expect(submission.causationID == "00000000-0000-4000-8000-000000000015")
        #expect(submission.data["attendedHours"] == 118)
    }

    @Test func readsExpectedVersionsAndLowerCasesUUIDs() throws {
        var submission = Self.base
        submission["expectedVersion"] = "none"
        submission["eventId"] = "ABCDEF00-0000-4000-8000-0000000000AA"
        submission["correlationId"] = "C0000001-0000-4000-8000-00000000000A"
        let parsed = try EventSubmission.parse(.object(submission), catalog: catalog).get()
        #expect(parsed.expectedVersion == .noStream)
        #expect(parsed.eventID == "abcdef00-0000-4000-8000-0000000000aa")
        #expect(parsed.correlationID == "c0000001-0000-4000-8000-00000000000a")
        submission["expectedVersion"] = nil
        submission["correlationId"] = nil
        submission["causationId"] = nil
        let minimal = try EventSubmission.parse(.object(submission), catalog: catalog).get()
        #expect(minimal.expectedVersion == .any)
        #expect(minimal.correlationID == nil && minimal.causationID == nil)
    }

    @Test func roundTripsThroughItsJSONValue() throws {
        for (key, value) in try loadValidExamples() {
            let submission = try EventSubmission.parse(value, catalog: catalog).get()
            #expect(submission.jsonValue == value, "\(key)")
            #expect(try EventSubmission.parse(submission.jsonValue, catalog: catalog).get() == submission, "\(key)")
        }
    }

    @Test(arguments: [
        ("position", JSONValue.integer(12), "$.position", "unknown envelope field"),
        ("eventId", nil, "$.eventId", "missing required envelope field"),
        ("eventId", 42, "$.eventId", "expected a string, found 42"),
        ("eventId", "00000000-0000-4000-8000-00000000001G", "$.eventId", "expected a UUID (8-4-4-4-12 hex digits)"),
        ("streamId", nil, "$.streamId", "missing required envelope field"),
        ("streamId", "XM-2024-0012", "$.streamId", "a stream id is a category, a colon and a key"),
        ("streamId", "person:350203199001011234", "$.streamId", "the key of a person: stream is the person's resident ID or pseudonym"),
        ("expectedVersion", 0, "$.expectedVersion", #"streams start at version 1; write "none" to require a new stream"#),
        ("expectedVersion", -3, "$.expectedVersion", #"expected "none" or a version number of at least 1, found -3"#),
        ("expectedVersion", "any", "$.expectedVersion", #"expected "none" or a version number of at least 1, found "any""#),
        ("expectedVersion", .null, "$.expectedVersion", "found null"),
        ("type", nil, "$.type", "missing required envelope field"),
        ("type", "training.finished", "$.type", #"unknown event type "training.finished""#),
        ("type", true, "$.type", "expected a string, found true"),
        ("schemaVersion", nil, "$.schemaVersion", "missing required envelope field"),
        ("schemaVersion", "1", "$.schemaVersion", #"expected a version number, found "1""#),
        ("schemaVersion", 0, "$.schemaVersion", "expected a version number, found 0"),
        ("schemaVersion", 1001, "$.schemaVersion", "expected a version number, found 1001"),
        ("schemaVersion", 2, "$.schemaVersion", "training.completed has schema versions 1, not 2"),
        ("occurredAt", nil, "$.occurredAt", "missing required envelope field"),
        ("occurredAt", "2024-02-30", "$.occurredAt", "the business date 2024-02-30 does not exist: 2024-02 has 29 days"),
        ("occurredAt", "2024-04-26T10:00:00+08:00", "$.occurredAt", "expected the business date as YYYY-MM-DD"),
        ("actor", nil, "$.actor", "missing required envelope field"),
        ("actor", "", "$.actor", "an identifier has 1 to 64 characters"),
        ("actor", "林慧", "$.actor", "has a character outside A-Z a-z 0-9 . _ - / :"),
        ("actor", "clerk-35020319900101123X", "$.actor", "look like a resident ID"),
        ("source", nil, "$.source", "missing required envelope field"),
        ("source", "xm training portal", "$.source", "has a character outside"),
        ("correlationId", "case-1", "$.correlationId", "expected a UUID"),
        ("causationId", 5, "$.causationId", "expected a string, found 5"),
        ("data", nil, "$.data", "missing required envelope field"),
        ("data", [], "$.data", "expected an object, found an array"),
        ("data", ["classId": "XM-2024-0012", "trainee": "35020319900101123X"], "$.data.attendedHours", "missing required field (Hours attended)"),
    ] as [(String, JSONValue?, String, String)])
    func reportsEachEnvelopeProblemAtItsPath(member: String, value: JSONValue?, path: String, message: String) {
        let found = issues(Self.with(member, value))
        #expect(found.contains { $0.path == path && $0.message.contains(message) }, "\(found)")
    }

    @Test func refusesAnythingButAnObject() {
        #expect(issues([1, 2]) == [ValidationIssue(path: "$", message: "an event is a JSON object, found an array")])
        #expect(issues("event") == [ValidationIssue(path: "$", message: "an event is a JSON object, found \"event\"")])
    }

    @Test func reportsEveryProblemAtOnce() {
        var submission = Self.base
        submission["eventId"] = "x"
        submission["occurredAt"] = "yesterday"
        submission["recordedAt"] = "2024-04-26T02:00:00Z"
        submission["data"] = ["classId": "XM 2024", "trainee": "35020319900101123X", "attendedHours": -1, "note": "x"]
        let paths = Set(issues(.object(submission)).map(\.path))
        #expect(paths == ["$.eventId", "$.occurredAt", "$.recordedAt", "$.data.classId", "$.data.attendedHours", "$.data.note"])
    }

    @Test func neverPutsAFullResidentIDInAMessage() {
        let bad = "350203199001011234"
        var submission = Self.base
        submission["data"] = ["classId": "XM-2024-0012", "trainee": .string(bad), "attendedHours": .string(bad)]
        let found = issues(.object(submission))
        #expect(found.count == 2)
        for issue in found { #expect(!issue.message.contains(bad), "\(issue)") }
        #expect(found.contains { $0.message.contains("350203********1234") })
    }
}

/// Issue #15, item 9: text holding a NUL or another control character is refused, saying which.
@Suite struct ControlCharacterTests {
    static let clawback: JSONObject = [
        "clawbackId": "C1", "clause": "XM-2025-189/15", "payee": ["kind": "worker", "person": "35020319900101123X"],
        "amount": 1_000, "reason": "fraud", "orderedBy": "市人社局",
    ]

    @Test(arguments: [("\u{0}", "character 1 is the control character U+0000 (NUL)"), ("退票\u{1B}[0m", "character 3 is the control character U+001B"),
                      ("a\u{7F}", "character 2 is the control character U+007F")])
    func textWithAControlCharacterIsRefused(text: String, message: String) throws {
        var data = Self.clawback
        data["detail"] = .string(text)
        let issues = ClawbackOrdered.definition.validate(.object(data))
        #expect(issues.contains { $0.path == "$.data.detail" && $0.message.contains(message) }, "\(issues)")
        data["orderedBy"] = .string("\u{0}")
        #expect(ClawbackOrdered.definition.validate(.object(data)).contains { $0.path == "$.data.orderedBy" })
    }

    /// The owner's name in the message is made only when a field is unknown (valid events make no strings).
    @Test func anUnknownFieldNamesItsOwnerAndItsFields() {
        var data = Self.clawback
        data["colour"] = "red"
        let issues = ClawbackOrdered.definition.validate(.object(data))
        let fields = ClawbackOrdered.definition.fields.map(\.name).joined(separator: ", ")
        #expect(issues.map(\.path) == ["$.data.colour"])
        #expect(issues.first?.message == "unknown field; \(ClawbackOrdered.definition.key) has \(fields)")
        #expect(issues.first?.message.hasPrefix("unknown field; clawback.ordered v") == true)
    }

    @Test func tabsAndLineBreaksStayAllowed() {
        var data = Self.clawback
        data["detail"] = "第一行\n第二行\r\n\t缩进"
        #expect(ClawbackOrdered.definition.validate(.object(data)).isEmpty)
    }
}
