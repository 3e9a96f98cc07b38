extension EventCatalog {
    /// The JSON Schema (draft 2020-12) of one full submission line of `key`'s type and version:
    /// the envelope with `type` and `schemaVersion` fixed, and `data` closed over the
    /// definition's fields. Intake tools validate against it before sending; the log validates
    /// again, including what a schema cannot express (check characters, calendar days).
    ///
    /// - Precondition: the catalog has a definition for `key`.
    public func jsonSchema(for key: EventTypeKey) -> JSONValue {
        guard let definition = definitions[key] else {
            preconditionFailure("the catalog has no definition for \(key)")
        }
        var builder = JSONSchemaBuilder()
        var properties = builder.envelopeProperties()
        properties["type"] = ["const": .string(key.type), "description": "The event type (事件类型)"]
        properties["schemaVersion"] = ["const": .integer(Int64(key.version)),
            "description": "The version of the type's schema the data follows (结构版本)"]
        properties["data"] = builder.described(
            builder.objectSchema(fields: definition.fields), "\(definition.summary) (\(definition.chinese))")
        var summary = "\(definition.summary) (\(definition.chinese))"
        if let current = currentVersion(of: key.type), current != key.version {
            summary += " Superseded by version \(current); the log upgrades such events when they are read."
        }
        return builder.document(
            id: "urn:grantledger:event:\(key.type):v\(key.version)",
            title: "\(definition.title) (\(definition.chinese)), \(key.type) v\(key.version)",
            description: summary, properties: properties)
    }

    /// The JSON Schema of the envelope every submission line shares, with `data` left open
    /// (any object): the first check an intake tool can make without knowing the type.
    public func jsonSchemaForEnvelope() -> JSONValue {
        var builder = JSONSchemaBuilder()
        var properties = builder.envelopeProperties()
        properties["type"] = ["type": "string", "enum": .array(types.map(JSONValue.string)),
            "description": "The event type (事件类型); EventSchemas/<type>.v<N>.schema.json checks its data"]
        properties["schemaVersion"] = ["type": "integer", "minimum": 1, "maximum": 1000,
            "description": "The version of the type's schema the data follows (结构版本)"]
        properties["data"] = ["type": "object", "description": "The type-specific facts (事件数据)"]
        return builder.document(
            id: "urn:grantledger:envelope:v1", title: "GrantLedger event envelope (事件信封)",
            description: "One line of a JSON Lines submission file: an event as an intake tool sends it. The log adds position, streamVersion, recordedAt and hash.",
            properties: properties)
    }
}

extension JSONSchemaBuilder {
    /// The envelope members other than `type`, `schemaVersion` and `data`, which depend on
    /// the document.
    mutating func envelopeProperties() -> JSONObject {
        func describe(_ name: String) -> String {
            guard let field = EnvelopeField.submitted.first(where: { $0.name == name }) else { return name }
            return "\(field.summary) (\(field.chinese))"
        }
        var properties = JSONObject()
        properties["eventId"] = described(reference("uuid"), describe("eventId"))
        properties["streamId"] = [
            "type": "string", "pattern": .string(Self.streamPattern), "description": .string(describe("streamId")),
            "if": ["pattern": "^person:"], "then": ["pattern": .string(Self.personStreamPattern)],
        ]
        properties["expectedVersion"] = [
            "anyOf": [["const": "none"], ["type": "integer", "minimum": 1]],
            "description": .string(describe("expectedVersion")),
        ]
        properties["occurredAt"] = described(reference("date"), describe("occurredAt"))
        properties["actor"] = described(reference("identifier"), describe("actor"))
        properties["source"] = described(reference("identifier"), describe("source"))
        properties["correlationId"] = described(reference("uuid"), describe("correlationId"))
        properties["causationId"] = described(reference("uuid"), describe("causationId"))
        return properties
    }

    /// A complete schema document for a closed envelope object.
    func document(id: String, title: String, description: String, properties: JSONObject) -> JSONValue {
        var document = JSONObject()
        document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        document["$id"] = .string(id)
        document["title"] = .string(title)
        document["description"] = .string(description)
        document["type"] = "object"
        document["required"] = .array(EnvelopeField.submitted.filter(\.isRequired).map { .string($0.name) })
        document["additionalProperties"] = false
        document["properties"] = .object(properties)
        document["$defs"] = definitionsUsed
        return .object(document)
    }
}
