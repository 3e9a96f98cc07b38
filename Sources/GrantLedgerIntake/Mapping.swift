import GrantLedgerEvents
import GrantLedgerPolicy

/// How one feed's rows become events: which event type, where each field comes from (a column,
/// a constant, or a template over other values), how dates and codes are written in the feed,
/// and which values make a row's natural key. Read from a YAML file under `Tools/mappings/`
/// (see its README); checked against the event catalog when loaded, so that a mapping that
/// could never produce a valid event is refused before any row is read.
public struct Mapping: Sendable {
    /// The file's base name without `.yaml`, e.g. `si-months`.
    public let name: String
    public let file: String
    public let title: String
    /// The encoding its CSV files are in unless the import says otherwise.
    public let encoding: TextEncoding
    public let delimiter: UInt8
    public let definition: EventDefinition
    public let stream: Template
    /// Names of the values (data fields or `vars`) that identify what a row is about.
    public let key: [String]
    public let occurredAt: Value
    public let actor: Value
    public let source: Value
    /// Data fields, by dotted path (`payee.organisation`), in file order.
    public let fields: [Value]
    /// Values used in the stream or the key but not part of the event's data.
    public let vars: [Value]
    /// Rows to leave out, e.g. a status column saying a record was cancelled.
    public let skip: [Skip]

    /// Where one value comes from and how its text is read.
    public struct Value: Sendable {
        public enum Origin: Sendable {
            case column(String)
            case constant(String)
            case template(Template)
        }

        /// A data path (`month`, `payee.kind`), a var's name, or an envelope member.
        public let name: String
        public let origin: Origin
        public let kind: Kind
        /// Date or month layouts, tried in order.
        public let patterns: [DatePattern]
        /// The feed's code → the value the event holds (`已缴费: true`, `初级工: L5`).
        public let codes: [String: String]?
        public let yuan: Bool
        public let optional: Bool
        public let defaultText: String?
        /// For lists: the separators between items.
        public let separators: [Character]
        public let location: SourceLocation
    }

    /// How a value's text is read: derived from the event field's type.
    public indirect enum Kind: Sendable, Equatable {
        case text, upperText, integer, fen, boolean, date, month, person
        case list(Kind)
    }

    /// Leaves out a row whose `column` holds one of `values`.
    public struct Skip: Sendable {
        public let column: String
        public let values: Set<String>
    }

    /// `employment:{employer}:{contract}`: literal text and the names of values.
    public struct Template: Sendable, CustomStringConvertible {
        public enum Part: Sendable { case literal(String), value(String) }
        public let parts: [Part]
        public let description: String

        init?(_ text: String) {
            var parts: [Part] = []
            var rest = Substring(text)
            while let open = rest.firstIndex(of: "{") {
                if open > rest.startIndex { parts.append(.literal(String(rest[..<open]))) }
                guard let close = rest[open...].firstIndex(of: "}") else { return nil }
                let name = rest[rest.index(after: open)..<close]
                guard !name.isEmpty, !name.contains("{") else { return nil }
                parts.append(.value(String(name)))
                rest = rest[rest.index(after: close)...]
            }
            if rest.contains("}") { return nil }
            if !rest.isEmpty { parts.append(.literal(String(rest))) }
            self.parts = parts
            self.description = text
        }

        var names: [String] { parts.compactMap { if case .value(let name) = $0 { name } else { nil } } }
    }

    /// Every column the mapping reads, for checking a file's header.
    public var columns: [String] {
        var seen: Set<String> = []
        return ([occurredAt, actor, source] + fields + vars).compactMap {
            if case .column(let column) = $0.origin, seen.insert(column).inserted { column } else { nil }
        } + skip.map(\.column).filter { seen.insert($0).inserted }
    }
}

/// A mapping file that cannot be used, with every problem found in it.
public struct MappingError: Error, Sendable, CustomStringConvertible {
    public let issues: [PolicyIssue]
    public var description: String {
        "\(issues.count) problem\(issues.count == 1 ? "" : "s") in the mapping:\n" + issues.map { "  \($0)" }.joined(separator: "\n")
    }
}
