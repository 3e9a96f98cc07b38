import Foundation
import GrantLedgerEvents
@testable import GrantLedgerLog
import Testing

/// The storage seam's concurrency contract (see ``EventStorage``), checked on every backend:
/// appends from many tasks at once are serialised with gapless positions; a race on one stream
/// version has one winner and the losers learn the versions expected and found; a reader sees
/// whole transactions; a write's body may suspend with its transaction open; a write whose body
/// throws keeps nothing; a streamed read ends at the head it began with.
@Suite("Storage concurrency contract")
struct ConcurrencyContractTests {
    static func reversal(_ n: Int, stream: String, expected: String? = nil) -> SubmissionLine {
        let id = String(stream.split(separator: ":").last!)
        let line = Sample.event(n, stream: stream, type: "disbursement.reversed", expected: expected,
                                data: #"{"disbursementId":"\#(id)","amount":100,"reason":"退票"}"#)
        return SubmissionLine(number: 1, bytes: Array(line.utf8))
    }

    @Test("appends from many tasks at once: every event once, positions 1…N without a gap, one intact chain", arguments: Backend.allCases)
    func concurrentAppends(backend: Backend) async throws {
        let ledger = try await backend.makeLedger()
        let (writers, batches, perBatch) = (6, 10, 5)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<writers {
                // Each writer its own log over the one store, as separate front ends would be.
                let log = try await ledger.log()
                group.addTask {
                    for batch in 0..<batches {
                        let lines = (0..<perBatch).map { k in
                            let n = 1 + (writer * batches + batch) * perBatch + k
                            return Self.reversal(n, stream: "disbursement:W\(writer)-\(n)")
                        }
                        let report = try await log.append(lines)
                        guard report.isComplete, report.appended == perBatch else { throw TestFailure("\(report.issues)") }
                    }
                }
            }
            try await group.waitForAll()
        }
        let log = try await ledger.log()
        let events = try await log.allEvents()
        let total = writers * batches * perBatch
        #expect(events.map(\.position) == Array(1...Int64(total)))
        #expect(Set(events.map(\.eventID)).count == total)
        let verification = try await log.verify()
        #expect(verification.isIntact)
        #expect(verification.eventsChecked == Int64(total))
        // Each transaction's events are consecutive: a batch was never interleaved with another.
        for batch in stride(from: 0, to: total, by: perBatch) {
            let writers = Set(events[batch..<batch + perBatch].map { $0.streamID.split(separator: "-").first! })
            #expect(writers.count == 1, "positions \(batch + 1)-\(batch + perBatch) mix transactions")
        }
    }

    @Test("a race on one stream version: exactly one winner; each loser is told the version it expected and the one found", arguments: Backend.allCases)
    func racingExpectedVersions(backend: Backend) async throws {
        let ledger = try await backend.makeLedger()
        let racers = 8
        let reports = try await withThrowingTaskGroup(of: AppendReport.self) { group in
            for n in 1...racers {
                let log = try await ledger.log()
                group.addTask { try await log.append([Self.reversal(n, stream: "disbursement:D1", expected: #""none""#)]) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(reports.filter(\.isComplete).count == 1)
        let losers = reports.filter { !$0.isComplete }
        #expect(losers.count == racers - 1)
        for report in losers {
            let conflict = try #require(report.issues.first?.versionConflict)
            #expect(conflict.stream == "disbursement:D1")
            #expect(conflict.expected == .noStream)
            #expect(conflict.actual == 1)
            #expect(report.appended == 0)
        }
        #expect(try await ledger.log().head()?.position == 1)
    }

    @Test("a reader beside a writer sees whole transactions: its head is always at a batch's end, and the events up to it are all there", arguments: Backend.allCases)
    func readersSeeWholeTransactions(backend: Backend) async throws {
        let ledger = try await backend.makeLedger()
        let writer = try await ledger.log(), reader = try await ledger.log()
        let (batches, perBatch) = (15, 40)
        async let written: Void = {
            for batch in 0..<batches {
                let lines = (0..<perBatch).map { k in Self.reversal(batch * perBatch + k + 1, stream: "disbursement:R\(batch * perBatch + k)") }
                let report = try await writer.append(lines)
                guard report.isComplete else { throw TestFailure("\(report.issues)") }
            }
        }()
        var observed: [Int64] = []
        while observed.last != Int64(batches * perBatch) {
            let (head, count) = try await reader.read { snapshot in
                let head = try await snapshot.lastEvent()?.position ?? 0
                let count = try await snapshot.events(EventQuery(to: head), after: 0, limit: Int(head) + 1).count
                return (head, count)
            }
            #expect(head % Int64(perBatch) == 0, "a head of \(head) is inside a transaction")
            #expect(Int64(count) == head, "a snapshot at \(head) holds \(count) events")
            observed.append(head)
            await Task.yield()
        }
        try await written
    }

    @Test("a write's body may suspend with its transaction open: a later write waits for it and sees all of it", arguments: Backend.allCases)
    func suspendedWritesHoldTheTransaction(backend: Backend) async throws {
        let ledger = try await backend.makeLedger()
        let storage = ledger.storage
        let started = AsyncFlag()
        async let first: Void = storage.write { writer in
            try await writer.setMetadata("step", "one")
            await started.raise()
            try await Task.sleep(for: .milliseconds(200))
            try await writer.setMetadata("step", "two")
        }
        await started.wait()
        let seen = try await storage.write { writer in try await writer.metadata("step") }
        try await first
        #expect(seen == "two", "the second write ran inside the first, or before it committed")
    }

    @Test("a write whose body throws keeps nothing it wrote, and the next write goes ahead", arguments: Backend.allCases)
    func throwingBodyRollsBack(backend: Backend) async throws {
        let ledger = try await backend.makeLedger()
        let log = try await ledger.log()
        try await log.appendAccepted([Sample.certificateIssued(1, number: "S1", holder: People.zhang)])
        let head = try await log.head()
        await #expect(throws: TestFailure.self) {
            try await ledger.storage.write { writer in
                try await writer.setMetadata("half-written", "yes")
                try await writer.store([], people: [], head: ChainHead(position: 99, hash: Array(repeating: 0, count: 32)))
                throw TestFailure("the body gives up")
            }
        }
        #expect(try await ledger.storage.read { try await $0.metadata("half-written") } == nil)
        #expect(try await ledger.storage.read { try await $0.recordedHead() } == head)
        try await log.appendAccepted([Sample.certificateIssued(2, number: "S2", holder: People.li)])
        #expect(try await log.verify().isIntact)
    }

    @Test("a streamed read ends at the head it began with, while appends go on", arguments: Backend.allCases)
    func streamedReadIsBoundedByItsHead(backend: Backend) async throws {
        let ledger = try await backend.makeLedger()
        let log = try await ledger.log()
        #expect(try await log.append(PipelineTests.lines(100)).isComplete)
        var read = 0
        for try await event in log.events(pageSize: 10) {
            if read == 0 { #expect(try await log.append(PipelineTests.lines(50, from: 101)).isComplete) }
            read += 1
            #expect(event.position == Int64(read))
        }
        #expect(read == 100)
        #expect(try await log.allEvents().count == 150)
    }
}

/// A one-shot signal between tasks.
actor AsyncFlag {
    private var raised = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func raise() {
        raised = true
        waiters.forEach { $0.resume() }
        waiters.removeAll()
    }

    func wait() async {
        if raised { return }
        await withCheckedContinuation { waiters.append($0) }
    }
}
