import Crypto
import Foundation
import GRDB
import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerService
import Testing

/// Issue #15, item 6: signed checkpoints an outsider keeps, and inclusion proofs against them.
@Suite("Checkpoints and inclusion proofs")
struct CheckpointTests {
    static func ledger() async throws -> (Ledger, URL) {
        let directory = try TestLedger.directory()
        let ledger = try await Ledger.create(TestLedger.configuration(in: directory))
        _ = try await ledger.append(Examples.submissionLines.prefix(20))
        return (ledger, directory)
    }

    /// The Merkle tree head as RFC 9162 §2.1.1 defines it, recursively: the reference the
    /// streaming accumulator and the audit paths are checked against.
    static func mth(_ leaves: ArraySlice<[UInt8]>) -> [UInt8] {
        if leaves.count == 1 { return MerkleTree.leafHash(leaves.first!) }
        var k = 1
        while k * 2 < leaves.count { k *= 2 }
        let split = leaves.startIndex + k
        return MerkleTree.nodeHash(mth(leaves[..<split]), mth(leaves[split...]))
    }

    @Test("the accumulator's root is RFC 9162's for every size from 1 to 70")
    func accumulator() {
        let hashes = (0..<70).map { Array(SHA256.hash(data: [UInt8(truncatingIfNeeded: $0)])) }
        var accumulator = MerkleTree.Accumulator()
        for size in 1...70 {
            accumulator.append(leaf: MerkleTree.leafHash(hashes[size - 1]))
            #expect(accumulator.root == Self.mth(hashes[..<size]), "size \(size)")
        }
    }

    @Test("every event's audit path leads to the root, for every tree that holds it")
    func auditPaths() async throws {
        let (ledger, _) = try await Self.ledger()
        let hashes = try await ledger.log.allEvents().map(\.hash)
        for size in [1, 2, 3, 7, 8, 13, 20] {
            let root = Self.mth(hashes[..<size])
            #expect(try await ledger.log.merkleRoot(size: Int64(size)) == root)
            for index in 0..<size {
                let path = try await ledger.log.auditPath(index: Int64(index), size: Int64(size))
                let leaf = MerkleTree.leafHash(hashes[index])
                #expect(MerkleTree.root(fromLeaf: leaf, index: Int64(index), size: Int64(size), path: path) == root, "\(index) of \(size)")
                if size > 1 {
                    #expect(MerkleTree.root(fromLeaf: leaf, index: Int64((index + 1) % size), size: Int64(size), path: path) != root)
                }
            }
        }
    }

    @Test("checkpoints verify, a later one extending an earlier, and a proof checks out against one")
    func verifyAndProve() async throws {
        let (ledger, directory) = try await Self.ledger()
        let key = directory.appendingPathComponent("signing.key").path
        let first = try await ledger.checkpoint(signingKey: key, createKey: true)
        #expect(first.treeSize == 20 && first.isSignatureValid)
        #expect(FileManager.default.fileExists(atPath: key))
        _ = try await ledger.append(Examples.submissionLines.dropFirst(20))
        let second = try await ledger.checkpoint(signingKey: key)
        #expect(second.publicKey == first.publicKey)
        let report = try await ledger.verify(checkpoints: [second, first])
        #expect(report.isIntact && report.checkpointsChecked == 2, "\(String(describing: report.problem))")

        let event = try #require(try await ledger.log.allEvents().dropFirst(4).first)
        let proof = try await ledger.prove(eventID: event.eventID, against: first)
        #expect(MerkleTree.root(fromLeaf: MerkleTree.leafHash(proof.event.hash), index: 4, size: 20, path: proof.auditPath) == first.rootHash)
        let reread = try Checkpoint(json: try JSONParser.parse(CanonicalJSON.string(first.json)))
        #expect(reread == first)
    }

    @Test("an event rewritten and the whole chain recomputed: verify alone passes, the checkpoint catches it")
    func rewrittenChain() async throws {
        let (ledger, directory) = try await Self.ledger()
        let checkpoint = try await ledger.checkpoint(signingKey: directory.appendingPathComponent("signing.key").path, createKey: true)
        let copy = directory.appendingPathComponent("earlier.sqlite").path
        _ = try await ledger.backup(to: copy)
        let events = try await ledger.log.allEvents()
        let path = TestLedger.configuration(in: directory).databasePath
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            try db.execute(sql: "DROP TRIGGER events_refuse_update")
            var previous = HashChain.genesis
            for event in events {
                // Who recorded event 7 changes: nothing any index or projection keeps.
                let actor = event.position == 7 ? "someone-else" : event.actor
                let data = event.data
                let forged = RecordedEvent(position: event.position, eventID: event.eventID, streamID: event.streamID,
                    streamVersion: event.streamVersion, type: event.type, schemaVersion: event.schemaVersion,
                    occurredAt: event.occurredAt, recordedAt: event.recordedAt, actor: actor, source: event.source,
                    correlationID: event.correlationID, causationID: event.causationID, data: data, hash: [])
                let hash = HashChain.hash(of: forged, previous: previous)
                try db.execute(sql: "UPDATE events SET actor = ?, hash = ? WHERE position = ?",
                               arguments: [actor, Data(hash), event.position])
                previous = hash
            }
            try db.execute(sql: "UPDATE ledger_head SET hash = ?", arguments: [Data(previous)])
        }
        try queue.close()
        let alone = try await ledger.verify()
        #expect(alone.isIntact, "\(String(describing: alone.problem))")
        let problem = try #require(try await ledger.verify(checkpoints: [checkpoint]).problem)
        #expect(problem == .checkpointMismatch(treeSize: 20, signedAt: checkpoint.signedAt))
        // An earlier copy names where the rewriting began.
        #expect(try await ledger.verify(checkpoints: [checkpoint], againstCopy: copy).problem == .differsFromCopy(position: 7))
        #expect(try await ledger.verify(againstCopy: copy).problem == .differsFromCopy(position: 7))
        await #expect(throws: CheckpointError.doesNotMatch(treeSize: 20)) {
            _ = try await ledger.prove(eventID: events[2].eventID, against: checkpoint)
        }
    }

    @Test("a checkpoint changed after signing proves nothing")
    func forged() async throws {
        let (ledger, directory) = try await Self.ledger()
        let checkpoint = try await ledger.checkpoint(signingKey: directory.appendingPathComponent("signing.key").path, createKey: true)
        guard case .object(var object) = checkpoint.json else { return }
        object["treeSize"] = .integer(19)
        let forged = try Checkpoint(json: .object(object))
        #expect(!forged.isSignatureValid)
        #expect(try await ledger.verify(checkpoints: [forged]).problem == .checkpointSignature(treeSize: 19))
    }
}
