import Foundation
import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerPolicy
import GrantLedgerService

/// Ledgers in temporary directories, with the bundled policies loaded once.
enum TestLedger {
    /// Parsing the bundled YAML takes most of a second: once for every test.
    static let bundled = try! PolicyCatalog.bundled()

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func directory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("service-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    static func configuration(in directory: URL, policies: PolicySource = .catalog(bundled),
                              clauses: ClauseChecking = .catalog) -> LedgerConfiguration {
        LedgerConfiguration(databasePath: directory.appendingPathComponent("ledger.sqlite").path, policies: policies, clauses: clauses,
                            mappingsDirectory: repository.appendingPathComponent("Tools/mappings").path)
    }

    /// A new, empty ledger checking clause ids against the bundled catalog.
    static func created() async throws -> Ledger {
        try await Ledger.create(configuration(in: try directory()))
    }
}

/// The event catalog's examples: a small city's story across the three jurisdictions.
enum Examples {
    static let lines: [String] = {
        let url = TestLedger.repository.appendingPathComponent("EventSchemas/examples/valid.jsonl")
        return try! String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
    }()

    static var submissionLines: [SubmissionLine] {
        lines.enumerated().map { SubmissionLine(number: $0 + 1, bytes: Array($1.utf8)) }
    }

    /// The first example on `stream`, parsed.
    static func submission(onStream stream: String) throws -> EventSubmission {
        for line in lines where line.contains(#""streamId":"\#(stream)""#) {
            return try EventSubmission.parse(try JSONParser.parse(line), catalog: .standard).get()
        }
        throw ExampleMissing(stream: stream)
    }

    struct ExampleMissing: Error { let stream: String }
}
