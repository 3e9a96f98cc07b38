import Foundation
import Testing

/// `grants import`, run as a user would, on the shipped mappings and samples.
@Suite("grants import")
struct ImportCommandTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func shipped(_ name: String) -> String { repository.appendingPathComponent("Tools/mappings/\(name)").path }

    @Test("broken rows: each on the terminal as file:line: column: reason with IDs masked, the error file beside, exit 1")
    func brokenRows() async throws {
        let directory = try await LedgerDirectory.initialised()
        let errors = directory.path("si.errors.csv")
        let result = try await directory.grants("import", "csv", Self.shipped("samples/si-months-broken.csv"),
                                                "--mapping", Self.shipped("si-months.yaml"), "--errors", errors)
        #expect(result.status == 1, "\(result)")
        let out = result.stdoutLines
        #expect(out.contains { $0.hasSuffix("si-months-broken.csv:5: column 2 (公民身份号码): \"350211********3021\" is not a valid resident ID (18 characters, GB 11643 check digit)") })
        #expect(out.contains { $0.hasSuffix("si-months-broken.csv:9: column 11 (到账日期): \"2024-06-31\" is not a real date (read as 2024-6-31 with the layout yyyy-MM-dd)") })
        #expect(out.contains { $0.contains("11 rows read as employment.month-recorded (mapping si-months, utf-8): 6 appended, 0 already in the ledger, 5 bad") })
        #expect(out.contains { $0.hasPrefix("The bad rows are in \(errors)") })
        #expect(!result.stdout.contains("350211199706123021") && !result.stdout.contains("620102199608081238"))
        #expect(FileManager.default.fileExists(atPath: errors))
        let permissions = try FileManager.default.attributesOfItem(atPath: errors)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
    }

    @Test("the same file twice: nothing appended the second time, exit 0; --json says so")
    func reimport() async throws {
        let directory = try await LedgerDirectory.initialised()
        let first = try await directory.grants("import", "csv", Self.shipped("samples/si-months.csv"), "--mapping", Self.shipped("si-months.yaml"))
        #expect(first.status == 0, "\(first)")
        #expect(first.stdoutLines.contains { $0.hasPrefix("projections: ") })
        let again = try await directory.grants("import", "csv", Self.shipped("samples/si-months.csv"), "--mapping", Self.shipped("si-months.yaml"), "--json")
        #expect(again.status == 0, "\(again)")
        let report = try #require(JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])
        #expect(report["appended"] as? Int == 0)
        #expect(report["duplicates"] as? Int == 14)
        #expect(try await directory.eventObjects().count == 14)
    }

    @Test("a mapping that does not exist, and a GB18030 file read as UTF-8: clear errors, nothing appended")
    func refused() async throws {
        let directory = try await LedgerDirectory.initialised()
        let missing = try await directory.grants("import", "csv", Self.shipped("samples/si-months.csv"), "--mapping", "si-monthz")
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("no mapping si-monthz"))
        let wrong = try await directory.grants("import", "csv", Self.shipped("samples/portal-certificates.csv"),
                                               "--mapping", Self.shipped("portal-certificates.yaml"), "--encoding", "utf-8")
        #expect(wrong.status != 0)
        #expect(wrong.stderr.contains("gb18030"), "\(wrong)")
        #expect(try await directory.eventObjects().isEmpty)
    }
}
