import Foundation
import Testing

/// `grants why-not`, run on a small ledger: a person with no entitlements, one whose fourth
/// training of the year is capped, and one outside the jurisdiction.
@Suite("grants why-not")
struct WhyNotCommandTests {
    static let idle = "350203199001011002", trained = "350203198802021003", elsewhere = "330108199203031004"

    static func event(_ n: Int, _ stream: String, _ type: String, on day: String, _ data: String) -> String {
        #"{"eventId":"\#(Sample.eventID(n))","streamId":"\#(stream)","type":"\#(type)","occurredAt":"\#(day)","actor":"case-worker-7","source":"cli-tests","data":\#(data)}"#
    }

    static var lines: [String] {
        var lines = [
            event(1, "person:\(idle)", "person.registered", on: "2024-01-05", #"{"person":"\#(idle)","registeredIn":"350203"}"#),
            event(2, "person:\(trained)", "person.registered", on: "2024-01-05", #"{"person":"\#(trained)","registeredIn":"350203"}"#),
            event(3, "person:\(elsewhere)", "person.registered", on: "2024-01-05", #"{"person":"\#(elsewhere)","registeredIn":"330108"}"#),
            event(4, "certificate:BJ-1", "certificate.issued", on: "2024-04-10",
                  #"{"certificateNumber":"BJ-1","holder":"\#(elsewhere)","kind":"skill-level","occupation":"电工","level":"L4","issuer":"杭州市滨江区职业技能鉴定中心"}"#),
        ]
        for (n, occupation) in ["电工", "焊工", "育婴员", "养老护理员"].enumerated() {
            lines.append(event(10 + n, "certificate:XM-\(n)", "certificate.issued", on: "2024-0\(n + 3)-15",
                               #"{"certificateNumber":"XM-\#(n)","holder":"\#(trained)","kind":"skill-level","occupation":"\#(occupation)","level":"L4","issuer":"厦门市职业技能鉴定中心"}"#))
        }
        return lines.map { $0.replacingOccurrences(of: #""type":"certificate.issued","#, with: #""type":"certificate.issued","schemaVersion":2,"#)
            .replacingOccurrences(of: #""type":"person.registered","#, with: #""type":"person.registered","schemaVersion":1,"#) }
    }

    static func ledger() async throws -> LedgerDirectory {
        let directory = try await LedgerDirectory.initialised()
        try directory.write("why.jsonl", lines: lines)
        let result = try await directory.grants("append", "why.jsonl")
        guard result.status == 0 else { throw CLIFailure("append failed: \(result)") }
        return directory
    }

    @Test("a person with no entitlements: no rule's trigger finds their facts, and the events naming them are listed")
    func noEntitlements() async throws {
        let directory = try await Self.ledger()
        let result = try await directory.grants("why-not", Self.idle)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdoutLines.first?.hasPrefix("Why not: 350203********1002, as of ") == true)
        #expect(result.stdoutLines.contains("No rule's trigger finds a fact about 350203********1002. The events naming them: 1 person.registered."))
        #expect(!result.stdout.contains(Self.idle), "the resident ID is never printed in full")
    }

    @Test("a capped training: the fourth certificate of 2024 stops at XM-2023-187/general-cap")
    func cappedTraining() async throws {
        let directory = try await Self.ledger()
        let result = try await directory.grants("why-not", Self.trained, "--clause", "XM-2023-187/(一)-c")
        #expect(result.status == 0, "\(result)")
        let lines = result.stdoutLines
        let cap = try #require(lines.firstIndex { $0.hasPrefix("  cap: 2024-06-15 certificate.issued ") }, "\(result)")
        #expect(lines[cap + 1].hasPrefix("    already 3 subsidised trainings in 2024"))
        #expect(lines[cap + 2] == "    refused by XM-2023-187/general-cap")
        #expect(lines.filter { $0.hasPrefix("  waiting: ") }.count == 3)
        let json = try ProjectionCommandsTests.objects(try await directory.grants("why-not", Self.trained, "--clause", "XM-2023-187/(一)-c", "--json"))
        let rules = try #require(json.first?["rules"] as? [[String: Any]])
        let stages = (rules.first?["findings"] as? [[String: Any]])?.compactMap { $0["stage"] as? String }
        #expect(stages == ["waiting", "waiting", "waiting", "cap"])
    }

    @Test("a person outside the jurisdiction: each document's rules on one line, and where the fact lies")
    func outsideJurisdiction() async throws {
        let directory = try await Self.ledger()
        let result = try await directory.grants("why-not", Self.elsewhere)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdoutLines.contains("Outside the jurisdiction (each fact the rules read lies elsewhere):"), "\(result)")
        #expect(result.stdoutLines.contains { $0.hasPrefix("  XM-2023-187 (厦门市, 350200): (一)-c") })
        #expect(result.stdoutLines.contains { $0.hasPrefix("  JJ-2019-79 (晋江市, 350582): ") && $0.contains("6.2-b") })
    }

    @Test("usage errors: an unknown clause, a provision, an organisation")
    func usage() async throws {
        let directory = try await Self.ledger()
        let unknown = try await directory.grants("why-not", Self.trained, "--clause", "XM-2023-187/(九)")
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("--clause XM-2023-187/(九): no such clause in the policy catalog"))
        let provision = try await directory.grants("why-not", Self.trained, "--clause", "XM-2025-189/goal")
        #expect(provision.stderr.contains("moves no money"))
        let organisation = try await directory.grants("why-not", "91350200MA31XM001A")
        #expect(organisation.status != 0)
        #expect(organisation.stderr.contains("is an organisation"))
    }
}
