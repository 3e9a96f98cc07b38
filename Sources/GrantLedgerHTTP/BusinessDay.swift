import GrantLedgerLog
import GrantLedgerService
import Logging
import ServiceLifecycle

/// Moves the ledger's business date forward every day: at start, and then just after each
/// midnight, China Standard Time, it asks the ledger to open the new business day
/// (``Ledger/openBusinessDay()``), which appends a `ledger.day-opened` event when the log's
/// last event was recorded on an earlier day.
///
/// Why an event: entitlements and payouts are judged on the log's business date, the day its
/// last event was recorded. Judging on the wall clock instead would make the projections
/// depend on when they were built, and a rebuild would not reproduce them; recording the day
/// keeps "due this month" current and every rebuild the same. The event's id is a name-based
/// UUID of the day, so that several services on one ledger append it once.
public struct BusinessDay: Service {
    let ledger: Ledger
    let logger: Logger

    public init(ledger: Ledger, logger: Logger) {
        self.ledger = ledger
        self.logger = logger
    }

    /// How long after midnight the day is opened: clear of the clock's edge.
    static let margin: Int64 = 5_000

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    if let outcome = try await ledger.openBusinessDay(catchUp: false), let position = outcome.report.lastPosition {
                        logger.info("business day opened", metadata: ["position": "\(position)"])
                    }
                } catch {
                    logger.error("the business day could not be opened; trying again in a minute", metadata: ["reason": .string("\(error)")])
                    try? await Task.sleep(for: .seconds(60))
                    continue
                }
                let now = ledger.log.clock.now()
                let wait = Ledger.nextBusinessDay(after: now).millisecondsSinceEpoch - now.millisecondsSinceEpoch + Self.margin
                try? await Task.sleep(for: .milliseconds(wait))
            }
        }
    }
}
