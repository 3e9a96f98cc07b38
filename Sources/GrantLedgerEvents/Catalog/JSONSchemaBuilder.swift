/// Turns ``FieldType``s into JSON Schema (draft 2020-12) and collects the shared pieces they
/// refer to, so that each exported document carries only the `$defs` it uses.
///
/// A schema can check shapes but not everything the log checks: check characters of resident
/// IDs and credit codes, real calendar days, resident IDs hidden in text. Those limits are said
/// in the descriptions; the log remains the judge.
struct JSONSchemaBuilder {
    /// Names of the `$defs` entries used so far.
    private(set) var used: Set<String> = []

    static let residentIDPattern = "^[0-9]{17}[0-9Xx]$"
    static let pseudonymPattern = "^P[0-9a-f]{24}$"
    static let creditCodePattern = "^[0-9A-HJ-NP-RTUW-Y]{18}$"
    static let identifierPattern = "^[A-Za-z0-9._:/-]{1,64}$"
    static let datePattern = "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
    static let monthPattern = "^[0-9]{4}-(0[1-9]|1[0-2])$"
    static let uuidPattern = "^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$"
    /// ``ClauseID/isWellFormed(_:)``: two capital letters, one or two `-digits` groups, a
    /// slash, and a label without whitespace. (The label's limit is 40 UTF-8 bytes, which a
    /// pattern cannot count; it allows 40 characters.)
    static let clausePattern = "^[A-Z]{2}(-[0-9]+){1,2}/\\S{1,40}$"
    static let streamPattern = "^[a-z][a-z0-9-]{0,31}:[A-Za-z0-9._:/-]{1,64}$"
    /// The key of a `person:` stream is a resident ID or a pseudonym.
    static let personStreamPattern = "^person:([0-9]{17}[0-9Xx]|P[0-9a-f]{24})$"

    /// The shared definitions that refer to others.
    static let references: [String: [String]] = [
        "person": ["residentId", "pseudonym"], "payee": ["person", "organisation"],
    ]

    /// The shared definitions, by name.
    static let definitions: [String: JSONValue] = [
        "residentId": [
            "type": "string", "pattern": .string(residentIDPattern),
            "description": "An 18-character resident ID (公民身份号码, GB 11643): 17 digits and a check character. The log also checks the date of birth and the check character, which a pattern cannot.",
        ],
        "pseudonym": [
            "type": "string", "pattern": .string(pseudonymPattern),
            "description": "The pseudonym the log stores instead of a resident ID: P and 24 lower-case hex digits.",
        ],
        "person": [
            "anyOf": [["$ref": "#/$defs/residentId"], ["$ref": "#/$defs/pseudonym"]],
            "description": "A person: the resident ID as submitted, or the pseudonym the log stored (P and 24 hex digits). The check digit of a resident ID is validated by the log.",
        ],
        "organisation": [
            "type": "string", "pattern": .string(creditCodePattern),
            "description": "An organisation by its 18-character unified social credit code (统一社会信用代码, GB 32100). The check character is validated by the log.",
        ],
        "identifier": [
            "type": "string", "pattern": .string(identifierPattern),
            "description": "A code chosen by the sender: 1-64 characters of A-Z a-z 0-9 . _ : / - (and never a resident ID).",
        ],
        "uuid": [
            "type": "string", "pattern": .string(uuidPattern),
            "description": "A UUID, 8-4-4-4-12 hex digits.",
        ],
        "date": [
            "type": "string", "format": "date", "pattern": .string(datePattern),
            "description": "A calendar date, YYYY-MM-DD (ISO 8601), no time zone. The log also rejects days a month does not have.",
        ],
        "month": [
            "type": "string", "pattern": .string(monthPattern),
            "description": "A calendar month, YYYY-MM (ISO 8601).",
        ],
        "fen": [
            "type": "integer", "minimum": 0, "maximum": .integer(FieldType.maximumFen),
            "description": "Money in fen (分): a whole number, 1 yuan = 100 fen, never negative.",
        ],
        "clause": [
            "type": "string", "pattern": .string(clausePattern),
            "description": "A clause id of POLICIES.md: the document id, a slash and the clause label, e.g. JJ-2019-79/6.7 or XM-2023-187/(九)-b.",
        ],
        "payee": payeeSchema,
    ]

    private static var payeeSchema: JSONValue {
        var builder = JSONSchemaBuilder()
        guard case .object(var schema) = builder.objectSchema(fields: Payee.fields) else { return .null }
        schema["description"] = "Whom money goes to: a worker by person, or an organisation by credit code, never both."
        schema["if"] = ["properties": ["kind": ["const": "worker"]], "required": ["kind"]]
        schema["then"] = ["required": ["person"], "not": ["required": ["organisation"]]]
        schema["else"] = ["required": ["organisation"], "not": ["required": ["person"]]]
        return .object(schema)
    }

    /// A reference to a shared definition, recording that it (and what it refers to) is used.
    mutating func reference(_ name: String) -> JSONValue {
        use(name)
        return ["$ref": .string("#/$defs/" + name)]
    }

    private mutating func use(_ name: String) {
        guard used.insert(name).inserted else { return }
        for other in Self.references[name] ?? [] { use(other) }
    }

    /// The `$defs` object for everything used, or nil if nothing was.
    var definitionsUsed: JSONValue? {
        guard !used.isEmpty else { return nil }
        var defs = JSONObject()
        for name in used { defs[name] = Self.definitions[name] }
        return .object(defs)
    }

    /// The schema of one value of `type`, without a description.
    mutating func schema(for type: FieldType) -> JSONValue {
        switch type {
        case .text(let maxLength):
            return ["type": "string", "minLength": 1, "maxLength": .integer(Int64(maxLength)), "pattern": "\\S"]
        case .identifier: return reference("identifier")
        case .integer(let minimum, let maximum):
            var schema = JSONObject()
            schema["type"] = "integer"
            if let minimum { schema["minimum"] = .integer(minimum) }
            if let maximum { schema["maximum"] = .integer(maximum) }
            return .object(schema)
        case .fen: return reference("fen")
        case .boolean: return ["type": "boolean"]
        case .date: return reference("date")
        case .month: return reference("month")
        case .uuid: return reference("uuid")
        case .person: return reference("person")
        case .personName:
            return ["type": "string", "minLength": 1, "maxLength": 50,
                "$comment": "Removed from the event at append and kept in the erasable personal-data table."]
        case .organisation: return reference("organisation")
        case .clause: return reference("clause")
        case .choice(let values): return ["type": "string", "enum": .array(values.map(JSONValue.string))]
        case .payee: return reference("payee")
        case .array(let element, let minItems):
            var schema = JSONObject()
            schema["type"] = "array"
            schema["items"] = self.schema(for: element)
            if minItems > 0 { schema["minItems"] = .integer(Int64(minItems)) }
            return .object(schema)
        case .object(let fields): return objectSchema(fields: fields)
        }
    }

    /// A closed object whose properties are `fields`, each described "summary (中文)".
    mutating func objectSchema(fields: [FieldDefinition]) -> JSONValue {
        var properties = JSONObject()
        for field in fields {
            properties[field.name] = described(schema(for: field.type), "\(field.summary) (\(field.chinese))")
        }
        var schema = JSONObject()
        schema["type"] = "object"
        schema["properties"] = .object(properties)
        schema["additionalProperties"] = false
        let required = fields.filter(\.isRequired).map { JSONValue.string($0.name) }
        if !required.isEmpty { schema["required"] = .array(required) }
        return .object(schema)
    }

    /// `schema` with a `description` member added.
    func described(_ schema: JSONValue, _ description: String) -> JSONValue {
        guard case .object(var object) = schema else { return schema }
        object["description"] = .string(description)
        return .object(object)
    }
}
