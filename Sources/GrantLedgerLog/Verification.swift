import Crypto
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
        /// The event at `position` names `party`, but the party index has no row for it: a
        /// search by that party would not find the event.
        case partyRowMissing(position: Int64, party: String)
        /// The party index says the event at `position` names `party`; it does not.
        case partyRowForeign(position: Int64, party: String)
        /// The event at `position` is not the one an earlier copy of the ledger holds there.
        case differsFromCopy(position: Int64)
        /// The first `treeSize` events are not those the checkpoint signed at `signedAt`.
        case checkpointMismatch(treeSize: Int64, signedAt: Timestamp)
        /// A checkpoint's signature is not its key's: it was forged or changed.
        case checkpointSignature(treeSize: Int64)
        /// A table beside the events holds a trace of position `evidence` beyond the last event.
        case removedTail(lastPosition: Int64, trace: Int64, table: String)
        /// The personal data held for `pseudonym` does not open with the ledger's key, or holds
        /// the data of someone else, or of someone whose data was erased.
        case personalData(pseudonym: String, reason: String)
        /// The rows of a table that can only hold what the log's events make cannot be read.
        case unreadableTable(table: String, reason: String)

        /// The first position at which the log is not what was written.
        public var position: Int64 {
            switch self {
            case .checkpointMismatch(let p, _), .checkpointSignature(let p), .differsFromCopy(let p): p
            case .altered(let p), .anchorMismatch(let p), .unreadable(let p, _), .partyRowMissing(let p, _), .partyRowForeign(let p, _): p
            case .missing(let from, _): from
            case .truncated(let last, _), .removedTail(let last, _, _): last + 1
            case .personalData, .unreadableTable: 0
            }
        }

        /// The table the problem lies in.
        public var table: String {
            switch self {
            case .partyRowMissing, .partyRowForeign: "event_parties"
            case .truncated: "ledger_head"
            case .removedTail(_, _, let table), .unreadableTable(let table, _): table
            case .personalData: "personal_data_sealed"
            default: "events"
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
                "position \(p) does not have the hash you anchored: the log was rewritten at or before \(p), and its chain recomputed to hide it (the hashes alone cannot say where the rewriting began: compare the events with a backup or an earlier copy)"
            case .unreadable(let p, let reason):
                "position \(p) cannot be read: \(reason)"
            case .checkpointMismatch(let size, let signedAt):
                "the log's first \(size) events are not those the checkpoint signed at \(signedAt): the log was rewritten at or before position \(size) (the hashes alone cannot say where the rewriting began: compare the events with a backup or an earlier copy)"
            case .differsFromCopy(let p):
                "position \(p) is not the event the earlier copy holds there: the log was changed from position \(p) on (events 1-\(p - 1) are as in the copy)"
            case .checkpointSignature(let size):
                "the checkpoint of \(size) events does not carry its key's signature: it was forged or changed, and proves nothing"
            case .partyRowMissing(let p, let party):
                "the event at position \(p) names \(party), but the event_parties table has no row for it: rows were deleted, and a search by that party would miss the event"
            case .partyRowForeign(let p, let party):
                "the event_parties table says the event at position \(p) names \(party), which it does not: rows were added"
            case .removedTail(let last, let trace, let table):
                "the log ends at position \(last), but the \(table) table holds a trace of position \(trace): events after \(last) were removed, and the recorded head rewritten to match"
            case .personalData(let pseudonym, let reason):
                "the personal data held for \(pseudonym) \(reason): the personal_data_sealed table was edited"
            case .unreadableTable(let table, let reason):
                "the \(table) table cannot be read: \(reason)"
            }
        }
    }

    public internal(set) var eventsChecked: Int64 = 0
    /// Rows of the party index checked against the events (every one, when the log is intact).
    public internal(set) var partyRowsChecked: Int64 = 0
    /// Records of personal data opened with the key and matched to their pseudonym; nil when
    /// the ledger was opened without its key, which they cannot be checked without.
    public internal(set) var personalRecordsChecked: Int64?
    /// Checkpoints whose signature, root and head matched the log.
    public internal(set) var checkpointsChecked = 0
    public internal(set) var head: ChainHead?
    public internal(set) var problem: Problem?
    public var isIntact: Bool { problem == nil }
}

/// A position and the hash an auditor recorded for it earlier (`grants verify` prints it).
public struct Anchor: Sendable, Hashable {
    public let position: Int64
    public let hash: [UInt8]

    public init(position: Int64, hash: [UInt8]) {
        self.position = position
        self.hash = hash
    }

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

extension VerificationReport {
    /// Records a problem a layer above the log found (in the projections' tables, say), unless
    /// one was found already: the report names the first.
    public mutating func record(_ problem: Problem) {
        if self.problem == nil { self.problem = problem }
    }

    /// Puts a more precise finding in place of the one made (where a rewriting began, found
    /// by comparing with a copy, for a mismatch with an anchor or a checkpoint).
    public mutating func replace(with problem: Problem) {
        self.problem = problem
    }
}

extension EventLog {
    /// Walks the whole chain in position order, recomputing every hash, and reports the first
    /// position that was altered, removed or reordered. Memory stays flat: events are read a
    /// page at a time, up to the head seen, with the recorded head, in one snapshot at the start.
    ///
    /// Then checks what sits beside the events against them: the party index (every row an
    /// event's data makes, and no other; no trace of a position past the last), and, with the
    /// key, each record of personal data (it opens, and belongs to its pseudonym).
    public func verify(anchors: [Anchor] = [], checkpoints: [Checkpoint] = []) async throws -> VerificationReport {
        var report = VerificationReport()
        if let forged = checkpoints.first(where: { !$0.isSignatureValid }) {
            report.problem = .checkpointSignature(treeSize: forged.treeSize)
            return report
        }
        let signed = Dictionary(grouping: checkpoints, by: \.treeSize)
        var tree = MerkleTree.Accumulator()
        let last: ChainHead?, recorded: ChainHead?
        do {
            (last, recorded) = try await storage.read { reader in (try await reader.lastEvent(), try await reader.recordedHead()) }
        } catch LogError.corruptTable(let table, let reason) {
            report.problem = .unreadableTable(table: table, reason: reason)
            return report
        }
        var previous = HashChain.genesis
        var expected: Int64 = 1
        var named = PartyIndexDigest()
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
                if !signed.isEmpty {
                    tree.append(leaf: MerkleTree.leafHash(event.hash))
                    let here = signed[event.position] ?? []
                    if let differing = here.first(where: { $0.headHash != event.hash || $0.rootHash != tree.root }) {
                        report.problem = .checkpointMismatch(treeSize: differing.treeSize, signedAt: differing.signedAt)
                        break
                    }
                    report.checkpointsChecked += here.count
                }
                for party in try parties(of: event) { named.add(party, at: event.position) }
                previous = event.hash
                report.eventsChecked += 1
                report.head = ChainHead(position: event.position, hash: event.hash)
                expected += 1
            }
        } catch let LogError.corruptEvent(position, reason) {
            report.problem = .unreadable(position: position, reason: reason)
            return report
        }
        guard report.problem == nil else { return report }
        let checked = report.head?.position ?? 0
        if let recorded, recorded.position > checked {
            report.problem = .truncated(lastPosition: checked, recordedPosition: recorded.position)
        } else if let missing = (anchors.map(\.position) + checkpoints.map(\.treeSize)).filter({ $0 > checked }).min() {
            report.problem = .truncated(lastPosition: checked, recordedPosition: missing)
        }
        guard report.problem == nil else { return report }
        do {
            try await checkPartyIndex(against: named, through: checked, &report)
            if report.problem == nil { try await checkPersonalData(pseudonymizer, &report) }
        } catch LogError.corruptTable(let table, let reason) {
            report.problem = .unreadableTable(table: table, reason: reason)
        }
        return report
    }

    /// The parties an event's stored data names, as the append indexed them.
    func parties(of event: RecordedEvent) throws -> [PartyReference] {
        guard let definition = catalog.definition(type: event.type, version: event.schemaVersion) else {
            throw LogError.corruptEvent(position: event.position, reason: "its type \(event.type) v\(event.schemaVersion) is not in the catalog")
        }
        guard case .object(let data)? = try? JSONParser.parse(event.data) else {
            throw LogError.corruptEvent(position: event.position, reason: "its data is not a JSON object")
        }
        // Stored data holds pseudonyms, never resident IDs: nothing here is pseudonymised.
        return definition.parties(inStored: data)
    }

    private func checkPartyIndex(against expected: PartyIndexDigest, through last: Int64, _ report: inout VerificationReport) async throws {
        var found = PartyIndexDigest()
        var after: PartyRow?
        var trace: Int64 = 0
        while true {
            let page = try await storage.read { [after] reader in try await reader.partyRows(after: after, limit: 8192) }
            for row in page {
                trace = max(trace, row.position)
                found.add(row.party, at: row.position)
            }
            report.partyRowsChecked += Int64(page.count)
            guard page.count == 8192 else { break }
            after = page.last
        }
        if trace > last {
            report.problem = .removedTail(lastPosition: last, trace: trace, table: "event_parties")
            return
        }
        guard found != expected else { return }
        report.problem = try await firstPartyIndexDifference(through: last)
    }

    /// Where the party index and the events part: the first event whose party has no row, or
    /// the first row no event makes. Only read when the digests differ.
    private func firstPartyIndexDifference(through last: Int64) async throws -> VerificationReport.Problem? {
        for try await event in events(EventQuery(to: last), pageSize: 1024) {
            let rows = try parties(of: event).map { PartyRow(party: $0.id, position: event.position) }
            let present = try await storage.read { reader in try await reader.partyRowsExist(rows) }
            if let missing = zip(rows, present).first(where: { !$1 })?.0 {
                return .partyRowMissing(position: missing.position, party: missing.party)
            }
        }
        var after: PartyRow?
        while true {
            let page = try await storage.read { [after] reader in try await reader.partyRows(after: after, limit: 1024) }
            for row in page {
                let event = try await storage.read { reader in try await reader.event(at: row.position) }
                if let event, try parties(of: event).contains(where: { $0.id == row.party }) { continue }
                return .partyRowForeign(position: row.position, party: row.party)
            }
            guard page.count == 1024 else { return nil }
            after = page.last
        }
    }

    /// Every record of personal data belongs to a person some event names; with the key, each
    /// opens, holds the resident ID its pseudonym is made from, and is not one erased.
    private func checkPersonalData(_ pseudonymizer: Pseudonymizer?, _ report: inout VerificationReport) async throws {
        let erased = try await storage.read { reader in try await reader.erasedPseudonyms() }
        var checked: Int64 = 0
        var after: String?
        while true {
            let page = try await storage.read { [after] reader in try await reader.sealedPersonalRows(after: after, limit: 4096) }
            let pseudonyms = page.map(\.pseudonym)
            let named = try await storage.read { reader in try await reader.namedParties(pseudonyms) }
            for row in page {
                if !named.contains(row.pseudonym) {
                    report.problem = .personalData(pseudonym: row.pseudonym, reason: "belongs to no one the events name (were the events naming them removed?)")
                    return
                }
                guard let pseudonymizer else { continue }
                guard let record = try? pseudonymizer.personalData.open(row.sealed, pseudonym: row.pseudonym) else {
                    report.problem = .personalData(pseudonym: row.pseudonym, reason: "does not open with this ledger's key")
                    return
                }
                if pseudonymizer.pseudonym(for: record.residentID) != row.pseudonym {
                    report.problem = .personalData(pseudonym: row.pseudonym, reason: "is another person's")
                    return
                }
                if erased.contains(row.pseudonym) {
                    report.problem = .personalData(pseudonym: row.pseudonym, reason: "was erased, yet is held again")
                    return
                }
                checked += 1
            }
            guard page.count == 4096 else { break }
            after = page.last?.pseudonym
        }
        if pseudonymizer != nil { report.personalRecordsChecked = checked }
    }
}

extension EventLog {
    /// Compares the log with an earlier copy of it, event by event: the first position whose
    /// hash differs is where the log was changed, even when its chain was recomputed after (as
    /// every hash from there on then differs). A copy longer than the log means events were
    /// removed; events appended since the copy are not compared.
    public func compare(withCopy copy: any EventStorage) async throws -> VerificationReport.Problem? {
        let last = try await copy.lastEvent()?.position ?? 0
        var position: Int64 = 0
        while position < last {
            let theirs = try await copy.events(EventQuery(to: last), after: position, limit: 4096)
            guard let end = theirs.last?.position else { break }
            let ours = try await storage.events(EventQuery(to: end), after: position, limit: 4096)
            for (index, event) in theirs.enumerated() {
                guard index < ours.count else {
                    return .truncated(lastPosition: ours.last?.position ?? position, recordedPosition: last)
                }
                if ours[index].position != event.position || ours[index].hash != event.hash {
                    return .differsFromCopy(position: min(ours[index].position, event.position))
                }
            }
            position = end
        }
        return nil
    }
}

/// One row of the party index: an event's position and a party its data names.
public struct PartyRow: Sendable, Hashable {
    public let party: String
    public let position: Int64

    public init(party: String, position: Int64) {
        self.party = party
        self.position = position
    }
}

/// An order-free digest of a set of party rows: the XOR of 128 bits of SHA-256 of each, with
/// their count. Built once from the events and once from the index, in whatever order each is
/// read; equal digests mean the same rows (but for a chance of 2^-128).
struct PartyIndexDigest: Equatable {
    private var high: UInt64 = 0, low: UInt64 = 0, count: Int64 = 0

    mutating func add(_ party: PartyReference, at position: Int64) { add(party.id, at: position) }

    mutating func add(_ party: String, at position: Int64) {
        var bytes = Array(party.utf8)
        bytes.append(0)
        withUnsafeBytes(of: position.bigEndian) { bytes.append(contentsOf: $0) }
        SHA256.hash(data: bytes).withUnsafeBytes { digest in
            high ^= digest.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
            low ^= digest.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
        }
        count += 1
    }
}
