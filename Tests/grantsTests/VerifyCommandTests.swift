import Foundation
import Testing

@Suite("grants verify")
struct VerifyCommandTests {
    /// Five events; the third carries a marker to tamper with.
    static func ledger() async throws -> LedgerDirectory {
        let directory = try await LedgerDirectory.initialised()
        try directory.write("events.jsonl", lines: [
            Sample.reversal(1), Sample.personRegistered(2, person: Sample.zhang),
            Sample.reversal(3, reason: "TAMPERMARK"), Sample.reversal(4), Sample.reversal(5),
        ])
        let result = try await directory.grants("append", "events.jsonl")
        guard result.status == 0 else { throw CLIFailure("append failed: \(result)") }
        return directory
    }

    /// Edits the database file directly, as someone with the file and a hex editor would:
    /// one byte of the stored data changes, the triggers never run.
    static func patchByte(in path: String, replacing marker: String, with replacement: String) throws {
        #expect(((try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0) == 0,
            "the WAL was checkpointed when grants exited")
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let needle = Array(marker.utf8)
        try #require(bytes.count >= needle.count)
        let matches = (0...(bytes.count - needle.count)).filter { bytes[$0..<$0 + needle.count].elementsEqual(needle) }
        try #require(matches.count == 1, "the marker occurs once in the file")
        for (offset, byte) in Array(replacement.utf8).enumerated() { bytes[matches[0] + offset] = byte }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    @Test("an intact ledger: exit 0 and the head to anchor")
    func intact() async throws {
        let directory = try await Self.ledger()
        let result = try await directory.grants("verify")
        #expect(result.status == 0, "\(result)")
        let last = try #require(try await directory.eventObjects().last)
        let hash = try #require(last["hash"] as? String)
        #expect(result.stdoutLines == [
            "Intact: 5 events, hashes chained from position 1 to 5.",
            "Beside them: 1 party index row matches the events; 1 record of personal data opens with the key and matches its pseudonym.",
            "Head: 5:\(hash)",
        ])
    }

    @Test("an empty ledger is intact")
    func empty() async throws {
        let directory = try await LedgerDirectory.initialised()
        let result = try await directory.grants("verify")
        #expect(result.status == 0)
        #expect(result.stdoutLines == ["Intact: the ledger is empty."])
    }

    @Test("one byte changed in the file: exit 1, naming the position")
    func tampered() async throws {
        let directory = try await Self.ledger()
        try Self.patchByte(in: directory.db, replacing: "TAMPERMARK", with: "TAMPERMARX")
        #expect(try await directory.eventObjects("--from", "3", "--to", "3").first.map {
            ($0["data"] as? [String: Any])?["reason"] as? String
        } == "TAMPERMARX", "the edit is visible to readers")

        let result = try await directory.grants("verify")
        #expect(result.status == 1, "\(result)")
        #expect(result.stdoutLines.first?.hasPrefix("NOT INTACT: position 3 does not match its hash") == true)
        #expect(result.stdoutLines.last == "Events 1-2 check out; the first bad position is 3.")

        let json = try await directory.grants("verify", "--json")
        #expect(json.status == 1)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(report["intact"] as? Bool == false)
        #expect(report["firstBadPosition"] as? Int == 3)
        #expect(report["eventsChecked"] as? Int == 2)
    }

    @Test("--anchor: the printed head passes; another hash fails, naming the position")
    func anchors() async throws {
        let directory = try await Self.ledger()
        let head = try #require(try await directory.grants("verify").stdoutLines.last?.dropFirst("Head: ".count))
        let good = try await directory.grants("verify", "--anchor", String(head))
        #expect(good.status == 0, "\(good)")

        let objects = try await directory.eventObjects()
        let wrongHash = try #require(objects.first?["hash"] as? String)
        let bad = try await directory.grants("verify", "--anchor", "2:\(wrongHash)")
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("NOT INTACT: position 2 does not have the hash you anchored"))

        let json = try await directory.grants("verify", "--json", "--anchor", "4:\(wrongHash)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(report["firstBadPosition"] as? Int == 4)
    }

    @Test("a malformed anchor is a usage error, exit 64")
    func malformedAnchor() async throws {
        let directory = try await Self.ledger()
        let result = try await directory.grants("verify", "--anchor", "3:abc")
        #expect(result.status == 64)
        #expect(result.stderr.contains("--anchor 3:abc: write the position, a colon and the 64-digit hash"))
    }

    @Test("verifying needs no key")
    func noKey() async throws {
        let directory = try await Self.ledger()
        try FileManager.default.removeItem(atPath: directory.keyFile)
        let result = try await directory.grants("verify")
        #expect(result.status == 0)
        #expect(result.stdoutLines.first == "Intact: 5 events, hashes chained from position 1 to 5.")
    }
}
