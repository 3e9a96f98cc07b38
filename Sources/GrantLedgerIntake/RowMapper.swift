import GrantLedgerEvents
import GrantLedgerLog

/// One row of a feed, whatever its format: a CSV record under its header, or a JSON object.
public struct FeedRow: Sendable {
    public enum Cells: Sendable {
        /// A CSV record's fields, read through the header's column positions.
        case csv(fields: [String], header: CSVHeader)
        case json(JSONObject)
    }

    /// The 1-based line of the file the row starts on.
    public let line: Int
    public let cells: Cells

    public init(line: Int, cells: Cells) {
        self.line = line
        self.cells = cells
    }

    enum Cell {
        case text(String)
        case list([String])
        case missing
    }

    func cell(_ column: String) -> Cell {
        switch cells {
        case .csv(let fields, let header):
            guard let index = header.index[column], index < fields.count else { return .missing }
            return .text(fields[index])
        case .json(let object):
            var value: JSONValue? = .object(object)
            for component in column.split(separator: ".") { value = value?.objectValue?[String(component)] }
            switch value {
            case nil, .null?: return .missing
            case .string(let text)?: return .text(text)
            case .integer(let number)?: return .text(String(number))
            case .bool(let flag)?: return .text(flag ? "true" : "false")
            case .array(let items)?: return .list(items.map { $0.stringValue ?? CanonicalJSON.string($0) })
            case let other?: return .text(CanonicalJSON.string(other))
            }
        }
    }
}

/// A CSV file's header: each column's name and position.
public struct CSVHeader: Sendable {
    public let names: [String]
    let index: [String: Int]

    public init(_ names: [String]) {
        self.names = names.map { String(CellValue.trimmed($0)) }
        var index: [String: Int] = [:]
        for (position, name) in self.names.enumerated() where index[name] == nil { index[name] = position }
        self.index = index
    }

    /// `column 3 (证书编号)`.
    func describe(_ column: String) -> String {
        index[column].map { "column \($0 + 1) (\(column))" } ?? column
    }
}

/// What is wrong with one row: where (line, and the column when one is to blame) and why.
public struct RowProblem: Sendable, Hashable, CustomStringConvertible {
    public let line: Int
    /// The column as the file names it (a header name, or a JSON key), when one is to blame.
    public let column: String?
    /// `column 3 (证书编号)` for CSV; the key for JSON.
    public let columnDescription: String?
    public let message: String

    public var description: String {
        "line \(line)\(columnDescription.map { ", \($0)" } ?? ""): \(message)"
    }
}

/// Maps rows to event submissions, one row at a time, with no state between rows: the same
/// row always gives the same bytes and the same event id.
public struct RowMapper: Sendable {
    public let mapping: Mapping
    let catalog: EventCatalog
    /// The ledger's check of clause ids, made here too so that a row naming no clause of the
    /// catalog is reported with its column (the log would refuse it anyway).
    let clauses: ClauseCheck
    /// The ledger's pseudonym for a resident ID, for natural keys that name a person.
    let pseudonym: @Sendable (ResidentID) -> String

    /// Worked out once, not per row: columns and constants, then templates (which may use
    /// them); each value by name; the names templates and the key read as text.
    let direct: [Mapping.Value]
    let templates: [Mapping.Value]
    let byName: [String: Mapping.Value]
    let textNames: Set<String>

    public init(
        mapping: Mapping, catalog: EventCatalog = .standard, clauses: ClauseCheck,
        pseudonym: @escaping @Sendable (ResidentID) -> String
    ) {
        self.mapping = mapping
        self.catalog = catalog
        self.clauses = clauses
        self.pseudonym = pseudonym
        let all = mapping.fields + mapping.vars + [mapping.occurredAt, mapping.actor, mapping.source]
        direct = all.filter { !$0.isTemplate }
        templates = all.filter(\.isTemplate)
        byName = Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var names = Set(mapping.key).union(mapping.stream.names)
        for value in templates { if case .template(let template) = value.origin { names.formUnion(template.names) } }
        textNames = names
    }

    public enum Outcome: Sendable {
        /// The submission's canonical JSON and its event id.
        case event(bytes: [UInt8], eventID: String)
        /// Left out by the mapping's `skip`.
        case skipped
        case invalid([RowProblem])
        /// A valid event but for clause ids the catalog does not have: bad, unless the event is
        /// already in the ledger (imported when such clauses were allowed), which the mapper,
        /// holding no ledger, cannot tell. The importer hands it to the log, which knows, and
        /// reports the log's refusal with these problems.
        case unknownClauses(bytes: [UInt8], eventID: String, problems: [RowProblem])
    }

    public func map(_ row: FeedRow) -> Outcome {
        for skip in mapping.skip {
            if case .text(let text) = row.cell(skip.column), skip.values.contains(String(CellValue.trimmed(text))) { return .skipped }
        }
        var problems: [RowProblem] = []
        func problem(_ value: Mapping.Value?, _ message: String) {
            var column: String?
            if let value, case .column(let name) = value.origin { column = name }
            problems.append(RowProblem(line: row.line, column: column, columnDescription: column.map { describe($0, in: row) }, message: message))
        }

        // Columns and constants first, then templates, which may use them.
        var values: [String: JSONValue] = [:]
        var texts: [String: String] = [:]
        values.reserveCapacity(byName.count)
        for value in direct {
            switch read(value, from: row) {
            case .success(let result?):
                values[value.name] = result
                if textNames.contains(value.name) { texts[value.name] = Self.text(of: result) }
            case .success(nil): break
            case .failure(let failure): problem(value, failure.message)
            }
        }
        for value in templates {
            guard case .template(let template) = value.origin else { continue }
            guard let text = fill(template, texts) else {
                // A value it needs is empty: reported already, unless that value is optional.
                let empty = template.names.filter { texts[$0] == nil && byName[$0]?.optional == true }
                if !empty.isEmpty && !value.optional { problem(value, "needs \(empty.joined(separator: ", ")), which \(empty.count == 1 ? "is" : "are") empty") }
                continue
            }
            switch convert(text, value) {
            case .success(let result): values[value.name] = result; texts[value.name] = Self.text(of: result)
            case .failure(let failure): problem(value, failure.message)
            }
        }
        guard problems.isEmpty else { return .invalid(problems) }

        var keyParts: [String] = []
        for name in mapping.key {
            guard let text = texts[name] else {
                problem(byName[name], "is empty, and it is part of what identifies the row (key: \(mapping.key.joined(separator: ", ")))")
                continue
            }
            if byName[name]?.kind == .person {
                guard let id = try? ResidentID(validating: text) else {
                    problem(byName[name], "\"\(ResidentID.mask(text))\" is not a valid resident ID (18 characters, GB 11643 check digit)")
                    continue
                }
                keyParts.append(pseudonym(id))
            } else {
                keyParts.append(text)
            }
        }
        guard problems.isEmpty, let streamID = fill(mapping.stream, texts) else {
            if problems.isEmpty { problem(nil, "the stream \(mapping.stream) needs a value this row does not have") }
            return .invalid(problems)
        }

        let type = mapping.definition.type
        let eventID = NaturalKey.eventID(type: type, parts: keyParts)
        var data: [(String, JSONValue)] = []
        var objects: [String: [(String, JSONValue)]] = [:]
        var objectOrder: [String] = []
        for field in mapping.fields {
            guard let value = values[field.name] else { continue }
            let components = field.name.split(separator: ".", maxSplits: 1).map(String.init)
            if components.count == 2 {
                if objects[components[0]] == nil { objectOrder.append(components[0]) }
                objects[components[0], default: []].append((components[1], value))
            } else {
                data.append((field.name, value))
            }
        }
        for name in objectOrder { data.append((name, .object(JSONObject(unsortedMembers: objects[name]!)!))) }
        let envelope: JSONValue = .object(JSONObject(unsortedMembers: [
            ("eventId", .string(eventID)), ("streamId", .string(streamID)), ("type", .string(type)),
            ("schemaVersion", .integer(Int64(mapping.definition.version))),
            ("occurredAt", values["occurredAt"] ?? .null), ("actor", values["actor"] ?? .null),
            ("source", values["source"] ?? .null), ("data", .object(JSONObject(unsortedMembers: data)!)),
        ])!)

        // The catalog's own checks, so that the row is reported here with its column rather
        // than by the log with a JSON path.
        switch EventSubmission.parse(envelope, catalog: catalog) {
        case .failure(let invalid):
            for issue in invalid.issues {
                let value = issue.path == "$.streamId" ? streamCulprit(texts) : self.value(atJSONPath: issue.path)
                problem(value, value == nil ? "\(issue.path): \(issue.message)" : issue.message)
            }
            return .invalid(problems)
        case .success(let submission):
            for unknown in clauses.unknownClauses(in: submission, definition: mapping.definition) {
                let value = self.value(atJSONPath: unknown.path)
                problem(value, value == nil ? "\(unknown.path): \(unknown)" : unknown.description)
            }
        }
        let bytes = CanonicalJSON.encode(envelope)
        guard problems.isEmpty else { return .unknownClauses(bytes: bytes, eventID: eventID, problems: problems) }
        return .event(bytes: bytes, eventID: eventID)
    }

    /// The mapped value a JSON path of the envelope comes from (`$.data.payee.kind`).
    public func value(atJSONPath path: String) -> Mapping.Value? {
        let envelope = ["$.occurredAt": "occurredAt", "$.actor": "actor", "$.source": "source"]
        if let name = envelope[path] { return byName[name] }
        // The stream id is the mapping's template: the first column it is made of.
        if path == "$.streamId" { return firstColumn(of: mapping.stream.names) }
        guard path.hasPrefix("$.data.") else { return nil }
        var name = String(path.dropFirst("$.data.".count))
        if let bracket = name.firstIndex(of: "[") { name = String(name[..<bracket]) }
        if let value = byName[name] { return value }
        // An object the row fills from several columns (a payee): the first of them.
        return firstColumn(of: byName.keys.filter { $0.hasPrefix(name + ".") }.sorted())
    }

    /// Of the values the stream id is made of, the one whose text the catalog's rule for a
    /// stream's key refuses on its own (`StreamID.keyProblem`): the column to blame for a
    /// stream id the catalog refused. Else the first column it is made of.
    func streamCulprit(_ texts: [String: String]) -> Mapping.Value? {
        let culprit = mapping.stream.names.first { name in texts[name].map { StreamID.keyProblem($0) != nil } ?? false }
        return culprit.flatMap { byName[$0] } ?? firstColumn(of: mapping.stream.names)
    }

    /// The first of the values `names` that comes from a column.
    private func firstColumn(of names: [String]) -> Mapping.Value? {
        names.lazy.compactMap { self.byName[$0] }.first { if case .column = $0.origin { true } else { false } }
    }

    func describe(_ column: String, in row: FeedRow) -> String {
        if case .csv(_, let header) = row.cells { return header.describe(column) }
        return column
    }

    /// A value's JSON, or nil for an empty optional cell, or why the cell cannot be read.
    func read(_ value: Mapping.Value, from row: FeedRow) -> Result<JSONValue?, CellProblem> {
        let cell: FeedRow.Cell
        switch value.origin {
        case .column(let column): cell = row.cell(column)
        case .constant(let constant): cell = .text(constant)
        case .template: return .success(nil)
        }
        switch cell {
        case .list(let items) where value.kind.isList:
            return convert(items, value).map { $0 }
        case .list:
            return .failure("holds a list; one value was expected")
        case .missing, .text:
            var text = ""
            if case .text(let raw) = cell { text = String(CellValue.trimmed(raw)) }
            if text.isEmpty {
                if let fallback = value.defaultText { text = fallback } else if value.optional { return .success(nil) } else {
                    let field = mapping.definition.fields.first { $0.name == value.name.split(separator: ".").first.map(String.init) }
                    return .failure("is empty; \(field.map { "the event needs \($0.name) (\($0.chinese))" } ?? "the mapping needs \(value.name)")")
                }
            }
            return convert(text, value).map { $0 }
        }
    }

    func convert(_ text: String, _ value: Mapping.Value) -> Result<JSONValue, CellProblem> {
        if case .list = value.kind {
            let items = text.split(whereSeparator: { value.separators.contains($0) }).map { String(CellValue.trimmed(String($0))) }
            return convert(items.filter { !$0.isEmpty }, value)
        }
        return decoded(text, value).flatMap { Self.convert($0, kind: value.kind, value: value) }
    }

    /// The value a feed's code stands for, through the mapping's code table if it has one.
    func decoded(_ text: String, _ value: Mapping.Value) -> Result<String, CellProblem> {
        guard let codes = value.codes else { return .success(text) }
        guard let coded = codes[text] else {
            let known = codes.keys.sorted()
            return .failure("\"\(text)\" is not one of the codes \(known.prefix(12).joined(separator: ", "))\(known.count > 12 ? ", …" : "") (add it to the mapping's code table if it is new)")
        }
        return .success(coded)
    }

    func convert(_ items: [String], _ value: Mapping.Value) -> Result<JSONValue, CellProblem> {
        guard case .list(let element) = value.kind else { return .failure("holds a list; one value was expected") }
        var converted: [JSONValue] = []
        for item in items {
            switch decoded(item, value).flatMap({ Self.convert($0, kind: element, value: value) }) {
            case .success(let json): converted.append(json)
            case .failure(let message): return .failure(message)
            }
        }
        return .success(.array(converted))
    }

    static func convert(_ text: String, kind: Mapping.Kind, value: Mapping.Value) -> Result<JSONValue, CellProblem> {
        switch kind {
        case .text: .success(.string(text))
        case .upperText, .person: .success(.string(text.uppercased()))
        case .integer: CellValue.integer(text).map { .integer($0) }
        case .fen: (value.yuan ? CellValue.fen(fromYuan: text) : CellValue.integer(text)).map { .integer($0) }
        case .boolean: CellValue.boolean(text).map { .bool($0) }
        case .date: CellValue.date(text, patterns: value.patterns).map { .string($0.description) }
        case .month: CellValue.month(text, patterns: value.patterns).map { .string($0.description) }
        case .list: .failure("holds a list inside a list")
        }
    }

    func fill(_ template: Mapping.Template, _ texts: [String: String]) -> String? {
        var result = ""
        for part in template.parts {
            switch part {
            case .literal(let literal): result += literal
            case .value(let name):
                guard let text = texts[name] else { return nil }
                result += text
            }
        }
        return result
    }

    static func text(of value: JSONValue) -> String {
        switch value {
        case .string(let text): text
        case .array(let items): items.map(text(of:)).joined(separator: ";")
        default: CanonicalJSON.string(value)
        }
    }
}

extension Mapping.Value {
    var isTemplate: Bool { if case .template = origin { true } else { false } }
}

extension Mapping.Kind {
    var isList: Bool { if case .list = self { true } else { false } }
}
