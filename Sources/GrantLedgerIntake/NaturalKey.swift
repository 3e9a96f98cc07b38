import Crypto
import GrantLedgerEvents

/// Event ids derived from what a row is about, so that sending a row again, or a file that
/// overlaps an earlier one, gives the same id and the log appends it once.
///
/// The id is a name-based UUID, version 5 (RFC 9562 §5.5: SHA-1 of a namespace and a name), in
/// the namespace ``namespace``, with the name `<event type>:<key part>|<key part>|…`. Anyone
/// can compute the id of a key without persons (a target: `target.set:JJ-2019-79-A1-2021-陈埭镇`),
/// e.g. with Python's `uuid.uuid5`. A part that is a person is first replaced by the ledger's
/// pseudonym for them: an id made from a raw resident ID could be reversed by trying every
/// plausible ID, and event ids are printed and shared freely.
public enum NaturalKey {
    /// GrantLedger's namespace for natural-key event ids.
    public static let namespace = "c4cc2d81-6bb8-4996-8fc5-d8b19d485f62"
    private static let namespaceBytes = UUIDText.parse(namespace)!

    /// The name hashed for an event of `type` whose natural key is `parts`.
    public static func name(type: String, parts: [String]) -> String {
        type + ":" + parts.joined(separator: "|")
    }

    /// The event id (lower-case UUID text) for an event of `type` with natural key `parts`.
    public static func eventID(type: String, parts: [String]) -> String {
        uuid5(name: name(type: type, parts: parts))
    }

    /// RFC 9562 version 5 UUID of `name` in GrantLedger's namespace.
    public static func uuid5(name: String) -> String {
        var hash = Insecure.SHA1()
        hash.update(data: namespaceBytes)
        hash.update(data: Array(name.utf8))
        var bytes = Array(hash.finalize().prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50  // version 5
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 9562 variant
        return UUIDText.format(bytes)
    }
}
