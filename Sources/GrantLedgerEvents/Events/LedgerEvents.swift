/// A new business day begins (China Standard Time): the service records it at each midnight,
/// so that the log's business date moves on even when no other event arrives.
///
/// Entitlements are judged on the log's business date, the day its last event was recorded.
/// Without this event a ledger that received nothing for a week would judge on last week's
/// date: "due this month" would be last month's, and tranches falling due would be missed.
/// Because the day is an event, a rebuild judges on the same dates and gives the same rows. It
/// states no fact about anyone.
public struct LedgerDayOpened: EventPayload {
    public static let definition = EventDefinition(
        type: "ledger.day-opened", title: "Business day opened", chinese: "营业日开始",
        summary: "The service records the start of a business day (China Standard Time), so that entitlements and payouts are judged on that day even when no other event arrives. It states no fact about anyone.",
        stream: "ledger:days", feeds: [],
        fields: [
            .required("date", .date, "The day that begins, in China Standard Time", zh: "营业日（北京时间）"),
        ],
        recordedBy: .service)
    public let date: LocalDate
}
