import Foundation
import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerService
import Testing

/// A recording clock tests move by hand.
final class ManualClock: RecordingClock, @unchecked Sendable {
    private let lock = NSLock()
    private var time: Timestamp
    init(_ text: String) { time = Timestamp(text)! }
    func now() -> Timestamp { lock.withLock { time } }
    func set(_ text: String) { lock.withLock { time = Timestamp(text)! } }
}

@Suite("The business day moves forward")
struct BusinessDayTests {
    static func ledger(_ clock: ManualClock, in directory: URL) async throws -> Ledger {
        var configuration = TestLedger.configuration(in: directory)
        configuration.clock = clock
        return try await Ledger.create(configuration)
    }

    @Test("a day with no events: the next midnight (China Standard Time) opens a new business day, once; the projections judge on it; a rebuild gives the same rows")
    func opensEachDayOnce() async throws {
        let directory = try TestLedger.directory()
        let clock = ManualClock("2025-01-06T02:00:00Z")  // 10:00 in Beijing, 6 January 2025
        let ledger = try await Self.ledger(clock, in: directory)
        #expect(try await ledger.openBusinessDay() == nil, "an empty log has no business date to move")
        #expect(try await ledger.append(Examples.submissionLines).report.isComplete)
        #expect(try ledger.entitlements().asOf == LocalDate("2025-01-06"))
        #expect(try await ledger.openBusinessDay() == nil, "the log is on today already")

        // 23:59:59 in Beijing is still the 6th; one second later, the 7th has begun.
        clock.set("2025-01-06T15:59:59Z")
        #expect(try await ledger.openBusinessDay() == nil)
        clock.set("2025-01-06T16:00:00Z")
        let opened = try #require(try await ledger.openBusinessDay())
        #expect(opened.report.appended == 1)
        let event = try #require(try await ledger.log.allEvents(EventQuery(type: "ledger.day-opened", limit: 10)).last)
        #expect(event.occurredAt == LocalDate("2025-01-07"))
        // A name-based UUID of the day, as Python's uuid.uuid5(namespace, "ledger.day-opened:2025-01-07") gives it.
        #expect(event.eventID == "25600721-d37b-5959-a234-03b2a2683c5a")
        #expect(try ledger.entitlements().asOf == LocalDate("2025-01-07"))
        #expect(try await ledger.openBusinessDay() == nil, "once a day")

        // Another service on the same ledger, or one that raced this one, appends nothing new.
        clock.set("2025-01-09T01:00:00Z")
        let other = try await Ledger.open({ var c = TestLedger.configuration(in: directory); c.clock = clock; return c }())
        async let first = ledger.openBusinessDay(catchUp: false)
        async let second = other.openBusinessDay(catchUp: false)
        let outcomes = [try await first, try await second].compactMap { $0 }
        #expect(outcomes.map(\.report.appended).reduce(0, +) == 1, "the 9th is recorded once")
        #expect(try await ledger.log.allEvents(EventQuery(type: "ledger.day-opened", limit: 10)).count == 2)  // the 7th and the 9th

        // The day is in the log: a rebuild judges on the same dates and gives the same rows.
        _ = ledger.catchUp()
        let before = try ledger.digests().value
        _ = try ledger.rebuild()
        #expect(try ledger.digests().value == before)
        #expect(try ledger.entitlements().asOf == LocalDate("2025-01-09"))
        #expect(try await ledger.verify().isIntact)
    }

    @Test("the next business day begins at the next midnight in China Standard Time")
    func nextMidnight() {
        func next(_ text: String) -> String { Ledger.nextBusinessDay(after: Timestamp(text)!).description }
        #expect(next("2025-01-06T02:00:00Z") == "2025-01-06T16:00:00.000Z")
        #expect(next("2025-01-06T15:59:59.999Z") == "2025-01-06T16:00:00.000Z")
        #expect(next("2025-01-06T16:00:00Z") == "2025-01-07T16:00:00.000Z")
        #expect(Ledger.businessDate(of: Timestamp("2025-01-06T16:00:00Z")!) == LocalDate("2025-01-07"))
        #expect(Ledger.businessDate(of: Timestamp("2025-01-06T15:59:59Z")!) == LocalDate("2025-01-06"))
    }
}

