import Dispatch
import Foundation
import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerPolicy

/// Whose an entitlement is, for keeping projections current: a person's entitlements are
/// re-evaluated from the person's events, an organisation's (or a fund recipient's) from its own.
///
/// An entitlement about a worker (a trainee, a referred or hired worker) belongs to that
/// worker's scope, whoever is paid; one about no worker belongs to its payee's.
public enum Scope: Hashable, Sendable, Comparable, CustomStringConvertible {
    case person(String)
    case organisation(String)

    public init?(key: String) {
        if key.hasPrefix("person:") { self = .person(String(key.dropFirst(7))) }
        else if key.hasPrefix("org:") { self = .organisation(String(key.dropFirst(4))) }
        else { return nil }
    }

    public var key: String {
        switch self {
        case .person(let id): "person:" + id
        case .organisation(let id): "org:" + id
        }
    }

    public var kind: ScopeKind {
        switch self {
        case .person: .person
        case .organisation: .organisation
        }
    }

    /// The entitlements this scope holds: those the engine says this person or organisation owns.
    public var owner: EntitlementOwner {
        switch self {
        case .person(let id): .person(id)
        case .organisation(let id): .organisation(id)
        }
    }

    public var description: String { key }
    public static func < (a: Scope, b: Scope) -> Bool { a.key < b.key }
}

/// The two kinds of scope, in the order a pass over every scope evaluates them: people first,
/// for an organisation's yearly counts are the parts its workers' evaluations keep.
public enum ScopeKind: CaseIterable, Sendable {
    case person, organisation

    /// The prefix of this kind's keys, ending in a colon.
    var prefix: String {
        switch self {
        case .person: "person:"
        case .organisation: "org:"
        }
    }
}

/// What an event names, found by walking its definition's fields: the people and
/// organisations (the parties), and the classes, applications, certificates, targets and
/// funds whose other events give it context.
struct EventReferences: Sendable, Equatable {
    var persons: [String] = []
    var organisations: [String] = []
    var classes: [String] = []
    var applications: [String] = []
    var certificates: [String] = []
    var targets: [String] = []
    var funds: [String] = []

    init(_ event: RecordedEvent, catalog: EventCatalog) throws {
        guard let definition = catalog.definition(type: event.type, version: event.schemaVersion) else { return }
        // Straight from the stored bytes; what that does not expect, through the parsed tree.
        do {
            self = try EventReferences(reading: event, definition: definition)
        } catch {
            self = try EventReferences(parsing: event, definition: definition)
        }
    }

    /// Walks the stored bytes (`CanonicalJSONView`), and throws on what that does not expect.
    init(reading event: RecordedEvent, definition: EventDefinition) throws {
        guard let data = try CanonicalJSONView(canonical: event.data).object() else { return }
        try collect(data, fields: definition.fields)
    }

    /// The same walk over the parsed tree: for data the bytes' reading did not expect, and as
    /// the reference the tests hold that reading to.
    init(parsing event: RecordedEvent, definition: EventDefinition) throws {
        guard case .object(let data) = try event.dataValue() else { return }
        collect(data, fields: definition.fields)
    }

    private mutating func collect(_ object: CanonicalJSONView.Object, fields: [FieldDefinition]) throws {
        for field in fields {
            guard let value = object[field.name] else { continue }
            try collect(value, type: field.type, name: field.name)
        }
    }

    private mutating func collect(_ value: CanonicalJSONView, type: FieldType, name: String) throws {
        switch type {
        case .person: if let id = try value.string() { append(id, to: \.persons) }
        case .organisation: if let id = try value.string() { append(id, to: \.organisations) }
        case .payee:
            guard let payee = try value.object() else { return }
            if let id = try payee["person"]?.string() { append(id, to: \.persons) }
            if let id = try payee["organisation"]?.string() { append(id, to: \.organisations) }
        case .identifier:
            guard let list = Self.identifierList(name), let id = try value.string() else { return }
            append(id, to: list)
        case .array(let element, _):
            for item in try value.elements() ?? [] { try collect(item, type: element, name: name) }
        case .object(let fields):
            if let inner = try value.object() { try collect(inner, fields: fields) }
        default: break
        }
    }

    /// The list of the identifiers that point to other streams, by field name.
    private static func identifierList(_ name: String) -> WritableKeyPath<EventReferences, [String]>? {
        switch name {
        case "classId": \.classes
        case "applicationId": \.applications
        case "certificateNumber": \.certificates
        case "targetId": \.targets
        case "fundId": \.funds
        default: nil
        }
    }

    private mutating func collect(_ object: JSONObject, fields: [FieldDefinition]) {
        for field in fields {
            guard let value = object[field.name] else { continue }
            collect(value, type: field.type, name: field.name)
        }
    }

    private mutating func collect(_ value: JSONValue, type: FieldType, name: String) {
        switch (type, value) {
        case (.person, .string(let id)): append(id, to: \.persons)
        case (.organisation, .string(let id)): append(id, to: \.organisations)
        case (.payee, .object(let payee)):
            if case .string(let id)? = payee["person"] { append(id, to: \.persons) }
            if case .string(let id)? = payee["organisation"] { append(id, to: \.organisations) }
        case (.identifier, .string(let id)):
            if let list = Self.identifierList(name) { append(id, to: list) }
        case (.array(let element, _), .array(let items)):
            for item in items { collect(item, type: element, name: name) }
        case (.object(let fields), .object(let inner)): collect(inner, fields: fields)
        default: break
        }
    }

    private mutating func append(_ id: String, to list: WritableKeyPath<EventReferences, [String]>) {
        if !self[keyPath: list].contains(id) { self[keyPath: list].append(id) }
    }
}

/// An event decoded once for the projections: its typed payload and what it names. A rebuild
/// decodes the next chunk of the log while the last one is applied.
final class DecodedEvent: Sendable {
    let event: RecordedEvent
    /// The typed payload, for the types whose application reads it (`EventApplier.payloadTypes`);
    /// nil for the others, which are applied by what they name alone. Most of a log is insured
    /// months, which a scope's evaluation decodes when it reads them.
    let payload: (any EventPayload)?
    let references: EventReferences

    init(_ event: RecordedEvent, catalog: EventCatalog) throws {
        self.event = event
        self.payload = EventApplier.payloadTypes.contains(event.type) ? try event.payload(in: catalog) : nil
        do {
            self.references = try EventReferences(event, catalog: catalog)
        } catch {
            throw LogError.corruptEvent(position: event.position, reason: String(describing: error))
        }
    }

    /// Decodes `events`, in order, on every core when there are enough of them to share.
    static func decode(_ events: [RecordedEvent], catalog: EventCatalog, workers: Int = ScopeWorkers.defaultCount) throws -> [DecodedEvent] {
        let parts = min(workers, events.count / 256)
        guard parts > 1 else { return try events.map { try DecodedEvent($0, catalog: catalog) } }
        let results = Results(count: parts)
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let range = (events.count * part / parts)..<(events.count * (part + 1) / parts)
            results.set(part, Result { try events[range].map { try DecodedEvent($0, catalog: catalog) } })
        }
        return try results.values().flatMap { try $0.get() }
    }

    private final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private var parts: [Result<[DecodedEvent], any Error>?]

        init(count: Int) { parts = Array(repeating: nil, count: count) }

        func set(_ index: Int, _ value: Result<[DecodedEvent], any Error>) { lock.withLock { parts[index] = value } }

        func values() -> [Result<[DecodedEvent], any Error>] { lock.withLock { parts.map { $0! } } }
    }
}
