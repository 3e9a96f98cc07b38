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

    /// Loaded once: parsing the bundled YAML takes most of a second.
    static let bundled = try! PolicyCatalog.bundled()

    init(clock: String = "2026-11-21T02:00:00.000Z", policies: PolicyCatalog = TestLedger.bundled) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("projections-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.clock = ManualClock(clock)
        let storage = try SQLiteEventStorage(path: directory.appendingPathComponent("ledger.sqlite").path, create: true)
        log = try await EventLog(storage: storage, pseudonymizer: Self.key, clauses: .registry(policies), clock: self.clock)
        projections = try Projections(log: log, policies: policies)
    }

    /// Reopens the same file, as a new process would after a crash.
    func reopened() async throws -> TestLedger { try await TestLedger(reopening: self) }

    private init(reopening other: TestLedger) async throws {
        directory = other.directory
        clock = other.clock
        let storage = try SQLiteEventStorage(path: directory.appendingPathComponent("ledger.sqlite").path)
        log = try await EventLog(storage: storage, pseudonymizer: Self.key, clauses: other.log.clauses, clock: clock)
        projections = try Projections(log: log, policies: other.projections.policies)
    }

    @discardableResult
    func append(_ lines: [String]) async throws -> AppendReport {
        let report = try await log.append(lines.enumerated().map { SubmissionLine(number: $0 + 1, bytes: Array($1.utf8)) })
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

/// Events written as an intake tool would send them, for the stories the tests tell.
struct Story {
    private(set) var lines: [String] = []
    private let base: Int
    private var count = 0

    /// `base` keeps the event ids of several stories in one ledger apart.
    init(base: Int = 1) { self.base = base * 1_000_000 }

    static func resident(_ n: Int) -> String {
        ResidentID.withCheckCharacter("35020319900101" + String(format: "%03d", n))!
    }

    @discardableResult
    mutating func event(_ type: String, stream: String, on day: String, _ data: [String: Any]) -> String {
        count += 1
        let id = String(format: "00000000-0000-4000-8000-%012d", base + count)
        let envelope: [String: Any] = [
            "eventId": id, "streamId": stream, "type": type, "schemaVersion": EventCatalog.standard.currentVersion(of: type)!,
            "occurredAt": day, "actor": "test", "source": "projection-tests", "data": data,
        ]
        let json = try! JSONSerialization.data(withJSONObject: envelope, options: [.sortedKeys])
        lines.append(String(decoding: json, as: UTF8.self))
        return id
    }

    static let agency = "91350200MA31XM002D", employer = "91350200MA31XM001A"

    /// A worker new to Xiamen referred by the agency and insured `months` months from January
    /// 2024 (leaving on `leaveOn`, if given): XM-2023-187/(九)-b and (九)-c.
    mutating func referral(worker: String, months: Int, leaveOn: String? = nil, number: String) {
        event("referral.made", stream: "referral:\(Self.agency):\(number)", on: "2024-01-05", [
            "agency": Self.agency, "worker": worker, "employer": Self.employer, "firstTimeInCity": true, "originRegion": "甘肃省兰州市城关区",
        ])
        let contract = "employment:\(Self.employer):HT-\(number)"
        event("employment.started", stream: contract, on: "2024-01-08", [
            "employee": worker, "employer": Self.employer, "contract": "fixed-term", "contractMonths": 24, "labourDispatch": false,
            "firstTimeInCity": true,
        ])
        for month in 1...max(1, months) where month <= months {
            self.month(worker: worker, contract: contract, month: month, paid: true)
        }
        if let leaveOn {
            event("employment.ended", stream: contract, on: leaveOn, ["employee": worker, "employer": Self.employer, "reason": "resigned"])
        }
    }

    mutating func month(worker: String, contract: String, month: Int, paid: Bool) {
        let ym = YearMonth(year: 2024, month: month)!
        event("employment.month-recorded", stream: contract, on: ym.lastDay.description, [
            "employee": worker, "employer": Self.employer, "month": ym.description, "socialInsurancePaid": paid, "pensionPaid": paid,
            "insuredIn": "350203",
        ])
    }

    /// The employer, and the agency's recognition as a labour-cooperation operating institution (XM-2023-187/(六)).
    mutating func enterprise() {
        event("organisation.rated", stream: "organisation:\(Self.agency)", on: "2023-12-01", [
            "organisation": Self.agency, "rating": "labour-cooperation-agency", "level": "city", "ratedBy": "厦门市人力资源和社会保障局",
        ])
        event("enterprise.registered", stream: "organisation:\(Self.employer)", on: "2019-01-01", [
            "enterprise": Self.employer, "name": "厦门某制造有限公司", "division": "思明区",
        ])
    }

    @discardableResult
    mutating func disburse(_ id: String, clause: String, payee: String, kind: String = "agency", subject: String?, yuan: Int64, on day: String) -> String {
        var data: [String: Any] = [
            "disbursementId": id, "clause": clause, "payee": ["kind": kind, "organisation": payee], "amount": yuan * 100,
        ]
        if let subject { data["subject"] = subject }
        return event("disbursement.made", stream: "disbursement:\(id)", on: day, data)
    }
}
