import Foundation
import Testing

/// Crash tests against the real executable: an append acknowledged with exit 0 survives the
/// process being killed afterwards; an append killed before it finished leaves nothing.
@Suite("Durability under SIGKILL")
struct DurabilityTests {
    /// `count` one-line files, each named `single-<n>.jsonl`.
    static func singleEventFiles(in directory: LedgerDirectory, _ numbers: ClosedRange<Int>) throws -> [Int: String] {
        var files: [Int: String] = [:]
        for n in numbers {
            files[n] = try directory.write("single-\(n).jsonl", lines: [Sample.reversal(n, amount: n)])
        }
        return files
    }

    /// A large file of events naming no one, written quickly.
    static func writeLargeFile(_ path: String, lines: Int, firstNumber: Int) throws {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(lines * 260)
        for n in firstNumber..<(firstNumber + lines) {
            bytes.append(contentsOf: Sample.reversal(n, amount: 1, reason: "bulk").utf8)
            bytes.append(UInt8(ascii: "\n"))
        }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// Checks what `grants` reads back after the crashes.
    static func checkLedger(_ directory: LedgerDirectory, acknowledged: Set<String>, neverAppended: (String) -> Bool)
        async throws -> [String]
    {
        let events = try await directory.eventObjects()
        let ids = events.compactMap { $0["eventId"] as? String }
        let positions = events.compactMap { $0["position"] as? Int }
        #expect(positions == (0..<events.count).map { $0 + 1 }, "positions are gapless")
        let missing = acknowledged.subtracting(ids)
        #expect(missing.isEmpty, "acknowledged events missing after a crash: \(missing.sorted())")
        let leaked = ids.filter(neverAppended)
        #expect(leaked.count == 0, "events of a killed append are in the ledger, from \(leaked.first ?? "")")
        let verify = try await directory.grants("verify")
        #expect(verify.status == 0, "\(verify)")
        return ids
    }

    @Test("acknowledged appends survive; a large append killed midway leaves nothing")
    func killDuringLargeAppend() async throws {
        let directory = try await LedgerDirectory.initialised()
        var acknowledged: Set<String> = []
        for (n, file) in try Self.singleEventFiles(in: directory, 1...8).sorted(by: { $0.key < $1.key }) {
            let result = try await directory.grants("append", file)
            if result.status == 0 { acknowledged.insert(Sample.eventID(n)) } else { Issue.record("append \(n): \(result)") }
        }

        let large = directory.path("large.jsonl")
        let first = 1_000_000
        try Self.writeLargeFile(large, lines: 200_000, firstNumber: first)
        let running = try Grants.start(["append", large, "--db", directory.db], in: directory.url)
        try await Task.sleep(for: .milliseconds(500))
        try #require(running.isRunning, "the large append finished within 0.5 s; make the file larger so it can be killed midway")
        running.kill()
        let killed = try await running.wait(timeout: .seconds(30))
        #expect(killed.killedBySignal && killed.status == SIGKILL, "\(killed)")

        // Reopened by new processes: every acknowledged event, nothing of the killed file.
        let killedPrefix = Sample.eventID(first).prefix(24)
        let ids = try await Self.checkLedger(directory, acknowledged: acknowledged) { id in
            id.hasPrefix(killedPrefix) && (Int(id.suffix(12)) ?? 0) >= first
        }
        #expect(Set(ids) == acknowledged)

        // And the ledger takes appends again, continuing the chain.
        let after = try directory.write("after.jsonl", lines: [Sample.reversal(9)])
        let appended = try await directory.grants("append", after)
        #expect(appended.stdoutLines.contains("Appended 1 event at position 9."), "\(appended)")
        #expect(try await directory.grants("verify").status == 0)
    }

    @Test("appends killed at random moments are all or nothing; every acknowledged one is kept")
    func killDuringSmallAppends() async throws {
        let directory = try await LedgerDirectory.initialised()
        var acknowledged: Set<String> = []
        var attempted: Set<String> = []
        var generator = SystemRandomNumberGenerator()
        for (n, file) in try Self.singleEventFiles(in: directory, 101...112).sorted(by: { $0.key < $1.key }) {
            attempted.insert(Sample.eventID(n))
            let running = try Grants.start(["append", file, "--db", directory.db], in: directory.url)
            // Somewhere between start-up and commit.
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...120, using: &generator)))
            running.kill()
            let result = try await running.wait(timeout: .seconds(30))
            if !result.killedBySignal {
                #expect(result.status == 0, "\(result)")
                if result.status == 0 { acknowledged.insert(Sample.eventID(n)) }
            }
        }
        let ids = try await Self.checkLedger(directory, acknowledged: acknowledged) { !attempted.contains($0) }
        #expect(Set(ids).isSuperset(of: acknowledged))
        // Whatever survived is whole: each event's data reads back as sent.
        for object in try await directory.eventObjects() {
            let data = try #require(object["data"] as? [String: Any])
            let id = try #require(object["eventId"] as? String)
            #expect(data["amount"] as? Int == Int(id.suffix(12)))
        }
    }
}
