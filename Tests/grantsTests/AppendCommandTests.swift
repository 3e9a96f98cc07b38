import Foundation
import Testing

@Suite("grants append")
struct AppendCommandTests {
    @Test("prints each line's outcome and a summary, exit 0")
    func appends() async throws {
        let directory = try await LedgerDirectory.initialised()
        try directory.write("events.jsonl", lines: Sample.file)
        let result = try await directory.grants("append", "events.jsonl")
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.isEmpty)
        #expect(result.stdoutLines.dropLast() == (1...5).map {
            "events.jsonl:\($0): appended at position \($0) (\(Sample.eventID($0)))"
        } + ["Appended 5 events at positions 1-5."])
        #expect(result.stdoutLines.last?.hasPrefix("projections: built, at position 5 (") == true, "\(result)")
    }

    @Test("sending the file again prints duplicates, exit 0, and appends nothing")
    func resend() async throws {
        let directory = try await LedgerDirectory.initialised()
        try directory.write("events.jsonl", lines: Sample.file)
        #expect(try await directory.grants("append", "events.jsonl").status == 0)
        let result = try await directory.grants("append", "events.jsonl")
        #expect(result.status == 0, "\(result)")
        #expect(result.stdoutLines == (1...5).map {
            "events.jsonl:\($0): duplicate of position \($0) (\(Sample.eventID($0))), not appended again"
        } + ["Appended 0 events; 5 already in the ledger (duplicates, skipped).",
             "projections: at position 5 (0 scopes re-evaluated)"])
        #expect(try await directory.eventObjects().count == 5)
    }

    @Test("a bad file prints file:line: path: message for each problem, appends nothing, exit 1")
    func badFile() async throws {
        let directory = try await LedgerDirectory.initialised()
        try directory.write("first.jsonl", lines: [Sample.reversal(1)])
        #expect(try await directory.grants("append", "first.jsonl").status == 0)

        try directory.write("bad.jsonl", lines: [
            Sample.reversal(2),
            Sample.certificateIssued(3, holder: Sample.zhang, level: "L9"),
            "",
            Sample.paymentToWorker(5, person: "350203199001011234"),
            Sample.reversal(6, amount: -1),
            Sample.reversal(7, reason: "退给\(Sample.li)"),
        ])
        let result = try await directory.grants("append", "bad.jsonl")
        #expect(result.status == 1, "\(result)")
        let lines = result.stdoutLines
        let problems = lines.filter { $0.hasPrefix("bad.jsonl:") }
        try #require(problems.count == 4, "\(result)")
        #expect(problems.map { $0.split(separator: ":").prefix(2).joined(separator: ":") }
            == ["bad.jsonl:2", "bad.jsonl:4", "bad.jsonl:5", "bad.jsonl:6"])
        for problem in problems {
            #expect(problem.wholeMatch(of: /bad\.jsonl:\d+: \$[^ ]*: .+/) != nil, "\(problem)")
        }
        #expect(problems[0].hasPrefix("bad.jsonl:2: $.data.level: "))
        #expect(problems[1].hasPrefix("bad.jsonl:4: $.data.payee.person: "))
        #expect(problems[1].contains("350203********1234"))
        #expect(problems[2].hasPrefix("bad.jsonl:5: $.data.amount: "))
        #expect(problems[3].hasPrefix("bad.jsonl:6: $.data.reason: characters 3-20 look like a resident ID"))
        #expect(lines.last?.hasPrefix("Rejected 4 of 5 lines; nothing was appended.") == true)

        let events = try await directory.grants("events")
        #expect(events.status == 0)
        #expect(events.stdoutLines.last == "1 event.")
        #expect(try await directory.eventObjects().map { $0["eventId"] as? String } == [Sample.eventID(1)])
    }

    @Test("- reads standard input")
    func standardInput() async throws {
        let directory = try await LedgerDirectory.initialised()
        let file = try directory.write("events.jsonl", lines: [Sample.reversal(1), Sample.reversal(2)])
        let result = try await directory.grants("append", "-", stdinFile: directory.path(file))
        #expect(result.status == 0, "\(result)")
        #expect(result.stdoutLines.first == "standard input:1: appended at position 1 (\(Sample.eventID(1)))")
    }

    @Test("--json prints one report object")
    func jsonReport() async throws {
        let directory = try await LedgerDirectory.initialised()
        try directory.write("events.jsonl", lines: [Sample.reversal(1), Sample.reversal(2)])
        let result = try await directory.grants("append", "events.jsonl", "--json")
        #expect(result.status == 0)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(report["file"] as? String == "events.jsonl")
        #expect(report["appended"] as? Int == 2)
        #expect(report["complete"] as? Bool == true)
        #expect(report["firstPosition"] as? Int == 1)
        #expect(report["lastPosition"] as? Int == 2)

        try directory.write("bad.jsonl", lines: [Sample.reversal(3, amount: -1)])
        let bad = try await directory.grants("append", "bad.jsonl", "--json")
        #expect(bad.status == 1)
        let badReport = try #require(try JSONSerialization.jsonObject(with: Data(bad.stdout.utf8)) as? [String: Any])
        #expect(badReport["complete"] as? Bool == false)
        #expect(badReport["rejectedLines"] as? Int == 1)
        let issue = try #require((badReport["issues"] as? [[String: Any]])?.first)
        #expect(issue["line"] as? Int == 1)
        #expect(issue["path"] as? String == "$.data.amount")
    }

    @Test("a missing input file is an error, exit 1")
    func missingFile() async throws {
        let directory = try await LedgerDirectory.initialised()
        let result = try await directory.grants("append", "nope.jsonl")
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot read nope.jsonl: no such file"))
    }

    @Test("without the key file, a resident ID is a rejected line; other events still append")
    func missingKey() async throws {
        let directory = try await LedgerDirectory.initialised()
        try FileManager.default.removeItem(atPath: directory.keyFile)
        try directory.write("person.jsonl", lines: [Sample.personRegistered(1, person: Sample.zhang)])
        let result = try await directory.grants("append", "person.jsonl")
        #expect(result.status == 1)
        #expect(result.stdout.contains("person.jsonl:1: $: this event names a person by resident ID, and the pseudonym key is not available"))
        try directory.write("org.jsonl", lines: [Sample.enterpriseRegistered(2, code: Sample.company)])
        #expect(try await directory.grants("append", "org.jsonl").status == 0)
    }

    @Test("another ledger's key file is refused")
    func wrongKey() async throws {
        let directory = try await LedgerDirectory.initialised()
        let other = try await LedgerDirectory.initialised()
        try directory.write("events.jsonl", lines: [Sample.reversal(1)])
        let result = try await directory.grants("append", "events.jsonl", "--key-file", other.keyFile)
        #expect(result.status == 1)
        #expect(result.stderr.contains("is not the key this ledger was created with"))
        #expect(try await directory.eventObjects().isEmpty)
    }
}
