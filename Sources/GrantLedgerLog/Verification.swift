import GrantLedgerEvents

/// What `verify` found.
public struct VerificationReport: Sendable {
    public enum Problem: Sendable, Hashable, CustomStringConvertible {
        /// The event at `position` does not match its hash: it, or the event before it, was
        /// altered or moved.
        case altered(position: Int64)
        /// Positions `from...to` are missing: events were removed.
        case missing(from: Int64, to: Int64)
        /// The log ends at `lastPosition`, but its last commit recorded `recordedPosition`.
        case truncated(lastPosition: Int64, recordedPosition: Int64)
        /// The event at `position` is not the one an auditor anchored there.
        case anchorMismatch(position: Int64)
        case unreadable(position: Int64, reason: String)

        /// The first position at which the log is not what was written.
        public var position: Int64 {
            switch self {
            case .altered(let p), .anchorMismatch(let p), .unreadable(let p, _): p
            case .missing(let from, _): from
            case .truncated(let last, _): last + 1
            }
        }

        public var description: String {
            switch self {
            case .altered(let p):
                "position \(p) does not match its hash: the event there was altered, or events were removed or reordered before it"
            case .missing(let from, let to):
                from == to ? "position \(from) is missing: an event was removed" : "positions \(from)-\(to) are missing: events were removed"
            case .truncated(let last, let recorded):
                "the log ends at position \(last), but its last commit recorded position \(recorded): events after \(last) were removed"
            case .anchorMismatch(let p):
                "position \(p) does not have the hash you anchored: the log was rewritten up to there"
            case .unreadable(let p, let reason):
                "position \(p) cannot be read: \(reason)"
            }
        }
    }

    public internal(set) var eventsChecked: Int64 = 0
    public internal(set) var head: ChainHead?
    public internal(set) var problem: Problem?
    public var isIntact: Bool { problem == nil }
}

/// A position and the hash an auditor recorded for it earlier (`grants verify` prints it).
public struct Anchor: Sendable, Hashable {
    public let position: Int64
    public let hash: [UInt8]

    /// Parses `POSITION:HASH` (64 hex digits).
    public init?(_ text: String) {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let position = Int64(parts[0]), position >= 1, let hash = Hex.bytes(String(parts[1])),
            hash.count == 32
        else { return nil }
        self.position = position
        self.hash = hash
    }
}

extension EventLog {
    /// Walks the whole chain in position order, recomputing every hash, and reports the first
    /// position that was altered, removed or reordered. Memory stays flat: events are read a
    /// page at a time, up to the head seen, with the recorded head, in one snapshot at the start.
    public func verify(anchors: [Anchor] = []) async throws -> VerificationReport {
        let (last, recorded) = try await storage.read { reader in
            (try await reader.lastEvent(), try await reader.recordedHead())
        }
        var report = VerificationReport()
        var previous = HashChain.genesis
        var expected: Int64 = 1
        let anchorHashes = Dictionary(anchors.map { ($0.position, $0.hash) }, uniquingKeysWith: { a, _ in a })
        do {
            for try await event in events(EventQuery(to: last?.position ?? 0), pageSize: 4096) {
                if event.position != expected {
                    report.problem = event.position > expected
                        ? .missing(from: expected, to: event.position - 1) : .altered(position: event.position)
                    break
                }
                if HashChain.hash(of: event, previous: previous) != event.hash {
                    report.problem = .altered(position: event.position)
                    break
                }
                if let anchored = anchorHashes[event.position], anchored != event.hash {
                    report.problem = .anchorMismatch(position: event.position)
                    break
                }
                previous = event.hash
                report.eventsChecked += 1
                report.head = ChainHead(position: event.position, hash: event.hash)
                expected += 1
            }
        } catch let LogError.corruptEvent(position, reason) {
            report.problem = .unreadable(position: position, reason: reason)
            return report
        }
        if report.problem == nil {
            let checked = report.head?.position ?? 0
            if let recorded, recorded.position > checked {
                report.problem = .truncated(lastPosition: checked, recordedPosition: recorded.position)
            } else if let missing = anchors.map(\.position).filter({ $0 > checked }).min() {
                report.problem = .truncated(lastPosition: checked, recordedPosition: missing)
            }
        }
        return report
    }
}
