import GrantLedgerEvents
import GrantLedgerLog
import Testing

/// Contract: optimistic concurrency. `"expectedVersion": "none"` requires a new stream, a number
/// requires exactly that version; a mismatch rejects the line (and so the file) and says what
/// was expected and what was found.
@Suite("Expected version")
struct ExpectedVersionTests {
    static let stream = "organisation:\(Organisations.kejiCompany)"

    static func rating(_ n: Int, expected: String?) -> String {
        Sample.event(n, stream: stream, type: "organisation.rated", expected: expected,
            data: #"{"organisation":"\#(Organisations.kejiCompany)","rating":"gig-market","ratedBy":"思明区人社局"}"#)
    }

    @Test("none on a new stream, then exact versions, all accepted", arguments: Backend.allCases)
    func accepted(backend: Backend) async throws {
        let log = try await backend.makeLedger().log()
        try await log.appendAccepted([Sample.enterpriseRegistered(1, code: Organisations.kejiCompany, expected: #""none""#)])
        try await log.appendAccepted([Self.rating(2, expected: "1")])
        // Within one file, each line sees the versions the lines before it made.
        try await log.appendAccepted([Self.rating(3, expected: "2"), Self.rating(4, expected: "3"), Self.rating(5, expected: nil)])
        await #expect(try log.allEvents(EventQuery(streamID: Self.stream)).map(\.streamVersion) == [1, 2, 3, 4, 5])
    }

    @Test("none on an existing stream is rejected, saying how many events it has", arguments: Backend.allCases)
    func noneButExists(backend: Backend) async throws {
        let log = try await backend.makeLedger().log()
        try await log.appendAccepted([Sample.enterpriseRegistered(1, code: Organisations.kejiCompany)])
        let report = try await log.append(lines: [Sample.reversal(2), Self.rating(3, expected: #""none""#)])
        #expect(!report.isComplete)
        let issue = try #require(report.issues.first)
        #expect(issue.line == 2)
        #expect(issue.path == "$.expectedVersion")
        #expect(issue.message.contains("expected \(Self.stream) not to exist yet, but it has 1 event;"))
        #expect(try await log.allEvents().count == 1)
    }

    @Test("a stale version is rejected, saying expected and actual", arguments: Backend.allCases)
    func staleVersion(backend: Backend) async throws {
        let log = try await backend.makeLedger().log()
        try await log.appendAccepted([Sample.enterpriseRegistered(1, code: Organisations.kejiCompany), Self.rating(2, expected: nil)])
        let report = try await log.append(lines: [Self.rating(3, expected: "1")])
        let issue = try #require(report.issues.first)
        #expect(issue.path == "$.expectedVersion")
        #expect(issue.message.contains("expected \(Self.stream) at version 1, but it is at version 2"))
        #expect(try await log.allEvents().count == 2)
    }

    @Test("a version ahead of the stream, or of a stream that does not exist, is rejected", arguments: Backend.allCases)
    func aheadOfStream(backend: Backend) async throws {
        let log = try await backend.makeLedger().log()
        let report = try await log.append(lines: [Self.rating(1, expected: "1")])
        #expect(report.issues.first?.message.contains("at version 1, but it is at version 0") == true)
        try await log.appendAccepted([Sample.enterpriseRegistered(2, code: Organisations.kejiCompany)])
        let ahead = try await log.append(lines: [Self.rating(3, expected: "5")])
        #expect(ahead.issues.first?.message.contains("at version 5, but it is at version 1") == true)
    }

    @Test("two lines in one file both expecting a new stream: the second is rejected", arguments: Backend.allCases)
    func raceWithinFile(backend: Backend) async throws {
        let log = try await backend.makeLedger().log()
        let report = try await log.append(lines: [
            Sample.enterpriseRegistered(1, code: Organisations.kejiCompany, expected: #""none""#),
            Self.rating(2, expected: #""none""#),
        ])
        #expect(report.issues.map(\.line) == [2])
        #expect(try await log.allEvents().isEmpty)
    }

    @Test("version 0 and other malformed expectations are rejected with their path", arguments: Backend.allCases)
    func malformed(backend: Backend) async throws {
        let log = try await backend.makeLedger().log()
        let report = try await log.append(lines: [Self.rating(1, expected: "0"), Self.rating(2, expected: #""any""#)])
        #expect(report.issues.map { "\($0.line) \($0.path)" } == ["1 $.expectedVersion", "2 $.expectedVersion"])
    }
}
