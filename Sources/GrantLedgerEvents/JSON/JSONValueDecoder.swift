/// Decodes `Decodable` types straight from a parsed ``JSONValue``.
///
/// Event payloads are validated against their catalog definition before they are decoded, so
/// this decoder only has to be correct and fast; its errors are ordinary `DecodingError`s.
/// It implements the concrete `decode(String.self, …)`-style requirements that synthesized
/// `init(from:)` calls, and builds coding paths only when it throws: reading a million events
/// decodes ten million fields, and each generic cast or path array showed in the profile.
public struct JSONValueDecoder {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        try T(from: ValueDecoder(value: value, path: .root))
    }
}

/// A coding path kept as a linked list of parents, turned into `[CodingKey]` only on demand.
private final class PathNode: @unchecked Sendable {
    let parent: PathNode?
    let key: (any CodingKey)?
    init(parent: PathNode?, key: (any CodingKey)?) {
        self.parent = parent
        self.key = key
    }
    static let root = PathNode(parent: nil, key: nil)

    func appending(_ key: any CodingKey) -> PathNode { PathNode(parent: self, key: key) }

    var keys: [any CodingKey] {
        var keys: [any CodingKey] = []
        var node: PathNode? = self
        while let current = node, let key = current.key {
            keys.append(key)
            node = current.parent
        }
        return keys.reversed()
    }
}

private struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }
}

private struct ValueDecoder: Decoder {
    let value: JSONValue
    let path: PathNode
    var codingPath: [any CodingKey] { path.keys }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let object) = value else { throw mismatch(JSONObject.self, value, path) }
        return KeyedDecodingContainer(KeyedContainer(object: object, path: path))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = value else { throw mismatch([JSONValue].self, value, path) }
        return UnkeyedContainer(elements: elements, path: path)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleContainer(value: value, path: path)
    }
}

private func mismatch(_ type: Any.Type, _ value: JSONValue, _ path: PathNode) -> DecodingError {
    .typeMismatch(type, .init(codingPath: path.keys, debugDescription: "expected \(type), found \(value.kindName)"))
}

private func string(_ value: JSONValue, _ path: @autoclosure () -> PathNode) throws -> String {
    guard case .string(let s) = value else { throw mismatch(String.self, value, path()) }
    return s
}

private func bool(_ value: JSONValue, _ path: @autoclosure () -> PathNode) throws -> Bool {
    guard case .bool(let b) = value else { throw mismatch(Bool.self, value, path()) }
    return b
}

private func integer<I: FixedWidthInteger>(_ type: I.Type, _ value: JSONValue, _ path: @autoclosure () -> PathNode) throws -> I {
    guard case .integer(let i) = value else { throw mismatch(type, value, path()) }
    guard let exact = I(exactly: i) else {
        throw DecodingError.dataCorrupted(.init(codingPath: path().keys, debugDescription: "\(i) does not fit in \(type)"))
    }
    return exact
}

private struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let object: JSONObject
    let path: PathNode

    var codingPath: [any CodingKey] { path.keys }
    var allKeys: [Key] { object.keys.compactMap { Key(stringValue: $0) } }
    func contains(_ key: Key) -> Bool { object[key.stringValue] != nil }

    @inline(__always)
    func value(for key: Key) throws -> JSONValue {
        guard let value = object[key.stringValue] else {
            throw DecodingError.keyNotFound(
                key, .init(codingPath: path.keys, debugDescription: "no member \"\(key.stringValue)\""))
        }
        return value
    }

    func decodeNil(forKey key: Key) throws -> Bool { (object[key.stringValue] ?? .null) == .null }

    func decode(_ type: String.Type, forKey key: Key) throws -> String { try string(value(for: key), path.appending(key)) }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try bool(value(for: key), path.appending(key)) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try integer(type, value(for: key), path.appending(key)) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try integer(type, value(for: key), path.appending(key)) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try integer(type, value(for: key), path.appending(key)) }

    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
        guard let value = object[key.stringValue], value != .null else { return nil }
        return try string(value, path.appending(key))
    }
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
        guard let value = object[key.stringValue], value != .null else { return nil }
        return try bool(value, path.appending(key))
    }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
        guard let value = object[key.stringValue], value != .null else { return nil }
        return try integer(type, value, path.appending(key))
    }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? {
        guard let value = object[key.stringValue], value != .null else { return nil }
        return try integer(type, value, path.appending(key))
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try T(from: ValueDecoder(value: value(for: key), path: path.appending(key)))
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let value = object[key.stringValue], value != .null else { return nil }
        return try T(from: ValueDecoder(value: value, path: path.appending(key)))
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try ValueDecoder(value: value(for: key), path: path.appending(key)).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try ValueDecoder(value: value(for: key), path: path.appending(key)).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { ValueDecoder(value: .object(object), path: path) }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        ValueDecoder(value: object[key.stringValue] ?? .null, path: path.appending(key))
    }
}

private struct UnkeyedContainer: UnkeyedDecodingContainer {
    let elements: [JSONValue]
    let path: PathNode
    var currentIndex = 0
    var codingPath: [any CodingKey] { path.keys }
    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    init(elements: [JSONValue], path: PathNode) {
        self.elements = elements
        self.path = path
    }

    mutating func next() throws -> (JSONValue, PathNode) {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                JSONValue.self, .init(codingPath: path.keys, debugDescription: "array has no more elements"))
        }
        defer { currentIndex += 1 }
        return (elements[currentIndex], path.appending(AnyKey(intValue: currentIndex)))
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, elements[currentIndex] == .null else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: String.Type) throws -> String {
        let (value, path) = try next()
        return try string(value, path)
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let (value, path) = try next()
        return try T(from: ValueDecoder(value: value, path: path))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        let (value, path) = try next()
        return try ValueDecoder(value: value, path: path).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let (value, path) = try next()
        return try ValueDecoder(value: value, path: path).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        let (value, path) = try next()
        return ValueDecoder(value: value, path: path)
    }
}

private struct SingleContainer: SingleValueDecodingContainer {
    let value: JSONValue
    let path: PathNode
    var codingPath: [any CodingKey] { path.keys }

    func decodeNil() -> Bool { value == .null }
    func decode(_ type: String.Type) throws -> String { try string(value, path) }
    func decode(_ type: Bool.Type) throws -> Bool { try bool(value, path) }
    func decode(_ type: Int.Type) throws -> Int { try integer(type, value, path) }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer(type, value, path) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(type, value, path) }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer(type, value, path) }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer(type, value, path) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(type, value, path) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type, value, path) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type, value, path) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type, value, path) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type, value, path) }

    func decode(_ type: Double.Type) throws -> Double {
        guard case .integer(let i) = value else { throw mismatch(type, value, path) }
        return Double(i)
    }

    func decode(_ type: Float.Type) throws -> Float {
        guard case .integer(let i) = value else { throw mismatch(type, value, path) }
        return Float(i)
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        // Scalars arrive through the concrete overloads above; anything else decodes itself
        // from this value.
        try T(from: ValueDecoder(value: value, path: path))
    }
}
