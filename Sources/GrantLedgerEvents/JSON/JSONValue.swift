/// A JSON value as GrantLedger stores it.
///
/// Event data is a strict subset of JSON: numbers are integers that fit in `Int64`. Money is
/// integer fen, hours and counts are whole numbers, so there is no floating point anywhere in
/// the log and the canonical encoding of a value is unambiguous.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case integer(Int64)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
}

/// A JSON object whose members are kept sorted by key (UTF-8 byte order) and unique.
///
/// Sorting once at parse time makes the canonical encoding a straight walk and lookups a
/// binary search; event payloads have a dozen members, so this beats hashing every key.
public struct JSONObject: Sendable, Hashable, RandomAccessCollection {
    public typealias Member = (key: String, value: JSONValue)
    public private(set) var members: [Member]

    public init() { members = [] }

    /// Builds an object from members in any order. Returns nil if a key repeats.
    public init?(unsortedMembers: [Member]) {
        var sorted = unsortedMembers
        // Stored events are canonical, so their members arrive sorted: check before sorting.
        var inOrder = true
        for i in sorted.indices.dropFirst() where !JSONObject.precedes(sorted[i - 1].key, sorted[i].key) {
            inOrder = false
            break
        }
        if !inOrder {
            sorted.sort { JSONObject.precedes($0.key, $1.key) }
            for i in sorted.indices.dropFirst() where sorted[i - 1].key == sorted[i].key { return nil }
        }
        members = sorted
    }

    public init(_ pairs: KeyValuePairs<String, JSONValue>) {
        self.init(unsortedMembers: pairs.map { ($0.key, $0.value) })!
    }

    public var startIndex: Int { members.startIndex }
    public var endIndex: Int { members.endIndex }
    public subscript(position: Int) -> Member { members[position] }

    public subscript(key: String) -> JSONValue? {
        get { index(of: key).map { members[$0].value } }
        set {
            let i = insertionPoint(of: key)
            if i < members.count, members[i].key == key {
                if let newValue { members[i].value = newValue } else { members.remove(at: i) }
            } else if let newValue {
                members.insert((key, newValue), at: i)
            }
        }
    }

    public var keys: [String] { members.map(\.key) }

    func index(of key: String) -> Int? {
        let i = insertionPoint(of: key)
        return i < members.count && members[i].key == key ? i : nil
    }

    private func insertionPoint(of key: String) -> Int {
        var low = 0, high = members.count
        while low < high {
            let mid = (low + high) / 2
            if JSONObject.precedes(members[mid].key, key) { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// Canonical key order: lexicographic over UTF-8 bytes (the same as Unicode scalar order).
    static func precedes(_ a: String, _ b: String) -> Bool {
        // memcmp over contiguous UTF-8 (always available for native Swift strings); the generic
        // UTF8View walk it replaces was the parser's single largest cost.
        let fast = a.utf8.withContiguousStorageIfAvailable { pa in
            b.utf8.withContiguousStorageIfAvailable { pb -> Bool in
                let common = Swift.min(pa.count, pb.count)
                if common > 0, let baseA = pa.baseAddress, let baseB = pb.baseAddress {
                    let order = memcmp(baseA, baseB, common)
                    if order != 0 { return order < 0 }
                }
                return pa.count < pb.count
            }
        }
        if let fast, let result = fast { return result }
        return a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.members.count == rhs.members.count
            && zip(lhs.members, rhs.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(members.count)
        for member in members {
            hasher.combine(member.key)
            hasher.combine(member.value)
        }
    }
}

extension JSONValue {
    public var stringValue: String? { if case .string(let s) = self { s } else { nil } }
    public var integerValue: Int64? { if case .integer(let i) = self { i } else { nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { b } else { nil } }
    public var objectValue: JSONObject? { if case .object(let o) = self { o } else { nil } }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { a } else { nil } }

    /// The JSON type name used in error messages ("string", "integer", ...).
    public var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .integer: "integer"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(nilLiteral: ()) { self = .null }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        guard let object = JSONObject(unsortedMembers: elements.map { ($0.0, $0.1) }) else {
            preconditionFailure("duplicate key in JSON object literal")
        }
        self = .object(object)
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    /// An object written as a literal, for tests and code-built events. A repeated key is a
    /// programming error.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        guard let object = JSONObject(unsortedMembers: elements.map { ($0.0, $0.1) }) else {
            preconditionFailure("duplicate key in JSON object literal")
        }
        self = object
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif
