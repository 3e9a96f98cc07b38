import Testing

@testable import GrantLedgerEvents

@Suite struct JSONSchemaExportTests {
    static func schema(_ type: String, _ version: Int = 1) -> JSONObject {
        catalog.jsonSchema(for: EventTypeKey(type: type, version: version)).objectValue ?? JSONObject()
    }

    static func dataProperty(_ schema: JSONObject, _ name: String) -> JSONObject? {
        schema["properties"]?.objectValue?["data"]?.objectValue?["properties"]?.objectValue?[name]?.objectValue
    }

    static func definition(_ schema: JSONObject, _ name: String) -> JSONObject? {
        schema["$defs"]?.objectValue?[name]?.objectValue
    }

    @Test(arguments: allKeys)
    func describesTheFullSubmissionLine(key: EventTypeKey) throws {
        let schema = try #require(catalog.jsonSchema(for: key).objectValue)
        let definition = try #require(catalog.definitions[key])
        #expect(schema["$schema"] == "https://json-schema.org/draft/2020-12/schema")
        #expect(schema["$id"] == .string("urn:grantledger:event:\(key.type):v\(key.version)"))
        #expect(schema["title"]?.stringValue?.contains(definition.chinese) == true)
        #expect(schema["description"]?.stringValue?.hasPrefix("\(definition.summary) (\(definition.chinese))") == true)
        #expect(schema["type"] == "object")
        #expect(schema["additionalProperties"] == false)
        #expect(schema["required"] == ["eventId", "streamId", "type", "schemaVersion", "occurredAt", "actor", "source", "data"])
        let properties = try #require(schema["properties"]?.objectValue)
        #expect(Set(properties.keys) == Set(EventSubmission.envelopeFields))
        #expect(properties["type"]?.objectValue?["const"] == .string(key.type))
        #expect(properties["schemaVersion"]?.objectValue?["const"] == .integer(Int64(key.version)))

        let data = try #require(properties["data"]?.objectValue)
        #expect(data["additionalProperties"] == false)
        let required = definition.fields.filter(\.isRequired).map { JSONValue.string($0.name) }
        #expect(data["required"] == (required.isEmpty ? nil : .array(required)))
        let fields = try #require(data["properties"]?.objectValue)
        #expect(fields.keys.sorted() == definition.fields.map(\.name).sorted())
        for field in definition.fields {
            #expect(fields[field.name]?.objectValue?["description"] == .string("\(field.summary) (\(field.chinese))"))
        }
        // Every reference resolves, and every shared definition is used.
        let references = Self.references(in: .object(schema))
        let defs = Set(schema["$defs"]?.objectValue?.keys ?? [])
        #expect(references == defs.map { "#/$defs/" + $0 }.reduce(into: Set()) { $0.insert($1) })
    }

    static func references(in value: JSONValue) -> Set<String> {
        switch value {
        case .object(let object):
            var found: Set<String> = []
            for member in object {
                if member.key == "$ref", let target = member.value.stringValue { found.insert(target) }
                found.formUnion(references(in: member.value))
            }
            return found
        case .array(let elements): return elements.reduce(into: []) { $0.formUnion(references(in: $1)) }
        default: return []
        }
    }

    @Test func mapsEachFieldType() throws {
        let classFiled = Self.schema("class.filed")
        #expect(Self.dataProperty(classFiled, "classId")?["$ref"] == "#/$defs/identifier")
        #expect(Self.dataProperty(classFiled, "occupation")?["maxLength"] == 200)
        #expect(Self.dataProperty(classFiled, "occupation")?["minLength"] == 1)
        #expect(Self.dataProperty(classFiled, "classHours")?["minimum"] == 1)
        #expect(Self.dataProperty(classFiled, "classHours")?["maximum"] == 10_000)
        #expect(Self.dataProperty(classFiled, "classHours")?["type"] == "integer")
        #expect(Self.dataProperty(classFiled, "projectBased")?["type"] == "boolean")
        #expect(Self.dataProperty(classFiled, "startDate")?["$ref"] == "#/$defs/date")
        #expect(Self.dataProperty(classFiled, "costPerTrainee")?["$ref"] == "#/$defs/fen")
        #expect(Self.dataProperty(classFiled, "organiser")?["$ref"] == "#/$defs/organisation")
        #expect(Self.dataProperty(classFiled, "jurisdiction")?["enum"] == ["350200", "350582", "330108"])
        let fen = try #require(Self.definition(classFiled, "fen"))
        #expect(fen["type"] == "integer" && fen["minimum"] == 0 && fen["maximum"] == .integer(FieldType.maximumFen))
        let date = try #require(Self.definition(classFiled, "date"))
        #expect(date["format"] == "date")

        let target = Self.schema("target.set")
        #expect(Self.dataProperty(target, "value")?["minimum"] == 0)
        #expect(Self.dataProperty(target, "value")?["maximum"] == nil)

        let person = try #require(Self.definition(Self.schema("person.registered"), "person"))
        #expect(person["anyOf"] == [["$ref": "#/$defs/residentId"], ["$ref": "#/$defs/pseudonym"]])
        #expect(person["description"]?.stringValue?.contains("check digit") == true)
        let registered = Self.schema("person.registered")
        #expect(Self.definition(registered, "residentId")?["pattern"] == "^[0-9]{17}[0-9Xx]$")
        #expect(Self.definition(registered, "pseudonym")?["pattern"] == "^P[0-9a-f]{24}$")
        #expect(Self.dataProperty(registered, "name")?["maxLength"] == 50)
        #expect(Self.dataProperty(registered, "name")?["minLength"] == 1)

        let submitted = Self.schema("application.submitted")
        #expect(Self.dataProperty(submitted, "evidence")?["items"] == ["$ref": "#/$defs/uuid"])
        #expect(Self.dataProperty(submitted, "evidence")?["minItems"] == 1)
        #expect(Self.dataProperty(submitted, "period")?["$ref"] == "#/$defs/month")
        #expect(Self.dataProperty(submitted, "clause")?["$ref"] == "#/$defs/clause")
        let payee = try #require(Self.definition(submitted, "payee"))
        #expect(payee["required"] == ["kind"])
        #expect(payee["additionalProperties"] == false)
        #expect(payee["if"] == ["properties": ["kind": ["const": "worker"]], "required": ["kind"]])
        #expect(payee["then"] == ["required": ["person"], "not": ["required": ["organisation"]]])
        #expect(payee["else"] == ["required": ["organisation"], "not": ["required": ["person"]]])
        #expect(payee["properties"]?.objectValue?["kind"]?.objectValue?["enum"]
            == .array(PayeeKind.allCases.map { .string($0.rawValue) }))

        let certificate = Self.schema("certificate.issued", 2)
        #expect(Self.dataProperty(certificate, "level")?["enum"] == ["L1", "L2", "L3", "L4", "L5"])
        #expect(Self.definition(certificate, "organisation")?["pattern"] == "^[0-9A-HJ-NP-RTUW-Y]{18}$")
        let old = Self.schema("certificate.issued", 1)
        #expect(old["description"]?.stringValue?.contains("Superseded by version 2") == true)
        #expect(Self.dataProperty(old, "level") == nil)
        #expect(Self.dataProperty(old, "grade")?["enum"]?.arrayValue?.contains("中级工") == true)

        var builder = JSONSchemaBuilder()
        let object = builder.schema(for: .array(.object([.required("a", .boolean, "A", zh: "甲")]), minItems: 0))
        #expect(object == ["type": "array", "items": [
            "type": "object", "additionalProperties": false, "required": ["a"],
            "properties": ["a": ["type": "boolean", "description": "A (甲)"]],
        ]])
    }

    @Test func describesTheEnvelopeAlone() throws {
        let schema = try #require(catalog.jsonSchemaForEnvelope().objectValue)
        #expect(schema["$id"] == "urn:grantledger:envelope:v1")
        let properties = try #require(schema["properties"]?.objectValue)
        #expect(properties["data"] == ["type": "object", "description": "The type-specific facts (事件数据)"])
        #expect(properties["type"]?.objectValue?["enum"] == .array(catalog.types.map(JSONValue.string)))
        #expect(properties["schemaVersion"]?.objectValue?["minimum"] == 1)
        #expect(schema["additionalProperties"] == false)
    }

    /// The patterns agree with the Swift validators they stand for (run with Swift's regex
    /// engine; Tools/check-schemas.py runs them with Python's).
    @Test func patternsAgreeWithTheValidators() throws {
        func matches(_ pattern: String, _ text: String) throws -> Bool {
            try Regex(pattern).firstMatch(in: text) != nil
        }
        let clauses = ["XM-2023-187/(九)-b", "JJ-2019-79/6.7", "BJ-2023/(十)-a", "XM-2023-187", "xm-2023/1", "XM-2023/a b",
            "XM-20a3/1", "XM/1", "XM-2023-187-1/1", "JJ-2019-79/a/b", "XM-2023/" + String(repeating: "a", count: 41)]
        for clause in clauses {
            #expect(try matches(JSONSchemaBuilder.clausePattern, clause) == ClauseID.isWellFormed(clause), "\(clause)")
        }
        let identifiers = ["S3502002024000123", "XM-2024-0012", "a:b/c.d_e", "", "XM 2024", "证书1",
            String(repeating: "a", count: 64), String(repeating: "a", count: 65)]
        for identifier in identifiers {
            #expect(try matches(JSONSchemaBuilder.identifierPattern, identifier)
                == (FieldValidator.identifierProblem(identifier) == nil), "\(identifier)")
        }
        let streams = ["class:XM-2024-0012", "person:35020319900101123X", "person:P0123456789abcdef01234567",
            "employment:91350200MA31XM001A:HT-2024-0188", "Class:X", "class", "person:chen", "-a:b", "a:"]
        for stream in streams {
            let schemaAccepts = try matches(JSONSchemaBuilder.streamPattern, stream)
                && (!stream.hasPrefix("person:") || matches(JSONSchemaBuilder.personStreamPattern, stream))
            #expect(schemaAccepts == (StreamID.problem(stream) == nil), "\(stream)")
        }
        for code in ["91350200MA31XM001A", "9144030071526726XG", "91440300I922038216", "9135020OMA31XM001A", "9135"] {
            #expect(try matches(JSONSchemaBuilder.creditCodePattern, code) == CreditCode.isValid(code), "\(code)")
        }
        for id in ["35020319900101123X", "11010519491231002x", "3502031990010112", "35020319900101123Y"] {
            #expect(try matches(JSONSchemaBuilder.residentIDPattern, id) == ResidentID.isValid(id), "\(id)")
        }
        for text in ["2024-02-29", "2024-12-31", "2024-13-01", "2024-1-01", "2024-01-32", "24-01-01"] {
            #expect(try matches(JSONSchemaBuilder.datePattern, text) == (LocalDate(text) != nil), "\(text)")
        }
        for text in ["2024-06", "2024-6", "2024-13", "2024-06-01"] {
            #expect(try matches(JSONSchemaBuilder.monthPattern, text) == (YearMonth(text) != nil), "\(text)")
        }
        for text in ["00000000-0000-4000-8000-000000000001", "ABCDEF00-0000-4000-8000-0000000000AA", "x", "0000000-0000-4000-8000-0000000000011"] {
            #expect(try matches(JSONSchemaBuilder.uuidPattern, text) == UUIDText.isValid(text), "\(text)")
        }
        // What the patterns cannot see, and the log does (hence "schemaDetects": false).
        #expect(try matches(JSONSchemaBuilder.datePattern, "2023-02-29") && LocalDate("2023-02-29") == nil)
        #expect(try matches(JSONSchemaBuilder.residentIDPattern, "350203199001011234") && !ResidentID.isValid("350203199001011234"))
        #expect(try matches(JSONSchemaBuilder.creditCodePattern, "91350200MA31XM001B") && !CreditCode.isValid("91350200MA31XM001B"))
    }
}
