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
    private let keyBytes: [UInt8]
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }
    /// HMAC state after absorbing the key, copied for each pseudonym: setting up the key is
    /// most of the cost of a short HMAC. swift-crypto's digests are copy-on-write values and
    /// this one is never mutated, so sharing it across threads is safe.
    nonisolated(unsafe) private let keyed: HMAC<SHA256>

    /// Seals the resident IDs and names the log keeps, under a key derived from this one.
    public let personalData: PersonalDataSeal

    public init(key: [UInt8]) throws(LogError) {
        guard key.count >= 32 else { throw LogError.badKey(reason: "a pseudonym key has at least 32 bytes, this one has \(key.count)") }
        self.keyBytes = key
        self.keyed = HMAC<SHA256>(key: SymmetricKey(data: key))
        self.personalData = PersonalDataSeal(pseudonymKey: key)
    }

    public func pseudonym(for id: ResidentID) -> String {
        var mac = keyed
        var digits = id.digits
        digits.withUTF8 { mac.update(data: UnsafeRawBufferPointer($0)) }
        let code = mac.finalize()
        return code.withUnsafeBytes { bytes in
            String(unsafeUninitializedCapacity: 25) { out in
                out[0] = UInt8(ascii: "P")
                for i in 0..<12 {
                    out[1 + 2 * i] = Hex.digit(bytes[i] >> 4)
                    out[2 + 2 * i] = Hex.digit(bytes[i] & 0x0F)
                }
                return 25
            }
        }
    }

    /// A keyed digest of the names an event gave beside its people, which the log does not keep:
    /// stored with the event, so that the same event id sent again with another name is told
    /// apart from a true resend. Nil when the event gave no name. Without the key it reveals
    /// nothing; `forget` erases it with the person's data.
    public func namesDigest(eventID: String, people: [PersonReference]) -> [UInt8]? {
        let named = people.compactMap { person in person.name.map { (person.pseudonym, $0) } }.sorted { $0.0 < $1.0 }
        guard !named.isEmpty else { return nil }
        var mac = keyed
        var text = "grantledger names\u{0}\(eventID)"
        for (pseudonym, name) in named { text += "\u{0}\(pseudonym)\u{0}\(name)" }
        mac.update(data: Array(text.utf8))
        return Array(mac.finalize())
    }

    /// A fingerprint of the key, stored in the log so that a wrong key is noticed before it
    /// makes pseudonyms that match nothing already recorded.
    public var fingerprint: String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array("grantledger key fingerprint".utf8), using: key)
        return Hex.string(Array(Array(mac).prefix(8)))
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
