import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a finished `grants` run printed and how it ended.
struct ProcessResult: Sendable, CustomStringConvertible {
    let status: Int32
    /// True when the process was ended by a signal (then `status` is the signal number).
    let killedBySignal: Bool
    let stdout: String
    let stderr: String

    var output: String { stdout + stderr }
    var stdoutLines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty } }
    var description: String { "exit \(status)\(killedBySignal ? " (signal)" : "")\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
}

struct GrantsNotFound: Error, CustomStringConvertible {
    let description = """
        the grants executable was not found next to the test bundle or above it; build it with \
        `swift build --build-tests` (or set GRANTS_BINARY)
        """
}

/// Resident IDs that must never appear in anything `grants` prints.
let rawResidentIDs = [
    "35020319900101123X", "35020319900101123x", "350205198805122013", "350582198506150021",
    "330108199803040019", "620102199507071233", "350203199001011234",
]

/// Runs the real `grants` executable, as a user would.
enum Grants {
    /// The built executable: found beside the test bundle (the directory of the test
    /// process's executable, or one above it), or named by GRANTS_BINARY.
    static let executable: URL? = {
        let manager = FileManager.default
        if let named = ProcessInfo.processInfo.environment["GRANTS_BINARY"], manager.isExecutableFile(atPath: named) {
            return URL(fileURLWithPath: named)
        }
        var starts = [URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.resolvingSymlinksInPath()]
        if let exe = try? manager.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            starts.append(URL(fileURLWithPath: exe))
        }
        for start in starts {
            var directory = start.deletingLastPathComponent()
            for _ in 0..<5 {
                let candidate = directory.appendingPathComponent("grants")
                var isDirectory: ObjCBool = false
                if manager.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
                    manager.isExecutableFile(atPath: candidate.path)
                {
                    return candidate
                }
                directory = directory.deletingLastPathComponent()
            }
        }
        return nil
    }()

    /// The environment for a child: this process's, without GRANTS_* (tests set them
    /// explicitly), with a fixed terminal width so help text wraps the same everywhere.
    static func environment(_ extra: [String: String]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("GRANTS_") }
        environment["COLUMNS"] = "80"
        environment.merge(extra) { $1 }
        return environment
    }

    /// Starts `grants` with its output going to files in `directory`.
    static func start(
        _ arguments: [String], in directory: URL, environment extra: [String: String] = [:], stdinFile: String? = nil
    ) throws -> RunningGrants {
        guard let executable else { throw GrantsNotFound() }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = environment(extra)
        let id = UUID().uuidString
        let out = directory.appendingPathComponent(".stdout-\(id)")
        let err = directory.appendingPathComponent(".stderr-\(id)")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        if let stdinFile {
            guard let handle = FileHandle(forReadingAtPath: stdinFile) else { throw CocoaError(.fileNoSuchFile) }
            process.standardInput = handle
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        try process.run()
        return RunningGrants(process: process, stdoutFile: out, stderrFile: err)
    }

    /// Runs `grants` to the end (killing it after `timeout`), and checks that nothing it
    /// printed contains a raw resident ID.
    static func run(
        _ arguments: [String], in directory: URL, environment: [String: String] = [:], stdinFile: String? = nil,
        timeout: Duration = .seconds(60), sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> ProcessResult {
        let running = try start(arguments, in: directory, environment: environment, stdinFile: stdinFile)
        let result = try await running.wait(timeout: timeout, sourceLocation: sourceLocation)
        for id in rawResidentIDs where result.output.contains(id) {
            Issue.record("`grants \(arguments.joined(separator: " "))` printed a raw resident ID (\(id.prefix(6))…)",
                sourceLocation: sourceLocation)
        }
        return result
    }
}

/// A `grants` process that has been started.
struct RunningGrants: @unchecked Sendable {
    let process: Process
    let stdoutFile: URL
    let stderrFile: URL

    var isRunning: Bool { process.isRunning }
    var pid: Int32 { process.processIdentifier }

    func kill(signal: Int32 = SIGKILL) {
        #if canImport(Glibc)
        _ = Glibc.kill(process.processIdentifier, signal)
        #else
        _ = Darwin.kill(process.processIdentifier, signal)
        #endif
    }

    /// Waits for the process to end; after `timeout` it is killed and the test fails, so a
    /// hung child never hangs the suite.
    func wait(timeout: Duration = .seconds(60), sourceLocation: SourceLocation = #_sourceLocation) async throws -> ProcessResult {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while process.isRunning {
            if clock.now >= deadline {
                kill()
                Issue.record("grants \(process.arguments?.joined(separator: " ") ?? "") did not finish within \(timeout); killed",
                    sourceLocation: sourceLocation)
                while process.isRunning { try await Task.sleep(for: .milliseconds(10)) }
                break
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        process.waitUntilExit()
        defer {
            try? FileManager.default.removeItem(at: stdoutFile)
            try? FileManager.default.removeItem(at: stderrFile)
        }
        return ProcessResult(
            status: process.terminationStatus,
            killedBySignal: process.terminationReason == .uncaughtSignal,
            stdout: String(decoding: (try? Data(contentsOf: stdoutFile)) ?? Data(), as: UTF8.self),
            stderr: String(decoding: (try? Data(contentsOf: stderrFile)) ?? Data(), as: UTF8.self))
    }
}
