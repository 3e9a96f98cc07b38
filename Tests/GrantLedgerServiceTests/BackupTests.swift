import Foundation
import GRDB
import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerService
import Testing

@Suite("Backup and restore")
struct BackupTests {
    /// A reversal event on a stream of its own: any number of them append cleanly.
    static func line(_ n: Int) -> SubmissionLine {
        let id = String(format: "00000000-0000-4000-8000-%012d", 900_000 + n)
        let text = #"{"eventId":"\#(id)","streamId":"disbursement:B\#(n)","type":"disbursement.reversed","schemaVersion":1,"occurredAt":"2024-03-05","actor":"load","source":"backup-test","data":{"disbursementId":"B\#(n)","amount":100,"reason":"退票"}}"#
        return SubmissionLine(number: 1, bytes: Array(text.utf8))
    }

    static func batch(_ index: Int, size: Int = 200) -> [SubmissionLine] {
        (0..<size).map { k in
            let line = line(index * size + k)
            return SubmissionLine(number: k + 1, bytes: line.bytes)
        }
    }

    @Test("a backup taken while appends run holds every event acknowledged before it began, verifies, and restores")
    func backupUnderLoad() async throws {
        let directory = try TestLedger.directory()
        let ledger = try await Ledger.create(TestLedger.configuration(in: directory))
        #expect(try await ledger.append(Examples.submissionLines, catchUp: false).report.isComplete)
        let acknowledged = Acknowledged()
        let appender = Task {
            var index = 0
            while !Task.isCancelled && index < 200 {
                let outcome = try await ledger.append(Self.batch(index), catchUp: false)
                guard outcome.report.isComplete, let last = outcome.report.lastPosition else { throw BackupTestFailure("\(outcome.report.issues)") }
                await acknowledged.set(last)
                index += 1
            }
        }
        while await acknowledged.position < 1_000 { try await Task.sleep(for: .milliseconds(5)) }
        // A backup of a small ledger can finish between two appends: take another (a backup
        // never overwrites a file) until an append was acknowledged while one ran, as long as
        // the appends go on (200 batches of 200).
        var before: Int64 = 0, during: Int64 = 0
        var taken: (report: BackupReport, path: String)?
        var attempt = 0
        while during <= before, await acknowledged.position < 39_000 {
            attempt += 1
            let path = directory.appendingPathComponent("backup-\(attempt).sqlite").path
            before = await acknowledged.position
            taken = (try await ledger.backup(to: path), path)
            during = await acknowledged.position
        }
        appender.cancel()
        _ = await appender.result
        let (report, copy) = try #require(taken)
        let head = try #require(report.head)
        #expect(head.position >= before, "every event acknowledged before the backup began is in it")
        #expect(report.eventsChecked == head.position)
        #expect(during > before, "appends ran while the backup was taken")
        // The copy's events are the ledger's, hash for hash, up to its head.
        let original = try #require(try await ledger.log.read { try await $0.event(at: head.position) })
        #expect(original.hash == head.hash)
        let attributes = try FileManager.default.attributesOfItem(atPath: copy)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600, "the copy holds personal data: its owner's alone")
        #expect(!FileManager.default.fileExists(atPath: copy + ".partial"))

        let restored = directory.appendingPathComponent("restored/ledger.sqlite").path
        try FileManager.default.createDirectory(atPath: (restored as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let (back, aside) = try await Ledger.restore(from: copy, to: restored)
        #expect(aside == nil)
        #expect(back.head == report.head)
        var configuration = TestLedger.configuration(in: directory)
        configuration.databasePath = restored
        configuration.keyFile = ledger.keyFilePath
        let reopened = try await Ledger.open(configuration)
        #expect(try await reopened.verify().isIntact)
        #expect(try await reopened.head() == report.head)
    }

    @Test("restore refuses a backup that does not verify, a file that is not a ledger, a wrong key and an existing ledger; --replace moves the old one aside")
    func restoreRefuses() async throws {
        let directory = try TestLedger.directory()
        let ledger = try await Ledger.create(TestLedger.configuration(in: directory))
        #expect(try await ledger.append(Examples.submissionLines, catchUp: false).report.isComplete)
        let copy = directory.appendingPathComponent("backup.sqlite").path
        _ = try await ledger.backup(to: copy)
        await #expect(throws: BackupError.self) { try await ledger.backup(to: copy) }

        // A tampered copy: one event's data altered.
        let tampered = directory.appendingPathComponent("tampered.sqlite").path
        try FileManager.default.copyItem(atPath: copy, toPath: tampered)
        let queue = try DatabaseQueue(path: tampered)
        try await queue.write { db in
            try db.execute(sql: "DROP TRIGGER events_refuse_update")
            try db.execute(sql: "UPDATE events SET data = '{\"altered\":true}' WHERE position = 3")
        }
        try queue.close()
        let target = directory.appendingPathComponent("target.sqlite").path
        let refused = await #expect(throws: BackupError.self) { try await Ledger.restore(from: tampered, to: target) }
        guard case .doesNotVerify(_, let problem)? = refused else { Issue.record("got \(String(describing: refused))"); return }
        #expect(problem.contains("position 3"))
        #expect(!FileManager.default.fileExists(atPath: target), "nothing is restored")

        // Not a ledger.
        let notes = directory.appendingPathComponent("notes.txt").path
        try Data(String(repeating: "not a ledger\n", count: 100).utf8).write(to: URL(fileURLWithPath: notes))
        let notLedger = await #expect(throws: BackupError.self) { try await Ledger.restore(from: notes, to: target) }
        guard case .notALedger? = notLedger else { Issue.record("got \(String(describing: notLedger))"); return }

        // A key that is not the backup's.
        let otherKey = directory.appendingPathComponent("other.key").path
        _ = try Pseudonymizer.load(keyFile: otherKey, createIfMissing: true)
        let wrongKey = await #expect(throws: BackupError.self) { try await Ledger.restore(from: copy, to: target, keyFile: otherKey) }
        guard case .wrongKey? = wrongKey else { Issue.record("got \(String(describing: wrongKey))"); return }
        #expect(!FileManager.default.fileExists(atPath: target))

        // Over the live ledger: refused, then with replacing, the old one is moved aside.
        let live = ledger.configuration.databasePath
        let sizeBefore = try FileManager.default.attributesOfItem(atPath: live)[.size] as? NSNumber
        let existing = await #expect(throws: BackupError.self) { try await Ledger.restore(from: copy, to: live) }
        guard case .destinationExists? = existing else { Issue.record("got \(String(describing: existing))"); return }
        #expect(try FileManager.default.attributesOfItem(atPath: live)[.size] as? NSNumber == sizeBefore)
        let (report, aside) = try await Ledger.restore(from: copy, to: target.replacingOccurrences(of: "target", with: "fresh"))
        #expect(aside == nil && report.eventsChecked > 0)
        let (_, movedAside) = try await Ledger.restore(from: copy, to: live, replacing: true)
        let moved = try #require(movedAside)
        #expect(FileManager.default.fileExists(atPath: moved))
        #expect(FileManager.default.fileExists(atPath: live))
    }
}

actor Acknowledged {
    private(set) var position: Int64 = 0
    func set(_ value: Int64) { position = max(position, value) }
}

struct BackupTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
