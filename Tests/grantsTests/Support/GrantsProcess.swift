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
    ///
    /// Spawned with `posix_spawn` rather than Foundation's `Process`, whose `run()` walks
    /// `/proc/self/fd` to close every descriptor in the child: with the test process holding
    /// over a thousand (the SQLite and PostgreSQL suites' ledgers, opened and closed on other
    /// threads) it crashed in a `memcpy` there. Here the child closes everything above standard
    /// error itself (`posix_spawn_file_actions_addclosefrom_np`).
    static func start(
        _ arguments: [String], in directory: URL, environment extra: [String: String] = [:], stdinFile: String? = nil
    ) throws -> RunningGrants {
        guard let executable else { throw GrantsNotFound() }
        let id = UUID().uuidString
        let out = directory.appendingPathComponent(".stdout-\(id)")
        let err = directory.appendingPathComponent(".stderr-\(id)")
        if let stdinFile, !FileManager.default.isReadableFile(atPath: stdinFile) { throw CocoaError(.fileNoSuchFile) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdinFile ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, out.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, err.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard let addChdir = SpawnExtensions.addChdir else { throw CLIFailure("this C library has no posix_spawn_file_actions_addchdir_np") }
        _ = addChdir(&actions, directory.path)
        _ = SpawnExtensions.addCloseFrom?(&actions, 3)
        let argv = [executable.path] + arguments
        let envp = environment(extra).map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let code = withCStrings(argv) { argvPointers in
            withCStrings(envp) { envpPointers in
                posix_spawn(&pid, executable.path, &actions, nil, argvPointers, envpPointers)
            }
        }
        guard code == 0 else { throw CLIFailure("posix_spawn of \(executable.path) failed: \(String(cString: strerror(code)))") }
        return RunningGrants(pid: pid, arguments: arguments, stdoutFile: out, stderrFile: err)
    }

    /// Calls `body` with a NULL-terminated array of C strings.
    private static func withCStrings<T>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> T) -> T {
        let pointers = strings.map { strdup($0) } + [nil]
        defer { for pointer in pointers { free(pointer) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
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

/// glibc's extensions to `posix_spawn` (2.29 and 2.34), which Swift's Glibc module does not declare.
enum SpawnExtensions {
    typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    nonisolated(unsafe) static let library = dlopen(nil, RTLD_NOW)
    static let addChdir: AddChdir? = dlsym(library, "posix_spawn_file_actions_addchdir_np").map { unsafeBitCast($0, to: AddChdir.self) }
    static let addCloseFrom: AddCloseFrom? = dlsym(library, "posix_spawn_file_actions_addclosefrom_np").map { unsafeBitCast($0, to: AddCloseFrom.self) }
}

/// A `grants` process that has been started.
struct RunningGrants: Sendable {
    let pid: pid_t
    let arguments: [String]
    let stdoutFile: URL
    let stderrFile: URL
    private let exit = ExitStatus()

    init(pid: pid_t, arguments: [String], stdoutFile: URL, stderrFile: URL) {
        self.pid = pid
        self.arguments = arguments
        self.stdoutFile = stdoutFile
        self.stderrFile = stderrFile
    }

    /// Reaps the child once it has ended (`waitpid` with `WNOHANG`), keeping its status.
    var isRunning: Bool { exit.status(of: pid) == nil }

    func kill(signal: Int32 = SIGKILL) {
        #if canImport(Glibc)
        _ = Glibc.kill(pid, signal)
        #else
        _ = Darwin.kill(pid, signal)
        #endif
    }

    /// The raw wait status, once reaped.
    final class ExitStatus: @unchecked Sendable {
        private let lock = NSLock()
        private var raw: Int32?

        func status(of pid: pid_t) -> Int32? {
            lock.withLock {
                if let raw { return raw }
                var status: Int32 = 0
                let reaped = waitpid(pid, &status, WNOHANG)
                if reaped == pid || (reaped == -1 && errno == ECHILD) { raw = reaped == pid ? status : 0 }
                return raw
            }
        }
    }

    /// Waits for the process to end; after `timeout` it is killed and the test fails, so a
    /// hung child never hangs the suite.
    func wait(timeout: Duration = .seconds(60), sourceLocation: SourceLocation = #_sourceLocation) async throws -> ProcessResult {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while isRunning {
            if clock.now >= deadline {
                kill()
                Issue.record("grants \(arguments.joined(separator: " ")) did not finish within \(timeout); killed",
                    sourceLocation: sourceLocation)
                while isRunning { try await Task.sleep(for: .milliseconds(10)) }
                break
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        let raw = exit.status(of: pid) ?? 0
        // As `waitpid` encodes it: the low 7 bits are the signal that ended it (0: it exited).
        let signal = raw & 0x7f
        defer {
            try? FileManager.default.removeItem(at: stdoutFile)
            try? FileManager.default.removeItem(at: stderrFile)
        }
        return ProcessResult(
            status: signal == 0 ? (raw >> 8) & 0xff : signal,
            killedBySignal: signal != 0,
            stdout: String(decoding: (try? Data(contentsOf: stdoutFile)) ?? Data(), as: UTF8.self),
            stderr: String(decoding: (try? Data(contentsOf: stderrFile)) ?? Data(), as: UTF8.self))
    }
}
