import Foundation
import Testing

/// Issue #15, item 8: a ledger on a read-only file in a read-only directory can be read,
/// verified and queried; a command that writes says so, and nothing changes.
@Suite("A read-only ledger")
struct ReadOnlyLedgerTests {
    /// Runs `grants` as a user who may only read the ledger. As root (who may write anything),
    /// as the user nobody, owning the read-only copy; otherwise as this user.
    static func grants(_ arguments: [String], in directory: URL) async throws -> ProcessResult {
        guard getuid() == 0 else { return try await Grants.run(arguments, in: directory) }
        let executable = try #require(Grants.executable)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", executable.path] + arguments
        process.currentDirectoryURL = directory
        process.environment = Grants.environment([:])
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile(), errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ProcessResult(status: process.terminationStatus, killedBySignal: process.terminationReason == .uncaughtSignal, stdout: String(decoding: output, as: UTF8.self),
                             stderr: String(decoding: errors, as: UTF8.self))
    }

    @Test("read, verify and query it; an append is refused as read-only; the file does not change")
    func readOnly() async throws {
        guard getuid() != 0 || FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else { return }
        let directory = try await LedgerDirectory.initialised()
        try directory.write("events.jsonl", lines: (1...5).map { Sample.reversal($0) })
        #expect(try await directory.grants("append", "events.jsonl").status == 0)
        let shelf = directory.url.appendingPathComponent("shelf")
        try FileManager.default.createDirectory(at: shelf, withIntermediateDirectories: false)
        let copy = shelf.appendingPathComponent("ledger.sqlite").path
        try FileManager.default.copyItem(atPath: directory.db, toPath: copy)
        try FileManager.default.copyItem(atPath: directory.keyFile, toPath: copy + ".key")
        for path in [copy, copy + ".key"] {
            if getuid() == 0 { chown(path, 65534, 65534) }
            chmod(path, 0o400)
        }
        if getuid() == 0 { chown(shelf.path, 65534, 65534) }
        chmod(shelf.path, 0o555)
        defer { chmod(shelf.path, 0o755) }
        let before = try Data(contentsOf: URL(fileURLWithPath: copy))

        for command in [["verify"], ["events"], ["entitlements"], ["findings"], ["verify", "--projections"]] {
            let result = try await Self.grants(command + ["--db", copy], in: directory.url)
            #expect(result.status == 0, "\(command): \(result)")
        }
        try directory.write("more.jsonl", lines: (6...8).map { Sample.reversal($0) })
        let append = try await Self.grants(["append", "more.jsonl", "--db", copy], in: directory.url)
        #expect(append.status == 1)
        #expect(append.stderr.contains("read-only for this user") && append.stderr.contains("wrote nothing"), "\(append.stderr)")
        #expect(!append.stderr.contains("SQLite error"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: copy)) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: shelf.path).sorted() == ["ledger.sqlite", "ledger.sqlite.key"])
    }
}
