import Foundation
import GrantLedgerLog
import GrantLedgerProjections

/// How far the live projections trail the log: what `/ready` and the service's metrics report.
public struct ProjectionLag: Sendable, Equatable {
    /// The log's last position (0 while it is empty).
    public let head: Int64
    /// The lowest checkpoint of the live projections: every event up to it is applied (0 while
    /// they have never been built).
    public let checkpoint: Int64
    /// Seconds since the oldest event not yet applied was recorded (`recordedAt` of the event
    /// just past the checkpoint, to `now`); 0 when the projections are at the head. Unlike the
    /// gap between the head's and the checkpoint's `recordedAt`, it keeps growing while a
    /// stuck catch-up leaves events waiting, even when no new event arrives.
    public let seconds: Double

    /// Events recorded but not yet applied.
    public var events: Int64 { max(0, head - checkpoint) }

    public init(head: Int64, checkpoint: Int64, seconds: Double) {
        self.head = head
        self.checkpoint = checkpoint
        self.seconds = seconds
    }
}

extension Ledger {
    /// Where the live projections stand against the log's head. Throws
    /// ``LedgerError/catalogFailed(_:)`` when the policy catalog does not load (the projections
    /// cannot be kept current then). Reads only; a blocking SQLite read, for a caller's pool.
    public func projectionLag(now: Date = Date()) throws -> ProjectionLag {
        let projections = try projections()
        let status = try projections.status()
        let checkpoint = status.exists ? status.checkpoints.map { $0.position }.min() ?? 0 : 0
        guard status.head > checkpoint else { return ProjectionLag(head: status.head, checkpoint: checkpoint, seconds: 0) }
        let oldest = try readingBesideProjections { try $0.event(at: checkpoint + 1) }
        let recorded = oldest.map { Double($0.recordedAt.millisecondsSinceEpoch) / 1000 } ?? now.timeIntervalSince1970
        return ProjectionLag(head: status.head, checkpoint: checkpoint, seconds: max(0, now.timeIntervalSince1970 - recorded))
    }
}
