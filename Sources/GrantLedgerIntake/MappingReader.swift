import Foundation
import GrantLedgerEvents
import GrantLedgerPolicy
import Yams

extension Mapping {
    /// Reads and checks a mapping file. Every problem is reported at once, each with its line.
    /// `policies`, when given, is used to check clause ids the mapping writes into events.
    public static func load(path: String, catalog: EventCatalog = .standard, policies: PolicyCatalog? = nil) throws(MappingError) -> Mapping {
        func unreadable(_ reason: String, hint: String = "Give the path of a mapping file, e.g. Tools/mappings/si-months.yaml.") -> MappingError {
            MappingError(issues: [PolicyIssue(SourceLocation(file: path, line: 1, column: 1), path: "", "cannot read the mapping (\(reason))", hint: hint)])
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw unreadable("no such file") }
        guard !isDirectory.boolValue else { throw unreadable("it is a directory") }
        guard let data = FileManager.default.contents(atPath: path) else { throw unreadable("permission denied") }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw unreadable("it is not UTF-8 text", hint: "Save the mapping as UTF-8 (a feed may be GB18030; its mapping is read as UTF-8).")
        }
        return try parse(text, file: path, catalog: catalog, policies: policies)
    }

    public static func parse(_ text: String, file: String, catalog: EventCatalog = .standard, policies: PolicyCatalog? = nil) throws(MappingError) -> Mapping {
        let log = IssueLog()
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw MappingError(issues: [PolicyIssue(SourceLocation(file: file, line: 1, column: 1), path: "", "the mapping is empty",
                                                        hint: "See Tools/mappings/README.md for what a mapping holds.")])
            }
            root = node
        } catch let error as MappingError {
            throw error
        } catch let error as YamlError {
            throw MappingError(issues: [PolicyIssue(PolicyFileReader.location(of: error, file: file), path: "",
                                                    "not valid YAML: \(PolicyFileReader.summary(of: error))",
                                                    hint: "Fix the YAML syntax at this line (indentation, a missing colon, an unclosed quote).")])
        } catch {
            throw MappingError(issues: [PolicyIssue(SourceLocation(file: file, line: 1, column: 1), path: "", "not valid YAML: \(error)",
                                                    hint: "Fix the YAML syntax.")])
        }
        let reader = MappingReader(file: file, catalog: catalog, policies: policies, log: log)
        let mapping = reader.read(YAMLValue(node: root, file: file, path: "", log: log))
        guard let mapping, !log.hasErrors else { throw MappingError(issues: log.issues.filter { $0.severity == .error }) }
        return mapping
    }

}

/// Reads the YAML of a mapping, checking each part against the event definition it targets.
struct MappingReader {
    let file: String
    let catalog: EventCatalog
    let policies: PolicyCatalog?
    let log: IssueLog

    static let topLevel = ["title", "encoding", "delimiter", "event", "schemaVersion", "stream", "key", "occurredAt",
                           "actor", "source", "skip", "vars", "fields"]
    static let valueFields = ["column", "value", "template", "format", "codes", "unit", "optional", "default", "split"]

    func read(_ root: YAMLValue) -> Mapping? {
        guard let top = root.fields(known: Self.topLevel) else { return nil }
        let title = top.required("title", hint: "Say in a few words which feed this maps, e.g. 社保月度缴费明细.")?.nonEmptyText
        var encoding = TextEncoding.utf8
        if let value = top["encoding"], let label = value.nonEmptyText {
            if let known = TextEncoding(label: label) { encoding = known } else {
                value.error("unknown encoding \(label)", hint: "Use utf-8 or gb18030 (GBK and GB2312 files are GB18030).")
            }
        }
        var delimiter = UInt8(ascii: ",")
        if let value = top["delimiter"], let text = value.text {
            let named = ["tab": "\t", "\\t": "\t"][text] ?? text
            if named.utf8.count == 1, let byte = named.utf8.first, byte != UInt8(ascii: "\"") { delimiter = byte } else {
                value.error("the delimiter must be one ASCII character, found \"\(text)\"", hint: "Write \",\", \";\" or tab.")
            }
        }
        guard let typeValue = top.required("event", hint: "Name the event type each row becomes, e.g. employment.month-recorded."),
              let type = typeValue.nonEmptyText else { return nil }
        guard let current = catalog.currentVersion(of: type) else {
            let suggestion = YAMLValue.closest(to: type, in: catalog.types).map { " Did you mean `\($0)`?" } ?? ""
            typeValue.error("unknown event type \(type)", hint: "See EventSchemas/README.md for the event types.\(suggestion)")
            return nil
        }
        var version = current
        if let value = top["schemaVersion"], let number = value.integer {
            if catalog.versions(of: type).contains(Int(number)) { version = Int(number) } else {
                value.error("\(type) has no schema version \(number)", hint: "Use one of \(catalog.versions(of: type).map(String.init).joined(separator: ", ")).")
            }
        }
        let definition = catalog.definition(type: type, version: version)!

        var fields: [Mapping.Value] = []
        if let value = top.required("fields", hint: "Map each field of the event to a column, a constant or a template."),
           case .mapping(let entries) = value.node {
            for (keyNode, specNode) in entries {
                let keyValue = YAMLValue(node: keyNode, file: file, path: "fields", log: log)
                guard let path = keyValue.nonEmptyText else { continue }
                let spec = YAMLValue(node: specNode, file: file, path: "fields.\(path)", log: log)
                if fields.contains(where: { $0.name == path }) {
                    keyValue.error("fields.\(path) is given twice", hint: "Keep one.")
                    continue
                }
                guard let fieldType = Self.fieldType(path, in: definition.fields) else {
                    let names = Self.paths(in: definition.fields)
                    let suggestion = YAMLValue.closest(to: path, in: names).map { " Did you mean `\($0)`?" } ?? ""
                    keyValue.error("\(type) v\(version) has no field \(path)", hint: "Its fields: \(names.joined(separator: ", ")).\(suggestion)")
                    continue
                }
                guard let kind = Self.kind(of: fieldType) else {
                    keyValue.error("\(path) is an object", hint: "Map its members one by one: \(path).kind, \(path).organisation, \(path).person.")
                    continue
                }
                if let value = readValue(spec, name: path, kind: kind, shorthandIsColumn: true) {
                    checkCodes(value, fieldType: fieldType, spec: spec)
                    fields.append(value)
                }
            }
        } else if let value = top["fields"] {
            value.error("expected a mapping of fields", hint: "Write `field: column` lines, indented under fields.")
        }
        for field in definition.fields where field.isRequired {
            if !fields.contains(where: { $0.name == field.name || $0.name.hasPrefix(field.name + ".") }) {
                top.owner.error("the required field \(field.name) (\(field.chinese)) of \(type) is not mapped",
                                hint: "Add `\(field.name): <column>` (or `{value: …}`) under fields.")
            }
        }

        var vars: [Mapping.Value] = []
        if let value = top["vars"] {
            if case .mapping(let entries) = value.node {
                for (keyNode, specNode) in entries {
                    let keyValue = YAMLValue(node: keyNode, file: file, path: "vars", log: log)
                    guard let name = keyValue.nonEmptyText else { continue }
                    if fields.contains(where: { $0.name == name }) || vars.contains(where: { $0.name == name }) {
                        keyValue.error("vars.\(name) has the name of another value", hint: "Give it a name of its own.")
                        continue
                    }
                    let spec = YAMLValue(node: specNode, file: file, path: "vars.\(name)", log: log)
                    if let parsed = readValue(spec, name: name, kind: .text, shorthandIsColumn: true) { vars.append(parsed) }
                }
            } else {
                value.error("expected a mapping of named values", hint: "Write `name: column` lines, indented under vars.")
            }
        }
        let values = fields + vars
        func kindOf(_ name: String) -> Mapping.Kind? { values.first { $0.name == name }?.kind }

        let occurredAt = top.required("occurredAt", hint: "Say which column holds the business date, e.g. `occurredAt: 发证日期`.")
            .flatMap { readValue($0, name: "occurredAt", kind: .date, shorthandIsColumn: true) }
        let actor = top.required("actor", hint: "Say who sends the feed, e.g. `actor: batch:si-feed`.")
            .flatMap { readValue($0, name: "actor", kind: .text, shorthandIsColumn: false) }
        let source = top.required("source", hint: "Name the sending system, e.g. `source: xm-social-insurance-feed`.")
            .flatMap { readValue($0, name: "source", kind: .text, shorthandIsColumn: false) }

        var stream: Mapping.Template?
        if let value = top.required("stream", hint: "Give the stream as a template, e.g. \"\(definition.stream.replacingOccurrences(of: "<", with: "{").replacingOccurrences(of: ">", with: "}"))\"."),
           let text = value.nonEmptyText {
            if let template = Mapping.Template(text) {
                stream = template
                checkReferences(template, path: "stream", location: value.location, values: values)
                for name in template.names where kindOf(name) == .person && text != "person:{\(name)}" {
                    value.error("the stream would hold \(name), a resident ID",
                                hint: "Only a `person:{\(name)}` stream may name a person (the log replaces the ID by its pseudonym); use another value, e.g. a contract number.")
                }
            } else {
                value.error("\"\(text)\" is not a template", hint: "Write literal text with {name} for values, e.g. \"certificate:{certificateNumber}\".")
            }
        }

        var key: [String] = []
        if let value = top.required("key", hint: "List the values that identify what a row is about, e.g. [employee, employer, month]."),
           let names = value.textList {
            if names.isEmpty { value.error("the key is empty", hint: "List at least one value: the same key gives the same event id.") }
            for name in names where kindOf(name) == nil {
                value.error("the key names \(name), which is neither a field nor a var", hint: "Use one of \(values.map(\.name).joined(separator: ", ")).")
            }
            key = names
        }

        var skip: [Mapping.Skip] = []
        if let value = top["skip"], let list = value.list {
            for item in list {
                guard let entry = item.fields(known: ["column", "values"]),
                      let column = entry.required("column", hint: "Name the column to test.")?.nonEmptyText,
                      let skipped = entry.required("values", hint: "List the values that mean the row is left out.")?.textList else { continue }
                skip.append(Mapping.Skip(column: column, values: Set(skipped)))
            }
        }

        guard let title, let stream, let occurredAt, let actor, let source else { return nil }
        for value in values + [occurredAt, actor, source] {
            if case .template(let template) = value.origin {
                checkReferences(template, path: value.name, location: value.location, values: values)
            }
        }
        let name = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        return Mapping(name: name, file: file, title: title, encoding: encoding, delimiter: delimiter, definition: definition,
                       stream: stream, key: key, occurredAt: occurredAt, actor: actor, source: source, fields: fields,
                       vars: vars, skip: skip)
    }

    /// One value's spec: a scalar (a column, or a constant for actor and source) or a mapping.
    func readValue(_ spec: YAMLValue, name: String, kind: Mapping.Kind, shorthandIsColumn: Bool) -> Mapping.Value? {
        let location = spec.location
        if case .scalar = spec.node {
            guard let text = spec.nonEmptyText else { return nil }
            if kind == .fen, shorthandIsColumn {
                spec.error("an amount needs its unit", hint: "Write `{column: \(text), unit: yuan}` if the column holds yuan (1000.00), or unit: fen.")
            }
            return Mapping.Value(name: name, origin: shorthandIsColumn ? .column(text) : .constant(text), kind: kind,
                                 patterns: defaultPatterns(kind), codes: nil, yuan: false, optional: false, defaultText: nil,
                                 separators: [";", "；"], location: location)
        }
        guard let entry = spec.fields(known: Self.valueFields) else { return nil }
        let origins = ["column", "value", "template"].filter { entry[$0] != nil }
        guard origins.count == 1 else {
            spec.error(origins.isEmpty ? "says nowhere where the value comes from" : "gives both \(origins.joined(separator: " and "))",
                       hint: "Give exactly one of column (a header name), value (a constant) or template (\"text {name}\").")
            return nil
        }
        let origin: Mapping.Value.Origin
        switch origins[0] {
        case "column":
            guard let column = entry["column"]?.nonEmptyText else { return nil }
            origin = .column(column)
        case "value":
            guard let constant = entry["value"]?.text else { return nil }
            origin = .constant(constant)
        default:
            guard let value = entry["template"], let text = value.nonEmptyText else { return nil }
            guard let template = Mapping.Template(text) else {
                value.error("\"\(text)\" is not a template", hint: "Write literal text with {name} for values.")
                return nil
            }
            origin = .template(template)
        }
        var patterns = defaultPatterns(kind)
        if let value = entry["format"] {
            let texts: [String]? = if case .sequence = value.node { value.textList } else { value.nonEmptyText.map { [$0] } }
            if let texts {
                guard kind == .date || kind == .month else {
                    value.error("a format applies only to dates and months", hint: "Remove it.")
                    return nil
                }
                var parsed: [DatePattern] = []
                for text in texts {
                    guard let pattern = DatePattern(text), kind == .month || pattern.hasDay else {
                        value.error("\"\(text)\" is not a \(kind == .date ? "date" : "month") layout",
                                    hint: "Use yyyy, MM (or M), \(kind == .date ? "dd (or d) " : "")and literal characters, e.g. \(kind == .date ? "yyyy年M月d日 or yyyyMMdd" : "yyyyMM or yyyy年M月").")
                        return nil
                    }
                    parsed.append(pattern)
                }
                patterns = parsed
            }
        }
        var codes: [String: String]?
        if let value = entry["codes"] {
            if case .mapping(let pairs) = value.node {
                var table: [String: String] = [:]
                for (from, to) in pairs {
                    let fromValue = YAMLValue(node: from, file: file, path: value.path, log: log)
                    let toValue = YAMLValue(node: to, file: file, path: value.path, log: log)
                    guard let code = fromValue.text, let target = toValue.text else { continue }
                    if table[code] != nil { fromValue.error("the code \(code) is given twice", hint: "Keep one.") }
                    table[code] = target
                }
                codes = table
            } else {
                value.error("expected a code table", hint: "Write `code: value` lines, e.g. {已缴费: true, 未缴费: false}.")
            }
        }
        var yuan = false
        if let value = entry["unit"], let unit = value.nonEmptyText {
            switch (unit, kind) {
            case ("yuan", .fen): yuan = true
            case ("fen", .fen): yuan = false
            case (_, .fen): value.error("unknown unit \(unit)", hint: "Write yuan (1000.00 in the file) or fen (100000).")
            default: value.error("a unit applies only to amounts", hint: "Remove it.")
            }
        } else if kind == .fen, case .column = origin {
            spec.error("an amount needs its unit", hint: "Add `unit: yuan` if the column holds yuan (1000.00), or `unit: fen`.")
        }
        var separators: [Character] = [";", "；"]
        if let value = entry["split"], let text = value.nonEmptyText {
            if case .list = kind { separators = Array(text) } else { value.error("split applies only to lists", hint: "Remove it.") }
        }
        return Mapping.Value(name: name, origin: origin, kind: kind, patterns: patterns, codes: codes, yuan: yuan,
                             optional: entry["optional"]?.flag ?? false, defaultText: entry["default"]?.text,
                             separators: separators, location: location)
    }

    func defaultPatterns(_ kind: Mapping.Kind) -> [DatePattern] {
        switch kind {
        case .date: DatePattern.defaultDates
        case .month: DatePattern.defaultMonths
        default: []
        }
    }

    /// Code tables must only produce values the field accepts.
    func checkCodes(_ value: Mapping.Value, fieldType: FieldType, spec: YAMLValue) {
        let targets: [String] = (value.codes.map { Array($0.values) } ?? [])
            + { if case .constant(let constant) = value.origin { [constant] } else { [] } }()
        for target in Set(targets).sorted() {
            switch fieldType {
            case .choice(let choices) where !choices.contains(target):
                spec.error("\(value.name) cannot be \(target)", hint: "It is one of \(choices.joined(separator: ", ")).")
            case .boolean where CellValue.boolean(target).isFailure:
                spec.error("\(value.name) is yes or no, not \(target)", hint: "Map codes to true or false.")
            case .clause where !ClauseID.isWellFormed(target):
                spec.error("\(target) is not a clause id", hint: "Write a clause id of POLICIES.md, e.g. XM-2023-187/(九)-b.")
            case .clause where policies.map { !$0.contains(clause: target) } ?? false:
                let suggestions = policies?.suggestions(for: target) ?? []
                let guess = suggestions.isEmpty ? "" : "Did you mean \(suggestions.joined(separator: " or "))? "
                spec.error("no policy document has the clause \(target)", hint: guess + "See `grants policies list` for the clause ids.")
            default: break
            }
        }
    }

    func checkReferences(_ template: Mapping.Template, path: String, location: SourceLocation, values: [Mapping.Value]) {
        for name in template.names where !values.contains(where: { $0.name == name }) {
            log.error(location, path, "the template names \(name), which is neither a field nor a var",
                      hint: "Use one of \(values.map(\.name).joined(separator: ", ")), or add it under vars.")
        }
    }

    /// The type of a dotted data path, looking into payees and objects.
    static func fieldType(_ path: String, in fields: [FieldDefinition]) -> FieldType? {
        let components = path.split(separator: ".", maxSplits: 1).map(String.init)
        guard let field = fields.first(where: { $0.name == components[0] }) else { return nil }
        guard components.count == 2 else { return field.type }
        switch field.type {
        case .object(let members): return fieldType(components[1], in: members)
        case .payee: return ["kind": .choice(PayeeKind.self), "person": .person, "organisation": .organisation][components[1]]
        default: return nil
        }
    }

    static func paths(in fields: [FieldDefinition]) -> [String] {
        fields.flatMap { field -> [String] in
            switch field.type {
            case .payee: ["\(field.name).kind", "\(field.name).person", "\(field.name).organisation"]
            case .object(let members): paths(in: members).map { "\(field.name).\($0)" }
            default: [field.name]
            }
        }
    }

    static func kind(of type: FieldType) -> Mapping.Kind? {
        switch type {
        case .text, .identifier, .uuid, .clause, .choice, .personName: .text
        case .organisation: .upperText
        case .person: .person
        case .integer: .integer
        case .fen: .fen
        case .boolean: .boolean
        case .date: .date
        case .month: .month
        case .array(let element, _): kind(of: element).map { .list($0) }
        case .payee, .object: nil
        }
    }
}

extension Result {
    var isFailure: Bool { if case .failure = self { true } else { false } }
}
