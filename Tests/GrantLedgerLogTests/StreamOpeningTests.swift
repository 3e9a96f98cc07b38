import GrantLedgerEvents
@testable import GrantLedgerLog
import Testing

/// Issue #15, item 4: an event that opens its stream (a payment, a clawback order, a
/// certificate…) is refused in a stream that exists, naming where it begins: a business id used
/// again under a new event id would stand for the first.
@Suite("Events that open a stream")
struct StreamOpeningTests {
    /// A ledger holding Zhang and a payment to him, D2, at position 2.
    static func ledgerWithPaymentD2(_ backend: Backend) async throws -> EventLog {
        let log = try await backend.makeLedger().log()
        try await log.appendAccepted([Sample.personRegistered(1, person: People.zhang), Sample.paymentToWorker(2, person: People.zhang)])
        return log
    }

    /// Payment D2 again, under a new event id and another amount, in `stream`.
    static func paymentD2Again(in stream: String) -> String {
        Sample.event(3, stream: stream, type: "disbursement.made",
            data: #"{"disbursementId":"D2","clause":"XM-2023-187/(一)-a","payee":{"kind":"worker","person":"\#(People.zhang)"},"amount":990000}"#)
    }

    @Test("a second disbursement.made in an existing stream is refused, naming the first's position", arguments: Backend.allCases)
    func secondPaymentRefused(backend: Backend) async throws {
        let log = try await Self.ledgerWithPaymentD2(backend)
        let report = try await log.append(lines: [Self.paymentD2Again(in: "disbursement:D2")])
        #expect(report.appended == 0)
        let issue = try #require(report.issues.first)
        #expect(issue.path == "$.streamId")
        #expect(issue.message.contains("disbursement:D2 already exists (its first event is at position 2)"), "\(issue.message)")
        #expect(try await log.head()?.position == 2)
        // What may follow a payment in its stream still does; resending the payment itself is a duplicate.
        let follow = try await log.append(lines: [Sample.reversal(4, disbursement: "D2"), Sample.paymentToWorker(2, person: People.zhang)])
        #expect(follow.appended == 1 && follow.isComplete, "\(follow.issues.map(\.description))")
    }

    @Test("two events opening one stream in one append: the second is refused and nothing is appended", arguments: [Backend.inMemoryQueue])
    func twiceInOneAppend(backend: Backend) async throws {
        let ledger = try await backend.makeLedger()
        let log = try await ledger.log()
        let order = { (n: Int, amount: Int) in
            Sample.event(n, stream: "clawback:C1", type: "clawback.ordered",
                data: #"{"clawbackId":"C1","clause":"XM-2025-189/15","payee":{"kind":"worker","person":"\#(People.li)"},"amount":\#(amount),"reason":"certificate-revoked","orderedBy":"市人社局"}"#)
        }
        let report = try await log.append(lines: [Sample.personRegistered(1, person: People.li), order(2, 1_000), order(3, 2_000)])
        #expect(report.appended == 0)
        #expect(report.issues.map(\.line) == [3], "\(report.issues.map(\.description))")
        #expect(report.issues.first?.message.contains("line 2 of this append opened it") == true)
        #expect(try await log.head() == nil)
    }

    @Test("an event that opens its stream names it by its own id, so an id used again meets its stream", arguments: [Backend.inMemoryQueue])
    func streamNamedByItsID(backend: Backend) async throws {
        let log = try await Self.ledgerWithPaymentD2(backend)
        // D2 again, in a stream of another name: it would otherwise slip past the check above.
        let report = try await log.append(lines: [Self.paymentD2Again(in: "disbursement:D2-again")])
        #expect(report.appended == 0)
        #expect(report.issues.first?.path == "$.streamId")
        #expect(report.issues.first?.message == "a disbursement.made opens the stream of its disbursementId: write disbursement:D2, not disbursement:D2-again")
        // A stream keyed by two values (a referral's agency and number) is not bound.
        let referral = try #require(EventCatalog.standard.definition(type: "referral.made", version: 1))
        #expect(referral.opensStream && referral.openedStream(by: ["agency": .string("A")]) == nil)
    }

    @Test("an event of a type whose stream one field names belongs in that stream: a reversal of D1 filed under D2 is refused",
          arguments: [Backend.inMemoryQueue])
    func belongsInItsStream(backend: Backend) async throws {
        let log = try await Self.ledgerWithPaymentD2(backend)
        let misfiled = Sample.reversal(9, disbursement: "D1").replacingOccurrences(of: "disbursement:D1", with: "disbursement:D2")
        let report = try await log.append(lines: [misfiled])
        #expect(report.appended == 0)
        #expect(report.issues.first?.message == "a disbursement.reversed belongs in the stream of its disbursementId: write disbursement:D1, not disbursement:D2")
        // Streams named otherwise (a person's, an employment's) are not bound by a field.
        let registered = try #require(EventCatalog.standard.definition(type: "person.registered", version: 1))
        #expect(registered.namedStream(by: ["person": .string("P1")]) == nil)
    }

    @Test func theCatalogSaysWhichTypesOpenTheirStream() {
        let opening = Set(EventCatalog.standard.definitions.values.filter(\.opensStream).map(\.type))
        #expect(opening == ["certificate.issued", "referral.made", "application.submitted", "disbursement.made", "clawback.ordered",
                            "fund.allocated", "award.granted", "apprenticeship.started"])
    }
}
