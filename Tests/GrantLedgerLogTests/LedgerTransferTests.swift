import Foundation
import GRDB
import GrantLedgerEvents
import GrantLedgerLog
import Testing

/// Contract: a ledger moves between backends as one canonical file: the same bytes from every
/// backend, loaded whole or not at all, its chain checked line by line.
@Suite("Export and load")
struct LedgerTransferTests {
    /// A ledger with names, parties, a names digest, an erasure and the key's fingerprint.
    static func filled(_ backend: Backend) async throws -> (TestLedger, EventLog) {
        let ledger = try await backend.makeLedger()
        let log = try await ledger.log()
        try await log.appendAccepted([
            Sample.personRegistered(1, person: People.zhang, name: "张三"), Sample.enterpriseRegistered(2, code: Organisations.kejiCompany),
            Sample.employmentStarted(3, employee: People.zhang, employer: Organisations.kejiCompany),
        ])
        try await log.appendAccepted([Sample.personRegistered(4, person: People.li, name: "李四"), Sample.paymentToWorker(5, person: People.li)])
        _ = try await log.forget(person: People.li)
        return (ledger, log)
    }

    static func export(_ storage: any EventStorage) async throws -> [String] {
        var lines: [String] = []
        try await LedgerTransfer.export(from: storage, pageSize: 2) { lines.append($0) }
        return lines
    }

    static func submission(_ lines: [String]) -> [SubmissionLine] {
        lines.enumerated().map { SubmissionLine(number: $0.offset + 1, bytes: Array($0.element.utf8)) }
    }

    @Test("each backend into each: the same file back, the same head, an intact chain, the key still opens the names",
          arguments: Backend.allCases, Backend.allCases)
    func roundTrip(from source: Backend, to target: Backend) async throws {
        let (ledger, log) = try await Self.filled(source)
        let lines = try await Self.export(ledger.storage)
        #expect(lines.first?.hasPrefix("{\"format\":\"grantledger-export/1\"") == true)
        #expect(lines.last?.hasPrefix("{\"end\":") == true)

        let copy = try await target.makeLedger()
        let counts = try await LedgerTransfer.load(into: copy.storage, lines: Self.submission(lines), chunkSize: 2)
        #expect(counts.events == 5)
        #expect(counts.erasures == 1)
        #expect(try await Self.export(copy.storage) == lines)
        let copied = try await copy.log()
        #expect(try await copied.head() == log.head())
        #expect(try await copied.verify().isIntact)
        let zhang = try copied.partyKey(for: People.zhang)
        #expect(try await copied.personalRecord(pseudonym: zhang)?.name == "张三")
        #expect(try await copied.allEvents(EventQuery(party: zhang)).map(\.position) == [1, 3])
        // The erasure came along: the forgotten person stays forgotten.
        let li = try copied.partyKey(for: People.li)
        #expect(try await copied.personalRecord(pseudonym: li) == nil)
    }

    @Test("an altered, reordered, cut or padded file is refused, and nothing of it is kept", arguments: Backend.allCases)
    func refused(backend: Backend) async throws {
        let (ledger, _) = try await Self.filled(.inMemoryQueue)
        let lines = try await Self.export(ledger.storage)
        let eventLine = try #require(lines.firstIndex { $0.hasPrefix("{\"event\":") })
        var altered = lines
        altered[eventLine + 1] = altered[eventLine + 1].replacingOccurrences(of: "厦门测试科技有限公司", with: "厦门另一科技有限公司")
        var swapped = lines
        swapped.swapAt(eventLine, eventLine + 1)
        let cases: [([String], (LedgerTransferError) -> Bool)] = [
            (altered, { if case .brokenChain(line: eventLine + 2, position: 2) = $0 { true } else { false } }),
            (swapped, { if case .malformed(line: eventLine + 1, _) = $0 { true } else { false } }),
            (Array(lines.dropLast()), { if case .truncated(expected: "end", _) = $0 { true } else { false } }),
            (lines + [lines[eventLine]], { if case .malformed(line: lines.count + 1, _) = $0 { true } else { false } }),
            (["{\"format\":\"something-else\"}"] + lines.dropFirst(), { if case .malformed(line: 1, _) = $0 { true } else { false } }),
        ]
        for (file, expected) in cases {
            let target = try await backend.makeLedger()
            let error = await #expect(throws: LedgerTransferError.self) {
                try await LedgerTransfer.load(into: target.storage, lines: Self.submission(file))
            }
            #expect(error.map(expected) == true, "\(String(describing: error))")
            #expect(try await target.log().head() == nil)
            let kept = try await Self.export(target.storage).filter { line in
                ["{\"event\":", "{\"party\":", "{\"person\":", "{\"erasure\":"].contains { line.hasPrefix($0) }
            }
            #expect(kept.isEmpty)
        }
    }

    @Test("a ledger that already holds events is not loaded into", arguments: Backend.allCases)
    func notEmpty(backend: Backend) async throws {
        let (source, _) = try await Self.filled(.inMemoryQueue)
        let lines = try await Self.export(source.storage)
        let (target, log) = try await Self.filled(backend)
        let before = try await log.head()
        await #expect(throws: LedgerTransferError.notEmpty) {
            try await LedgerTransfer.load(into: target.storage, lines: Self.submission(lines))
        }
        #expect(try await log.head() == before)
    }

    @Test("a ledger from before sealing is refused until its key has sealed it; then its people come along, sealed")
    func clearPersonalData() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("ledger.sqlite")
        do {
            let (_, log) = try await SealedPersonalDataTests.open(path, create: true)
            try await log.appendAccepted(PersonalDataTests.file)
        }
        // Back to the clear table the first format kept.
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            try db.execute(sql: "CREATE TABLE personal_data (pseudonym TEXT PRIMARY KEY, resident_id TEXT NOT NULL, name TEXT)")
            for id in People.all { try db.execute(sql: "INSERT INTO personal_data VALUES (?, ?, NULL)", arguments: [TestKeys.pseudonym(id), id]) }
            try db.execute(sql: "DELETE FROM personal_data_sealed")
            try db.execute(sql: "DELETE FROM ledger_meta WHERE key = 'personal-data'")
        }
        try queue.close()
        let (unkeyed, _) = try await SealedPersonalDataTests.open(path, key: nil)
        await #expect(throws: LedgerTransferError.personalDataInTheClear) { try await Self.export(unkeyed) }
        let (keyed, _) = try await SealedPersonalDataTests.open(path)
        let lines = try await Self.export(keyed)
        #expect(lines.filter { $0.hasPrefix("{\"person\":") }.count == People.all.count)
    }
}
