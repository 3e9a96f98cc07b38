import Foundation
import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerPostgres
import Testing

/// Contract, PostgreSQL: several instances of the service, each with its own connection pool
/// (to the server, separate sessions, as separate processes and machines are), append to one
/// ledger at once. The advisory lock serialises them: gapless positions, one chain, and no
/// reader ever sees a position before a lower one.
@Suite("PostgreSQL instances", .enabled(if: TestPostgres.location != nil, "needs GRANTLEDGER_TEST_POSTGRES"))
struct PostgresInstancesTests {
    @Test("four instances append at once while a fifth follows the head: positions 1…N without a gap, every batch whole")
    func instancesAppendAtOnce() async throws {
        let location = try TestPostgres.freshLocation()
        let first = try await PostgresEventStorage(location: location, create: true, maximumConnections: 2)
        defer { first.close() }
        let (instances, batches, perBatch) = (4, 12, 7)
        var storages: [PostgresEventStorage] = [first]
        for _ in 1..<instances { storages.append(try await PostgresEventStorage(location: location, maximumConnections: 2)) }
        let follower = try await PostgresEventStorage(location: location, maximumConnections: 1)
        defer { for storage in storages.dropFirst() + [follower] { storage.close() } }
        let total = instances * batches * perBatch
        let seen = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for (instance, storage) in storages.enumerated() {
                let log = try await EventLog(storage: storage, catalog: .standard, pseudonymizer: TestKeys.primary, clauses: .shapeOnly,
                                             clock: FixedClock())
                group.addTask {
                    for batch in 0..<batches {
                        let lines = (0..<perBatch).map { k in
                            let n = 1 + (instance * batches + batch) * perBatch + k
                            return SubmissionLine(number: k + 1, bytes: Array(Sample.reversal(n, disbursement: "I\(instance)-\(n)").utf8))
                        }
                        let report = try await log.append(lines)
                        guard report.isComplete, report.appended == perBatch else { throw TestFailure("\(report.issues)") }
                    }
                    return []
                }
            }
            // The follower reads every event past the last it saw; what it sees must never skip one.
            group.addTask {
                var last: Int64 = 0
                var heads: [Int64] = []
                while last < Int64(total) {
                    let page = try await follower.events(EventQuery(), after: last, limit: 50)
                    for event in page {
                        guard event.position == last + 1 else { throw TestFailure("the follower saw \(event.position) after \(last)") }
                        last = event.position
                    }
                    // A page short of the limit ended at the head of its snapshot.
                    if page.count < 50 { heads.append(last) }
                    if page.isEmpty { try await Task.sleep(for: .milliseconds(2)) }
                }
                return heads
            }
            var heads: [Int64] = []
            for try await part in group { heads += part }
            return heads
        }
        #expect(seen.max() == Int64(total))
        // Every head the follower saw was the end of a batch: never a position before a lower one committed.
        #expect(seen.allSatisfy { $0 % Int64(perBatch) == 0 })
        let log = try await EventLog(storage: first, catalog: .standard, pseudonymizer: TestKeys.primary, clauses: .shapeOnly, clock: FixedClock())
        let events = try await log.allEvents()
        #expect(events.map(\.position) == Array(1...Int64(total)))
        #expect(try await log.verify().isIntact)
        for batch in stride(from: 0, to: total, by: perBatch) {
            let instances = Set(events[batch..<batch + perBatch].map { $0.streamID.split(separator: "-").first! })
            #expect(instances.count == 1, "positions \(batch + 1)-\(batch + perBatch) mix transactions")
        }
    }
}
