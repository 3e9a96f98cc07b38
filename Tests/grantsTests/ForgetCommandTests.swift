import Foundation
import Testing

@Suite("grants forget")
struct ForgetCommandTests {
    @Test("erases a person's data: events remain under the pseudonym, verify passes, a second forget only wipes again")
    func forget() async throws {
        let directory = try await LedgerDirectory.initialised()
        try directory.write("events.jsonl", lines: Sample.file)
        #expect(try await directory.grants("append", "events.jsonl").status == 0)
        let before = try await directory.eventObjects()
        let pseudonym = try #require((before[0]["data"] as? [String: Any])?["person"] as? String)

        let result = try await directory.grants("forget", Sample.zhang)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdoutLines == [
            "Erased the personal data of \(pseudonym). Its events remain, under the pseudonym.",
            "The erased bytes are wiped from the ledger file and its WAL.",
        ])

        let after = try await directory.eventObjects()
        #expect(after.map { $0["hash"] as? String } == before.map { $0["hash"] as? String })
        let text = try await directory.grants("events", "--to", "1")
        #expect(text.stdoutLines.first == "#1  2024-03-05  person.registered v1  person:\(pseudonym) @1")
        #expect(!text.stdout.contains("350203********123X"), "the masked ID is gone with the personal data")
        #expect(try await directory.grants("verify").status == 0)
        // The pseudonym still finds the events; the resident ID says it was erased (issue #15, item 2).
        #expect(try await directory.eventObjects("--party", pseudonym).count == 3)
        let byID = try await directory.grants("events", "--party", Sample.zhang)
        #expect(byID.status == 1)
        #expect(byID.stderr.contains("the personal data of 350203********123X was erased from this ledger on"), "\(byID.stderr)")
        #expect(!byID.stderr.contains(Sample.zhang))
        let timeline = try await directory.grants("timeline", Sample.zhang)
        #expect(timeline.status == 1 && timeline.stderr.contains("was erased"), "\(timeline)")
        // A new event naming them by resident ID would hold the ID again: refused, nothing appended.
        try directory.write("again.jsonl", lines: [Sample.personRegistered(90, person: Sample.zhang)])
        let resent = try await directory.grants("append", "again.jsonl")
        #expect(resent.status != 0)
        #expect(resent.stdout.contains("personal data was erased") || resent.stderr.contains("personal data was erased"), "\(resent)")
        #expect(try await directory.eventObjects().count == before.count)

        // Forgetting again only wipes again (for when a reader held the first wipe back).
        let again = try await directory.grants("forget", Sample.zhang)
        #expect(again.status == 0, "\(again)")
        #expect(again.stdoutLines.first == "The personal data of \(pseudonym) was erased before.")
    }
}
