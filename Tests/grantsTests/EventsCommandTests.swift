import Foundation
import Testing

@Suite("grants events")
struct EventsCommandTests {
    static func ledger() async throws -> LedgerDirectory {
        let directory = try await LedgerDirectory.initialised()
        try directory.write("events.jsonl", lines: Sample.file)
        let result = try await directory.grants("append", "events.jsonl")
        guard result.status == 0 else { throw CLIFailure("append failed: \(result)") }
        return directory
    }

    static func positions(_ objects: [[String: Any]]) -> [Int] { objects.compactMap { $0["position"] as? Int } }

    @Test("lists events with resident IDs masked, and a count")
    func text() async throws {
        let directory = try await Self.ledger()
        let result = try await directory.grants("events")
        #expect(result.status == 0, "\(result)")
        let lines = result.stdoutLines
        #expect(lines.first == "#1  2024-03-05  person.registered v1  person:350203********123X @1")
        #expect(lines.contains { $0.contains("holder=350203********123X") })
        #expect(lines.contains { $0.contains("payee={kind=worker person=350205********2013}") })
        #expect(lines.contains { $0.contains("employer=\(Sample.company)") })
        #expect(!result.stdout.contains("张三"), "names are not in the events")
        #expect(lines.last == "5 events.")
    }

    @Test("--party with a resident ID finds the person's events and never prints the ID")
    func partyByResidentID() async throws {
        let directory = try await Self.ledger()
        let zhang = try await directory.grants("events", "--party", Sample.zhang)
        #expect(zhang.status == 0, "\(zhang)")
        let headers = zhang.stdoutLines.filter { $0.hasPrefix("#") }
        #expect(headers.map { $0.prefix(2) } == ["#1", "#3", "#5"])
        #expect(zhang.stdoutLines.last == "3 events.")

        #expect(Self.positions(try await directory.eventObjects("--party", Sample.zhang)) == [1, 3, 5])
        #expect(Self.positions(try await directory.eventObjects("--party", Sample.li)) == [4])
        #expect(Self.positions(try await directory.eventObjects("--party", Sample.company)) == [2, 5])
        #expect(Self.positions(try await directory.eventObjects("--party", Sample.wang)) == [])
        let none = try await directory.grants("events", "--party", Sample.wang)
        #expect(none.stdoutLines == ["No events match."])
    }

    @Test("--party also takes the pseudonym, and needs no key for it")
    func partyByPseudonym() async throws {
        let directory = try await Self.ledger()
        let first = try #require(try await directory.eventObjects("--to", "1").first)
        let pseudonym = try #require((first["data"] as? [String: Any])?["person"] as? String)
        #expect(pseudonym.wholeMatch(of: /P[0-9a-f]{24}/) != nil)
        #expect(first["streamId"] as? String == "person:" + pseudonym)

        try FileManager.default.removeItem(atPath: directory.keyFile)
        #expect(Self.positions(try await directory.eventObjects("--party", pseudonym)) == [1, 3, 5])
        let byID = try await directory.grants("events", "--party", Sample.zhang)
        #expect(byID.status == 1)
        #expect(byID.stderr.contains("needs the pseudonym key"))
    }

    @Test("--json prints one parseable object per event with the envelope and data")
    func json() async throws {
        let directory = try await Self.ledger()
        let objects = try await directory.eventObjects()
        try #require(Self.positions(objects) == [1, 2, 3, 4, 5])
        for (index, object) in objects.enumerated() {
            for field in ["position", "eventId", "streamId", "streamVersion", "type", "schemaVersion", "occurredAt",
                "recordedAt", "actor", "source", "data", "hash"]
            {
                #expect(object[field] != nil, "event \(index + 1) lacks \(field)")
            }
            #expect(object["eventId"] as? String == Sample.eventID(index + 1))
            #expect(object["occurredAt"] as? String == "2024-03-05")
            #expect(object["actor"] as? String == "case-worker-7")
            #expect(object["source"] as? String == "cli-tests")
            #expect((object["hash"] as? String)?.wholeMatch(of: /[0-9a-f]{64}/) != nil)
            #expect((object["recordedAt"] as? String)?.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil)
        }
        #expect(objects[2]["type"] as? String == "certificate.issued")
        #expect(objects[2]["schemaVersion"] as? Int == 2)
        let certificate = try #require(objects[2]["data"] as? [String: Any])
        #expect(certificate["level"] as? String == "L4")
        #expect(certificate["holder"] as? String == (objects[0]["data"] as? [String: Any])?["person"] as? String)
        #expect((objects[0]["data"] as? [String: Any])?["name"] == nil)
    }

    @Test("--type, --stream, --from, --to and --limit filter")
    func filters() async throws {
        let directory = try await Self.ledger()
        #expect(Self.positions(try await directory.eventObjects("--type", "certificate.issued")) == [3])
        #expect(Self.positions(try await directory.eventObjects("--stream", "organisation:\(Sample.company)")) == [2])
        #expect(Self.positions(try await directory.eventObjects("--stream", "person:\(Sample.zhang)")) == [1])
        #expect(Self.positions(try await directory.eventObjects("--from", "2", "--to", "4")) == [2, 3, 4])
        #expect(Self.positions(try await directory.eventObjects("--from", "3", "--limit", "1")) == [3])
        #expect(Self.positions(try await directory.eventObjects("--party", Sample.zhang, "--type", "employment.started")) == [5])
    }

    @Test("a party that is neither an ID, a pseudonym nor a credit code is an error, masked")
    func badParty() async throws {
        let directory = try await Self.ledger()
        let result = try await directory.grants("events", "--party", "350203199001011234")
        #expect(result.status == 1)
        #expect(result.stderr.contains("\"350203********1234\" is neither a resident ID"))
    }
}
