import Crypto
import Foundation
import GrantLedgerEvents

/// Replaces resident IDs with stable keyed pseudonyms: `P` and the first 24 hex digits of
/// HMAC-SHA256(key, resident ID).
///
/// The key is what stands between a pseudonym and the person: keep it apart from copies of the
/// log handed to auditors (who can verify and rebuild without it). Without the key, nobody can
/// test a guessed resident ID against the log.
public struct Pseudonymizer: Sendable {
    // Kept as bytes: `SymmetricKey` is not `Sendable` in swift-crypto 3.
    private let keyBytes: [UInt8]
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    public init(key: [UInt8]) throws(LogError) {
        guard key.count >= 32 else { throw LogError.badKey(reason: "a pseudonym key has at least 32 bytes, this one has \(key.count)") }
        self.keyBytes = key
    }

    public func pseudonym(for id: ResidentID) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(id.digits.utf8), using: key)
        return "P" + Hex.string(Array(mac).prefix(12))
    }

    /// A fingerprint of the key, stored in the log so that a wrong key is noticed before it
    /// makes pseudonyms that match nothing already recorded.
    public var fingerprint: String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array("grantledger key fingerprint".utf8), using: key)
        return Hex.string(Array(mac).prefix(8))
    }

    /// Reads a key file (64 hex digits), creating it with a fresh random key if asked to.
    public static func load(keyFile path: String, createIfMissing: Bool) throws(LogError) -> Pseudonymizer {
        let manager = FileManager.default
        if !manager.fileExists(atPath: path) {
            guard createIfMissing else { throw LogError.missingKey(path: path) }
            var generator = SystemRandomNumberGenerator()
            let key = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let created = manager.createFile(
                atPath: path, contents: Data((Hex.string(key) + "\n").utf8), attributes: [.posixPermissions: 0o600])
            guard created else { throw LogError.badKey(reason: "could not create the key file \(path)") }
            return try Pseudonymizer(key: key)
        }
        guard let contents = manager.contents(atPath: path) else {
            throw LogError.badKey(reason: "cannot read the key file \(path)")
        }
        let text = String(decoding: contents, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let key = Hex.bytes(text) else {
            throw LogError.badKey(reason: "the key file \(path) should hold 64 hex digits")
        }
        return try Pseudonymizer(key: key)
    }
}
