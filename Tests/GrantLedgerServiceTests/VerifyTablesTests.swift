import Foundation
import GRDB
import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerService
import Testing

/// Issue #15, item 5: `verify` catches what sits beside the events, naming the position or the
/// table: rows of the party index deleted or added, the tail cut with the recorded head
/// rewritten to match, the whole log emptied, personal data edited, projection rows edited.
@Suite("verify checks the tables beside the events")
struct VerifyTablesTests {
    static let examples = Int64(Examples.lines.count)

    @Test("an untouched ledger is intact, every party row and personal record checked, and so are its projections")
    func intact() async throws {
        let ledger = try await StoredValueTests.damaged("SELECT 1")
        let report = try await ledger.verify()
        #expect(report.isIntact, "\(String(describing: report.problem))")
        #expect(report.eventsChecked == Self.examples)
        #expect(report.partyRowsChecked > Self.examples)
        #expect((report.personalRecordsChecked ?? 0) > 0)
        #expect(try ledger.verifyProjections().isIntact)
    }

    @Test("a deleted party row names the event that lost it")
    func partyRowDeleted() async throws {
        let ledger = try await StoredValueTests.damaged("DELETE FROM event_parties WHERE position = 5")
        let problem = try #require(try await ledger.verify().problem)
        guard case .partyRowMissing(5, _) = problem else { Issue.record("\(problem)"); return }
        #expect(problem.table == "event_parties")
    }

    @Test("an added party row names the event it claims")
    func partyRowAdded() async throws {
        let ledger = try await StoredValueTests.damaged("INSERT INTO event_parties (party, position) VALUES ('P000000000000000000000000', 7)")
        let problem = try #require(try await ledger.verify().problem)
        guard case .partyRowForeign(7, "P000000000000000000000000") = problem else { Issue.record("\(problem)"); return }
    }

    @Test("the tail cut and the recorded head rewritten to match: the party index and the projections remember", arguments: [false, true])
    func tailCut(partiesToo: Bool) async throws {
        let ledger = try await StoredValueTests.damaged("""
            DELETE FROM events WHERE position > 30;
            \(partiesToo ? "DELETE FROM event_parties WHERE position > 30;" : "")
            UPDATE ledger_head SET position = 30, hash = (SELECT hash FROM events WHERE position = 30);
            """)
        let problem = try #require(try await ledger.verify().problem)
        guard case .removedTail(30, let trace, let table) = problem else { Issue.record("\(problem)"); return }
        #expect(problem.position == 31)
        #expect(table == (partiesToo ? "proj_checkpoints" : "event_parties"))
        #expect(trace == Self.examples)
    }

    @Test("the whole log emptied, every trace of a position with it: the personal data belongs to no one")
    func emptied() async throws {
        let ledger = try await StoredValueTests.damaged("""
            DELETE FROM events; DELETE FROM ledger_head; DELETE FROM event_parties; DROP TABLE proj_checkpoints;
            """)
        let problem = try #require(try await ledger.verify().problem)
        guard case .personalData(_, let reason) = problem else { Issue.record("\(problem)"); return }
        #expect(reason.contains("no one the events name"))
    }

    @Test("personal data swapped between two people: it does not open under the other's pseudonym")
    func personalDataEdited() async throws {
        let ledger = try await StoredValueTests.damaged("""
            UPDATE personal_data_sealed SET sealed = (SELECT sealed FROM personal_data_sealed ORDER BY pseudonym DESC LIMIT 1)
            WHERE pseudonym = (SELECT min(pseudonym) FROM personal_data_sealed)
            """)
        let problem = try #require(try await ledger.verify().problem)
        guard case .personalData(_, let reason) = problem else { Issue.record("\(problem)"); return }
        #expect(reason.contains("does not open"))
        #expect(problem.table == "personal_data_sealed")
    }

    @Test("amounts multiplied by ten in the projections: verify --projections names the projection")
    func projectionsEdited() async throws {
        let ledger = try await StoredValueTests.damaged("UPDATE proj_entitlements SET amount = amount * 10 WHERE amount > 0")
        #expect(try await ledger.verify().isIntact)
        let projections = try ledger.verifyProjections()
        #expect(projections.differing == ["entitlements"])
        #expect(projections.position == Self.examples)
        _ = try ledger.rebuild()
        #expect(try ledger.verifyProjections().isIntact)
    }

    @Test("an anchor past a rewritten stretch: the report says the rewriting lies at or before it")
    func anchorAfterRewrite() async throws {
        let directory = try TestLedger.directory()
        let ledger = try await Ledger.create(TestLedger.configuration(in: directory))
        _ = try await ledger.append(Examples.submissionLines)
        let head = try #require(try await ledger.head())
        var hash = head.hash
        hash[0] ^= 1
        let report = try await ledger.verify(anchors: [try #require(Anchor("\(head.position):\(RecordedEvent.hex(hash))"))])
        let problem = try #require(report.problem)
        #expect(problem.description.contains("at or before \(head.position)"))
    }
}
