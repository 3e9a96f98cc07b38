import GrantLedgerProjections
import GrantLedgerService
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle

/// Keeps the projections current in the background, so that an append is answered as soon as
/// it is recorded and a read never waits behind an import: every `interval` it catches the
/// projections up to the log's head, one transaction of ``batchSize`` events at a time, each
/// committing with its checkpoint.
///
/// Several instances may serve one ledger on PostgreSQL: only the one holding the catch-up
/// lease (``CatchUpLease``) catches up; the others try to take it every `interval`, and one
/// of them does once its holder stops or dies. On SQLite the lease is always this instance's.
///
/// At graceful shutdown it stops between batches, never inside one. The application stops its
/// services in reverse order, so by then the server has answered its last request; the
/// catch-up then applies what those requests appended, for at most `shutdownBudget`, so that
/// the ledger is left checkpointed at its head. Stopped before (a second signal, the budget
/// spent), the projections stay consistent at the last batch's checkpoint and the next start
/// catches up from there.
public struct ProjectionCatchUp: Service {
    let ledger: Ledger
    let interval: Duration
    let logger: Logger
    let metrics: ServiceMetrics?
    let shutdownBudget: Duration

    public init(ledger: Ledger, interval: Duration = .milliseconds(250), logger: Logger, metrics: ServiceMetrics? = nil,
                shutdownBudget: Duration = .seconds(10)) {
        self.ledger = ledger
        self.interval = interval
        self.logger = logger
        self.metrics = metrics
        self.shutdownBudget = shutdownBudget
    }

    /// Events a catch-up transaction applies: small, so that appends interleave with it.
    static let batchSize = 100

    public func run() async throws {
        let stopping = NIOLockedValueBox(false)
        var lastFailure: String?
        var lease: CatchUpLease?
        defer { lease?.release() }
        try await withGracefulShutdownHandler {
            while !stopping.withLockedValue({ $0 }) && !Task.isCancelled {
                lease = await held(lease)
                if lease != nil {
                    try await catchUp(continuing: { !stopping.withLockedValue { $0 } }, lastFailure: &lastFailure)
                }
                try? await Task.sleep(for: interval)
            }
        } onGracefulShutdown: {
            stopping.withLockedValue { $0 = true }
        }
        guard !Task.isCancelled else { return }
        // Another instance keeps the projections current: nothing of this one's to checkpoint.
        guard lease != nil else { return }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: shutdownBudget)
        if let position = try await catchUp(continuing: { clock.now < deadline }, lastFailure: &lastFailure) {
            logger.info("projections checkpointed", metadata: ["position": "\(position)"])
        } else {
            logger.notice("projections left at their last checkpoint: they could not be updated")
        }
    }

    /// The lease if it still stands, else a new one if it can be taken now; says when this
    /// instance takes it or loses it.
    func held(_ lease: CatchUpLease?) async -> CatchUpLease? {
        if let lease, await (try? Blocking.run { lease.isHeld }) == true { return lease }
        if let lease {
            lease.release()
            logger.notice("lost the catch-up lease: another instance may take it")
        }
        let taken: CatchUpLease?
        do {
            taken = try await Blocking.run { try ledger.takeCatchUpLease() }
        } catch {
            logger.error("could not ask for the catch-up lease", metadata: ["reason": .string(String(describing: error))])
            taken = nil
        }
        if taken != nil { logger.info("holding the catch-up lease: this instance keeps the projections current") }
        metrics?.catchUpLease(held: taken != nil)
        return taken
    }

    /// Applies batches while `continuing` allows and there are events past the checkpoint;
    /// returns the checkpoint reached, nil when the projections could not be updated.
    @discardableResult
    func catchUp(continuing: @escaping @Sendable () -> Bool, lastFailure: inout String?) async throws -> Int64? {
        let clock = ContinuousClock()
        var position: Int64?
        repeat {
            let start = clock.now
            // One batch a call (`continuing` false after the first), so that each transaction
            // is timed, and the loop, not the ledger, decides whether to go on.
            let outcome = try await Blocking.run { ledger.catchUp(batchSize: Self.batchSize, continuing: { false }) }
            switch outcome {
            case .updated(let report):
                if report.eventsApplied > 0 {
                    // Only batches that applied something: the idle checks every `interval` would
                    // drown the histogram in empty transactions.
                    metrics?.catchUpBatch(duration: start.duration(to: clock.now), events: report.eventsApplied)
                    logger.debug("projections caught up", metadata: ["position": "\(report.position)", "events": "\(report.eventsApplied)"])
                }
                lastFailure = nil
                position = report.position
                // A short batch reached the head; a rebuild (no projections yet) builds to it at once.
                guard report.eventsApplied >= Self.batchSize, !report.rebuilt else { return position }
            case .catalogFailed(let error):
                let text = "the policy catalog did not load: \(error.issues.count) issue(s)"
                if text != lastFailure { logger.error("projections not updated", metadata: ["reason": .string(text)]) }
                lastFailure = text
                return nil
            case .failed(let error):
                let text = String(describing: error)
                if text != lastFailure { logger.error("projections not updated", metadata: ["reason": .string(text)]) }
                lastFailure = text
                return nil
            }
        } while continuing() && !Task.isCancelled
        return position
    }
}
