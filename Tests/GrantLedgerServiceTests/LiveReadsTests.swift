import Foundation
import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerProjections
import GrantLedgerService
import Testing

/// A ledger that reads its projections as they stand (the HTTP service's), and where a person is.
@Suite("Ledger: live reads and places")
struct LiveReadsTests {
    @Test("reading as they stand: not ready before the projections exist, then the projections where they stand, never caught up")
    func asTheyStand() async throws {
        let ledger = try await TestLedger.created()
        let reads = ledger.readingProjectionsAsTheyStand()
        _ = try await ledger.append(Examples.submissionLines.prefix(20), catchUp: false)
        #expect(throws: LedgerError.self) { try reads.entitlements() }
        #expect(try !ledger.projections().status().exists)
        // A snapshot builds in memory and needs no live projections.
        #expect(try reads.entitlements(at: Moment(position: 20)).position == 20)
        _ = try await ledger.append(Examples.submissionLines.prefix(20))
        _ = try await ledger.append(Examples.submissionLines, catchUp: false)
        #expect(try reads.entitlements().position == 20)
        #expect(try ledger.projections().status().checkpoints.allSatisfy { $0.position == 20 })
        // The command line's ledger still catches up.
        #expect(try ledger.entitlements().position == 37)
    }

    @Test("a person's places are where person.registered events register them; none for a stranger")
    func places() async throws {
        let ledger = try await TestLedger.created()
        _ = try await ledger.append(Examples.submissionLines)
        #expect(try ledger.places(ofPerson: ledger.personKey(for: "35020319900101123X")) == ["思明区"])
        #expect(try ledger.places(ofPerson: ledger.personKey(for: "350582198506150021")).isEmpty)
        #expect(try ledger.places(ofPerson: "91350582MA2XJJ001R").isEmpty)
    }
}
