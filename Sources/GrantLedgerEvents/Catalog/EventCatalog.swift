/// The data of one event type at its current schema version, as a typed Swift value.
///
/// Conforming types are plain `Decodable` structs whose properties mirror ``definition``'s
/// fields; the catalog tests check that they agree.
public protocol EventPayload: Decodable, Sendable {
    static var definition: EventDefinition { get }
}

/// A payload read straight from the canonical bytes of its current version, without a
/// `Decoder`: for the types most of a log is made of, which every evaluation of a scope decodes
/// again (insured months are two thirds of a city's events). ``EventCatalog`` tries it before
/// the decoder, which stays the reference: `CanonicalReadableTests` holds each reader to it.
public protocol CanonicalReadable: EventPayload {
    /// Nil when `data` is not as the log stores this type (a member missing or of another
    /// kind): the decoder then reads it, and says what is wrong.
    init?(canonical data: CanonicalJSONView.Object)
}

/// Turns the data of one schema version into the data of the next. Old events are upgraded
/// when read, never rewritten: the log keeps what was sent, and the hash chain covers it.
public struct Upcaster: Sendable {
    public let type: String
    public let fromVersion: Int
    public let upcast: @Sendable (JSONObject) throws(UpcastError) -> JSONObject

    public init(type: String, fromVersion: Int, upcast: @escaping @Sendable (JSONObject) throws(UpcastError) -> JSONObject) {
        self.type = type
        self.fromVersion = fromVersion
        self.upcast = upcast
    }
}

public struct UpcastError: Error, Sendable, CustomStringConvertible {
    public let type: String
    public let fromVersion: Int
    public let reason: String
    public var description: String { "cannot upgrade \(type) v\(fromVersion) to v\(fromVersion + 1): \(reason)" }
}

/// Every event type GrantLedger knows, at every schema version it has had.
public struct EventCatalog: Sendable {
    public let definitions: [EventTypeKey: EventDefinition]
    public let payloadTypes: [String: any EventPayload.Type]
    private let upcasters: [EventTypeKey: Upcaster]

    /// - Parameters:
    ///   - payloads: the current version of each event type.
    ///   - history: definitions of earlier versions, each with the upcaster to the next version.
    public init(payloads: [any EventPayload.Type], history: [(EventDefinition, Upcaster)] = []) {
        var definitions: [EventTypeKey: EventDefinition] = [:]
        var payloadTypes: [String: any EventPayload.Type] = [:]
        for payload in payloads {
            let definition = payload.definition
            precondition(payloadTypes[definition.type] == nil, "event type \(definition.type) registered twice")
            payloadTypes[definition.type] = payload
            definitions[definition.key] = definition
        }
        var upcasters: [EventTypeKey: Upcaster] = [:]
        for (definition, upcaster) in history {
            precondition(definition.type == upcaster.type && definition.version == upcaster.fromVersion)
            definitions[definition.key] = definition
            upcasters[definition.key] = upcaster
        }
        self.definitions = definitions
        self.payloadTypes = payloadTypes
        self.upcasters = upcasters
        readers = payloadTypes.compactMapValues { $0 as? any CanonicalReadable.Type }
    }

    /// The current versions that read themselves from canonical bytes.
    private let readers: [String: any CanonicalReadable.Type]

    public func definition(type: String, version: Int) -> EventDefinition? {
        definitions[EventTypeKey(type: type, version: version)]
    }

    public func currentVersion(of type: String) -> Int? { payloadTypes[type]?.definition.version }

    public func versions(of type: String) -> [Int] {
        definitions.keys.filter { $0.type == type }.map(\.version).sorted()
    }

    /// Every event type name, sorted.
    public var types: [String] { payloadTypes.keys.sorted() }

    /// Upgrades data of `type` at `version` to the current version.
    public func upcast(_ data: JSONObject, type: String, from version: Int) throws(UpcastError) -> JSONObject {
        var data = data
        var version = version
        guard let current = currentVersion(of: type) else {
            throw UpcastError(type: type, fromVersion: version, reason: "unknown event type")
        }
        while version < current {
            guard let upcaster = upcasters[EventTypeKey(type: type, version: version)] else {
                throw UpcastError(type: type, fromVersion: version, reason: "no upcaster is registered")
            }
            data = try upcaster.upcast(data)
            version += 1
        }
        return data
    }

    /// Decodes stored canonical JSON into the typed payload of the current version. Current
    /// versions are read straight from the bytes: by the type itself where it can
    /// (``CanonicalReadable``), else by ``CanonicalJSONDecoder``; older ones, and anything the
    /// fast paths do not expect, are parsed, upgraded and decoded exactly.
    public func decode(type: String, version: Int, canonicalData: [UInt8]) throws -> any EventPayload {
        if let reader = readers[type], reader.definition.version == version,
            let data = try? CanonicalJSONView(canonical: canonicalData).object(), let payload = reader.init(canonical: data)
        {
            return payload
        }
        if let payloadType = payloadTypes[type], payloadType.definition.version == version,
            let payload = try? CanonicalJSONDecoder().decode(payloadType, from: canonicalData)
        {
            return payload
        }
        guard case .object(let data) = try JSONParser.parse(canonicalData) else {
            throw UpcastError(type: type, fromVersion: version, reason: "its data is not a JSON object")
        }
        return try decode(type: type, version: version, data: data)
    }

    /// Decodes stored data into the typed payload of the current version, upgrading it first.
    public func decode(type: String, version: Int, data: JSONObject) throws -> any EventPayload {
        guard let payloadType = payloadTypes[type] else {
            throw UpcastError(type: type, fromVersion: version, reason: "unknown event type")
        }
        let current = version == payloadType.definition.version ? data : try upcast(data, type: type, from: version)
        return try JSONValueDecoder().decode(payloadType, from: .object(current))
    }
}
