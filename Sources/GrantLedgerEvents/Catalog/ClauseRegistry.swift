/// The clause ids that exist. The event layer knows a clause id only by its shape
/// (``ClauseID/isWellFormed(_:)``); which ids name a real clause is the policy catalog's
/// knowledge, a layer above. This protocol is the seam: the policy catalog conforms to it, and
/// whoever opens the log for appending events from outside hands it down, so that a clause
/// field naming no clause (`XM-2023-187/（九）-b` typed with full-width parentheses, or
/// `XM-2023-187/(九)`, which the catalog divides into -a, -b and -c) is refused at intake
/// instead of surfacing later as a payment no entitlement explains.
public protocol ClauseRegistry: Sendable {
    /// Whether `clause` is exactly a clause id of the registry.
    func contains(clause: String) -> Bool
    /// The known clause ids a sender most likely meant by `clause`, best first; empty when
    /// none is near. Only for messages: nothing is ever corrected silently.
    func suggestions(for clause: String) -> [String]
}

/// A clause field whose value is shaped like a clause id but names no clause of the registry.
public struct UnknownClause: Sendable, Hashable, CustomStringConvertible {
    /// The JSON path of the field, e.g. `$.data.clause`.
    public let path: String
    /// The value as sent.
    public let clause: String
    /// What the sender probably meant (``ClauseRegistry/suggestions(for:)``).
    public let suggestions: [String]

    public init(path: String, clause: String, suggestions: [String]) {
        self.path = path
        self.clause = clause
        self.suggestions = suggestions
    }

    /// `"XM-2023-187/（九）-b" is not a clause of the policy catalog; did you mean XM-2023-187/(九)-b?`
    public var description: String {
        var text = "\"\(clause)\" is not a clause of the policy catalog"
        if let last = suggestions.last {
            let list = suggestions.count == 1 ? last : suggestions.dropLast().joined(separator: ", ") + " or " + last
            text += "; did you mean \(list)?"
        } else {
            text += "; see `grants policies list` for the clause ids"
        }
        return text
    }
}

extension EventDefinition {
    /// Every clause field of `data` (at any depth: in arrays and nested objects) whose value is
    /// not a clause of `registry`. Run after ``validate(_:path:)``: values of the wrong shape
    /// are that check's to report, and are skipped here.
    public func unknownClauses(in data: JSONObject, registry: any ClauseRegistry, path: String = "$.data") -> [UnknownClause] {
        var found: [UnknownClause] = []
        ClauseReferences.collect(.object(data), fields: fields, path: path, registry: registry, into: &found)
        return found
    }

    /// Whether any field of this type, at any depth, holds a clause id: most events have none,
    /// and their data need not be walked.
    public var hasClauseFields: Bool { ClauseReferences.mentionsClause(fields) }
}

enum ClauseReferences {
    static func collect(
        _ value: JSONValue, fields: [FieldDefinition], path: String, registry: any ClauseRegistry,
        into found: inout [UnknownClause]
    ) {
        guard case .object(let object) = value else { return }
        for field in fields {
            guard let member = object[field.name] else { continue }
            collect(member, as: field.type, path: path + "." + field.name, registry: registry, into: &found)
        }
    }

    static func collect(
        _ value: JSONValue, as type: FieldType, path: String, registry: any ClauseRegistry,
        into found: inout [UnknownClause]
    ) {
        switch type {
        case .clause:
            guard case .string(let clause) = value, ClauseID.isWellFormed(clause), !registry.contains(clause: clause) else { return }
            found.append(UnknownClause(path: path, clause: clause, suggestions: registry.suggestions(for: clause)))
        case .array(let element, _):
            guard case .array(let elements) = value else { return }
            for (index, element_) in elements.enumerated() {
                collect(element_, as: element, path: "\(path)[\(index)]", registry: registry, into: &found)
            }
        case .object(let fields):
            collect(value, fields: fields, path: path, registry: registry, into: &found)
        default:
            return
        }
    }

    static func mentionsClause(_ fields: [FieldDefinition]) -> Bool {
        fields.contains { mentionsClause($0.type) }
    }

    static func mentionsClause(_ type: FieldType) -> Bool {
        switch type {
        case .clause: true
        case .array(let element, _): mentionsClause(element)
        case .object(let fields): mentionsClause(fields)
        default: false
        }
    }
}

extension ClauseID {
    /// `clause` with the full-width forms a Chinese input method types turned into the ASCII
    /// that clause ids are written in: （ ） ／ － and full-width letters and digits (the block
    /// U+FF01–U+FF5E), the ideographic space, and the dashes an input method offers for "-"
    /// (— – ‐ ‑ − and the like). `XM-2023-187/（九）-ｂ` becomes `XM-2023-187/(九)-b`. For
    /// suggestions only: an id as sent is never rewritten.
    public static func foldingFullWidth(_ clause: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in clause.unicodeScalars {
            switch scalar.value {
            case 0xFF01...0xFF5E: scalars.append(Unicode.Scalar(scalar.value - 0xFEE0)!)
            case 0x3000: scalars.append(" ")
            case 0x2010...0x2015, 0x2212, 0xFE58, 0xFE63: scalars.append("-")
            default: scalars.append(scalar)
            }
        }
        return String(scalars)
    }
}
