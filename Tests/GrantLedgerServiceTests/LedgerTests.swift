import Foundation
import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerPolicy
import GrantLedgerProjections
import GrantLedgerService
import Testing

/// The application layer, called as the command line and the HTTP service call it: a ledger
/// opened from a configuration, given the event catalog's 37 examples.
@Suite("Ledger")
struct LedgerTests {
    @Test("an append is acknowledged, then the projections catch up and say where they are; sent again, all duplicates")
    func appendCatchesUp() async throws {
        let ledger = try await TestLedger.created()
        var acknowledged: AppendReport?
        let outcome = try await ledger.append(Examples.submissionLines) { acknowledged = $0 }
        #expect(outcome.report.appended == 37)
        #expect(acknowledged?.appended == 37)
        guard case .updated(let report)? = outcome.projections else {
            Issue.record("projections not updated: \(String(describing: outcome.projections))")
            return
        }
        #expect(report.position == 37)
        let again = try await ledger.append(Examples.submissionLines)
        #expect(again.report.duplicates == 37 && again.report.appended == 0)
        guard case .updated(let caughtUp)? = again.projections else {
            Issue.record("projections not updated on a repeat")
            return
        }
        #expect(caughtUp.position == 37 && caughtUp.eventsApplied == 0)
    }

    @Test("a rejected line writes nothing and touches no projection")
    func rejectedAppend() async throws {
        let ledger = try await TestLedger.created()
        var acknowledged = false
        let outcome = try await ledger.append([SubmissionLine(number: 1, bytes: Array(#"{"eventId":"x"}"#.utf8))]) { _ in acknowledged = true }
        #expect(!outcome.report.isComplete && outcome.projections == nil && !acknowledged)
        #expect(try await ledger.head() == nil)
    }

    @Test("a catalog that does not load: clause checking cannot open the ledger; shape-only appends stand, the projections say why not")
    func catalogFailure() async throws {
        let directory = try TestLedger.directory()
        let broken = directory.appendingPathComponent("no-policies").path
        _ = try await Ledger.create(TestLedger.configuration(in: directory, clauses: .shapeOnly))
        let error = await #expect(throws: LedgerError.self) {
            try await Ledger.open(TestLedger.configuration(in: directory, policies: .directory(broken), clauses: .catalog))
        }
        guard case .catalogFailed? = error else {
            Issue.record("expected catalogFailed, got \(String(describing: error))")
            return
        }
        let ledger = try await Ledger.open(TestLedger.configuration(in: directory, policies: .directory(broken), clauses: .shapeOnly))
        let outcome = try await ledger.append(Examples.submissionLines)
        #expect(outcome.report.appended == 37)
        guard case .catalogFailed? = outcome.projections else {
            Issue.record("expected the catalog's failure, got \(String(describing: outcome.projections))")
            return
        }
        #expect(try await ledger.head()?.position == 37)
        #expect(throws: LedgerError.self) { try ledger.entitlements() }
    }

    @Test("one event whose expected version no longer holds is a conflict naming both versions, a person's stream by pseudonym")
    func conflict() async throws {
        let ledger = try await TestLedger.created()
        _ = try await ledger.append(Examples.submissionLines)
        for stream in ["organisation:91350582MA2XJJ001R", "person:35020319900101123X"] {
            var submission = try Examples.submission(onStream: stream)
            submission.eventID = UUID().uuidString.lowercased()
            submission.expectedVersion = .exactly(7)
            let error = await #expect(throws: LedgerError.self) { try await ledger.append(submission) }
            guard case .conflict(let named, .exactly(7), let actual)? = error else {
                Issue.record("expected a conflict, got \(String(describing: error))")
                continue
            }
            #expect(actual != nil && actual != 7)
            #expect(!named.contains("35020319900101123X"))
            #expect(named.hasPrefix(String(stream.prefix(while: { $0 != ":" }))))
        }
    }

    @Test("questions at a moment: now, at a position, for one person, and past the head")
    func moments() async throws {
        let ledger = try await TestLedger.created()
        _ = try await ledger.append(Examples.submissionLines)
        let now = try ledger.entitlements()
        #expect(now.position == 37 && now.moment.isNow && !now.value.isEmpty)
        let empty = try ledger.entitlements(at: Moment(position: 0))
        #expect(empty.position == 0 && empty.value.isEmpty)
        let person = "620102199507071233"
        let theirs = try ledger.entitlements(EntitlementSelection(person: person), at: Moment(position: 37))
        let pseudonym = try ledger.personKey(for: person)
        #expect(!theirs.value.isEmpty)
        #expect(theirs.value.allSatisfy { $0.entitlement.payeeID == pseudonym || $0.entitlement.subject == pseudonym })
        #expect(Set(theirs.value.map(\.entitlement.id)) == Set(try ledger.entitlements(EntitlementSelection(person: person)).value.map(\.entitlement.id)))
        let error = #expect(throws: LedgerError.self) { try ledger.entitlements(at: Moment(position: 99)) }
        guard case .positionBeyondHead(99, head: 37)? = error else {
            Issue.record("expected positionBeyondHead, got \(String(describing: error))")
            return
        }
        #expect(!"\(error!)".contains("--"))
    }

    @Test("totals add up the rows they sum")
    func totals() async throws {
        let ledger = try await TestLedger.created()
        _ = try await ledger.append(Examples.submissionLines)
        let views = try ledger.entitlements().value
        let totals = EntitlementTotals(views)
        #expect(totals.count == views.count && totals.paid == views.reduce(0) { $0 + $1.paid })
        let lines = try ledger.payouts().value
        let payouts = PayoutTotals(lines)
        #expect(payouts.unpaid == lines.reduce(0) { $0 + $1.amount - $1.paid })
    }

    @Test("parties: a credit code and a pseudonym as they are, a resident ID by its pseudonym, a name as it is")
    func parties() async throws {
        let ledger = try await TestLedger.created()
        let company = "91350582MA2XJJ001R"
        #expect(try ledger.partyKey(for: company) == company)
        let pseudonym = try ledger.partyKey(for: "35020319900101123X")
        #expect(Pseudonym.isPseudonym(pseudonym))
        #expect(try ledger.partyKey(for: pseudonym) == pseudonym)
        #expect(try ledger.personKey(for: "35020319900101123X") == pseudonym)
        #expect(try ledger.partyKey(for: "思明区人社局") == "思明区人社局")
        let organisation = #expect(throws: LedgerError.self) { try ledger.personKey(for: company) }
        guard case .notAPerson(company)? = organisation else {
            Issue.record("expected notAPerson, got \(String(describing: organisation))")
            return
        }
        let nobody = #expect(throws: LedgerError.self) { try ledger.eventPartyKey(for: "350203199001011239") }
        guard case .unknownParty? = nobody else {
            Issue.record("expected unknownParty, got \(String(describing: nobody))")
            return
        }
        #expect(!"\(nobody!)".contains("350203199001011239"))
    }

    @Test("typed errors: an unknown entitlement, target or clause, and an organisation asked why not")
    func unknowns() async throws {
        let ledger = try await TestLedger.created()
        _ = try await ledger.append(Examples.submissionLines)
        let entitlement = #expect(throws: LedgerError.self) { try ledger.explain("nosuch") }
        guard case .unknownEntitlement("nosuch")? = entitlement else {
            Issue.record("expected unknownEntitlement, got \(String(describing: entitlement))")
            return
        }
        let target = #expect(throws: LedgerError.self) { try ledger.countedEvents(target: "nosuch") }
        guard case .unknownTarget("nosuch")? = target else {
            Issue.record("expected unknownTarget, got \(String(describing: target))")
            return
        }
        let clause = #expect(throws: LedgerError.self) { try ledger.whyNot("620102199507071233", clause: "XM-2099-1/(一)") }
        guard case .unknownClause? = clause else {
            Issue.record("expected unknownClause, got \(String(describing: clause))")
            return
        }
        let organisation = #expect(throws: LedgerError.self) { try ledger.whyNot("91350582MA2XJJ001R") }
        guard case .notAPerson? = organisation else {
            Issue.record("expected notAPerson, got \(String(describing: organisation))")
            return
        }
        let explained = try ledger.explain(try ledger.entitlements().value[0].entitlement.id)
        #expect(explained.value.schedule.allSatisfy { $0.entitlementID == explained.value.view.entitlement.id })
    }

    @Test("a mapping by name from the mappings directory, by path as it is; an unknown name lists the shipped ones")
    func mappings() async throws {
        let ledger = try await TestLedger.created()
        #expect(try ledger.mappingPath("si-months").hasSuffix("Tools/mappings/si-months.yaml"))
        let path = TestLedger.repository.appendingPathComponent("Tools/mappings/si-months.yaml").path
        #expect(try ledger.mappingPath(path) == path)
        #expect(try ledger.mapping("si-months").name == "si-months")
        let error = #expect(throws: LedgerError.self) { try ledger.mappingPath("si-monthz") }
        guard case .mappingNotFound("si-monthz", let shipped)? = error else {
            Issue.record("expected mappingNotFound, got \(String(describing: error))")
            return
        }
        #expect(shipped.contains("si-months"))
    }
}
