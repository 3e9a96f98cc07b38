import GrantLedgerService
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle

/// Keeps the projections current in the background, so that an append is answered as soon as
/// it is recorded and a read never waits behind an import: every `interval` it catches the
/// projections up to the log's head. It stops at graceful shutdown, after the batch in flight
/// (each batch commits with its checkpoint, so nothing is lost by stopping between them).
public struct ProjectionCatchUp: Service {
    let ledger: Ledger
    let interval: Duration
    let logger: Logger

    public init(ledger: Ledger, interval: Duration = .milliseconds(250), logger: Logger) {
        self.ledger = ledger
        self.interval = interval
        self.logger = logger
    }

    /// Events a catch-up transaction applies: small, so that appends interleave with it.
    static let batchSize = 100

    public func run() async throws {
        let stopping = NIOLockedValueBox(false)
        try await withGracefulShutdownHandler {
            var lastFailure: String?
            while !stopping.withLockedValue({ $0 }) && !Task.isCancelled {
                let outcome = try await Blocking.run {
                    ledger.catchUp(batchSize: Self.batchSize, continuing: { !stopping.withLockedValue { $0 } })
                }
                switch outcome {
                case .updated(let report) where report.eventsApplied > 0:
                    logger.debug("projections caught up", metadata: ["position": "\(report.position)", "events": "\(report.eventsApplied)"])
                    lastFailure = nil
                case .updated: lastFailure = nil
                case .catalogFailed(let error):
                    let text = "the policy catalog did not load: \(error.issues.count) issue(s)"
                    if text != lastFailure { logger.error("projections not updated", metadata: ["reason": .string(text)]) }
                    lastFailure = text
                case .failed(let error):
                    let text = String(describing: error)
                    if text != lastFailure { logger.error("projections not updated", metadata: ["reason": .string(text)]) }
                    lastFailure = text
                }
                try? await Task.sleep(for: interval)
            }
        } onGracefulShutdown: {
            stopping.withLockedValue { $0 = true }
        }
    }
}
