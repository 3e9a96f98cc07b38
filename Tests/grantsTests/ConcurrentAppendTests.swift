import Foundation
import Testing

/// Intake tools append side by side: a second `grants append` waits for the first one's
/// transaction instead of failing with "database is locked".
@Suite("Concurrent appends")
struct ConcurrentAppendTests {
    @Test("two appends at once both succeed, one after the other, and the chain holds")
    func secondAppendWaitsForTheFirst() async throws {
        let directory = try await LedgerDirectory.initialised()
        let large = directory.path("large.jsonl")
        try DurabilityTests.writeLargeFile(large, lines: 8_000, firstNumber: 100_000)
        let small = try directory.write("small.jsonl", lines: (1...20).map { Sample.reversal($0, amount: $0) })

        let first = try Grants.start(["append", "large.jsonl", "--db", directory.db], in: directory.url)
        try await Task.sleep(for: .milliseconds(300))
        let second = try await directory.grants("append", small)
        let firstResult = try await first.wait(timeout: .seconds(120))

        #expect(firstResult.status == 0, "\(firstResult)")
        #expect(second.status == 0, "\(second)")
        let events = try await directory.eventObjects()
        #expect(events.count == 8_020)
        let verify = try await directory.grants("verify")
        #expect(verify.status == 0, "\(verify)")
    }
}
