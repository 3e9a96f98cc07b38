/// The type of a fact attribute that a rule's `match` and `conditions` test.
public enum AttributeType: String, Sendable, Hashable {
    case text, integer, flag, set, fen

    var noun: String {
        switch self {
        case .text: "a text"
        case .integer: "an integer"
        case .flag: "true or false"
        case .set: "a set of names"
        case .fen: "an amount"
        }
    }
}

/// A value of a fact attribute, as a trigger derives it from the events.
public enum AttributeValue: Sendable, Hashable, CustomStringConvertible {
    case text(String)
    case integer(Int64)
    case flag(Bool)
    case set(Set<String>)

    public var description: String {
        switch self {
        case .text(let text): text
        case .integer(let value): String(value)
        case .flag(let value): String(value)
        case .set(let names): names.isEmpty ? "(none)" : names.sorted().joined(separator: ", ")
        }
    }
}

/// A test on one attribute, written in a rule as `attribute: value`, `attribute: [a, b]`,
/// `attribute: {atLeast: n}`, `{atMost: n}`, `{anyOf: [...]}`, `{noneOf: [...]}` or `{allOf: [...]}`.
public struct AttributeCondition: Sendable, Hashable {
    public enum Test: Sendable, Hashable {
        case equals(AttributeValue)
        case oneOf([String])
        case anyOf([String])
        case allOf([String])
        case noneOf([String])
        case atLeast(Int64)
        case atMost(Int64)
    }

    public let attribute: String
    public let test: Test
    public let location: SourceLocation

    public init(attribute: String, test: Test, location: SourceLocation) {
        self.attribute = attribute
        self.test = test
        self.location = location
    }

    /// The result of testing a fact: it holds, fails (and why), or the fact does not tell yet.
    public enum Outcome: Sendable, Hashable {
        case holds
        case fails(String)
        case unknown(String)
    }

    /// `shown` is how the value is named in a failure, when it is not the value tested (a place
    /// is tested with the places containing it, and named as recorded).
    public func evaluate(_ value: AttributeValue?, shown: String? = nil) -> Outcome {
        guard let recorded = value else { return .unknown("\(attribute) is not recorded yet") }
        let value = Shown(value: recorded, text: shown ?? recorded.description)
        switch (test, value.value) {
        case (.equals(let expected), _):
            return value.value == expected ? .holds : .fails("\(attribute) is \(value), the rule requires \(expected)")
        case (.oneOf(let names), .text(let text)):
            return names.contains(text) ? .holds : .fails("\(attribute) is \(text), the rule requires one of \(names.joined(separator: ", "))")
        case (.oneOf(let names), .set(let set)), (.anyOf(let names), .set(let set)):
            return !set.isDisjoint(with: names) ? .holds
                : .fails("\(attribute) is \(value), the rule requires any of \(names.joined(separator: ", "))")
        case (.anyOf(let names), .text(let text)):
            return names.contains(text) ? .holds : .fails("\(attribute) is \(text), the rule requires one of \(names.joined(separator: ", "))")
        case (.allOf(let names), .set(let set)):
            let missing = names.filter { !set.contains($0) }
            return missing.isEmpty ? .holds : .fails("\(attribute) lacks \(missing.joined(separator: ", "))")
        case (.noneOf(let names), .set(let set)):
            let present = names.filter { set.contains($0) }.sorted()
            return present.isEmpty ? .holds : .fails("\(attribute) includes \(present.joined(separator: ", ")), which the rule excludes")
        case (.noneOf(let names), .text(let text)):
            return !names.contains(text) ? .holds : .fails("\(attribute) is \(text), which the rule excludes")
        case (.atLeast(let minimum), .integer(let number)):
            return number >= minimum ? .holds : .fails("\(attribute) is \(number), the rule requires at least \(minimum)")
        case (.atMost(let maximum), .integer(let number)):
            return number <= maximum ? .holds : .fails("\(attribute) is \(number), the rule allows at most \(maximum)")
        default:
            return .fails("\(attribute) is \(value), which this test cannot compare")
        }
    }

    /// A value and how a message names it.
    private struct Shown: CustomStringConvertible {
        let value: AttributeValue
        let text: String
        var description: String { text }
    }

    /// Whether the test can apply to an attribute of this type (checked when the catalog loads).
    func accepts(_ type: AttributeType) -> Bool {
        switch (test, type) {
        case (.equals(.text), .text), (.equals(.flag), .flag), (.equals(.integer), .integer), (.equals(.integer), .fen): true
        case (.oneOf, .text), (.oneOf, .set), (.anyOf, .set), (.anyOf, .text), (.allOf, .set), (.noneOf, .set), (.noneOf, .text): true
        case (.atLeast, .integer), (.atMost, .integer), (.atLeast, .fen), (.atMost, .fen): true
        default: false
        }
    }
}
