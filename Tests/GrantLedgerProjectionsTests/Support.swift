import Foundation
import GRDB
import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerPolicy
@testable import GrantLedgerProjections

/// A recording clock tests move by hand.
final class ManualClock: RecordingClock, @unchecked Sendable {
    private let lock = NSLock()
    private var time: Timestamp
    init(_ text: String) { time = Timestamp(text)! }
    func now() -> Timestamp { lock.withLock { time } }
    func set(_ text: String) { lock.withLock { time = Timestamp(text)! } }
}

/// A ledger file in a temporary directory, with the bundled policies and a clock to move.
struct TestLedger {
    let directory: URL
    let log: EventLog
    let clock: ManualClock
    let projections: Projections

    static let key = try! Pseudonymizer(key: Array(0..<32))

    init(clock: String = "2026-11-21T02:00:00.000Z", policies: PolicyCatalog = try! PolicyCatalog.bundled()) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("projections-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.clock = ManualClock(clock)
        let storage = try SQLiteEventStorage(path: directory.appendingPathComponent("ledger.sqlite").path, create: true)
        log = try EventLog(storage: storage, pseudonymizer: Self.key, clock: self.clock)
        projections = try Projections(log: log, policies: policies)
    }

    /// Reopens the same file, as a new process would after a crash.
    func reopened() throws -> TestLedger { try TestLedger(reopening: self) }

    private init(reopening other: TestLedger) throws {
        directory = other.directory
        clock = other.clock
        let storage = try SQLiteEventStorage(path: directory.appendingPathComponent("ledger.sqlite").path)
        log = try EventLog(storage: storage, pseudonymizer: Self.key, clock: clock)
        projections = try Projections(log: log, policies: other.projections.policies)
    }

    @discardableResult
    func append(_ lines: [String]) throws -> AppendReport {
        let report = try log.append(lines.enumerated().map { SubmissionLine(number: $0 + 1, bytes: Array($1.utf8)) })
        guard report.isComplete else { throw TestFailure("append refused: \(report)") }
        return report
    }

    func pseudonym(_ residentID: String) -> String { Self.key.pseudonym(for: try! ResidentID(validating: residentID)) }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The event catalog's examples: a small city's story across the three jurisdictions.
enum Examples {
    static let lines: [String] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("EventSchemas/examples/valid.jsonl")
        return try! String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
    }()
}
