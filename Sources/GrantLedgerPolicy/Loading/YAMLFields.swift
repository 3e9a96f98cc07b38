import Yams

/// Collects the problems found while reading the catalog, so that one run reports them all.
package final class IssueLog {
    package init() {}
    package private(set) var issues: [PolicyIssue] = []

    package func error(_ location: SourceLocation, _ path: String, _ message: String, hint: String) {
        issues.append(PolicyIssue(location, path: path, message, hint: hint))
    }

    package func warning(_ location: SourceLocation, _ path: String, _ message: String, hint: String) {
        issues.append(PolicyIssue(location, path: path, message, hint: hint, severity: .warning))
    }

    package var hasErrors: Bool { issues.contains { $0.severity == .error } }
}

/// A YAML node with the file, location and field path it came from, for error messages.
package struct YAMLValue {
    package let node: Node
    package let file: String
    package let path: String
    package let log: IssueLog

    package init(node: Node, file: String, path: String, log: IssueLog) {
        self.node = node
        self.file = file
        self.path = path
        self.log = log
    }

    package var location: SourceLocation {
        SourceLocation(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
    }

    package func error(_ message: String, hint: String) { log.error(location, path, message, hint: hint) }

    /// The scalar's text, or nil (and an error) if the node is a list or a mapping.
    package var text: String? {
        guard case .scalar(let scalar) = node else {
            error("expected a single value, found \(node.kindName)", hint: "Write one value on this line.")
            return nil
        }
        return scalar.string
    }

    package var nonEmptyText: String? {
        guard let text else { return nil }
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            error("is empty", hint: "Write the value, or remove the field if it is optional.")
            return nil
        }
        return text
    }

    package var integer: Int64? {
        guard let text else { return nil }
        guard let value = Int64(text.replacingOccurrences(of: "_", with: "")) else {
            error("expected a whole number, found \"\(text)\"", hint: "Write digits only (amounts in whole yuan, e.g. 1000 or 1_000_000).")
            return nil
        }
        return value
    }

    package var flag: Bool? {
        guard let text else { return nil }
        switch text {
        case "true": return true
        case "false": return false
        default:
            error("expected true or false, found \"\(text)\"", hint: "Write true or false.")
            return nil
        }
    }

    /// The value as one of an enumeration's names, or nil and an error listing them (with the
    /// closest one when the value looks like a misspelling).
    package func choice<Choice: RawRepresentable & CaseIterable>(_ type: Choice.Type, _ what: String) -> Choice?
    where Choice.RawValue == String {
        guard let text = nonEmptyText else { return nil }
        if let choice = Choice(rawValue: text) { return choice }
        let names = Choice.allCases.map(\.rawValue)
        let suggestion = Self.closest(to: text, in: names).map { " Did you mean `\($0)`?" } ?? ""
        error("unknown \(what) \(text)", hint: "Use one of \(names.joined(separator: ", ")).\(suggestion)")
        return nil
    }

    package var list: [YAMLValue]? {
        guard case .sequence(let sequence) = node else {
            error("expected a list, found \(node.kindName)", hint: "Write a list: [a, b] or one `- item` per line.")
            return nil
        }
        return sequence.enumerated().map { YAMLValue(node: $1, file: file, path: "\(path)[\($0)]", log: log) }
    }

    package var textList: [String]? {
        guard let list else { return nil }
        let texts = list.compactMap(\.nonEmptyText)
        return texts.count == list.count ? texts : nil
    }

    /// The node as a mapping whose keys are checked against `known`.
    package func fields(known: [String]) -> YAMLFields? {
        guard case .mapping(let mapping) = node else {
            error("expected a mapping of fields, found \(node.kindName)", hint: "Write `field: value` lines, indented under this one.")
            return nil
        }
        var entries: [(String, YAMLValue)] = []
        var seen: Set<String> = []
        for (key, value) in mapping {
            let keyValue = YAMLValue(node: key, file: file, path: path, log: log)
            guard let name = keyValue.text else { continue }
            let fieldPath = path.isEmpty ? name : "\(path).\(name)"
            if !seen.insert(name).inserted {
                log.error(keyValue.location, fieldPath, "is given twice", hint: "Keep one `\(name):` and delete the other.")
                continue
            }
            if !known.contains(name) {
                let suggestion = Self.closest(to: name, in: known).map { " Did you mean `\($0)`?" } ?? ""
                log.error(keyValue.location, fieldPath, "unknown field `\(name)`",
                          hint: "Known fields here: \(known.joined(separator: ", ")).\(suggestion)")
                continue
            }
            entries.append((name, YAMLValue(node: value, file: file, path: fieldPath, log: log)))
        }
        return YAMLFields(owner: self, entries: entries)
    }

    package static func closest(to name: String, in candidates: [String]) -> String? {
        let scored = candidates.map { ($0, editDistance(Array(name.lowercased()), Array($0.lowercased()))) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, name.count / 3) else { return nil }
        return best.0
    }

    package static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
}

/// The fields of one YAML mapping, in file order.
package struct YAMLFields {
    package let owner: YAMLValue
    package let entries: [(String, YAMLValue)]

    package subscript(_ name: String) -> YAMLValue? { entries.first { $0.0 == name }?.1 }

    package func required(_ name: String, hint: String) -> YAMLValue? {
        if let value = self[name] { return value }
        owner.log.error(owner.location, owner.path.isEmpty ? name : "\(owner.path).\(name)", "is missing", hint: hint)
        return nil
    }

    package var names: [String] { entries.map(\.0) }
}

extension Node {
    package var kindName: String {
        switch self {
        case .scalar: "a single value"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }
}
