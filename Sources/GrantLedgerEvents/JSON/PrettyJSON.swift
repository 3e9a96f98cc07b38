/// An indented rendering of a ``JSONValue`` for files people read (schemas, examples).
///
/// Two spaces per level, `": "` after member names, members in the order ``JSONObject``
/// keeps them (sorted by key), strings escaped exactly as ``CanonicalJSON`` escapes them,
/// empty containers as `{}` and `[]`, and a final newline. The output is the same as Python's
/// `json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)` plus a newline.
public enum PrettyJSON {
    /// The indented text of `value`, ending in a newline.
    public static func string(_ value: JSONValue) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        append(value, indent: 0, to: &out)
        out.append(UInt8(ascii: "\n"))
        return String(decoding: out, as: UTF8.self)
    }

    private static func append(_ value: JSONValue, indent: Int, to out: inout [UInt8]) {
        switch value {
        case .array(let elements) where !elements.isEmpty:
            out.append(UInt8(ascii: "["))
            for (i, element) in elements.enumerated() {
                out.append(contentsOf: i == 0 ? [0x0A] : [UInt8(ascii: ","), 0x0A])
                pad(indent + 1, &out)
                append(element, indent: indent + 1, to: &out)
            }
            out.append(0x0A)
            pad(indent, &out)
            out.append(UInt8(ascii: "]"))
        case .object(let object) where !object.isEmpty:
            out.append(UInt8(ascii: "{"))
            for (i, member) in object.members.enumerated() {
                out.append(contentsOf: i == 0 ? [0x0A] : [UInt8(ascii: ","), 0x0A])
                pad(indent + 1, &out)
                CanonicalJSON.appendString(member.key, to: &out)
                out.append(contentsOf: [UInt8(ascii: ":"), UInt8(ascii: " ")])
                append(member.value, indent: indent + 1, to: &out)
            }
            out.append(0x0A)
            pad(indent, &out)
            out.append(UInt8(ascii: "}"))
        default:
            CanonicalJSON.append(value, to: &out)
        }
    }

    private static func pad(_ indent: Int, _ out: inout [UInt8]) {
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * 2))
    }
}
