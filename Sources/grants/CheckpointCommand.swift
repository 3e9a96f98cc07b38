import ArgumentParser
import Foundation
import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerService

struct CheckpointCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Sign the log's state into a small file for a finance bureau or an auditor to keep.",
        discussion: """
            Verifies the log, then writes its size, the root of the Merkle tree over its events \
            and its head hash, signed with the Ed25519 key in --signing-key: a file of its own, \
            kept apart from the ledger and its pseudonym key (--new-key makes one there). Later, \
            `grants verify --checkpoint FILE` proves that nothing up to the checkpoint changed, and \
            `grants prove EVENT-ID --checkpoint FILE` shows one event is in it to anyone, with \
            Tools/verify-proof.py and without the ledger.
            Exit status: 0 when the checkpoint is written.
            """)

    @Option(name: .long, help: "The Ed25519 signing key file (64 hex digits).")
    var signingKey: String

    @Flag(name: .long, help: "Make a new signing key at --signing-key if there is none.")
    var newKey = false

    @Option(name: .long, help: "Where to write the checkpoint (default checkpoint-<size>.json); never overwritten.")
    var out: String?

    @OptionGroup var ledger: LedgerOptions

    func run() async throws {
        let checkpoint = try await ledger.open().checkpoint(signingKey: signingKey, createKey: newKey)
        let path = out ?? "checkpoint-\(checkpoint.treeSize).json"
        try ProofFile.write(PrettyJSON.string(checkpoint.json) + "\n", to: path)
        print("Signed \(checkpoint.treeSize) events into \(path): root \(Hex.string(checkpoint.rootHash)), head \(checkpoint.treeSize):\(Hex.string(checkpoint.headHash)).")
        print("Signer's public key: \(Hex.string(checkpoint.publicKey)). Publish it; keep \(signingKey) apart from the ledger.")
    }
}

struct ProveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prove",
        abstract: "Write the proof that one event is in the log a checkpoint signed.",
        discussion: """
            The proof holds the event as it is hashed, the hash before it, the Merkle audit path \
            from it to the checkpoint's root, and the checkpoint: `python3 Tools/verify-proof.py \
            PROOF --public-key KEY` checks it without the ledger, the program or the other events.
            Exit status: 0 when the proof is written.
            """)

    @Argument(help: "The event's id.")
    var eventID: String

    @Option(name: .long, help: "The checkpoint file (from `grants checkpoint`) to prove against.")
    var checkpoint: String

    @Option(name: .long, help: "Where to write the proof (default proof-<event id>.json); never overwritten.")
    var out: String?

    @OptionGroup var ledger: LedgerOptions

    func run() async throws {
        let signed = try ProofFile.checkpoint(at: checkpoint)
        let proof = try await ledger.open().prove(eventID: eventID, against: signed)
        let path = out ?? "proof-\(proof.event.eventID).json"
        try ProofFile.write(PrettyJSON.string(proof.json) + "\n", to: path)
        print("Wrote \(path): event \(proof.event.eventID) at position \(proof.event.position), \(proof.auditPath.count) hashes to the root of \(signed.treeSize) events.")
        print("Check it without the ledger: python3 Tools/verify-proof.py \(path) --public-key \(Hex.string(signed.publicKey))")
    }
}

/// Checkpoint and proof files: read with the file named in any error, written without ever
/// replacing a file.
enum ProofFile {
    static func checkpoint(at path: String) throws -> Checkpoint {
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw CommandError("cannot read the checkpoint \(path): check the path")
        }
        do {
            return try Checkpoint(json: try JSONParser.parse(bytes))
        } catch let error as CheckpointError {
            throw CommandError("\(path): \(error)")
        } catch {
            throw CommandError("\(path): the checkpoint is not JSON (\(error))")
        }
    }

    static func write(_ text: String, to path: String) throws {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw CommandError("\(path) already exists: give another --out, or move it away first")
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
            throw CommandError("cannot write \(path): check that its directory exists and is writable")
        }
    }
}
