import Foundation
import Testing

/// A temporary directory holding one ledger, `grants.sqlite` and its key, removed on release.
/// `grants` runs with this directory as its working directory.
final class LedgerDirectory: Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("grantledger-cli-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    var db: String { path("grants.sqlite") }
    var keyFile: String { db + ".key" }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Writes lines to a file in the directory and returns its name (relative to the directory).
    @discardableResult
    func write(_ name: String, lines: [String]) throws -> String {
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path(name)))
        return name
    }

    /// Runs `grants` here with `--db` pointing at this ledger (unless `db` is false).
    func grants(
        _ arguments: String..., db: Bool = true, environment: [String: String] = [:], stdinFile: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> ProcessResult {
        try await Grants.run(arguments + (db ? ["--db", self.db] : []), in: url, environment: environment,
            stdinFile: stdinFile, sourceLocation: sourceLocation)
    }

    /// A ledger made with `grants init`.
    static func initialised(sourceLocation: SourceLocation = #_sourceLocation) async throws -> LedgerDirectory {
        let directory = try LedgerDirectory()
        let result = try await directory.grants("init", sourceLocation: sourceLocation)
        guard result.status == 0 else { throw CLIFailure("grants init failed: \(result)") }
        return directory
    }

    /// `grants events --json`, parsed.
    func eventObjects(_ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) async throws -> [[String: Any]] {
        let result = try await Grants.run(["events", "--json", "--db", db] + arguments, in: url, sourceLocation: sourceLocation)
        guard result.status == 0 else { throw CLIFailure("grants events failed: \(result)") }
        return try result.stdoutLines.map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw CLIFailure("not a JSON object: \(line)")
            }
            return object
        }
    }
}

struct CLIFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Valid test people and organisations, and JSON Lines events naming them.
enum Sample {
    static let zhang = "35020319900101123X"
    static let li = "350205198805122013"
    static let wang = "350582198506150021"
    static let company = "91350200MA31XM001A"
    static let factory = "91350582MA2XJJ001R"

    static func eventID(_ n: Int) -> String { String(format: "00000000-0000-4000-8000-%012d", n) }

    static func event(_ n: Int, stream: String, type: String, version: Int = 1, data: String) -> String {
        #"{"eventId":"\#(eventID(n))","streamId":"\#(stream)","type":"\#(type)","schemaVersion":\#(version),"occurredAt":"2024-03-05","actor":"case-worker-7","source":"cli-tests","data":\#(data)}"#
    }

    static func personRegistered(_ n: Int, person: String, name: String = "张三") -> String {
        event(n, stream: "person:\(person)", type: "person.registered",
            data: #"{"person":"\#(person)","name":"\#(name)","registeredIn":"350203"}"#)
    }

    static func enterpriseRegistered(_ n: Int, code: String) -> String {
        event(n, stream: "organisation:\(code)", type: "enterprise.registered",
            data: #"{"enterprise":"\#(code)","name":"厦门测试科技有限公司","division":"思明区"}"#)
    }

    static func certificateIssued(_ n: Int, holder: String, level: String = "L4") -> String {
        event(n, stream: "certificate:S\(n)", type: "certificate.issued", version: 2,
            data: #"{"certificateNumber":"S\#(n)","holder":"\#(holder)","kind":"skill-level","occupation":"电工","level":"\#(level)","issuer":"厦门市职业技能鉴定中心"}"#)
    }

    static func paymentToWorker(_ n: Int, person: String, amount: Int = 150_000, clause: String = "XM-2023-187/(一)-a") -> String {
        event(n, stream: "disbursement:D\(n)", type: "disbursement.made",
            data: #"{"disbursementId":"D\#(n)","clause":"\#(clause)","payee":{"kind":"worker","person":"\#(person)"},"amount":\#(amount)}"#)
    }

    static func employmentStarted(_ n: Int, employee: String, employer: String) -> String {
        event(n, stream: "employment:\(employer):e\(n)", type: "employment.started",
            data: #"{"employee":"\#(employee)","employer":"\#(employer)","contract":"open-ended","labourDispatch":false}"#)
    }

    static func reversal(_ n: Int, amount: Int = 100, reason: String = "退票") -> String {
        event(n, stream: "disbursement:R\(n)", type: "disbursement.reversed",
            data: #"{"disbursementId":"R\#(n)","amount":\#(amount),"reason":"\#(reason)"}"#)
    }

    /// Five events about Zhang, Li and a company.
    static let file = [
        personRegistered(1, person: zhang),
        enterpriseRegistered(2, code: company),
        certificateIssued(3, holder: zhang),
        paymentToWorker(4, person: li),
        employmentStarted(5, employee: zhang, employer: company),
    ]
}
