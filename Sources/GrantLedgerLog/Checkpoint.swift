import Crypto
import Foundation
import GrantLedgerEvents

/// A signed statement of the log's state: its size, the root of the Merkle tree over its
/// events, and the hash of its last event, signed with an Ed25519 key kept apart from the
/// ledger. A finance bureau or an auditor keeps the small file it is written to; later,
/// `grants verify --checkpoint` proves nothing up to it changed, and `grants prove` shows one
/// event is in it to someone who holds neither the ledger nor the program.
///
/// The signature covers the UTF-8 of `grantledger-checkpoint/1`, the size in decimal, the root,
/// the head hash (hex) and the signing time, each followed by a line feed.
public struct Checkpoint: Sendable, Hashable {
    public static let format = "grantledger-checkpoint/1"

    public let treeSize: Int64
    public let rootHash: [UInt8]
    public let headHash: [UInt8]
    public let signedAt: Timestamp
    public let publicKey: [UInt8]
    public let signature: [UInt8]

    /// The bytes the signature covers.
    public static func message(treeSize: Int64, rootHash: [UInt8], headHash: [UInt8], signedAt: Timestamp) -> [UInt8] {
        Array("\(format)\n\(treeSize)\n\(Hex.string(rootHash))\n\(Hex.string(headHash))\n\(signedAt)\n".utf8)
    }

    /// Signs the tree of `treeSize` events.
    public init(treeSize: Int64, rootHash: [UInt8], headHash: [UInt8], signedAt: Timestamp, signer: CheckpointSigner) throws {
        self.treeSize = treeSize
        self.rootHash = rootHash
        self.headHash = headHash
        self.signedAt = signedAt
        self.publicKey = signer.publicKey
        self.signature = Array(try signer.key.signature(
            for: Self.message(treeSize: treeSize, rootHash: rootHash, headHash: headHash, signedAt: signedAt)))
    }

    /// Whether the signature is the public key's over the rest.
    public var isSignatureValid: Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        return key.isValidSignature(signature, for: Self.message(treeSize: treeSize, rootHash: rootHash, headHash: headHash, signedAt: signedAt))
    }

    /// The anchor a checkpoint makes: its last position and hash.
    public var anchor: Anchor { Anchor(position: treeSize, hash: headHash) }

    public var json: JSONValue {
        .object(JSONObject([
            "format": .string(Self.format), "treeSize": .integer(treeSize), "rootHash": .string(Hex.string(rootHash)),
            "headHash": .string(Hex.string(headHash)), "signedAt": .string(signedAt.description),
            "publicKey": .string(Hex.string(publicKey)), "signature": .string(Hex.string(signature)),
        ]))
    }

    /// A checkpoint file, read back; what is wrong with it is named by member.
    public init(json value: JSONValue) throws(CheckpointError) {
        guard case .object(let object) = value else { throw .malformed("it is not a JSON object") }
        guard object["format"]?.stringValue == Self.format else { throw .malformed("its format is not \(Self.format)") }
        func hex(_ key: String, bytes: Int) throws(CheckpointError) -> [UInt8] {
            guard let text = object[key]?.stringValue, let value = Hex.bytes(text), value.count == bytes else {
                throw .malformed("\(key) is not \(bytes * 2) hex digits")
            }
            return value
        }
        guard case .integer(let size)? = object["treeSize"], size >= 1 else { throw .malformed("treeSize is not a whole number from 1") }
        guard let text = object["signedAt"]?.stringValue, let signedAt = Timestamp(text) else {
            throw .malformed("signedAt is not a UTC time (YYYY-MM-DDTHH:MM:SS.mmmZ)")
        }
        treeSize = size
        rootHash = try hex("rootHash", bytes: 32)
        headHash = try hex("headHash", bytes: 32)
        self.signedAt = signedAt
        publicKey = try hex("publicKey", bytes: 32)
        signature = try hex("signature", bytes: 64)
    }
}

public enum CheckpointError: Error, Sendable, Hashable, CustomStringConvertible {
    case malformed(String)
    case noSigningKey(path: String)
    case badSigningKey(path: String)
    case logNotIntact(VerificationReport.Problem)
    case emptyLog
    case beyondLog(treeSize: Int64, head: Int64)
    case doesNotMatch(treeSize: Int64)
    case unknownEvent(String)
    case eventAfterCheckpoint(position: Int64, treeSize: Int64)

    public var description: String {
        switch self {
        case .malformed(let reason): "the checkpoint is not one `grants checkpoint` wrote: \(reason)"
        case .noSigningKey(let path): "there is no signing key at \(path): create one with --new-key, and keep it apart from the ledger"
        case .badSigningKey(let path): "the signing key file \(path) should hold 64 hex digits (an Ed25519 private key)"
        case .logNotIntact(let problem): "the log is not intact, so it cannot be signed: \(problem)"
        case .emptyLog: "the log is empty: there is nothing to sign"
        case .beyondLog(let size, let head): "the checkpoint covers \(size) events, but the log ends at position \(head): events were removed since"
        case .doesNotMatch(let size): "the log's first \(size) events are not the ones the checkpoint signed: the log was rewritten"
        case .unknownEvent(let id): "no event \(id) in the log"
        case .eventAfterCheckpoint(let position, let size):
            "the event is at position \(position), after the checkpoint's \(size) events: make a newer checkpoint"
        }
    }
}

/// The Ed25519 key checkpoints are signed with, kept in a file of its own (64 hex digits, the
/// private key), apart from the ledger and its pseudonym key: whoever holds it can vouch for a
/// ledger's state.
// Unchecked: swift-crypto's key type is not marked `Sendable`, but it is an immutable value.
public struct CheckpointSigner: @unchecked Sendable {
    let key: Curve25519.Signing.PrivateKey
    public var publicKey: [UInt8] { Array(key.publicKey.rawRepresentation) }

    public init(key: Curve25519.Signing.PrivateKey) { self.key = key }

    /// Reads the key file, or with `create` makes a new key there (owner-only) if none is.
    public static func load(path: String, create: Bool) throws(CheckpointError) -> CheckpointSigner {
        let manager = FileManager.default
        if !manager.fileExists(atPath: path) {
            guard create else { throw .noSigningKey(path: path) }
            let key = Curve25519.Signing.PrivateKey()
            guard manager.createFile(atPath: path, contents: Data((Hex.string(Array(key.rawRepresentation)) + "\n").utf8),
                                     attributes: [.posixPermissions: 0o600])
            else { throw .noSigningKey(path: path) }
            return CheckpointSigner(key: key)
        }
        guard let contents = manager.contents(atPath: path),
              let bytes = Hex.bytes(String(decoding: contents, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)),
              let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: bytes)
        else { throw .badSigningKey(path: path) }
        return CheckpointSigner(key: key)
    }
}

/// What `grants prove` writes: one event, the hash before it, its audit path, and the
/// checkpoint it leads to; `Tools/verify-proof.py` checks it without the ledger.
public struct InclusionProof: Sendable {
    public static let format = "grantledger-proof/1"
    public let event: RecordedEvent
    public let previousHash: [UInt8]
    public let auditPath: [[UInt8]]
    public let checkpoint: Checkpoint

    public var json: JSONValue {
        var event: [JSONObject.Member] = [
            ("position", .integer(self.event.position)), ("eventId", .string(self.event.eventID)),
            ("streamId", .string(self.event.streamID)), ("streamVersion", .integer(self.event.streamVersion)),
            ("type", .string(self.event.type)), ("schemaVersion", .integer(Int64(self.event.schemaVersion))),
            ("occurredAt", .string(self.event.occurredAt.description)), ("recordedAt", .string(self.event.recordedAt.description)),
            ("actor", .string(self.event.actor)), ("source", .string(self.event.source)),
            ("data", .string(String(decoding: self.event.data, as: UTF8.self))),
        ]
        if let id = self.event.correlationID { event.append(("correlationId", .string(id))) }
        if let id = self.event.causationID { event.append(("causationId", .string(id))) }
        return .object(JSONObject([
            "format": .string(Self.format), "event": .object(JSONObject(unsortedMembers: event)!),
            "previousHash": .string(Hex.string(previousHash)), "eventHash": .string(Hex.string(self.event.hash)),
            "leafIndex": .integer(self.event.position - 1), "treeSize": .integer(checkpoint.treeSize),
            "auditPath": .array(auditPath.map { .string(Hex.string($0)) }), "checkpoint": checkpoint.json,
        ]))
    }
}

extension EventLog {
    /// Signs the log as it stands, once it verifies.
    public func checkpoint(signer: CheckpointSigner, at time: Timestamp) async throws -> Checkpoint {
        let report = try await verify()
        if let problem = report.problem { throw CheckpointError.logNotIntact(problem) }
        guard let head = report.head, let root = try await merkleRoot(size: head.position) else { throw CheckpointError.emptyLog }
        return try Checkpoint(treeSize: head.position, rootHash: root, headHash: head.hash, signedAt: time, signer: signer)
    }

    /// The proof that the event `eventID` is in the tree `checkpoint` signed. The path is
    /// checked against the checkpoint's root before it is handed out: a log that no longer
    /// matches the checkpoint proves nothing.
    public func prove(eventID: String, against checkpoint: Checkpoint) async throws -> InclusionProof {
        guard let event = try await event(withID: eventID) else { throw CheckpointError.unknownEvent(eventID) }
        guard event.position <= checkpoint.treeSize else {
            throw CheckpointError.eventAfterCheckpoint(position: event.position, treeSize: checkpoint.treeSize)
        }
        let head = try await storage.lastEvent()?.position ?? 0
        guard head >= checkpoint.treeSize else { throw CheckpointError.beyondLog(treeSize: checkpoint.treeSize, head: head) }
        let previous = event.position == 1 ? HashChain.genesis
            : try await storage.read { reader in try await reader.event(at: event.position - 1) }?.hash ?? HashChain.genesis
        guard HashChain.hash(of: event, previous: previous) == event.hash else {
            throw CheckpointError.logNotIntact(.altered(position: event.position))
        }
        let path = try await auditPath(index: event.position - 1, size: checkpoint.treeSize)
        guard MerkleTree.root(fromLeaf: MerkleTree.leafHash(event.hash), index: event.position - 1, size: checkpoint.treeSize,
                              path: path) == checkpoint.rootHash
        else { throw CheckpointError.doesNotMatch(treeSize: checkpoint.treeSize) }
        return InclusionProof(event: event, previousHash: previous, auditPath: path, checkpoint: checkpoint)
    }
}
