import Foundation
import GrantLedgerEvents
import GrantLedgerLog

/// Valid resident IDs (GB 11643 check characters) used as test people.
enum People {
    static let zhang = "35020319900101123X"
    static let li = "350205198805122013"
    static let wang = "350582198506150021"
    static let chen = "330108199803040019"
    static let zhao = "620102199507071233"
    static let all = [zhang, li, wang, chen, zhao]
}

/// Valid unified social credit codes used as test organisations.
enum Organisations {
    static let kejiCompany = "91350200MA31XM001A"
    static let trainingSchool = "52350203MJ0000001R"
    static let jinjiangFactory = "91350582MA2XJJ001R"
    static let agency = "91350200MA31XM002D"
    static let publicInstitution = "12350200MB00000014"
}

enum TestKeys {
    static let primary = try! Pseudonymizer(key: Array(0..<32))
    static let other = try! Pseudonymizer(key: Array(100..<132))

    /// The pseudonym the primary key gives a resident ID.
    static func pseudonym(_ residentID: String) -> String {
        primary.pseudonym(for: try! ResidentID(validating: residentID))
    }
}

/// A clock that always says 2024-06-01T08:30:00.250Z.
struct FixedClock: RecordingClock {
    var time = Timestamp(millisecondsSinceEpoch: 1_717_230_600_250)
    func now() -> Timestamp { time }
}

/// JSON Lines for test events, written by hand as an intake tool would.
enum Sample {
    /// A deterministic event id: the n-th test event.
    static func eventID(_ n: Int) -> String { String(format: "00000000-0000-4000-8000-%012d", n) }

    /// One event line; `expected` is raw JSON (`"\"none\""` or `"3"`), `data` a JSON object's text.
    static func event(
        _ n: Int, stream: String, type: String, version: Int = 1, occurredAt: String = "2024-03-05",
        expected: String? = nil, actor: String = "case-worker-7", source: String = "contract-tests", data: String
    ) -> String {
        var members = [
            #""eventId":"\#(eventID(n))""#, #""streamId":"\#(stream)""#, #""type":"\#(type)""#,
            #""schemaVersion":\#(version)"#, #""occurredAt":"\#(occurredAt)""#, #""actor":"\#(actor)""#,
            #""source":"\#(source)""#, #""data":\#(data)"#,
        ]
        if let expected { members.insert(#""expectedVersion":\#(expected)"#, at: 2) }
        return "{" + members.joined(separator: ",") + "}"
    }

    static func personRegistered(
        _ n: Int, person: String, name: String? = "张三", stream: String? = nil, expected: String? = nil
    ) -> String {
        let nameMember = name.map { #","name":"\#($0)""# } ?? ""
        return event(n, stream: stream ?? "person:\(person)", type: "person.registered", expected: expected,
            data: #"{"person":"\#(person)"\#(nameMember),"registeredIn":"350203","registrationKind":"job-seeking"}"#)
    }

    static func groupJoined(_ n: Int, person: String, group: String = "registered-unemployed", expected: String? = nil) -> String {
        event(n, stream: "person:\(person)", type: "person.group-joined", expected: expected,
            data: #"{"group":"\#(group)","person":"\#(person)","since":"2024-01-01"}"#)
    }

    static func enterpriseRegistered(_ n: Int, code: String, name: String = "厦门测试科技有限公司", expected: String? = nil) -> String {
        event(n, stream: "organisation:\(code)", type: "enterprise.registered", expected: expected,
            data: #"{"enterprise":"\#(code)","name":"\#(name)","division":"思明区"}"#)
    }

    static func certificateIssued(
        _ n: Int, number: String, holder: String, level: String = "L4", employer: String? = nil
    ) -> String {
        let employerMember = employer.map { #","employer":"\#($0)""# } ?? ""
        return event(n, stream: "certificate:\(number)", type: "certificate.issued", version: 2,
            data: #"{"certificateNumber":"\#(number)","holder":"\#(holder)","kind":"skill-level","occupation":"电工","level":"\#(level)","issuer":"厦门市职业技能鉴定中心"\#(employerMember)}"#)
    }

    /// Version 1, as the portals first exported it: the level as a Chinese grade name.
    static func certificateIssuedV1(_ n: Int, number: String, holder: String, grade: String = "中级工") -> String {
        event(n, stream: "certificate:\(number)", type: "certificate.issued", version: 1,
            data: #"{"certificateNumber":"\#(number)","holder":"\#(holder)","kind":"vocational-qualification","occupation":"焊工","grade":"\#(grade)","issuer":"厦门市职业技能鉴定中心"}"#)
    }

    static func employmentStarted(_ n: Int, employee: String, employer: String) -> String {
        event(n, stream: "employment:\(employer):e\(n)", type: "employment.started",
            data: #"{"employee":"\#(employee)","employer":"\#(employer)","contract":"fixed-term","contractMonths":12,"labourDispatch":false}"#)
    }

    /// A payment to a worker: the person is inside the nested payee object.
    static func paymentToWorker(_ n: Int, person: String, amount: Int = 150_000) -> String {
        event(n, stream: "disbursement:D\(n)", type: "disbursement.made",
            data: #"{"disbursementId":"D\#(n)","clause":"XM-2023-187/(一)-a","payee":{"kind":"worker","person":"\#(person)"},"amount":\#(amount)}"#)
    }

    /// A payment to an enterprise concerning a worker (the subject).
    static func paymentToEnterprise(_ n: Int, code: String, subject: String, amount: Int = 300_000) -> String {
        event(n, stream: "disbursement:D\(n)", type: "disbursement.made",
            data: #"{"disbursementId":"D\#(n)","clause":"JJ-2019-79/6.7","payee":{"kind":"enterprise","organisation":"\#(code)"},"amount":\#(amount),"subject":"\#(subject)"}"#)
    }

    /// An event naming no one: a payment reversal.
    static func reversal(_ n: Int, disbursement: String = "D1", amount: Int = 100) -> String {
        event(n, stream: "disbursement:\(disbursement)", type: "disbursement.reversed",
            data: #"{"disbursementId":"\#(disbursement)","amount":\#(amount),"reason":"退票"}"#)
    }
}

extension EventLog {
    /// Appends JSON Lines given as strings, numbered from 1 like a file.
    func append(lines: [String]) async throws -> AppendReport {
        try await append(lines.enumerated().map { SubmissionLine(number: $0.offset + 1, bytes: Array($0.element.utf8)) })
    }

    /// Appends lines that must all be accepted, returning the report.
    @discardableResult
    func appendAccepted(_ lines: [String]) async throws -> AppendReport {
        let report = try await append(lines: lines)
        guard report.isComplete else {
            throw TestFailure("expected every line to be accepted, got: \(report.issues.map(\.description))")
        }
        return report
    }

    func positions(_ query: EventQuery) async throws -> [Int64] { try await allEvents(query).map(\.position) }
}

extension RecordedEvent {
    var dataText: String { String(decoding: data, as: UTF8.self) }
    var dataObject: JSONObject? { try? dataValue().objectValue }
}
