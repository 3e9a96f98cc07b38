import GrantLedgerEvents
import GrantLedgerIntake
import GrantLedgerLog
import GrantLedgerProjections

extension Ledger {
    /// The business date of a recording time (China Standard Time), as the projections judge
    /// on it: ``Projections/businessDate(of:)``.
    public static func businessDate(of time: Timestamp) -> LocalDate { Projections.businessDate(of: time) }

    /// Moves the log's business date to today's: when the log's last event was recorded on an
    /// earlier day (China Standard Time), appends a `ledger.day-opened` event for today.
    ///
    /// The event's id is a name-based UUID of the day (``NaturalKey``), so that services
    /// opening the same day append it once. Returns the append's outcome, or nil when nothing
    /// was needed: the log is empty (it has no business date yet) or already on today.
    ///
    /// With `catchUp` false the projections are left to whoever keeps them current (the
    /// service's background catch-up).
    @discardableResult
    public func openBusinessDay(catchUp: Bool = true) async throws -> AppendOutcome? {
        guard let head = try await log.head(),
              let last = try await log.read({ try await $0.event(at: head.position) })
        else { return nil }
        let now = log.clock.now()
        let today = Self.businessDate(of: now)
        guard Self.businessDate(of: last.recordedAt) < today else { return nil }
        let type = LedgerDayOpened.definition.type
        let submission = EventSubmission(
            eventID: NaturalKey.eventID(type: type, parts: [today.description]), streamID: "ledger:days", expectedVersion: .any,
            type: type, schemaVersion: 1, occurredAt: today, actor: "grants-serve", source: "business-day",
            data: JSONObject(["date": .string(today.description)]))
        let outcome = try await append([SubmissionLine(number: 1, bytes: CanonicalJSON.encode(submission.jsonValue))], catchUp: catchUp)
        guard outcome.report.isComplete else { throw LedgerError.rejected(outcome.report.issues) }
        return outcome
    }

    /// The next midnight in China Standard Time after `time`, when the next business day begins.
    public static func nextBusinessDay(after time: Timestamp) -> Timestamp {
        let day: Int64 = 86_400_000, offset = Projections.businessDayOffset
        let local = time.millisecondsSinceEpoch + offset
        return Timestamp(millisecondsSinceEpoch: (local / day + 1) * day - offset)
    }
}
