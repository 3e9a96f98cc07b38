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
struct EventReferences: Sendable {
    var persons: [String] = []
    var organisations: [String] = []
    var classes: [String] = []
    var applications: [String] = []
    var certificates: [String] = []
    var targets: [String] = []
    var funds: [String] = []

    init(_ event: RecordedEvent, catalog: EventCatalog) throws {
        guard let definition = catalog.definition(type: event.type, version: event.schemaVersion) else { return }
        guard case .object(let data) = try event.dataValue() else { return }
        collect(data, fields: definition.fields)
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
            switch name {
            case "classId": append(id, to: \.classes)
            case "applicationId": append(id, to: \.applications)
            case "certificateNumber": append(id, to: \.certificates)
            case "targetId": append(id, to: \.targets)
            case "fundId": append(id, to: \.funds)
            default: break
            }
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
struct DecodedEvent: Sendable {
    let event: RecordedEvent
    let payload: any EventPayload
    let references: EventReferences

    init(_ event: RecordedEvent, catalog: EventCatalog) throws {
        self.event = event
        self.payload = try event.payload(in: catalog)
        self.references = try EventReferences(event, catalog: catalog)
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
