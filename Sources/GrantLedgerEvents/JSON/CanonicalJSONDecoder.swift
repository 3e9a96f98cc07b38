/// Decodes `Decodable` values straight from JSON bytes, without building a ``JSONValue`` tree.
///
/// Reading the log decodes every stored event, and building the tree first (a `String` per key,
/// an array per object) was most of that cost. This decoder indexes an object's members as byte
/// ranges, compares keys as bytes, and creates only the values the type asks for. It is meant
/// for data the log wrote (canonical JSON); anything it does not expect makes it throw, and
/// ``EventCatalog/decode(type:version:canonicalData:)`` then decodes the slow, exact way.
public struct CanonicalJSONDecoder {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        let source = ByteSource(bytes)
        var index = 0
        source.skipWhitespace(&index)
        return try T(from: ByteDecoder(source: source, start: index))
    }
}

/// Thrown when the bytes are not what the fast path handles; the caller falls back.
struct UnexpectedJSON: Error {
    let offset: Int
}

final class ByteSource {
    let bytes: [UInt8]
    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func skipWhitespace(_ i: inout Int) {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    func byte(at i: Int) throws -> UInt8 {
        guard i < bytes.count else { throw UnexpectedJSON(offset: i) }
        return bytes[i]
    }

    /// The index just past the string starting at `i` (which is its opening quote), whether
    /// it contains escapes, and whether all of it is ASCII.
    func endOfString(from i: Int) throws -> (end: Int, escaped: Bool, ascii: Bool) {
        var j = i + 1
        var escaped = false
        var high: UInt8 = 0
        while j < bytes.count {
            let byte = bytes[j]
            switch byte {
            case UInt8(ascii: "\""): return (j + 1, escaped, high < 0x80)
            case UInt8(ascii: "\\"):
                escaped = true
                j += 2
            default:
                high |= byte
                j += 1
            }
        }
        throw UnexpectedJSON(offset: i)
    }

    /// The index just past the value starting at `i`.
    func endOfValue(from i: Int) throws -> Int {
        switch try byte(at: i) {
        case UInt8(ascii: "\""): return try endOfString(from: i).end
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var j = i
            while j < bytes.count {
                switch bytes[j] {
                case UInt8(ascii: "\""): j = try endOfString(from: j).end; continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return j + 1 }
                default: break
                }
                j += 1
            }
            throw UnexpectedJSON(offset: i)
        default:
            var j = i
            while j < bytes.count {
                switch bytes[j] {
                case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x0A, 0x0D, 0x09: return j
                default: j += 1
                }
            }
            return j
        }
    }

    func string(at i: Int) throws -> String {
        guard try byte(at: i) == UInt8(ascii: "\"") else { throw UnexpectedJSON(offset: i) }
        let (end, escaped, ascii) = try endOfString(from: i)
        if !escaped {
            let string = bytes.withUnsafeBufferPointer { all in
                String(utf8: UnsafeBufferPointer(rebasing: all[(i + 1)..<(end - 1)]), allASCII: ascii)
            }
            guard let string else { throw UnexpectedJSON(offset: i) }
            return string
        }
        guard case .string(let string) = try JSONParser.parse(bytes[i..<end]) else { throw UnexpectedJSON(offset: i) }
        return string
    }

    func integer(at i: Int) throws -> Int64 {
        var j = i
        var negative = false
        if try byte(at: j) == UInt8(ascii: "-") {
            negative = true
            j += 1
        }
        var value: Int64 = 0
        var digits = 0
        while j < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[j]) {
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = times10.subtractingReportingOverflow(Int64(bytes[j] - UInt8(ascii: "0")))
            guard !o1, !o2 else { throw UnexpectedJSON(offset: i) }
            value = next
            digits += 1
            j += 1
        }
        // The number must end here: "1.5" or "1e3" is not an integer.
        if j < bytes.count {
            switch bytes[j] {
            case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x0A, 0x0D, 0x09: break
            default: throw UnexpectedJSON(offset: i)
            }
        }
        guard digits > 0 else { throw UnexpectedJSON(offset: i) }
        if negative { return value }
        guard value != .min else { throw UnexpectedJSON(offset: i) }
        return -value
    }

    func isNull(at i: Int) -> Bool {
        i + 4 <= bytes.count && bytes[i] == UInt8(ascii: "n") && bytes[i + 1] == UInt8(ascii: "u")
    }

    /// The members of the object starting at `i`: key byte ranges and value starts.
    func members(ofObjectAt i: Int) throws -> [Member] {
        guard try byte(at: i) == UInt8(ascii: "{") else { throw UnexpectedJSON(offset: i) }
        var members: [Member] = []
        members.reserveCapacity(12)
        var j = i + 1
        skipWhitespace(&j)
        if try byte(at: j) == UInt8(ascii: "}") { return members }
        while true {
            skipWhitespace(&j)
            guard try byte(at: j) == UInt8(ascii: "\"") else { throw UnexpectedJSON(offset: j) }
            let (keyEnd, escaped, _) = try endOfString(from: j)
            guard !escaped else { throw UnexpectedJSON(offset: j) }
            var k = keyEnd
            skipWhitespace(&k)
            guard try byte(at: k) == UInt8(ascii: ":") else { throw UnexpectedJSON(offset: k) }
            k += 1
            skipWhitespace(&k)
            members.append(Member(keyStart: j + 1, keyEnd: keyEnd - 1, value: k))
            j = try endOfValue(from: k)
            skipWhitespace(&j)
            switch try byte(at: j) {
            case UInt8(ascii: ","): j += 1
            case UInt8(ascii: "}"): return members
            default: throw UnexpectedJSON(offset: j)
            }
        }
    }

    /// The start of each element of the array starting at `i`.
    func elements(ofArrayAt i: Int) throws -> [Int] {
        guard try byte(at: i) == UInt8(ascii: "[") else { throw UnexpectedJSON(offset: i) }
        var starts: [Int] = []
        var j = i + 1
        skipWhitespace(&j)
        if try byte(at: j) == UInt8(ascii: "]") { return starts }
        while true {
            skipWhitespace(&j)
            starts.append(j)
            j = try endOfValue(from: j)
            skipWhitespace(&j)
            switch try byte(at: j) {
            case UInt8(ascii: ","): j += 1
            case UInt8(ascii: "]"): return starts
            default: throw UnexpectedJSON(offset: j)
            }
        }
    }

    struct Member {
        let keyStart: Int
        let keyEnd: Int
        let value: Int
    }

    /// The value start of the member named `key`, or nil.
    func find(_ key: String, in members: [Member]) -> Int? {
        var key = key
        return key.withUTF8 { utf8 -> Int? in
            for member in members where member.keyEnd - member.keyStart == utf8.count {
                var equal = true
                for offset in 0..<utf8.count where bytes[member.keyStart + offset] != utf8[offset] {
                    equal = false
                    break
                }
                if equal { return member.value }
            }
            return nil
        }
    }
}

private struct ByteDecoder: Decoder {
    let source: ByteSource
    let start: Int
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(ByteKeyedContainer(source: source, members: try source.members(ofObjectAt: start)))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        ByteUnkeyedContainer(source: source, starts: try source.elements(ofArrayAt: start))
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        ByteSingleContainer(source: source, start: start)
    }
}

private struct ByteKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let source: ByteSource
    let members: [ByteSource.Member]
    var codingPath: [any CodingKey] { [] }

    var allKeys: [Key] {
        members.compactMap {
            Key(stringValue: String(decoding: source.bytes[$0.keyStart..<$0.keyEnd], as: UTF8.self))
        }
    }

    func contains(_ key: Key) -> Bool { source.find(key.stringValue, in: members) != nil }

    func start(of key: Key) throws -> Int {
        guard let start = source.find(key.stringValue, in: members) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: [], debugDescription: "no member \"\(key.stringValue)\""))
        }
        return start
    }

    func present(_ key: Key) -> Int? {
        guard let start = source.find(key.stringValue, in: members), !source.isNull(at: start) else { return nil }
        return start
    }

    func decodeNil(forKey key: Key) throws -> Bool { present(key) == nil }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try source.string(at: start(of: key)) }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try ByteSingleContainer(source: source, start: start(of: key)).decode(type) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try ByteSingleContainer(source: source, start: start(of: key)).decode(type) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try source.integer(at: start(of: key)) }

    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
        try present(key).map { try source.string(at: $0) }
    }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
        try present(key).map { try ByteSingleContainer(source: source, start: $0).decode(type) }
    }
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
        try present(key).map { try ByteSingleContainer(source: source, start: $0).decode(type) }
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try T(from: ByteDecoder(source: source, start: start(of: key)))
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        try present(key).map { try T(from: ByteDecoder(source: source, start: $0)) }
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try ByteDecoder(source: source, start: start(of: key)).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try ByteDecoder(source: source, start: start(of: key)).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { throw UnexpectedJSON(offset: 0) }
    func superDecoder(forKey key: Key) throws -> any Decoder { ByteDecoder(source: source, start: try start(of: key)) }
}

private struct ByteUnkeyedContainer: UnkeyedDecodingContainer {
    let source: ByteSource
    let starts: [Int]
    var currentIndex = 0
    var codingPath: [any CodingKey] { [] }
    var count: Int? { starts.count }
    var isAtEnd: Bool { currentIndex >= starts.count }

    init(source: ByteSource, starts: [Int]) {
        self.source = source
        self.starts = starts
    }

    mutating func next() throws -> Int {
        guard !isAtEnd else { throw UnexpectedJSON(offset: 0) }
        defer { currentIndex += 1 }
        return starts[currentIndex]
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, source.isNull(at: starts[currentIndex]) else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: String.Type) throws -> String { try source.string(at: next()) }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try T(from: ByteDecoder(source: source, start: next()))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try ByteDecoder(source: source, start: next()).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try ByteDecoder(source: source, start: next()).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder { ByteDecoder(source: source, start: try next()) }
}

private struct ByteSingleContainer: SingleValueDecodingContainer {
    let source: ByteSource
    let start: Int
    var codingPath: [any CodingKey] { [] }

    func decodeNil() -> Bool { source.isNull(at: start) }
    func decode(_ type: String.Type) throws -> String { try source.string(at: start) }

    func decode(_ type: Bool.Type) throws -> Bool {
        switch try source.byte(at: start) {
        case UInt8(ascii: "t"): return true
        case UInt8(ascii: "f"): return false
        default: throw UnexpectedJSON(offset: start)
        }
    }

    func decode(_ type: Int64.Type) throws -> Int64 { try source.integer(at: start) }
    func decode(_ type: Int.Type) throws -> Int { try exactly(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try exactly(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try exactly(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try exactly(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try exactly(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try exactly(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try exactly(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try exactly(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try exactly(type) }
    func decode(_ type: Double.Type) throws -> Double { Double(try source.integer(at: start)) }
    func decode(_ type: Float.Type) throws -> Float { Float(try source.integer(at: start)) }

    private func exactly<I: FixedWidthInteger>(_ type: I.Type) throws -> I {
        guard let value = I(exactly: try source.integer(at: start)) else { throw UnexpectedJSON(offset: start) }
        return value
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try T(from: ByteDecoder(source: source, start: start))
    }
}
