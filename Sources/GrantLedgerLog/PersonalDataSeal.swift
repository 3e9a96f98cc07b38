import Crypto
import GrantLedgerEvents

/// Resident IDs and names as the log stores them: sealed with AES-256-GCM under a key derived
/// from the pseudonym key (HKDF-SHA256), so that a copy of the ledger without its key file
/// reveals neither. Each record is bound to its pseudonym (the associated data): a sealed
/// record moved to another pseudonym, or changed at all, does not open.
///
/// The plaintext is one byte saying whether a name follows, the 18 characters of the resident
/// ID, then the name in UTF-8. Each seal draws a fresh 96-bit nonce.
public struct PersonalDataSeal: Sendable {
    /// The derived key's bytes (swift-crypto's `SymmetricKey` is not `Sendable`).
    private let keyBytes: [UInt8]
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    init(pseudonymKey: [UInt8]) {
        keyBytes = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: pseudonymKey), info: Array("grantledger personal data v1".utf8), outputByteCount: 32
        ).withUnsafeBytes { Array($0) }
    }

    public func seal(_ record: PersonalRecord) throws -> SealedPersonalRecord {
        var plain: [UInt8] = [record.name == nil ? 0 : 1]
        plain += Array(record.residentID.digits.utf8)
        if let name = record.name { plain += Array(name.utf8) }
        let box = try AES.GCM.seal(plain, using: key, authenticating: Array(record.pseudonym.utf8))
        guard let combined = box.combined else { throw LogError.badKey(reason: "AES-GCM gave no combined box") }
        return SealedPersonalRecord(pseudonym: record.pseudonym, sealed: Array(combined), named: record.name != nil)
    }

    /// The record sealed under `pseudonym`; throws ``LogError/unsealablePersonalData(pseudonym:)``
    /// when the bytes were changed or sealed under another key.
    public func open(_ sealed: [UInt8], pseudonym: String) throws(LogError) -> PersonalRecord {
        guard let box = try? AES.GCM.SealedBox(combined: sealed),
              let plain = try? Array(AES.GCM.open(box, using: key, authenticating: Array(pseudonym.utf8))),
              plain.count >= 19, plain[0] <= 1,
              let id = try? ResidentID(validating: String(decoding: plain[1..<19], as: UTF8.self))
        else { throw LogError.unsealablePersonalData(pseudonym: pseudonym) }
        let name = plain[0] == 1 ? String(decoding: plain[19...], as: UTF8.self) : nil
        return PersonalRecord(pseudonym: pseudonym, residentID: id, name: name)
    }
}

/// A person's record as the storage keeps it: sealed (``PersonalDataSeal``), with whether it
/// holds a name (a record without one leaves a name already held in place).
public struct SealedPersonalRecord: Sendable, Hashable {
    public let pseudonym: String
    public let sealed: [UInt8]
    public let named: Bool

    public init(pseudonym: String, sealed: [UInt8], named: Bool) {
        self.pseudonym = pseudonym
        self.sealed = sealed
        self.named = named
    }
}
