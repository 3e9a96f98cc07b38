/// Personal data found in an event's data by walking its definition.
public struct PersonReference: Sendable, Hashable {
    /// The resident ID as submitted, or nil if the sender already gave a pseudonym.
    public var residentID: ResidentID?
    /// The stored pseudonym.
    public var pseudonym: String
    /// A name given beside the person in the same object, if any.
    public var name: String?
}

/// A party an event names: a person (by pseudonym) or an organisation (by credit code).
public struct PartyReference: Sendable, Hashable, Comparable {
    public enum Kind: String, Sendable { case person, organisation }
    public let kind: Kind
    public let id: String
    public static func < (a: Self, b: Self) -> Bool { a.id < b.id }
}

extension EventDefinition {
    /// Replaces every person field's resident ID with its pseudonym and removes every name
    /// field, returning the data to store and the personal data taken out of it.
    ///
    /// A name belongs to the person field in the same object. Call only on validated data.
    public func separatingPersonalData(
        _ data: JSONObject, pseudonym: (ResidentID) -> String
    ) -> (data: JSONObject, people: [PersonReference], parties: [PartyReference]) {
        var people: [PersonReference] = []
        var parties: [PartyReference] = []
        let stored = Self.separate(data, fields: fields, pseudonym: pseudonym, people: &people, parties: &parties)
        // A handful of parties per event: sorting and dropping neighbours beats hashing.
        parties.sort()
        var unique: [PartyReference] = []
        unique.reserveCapacity(parties.count)
        for party in parties where unique.last != party { unique.append(party) }
        return (stored, people, unique)
    }

    /// The parties stored data names, as ``separatingPersonalData(_:pseudonym:)`` finds them,
    /// sorted and without repeats; read without rebuilding the data (for `verify`, which checks
    /// every event's against the party index).
    public func parties(inStored data: JSONObject) -> [PartyReference] {
        var parties: [PartyReference] = []
        Self.collectParties(data, fields: fields, into: &parties)
        parties.sort()
        var unique: [PartyReference] = []
        unique.reserveCapacity(parties.count)
        for party in parties where unique.last != party { unique.append(party) }
        return unique
    }

    private static func collectParties(_ object: JSONObject, fields: [FieldDefinition], into parties: inout [PartyReference]) {
        for field in fields {
            guard let value = object[field.name] else { continue }
            switch field.type {
            case .person:
                if let text = value.stringValue { parties.append(PartyReference(kind: .person, id: text)) }
            case .organisation:
                if let code = value.stringValue { parties.append(PartyReference(kind: .organisation, id: code)) }
            case .object, .payee:
                let nested: [FieldDefinition]
                if case .object(let fields) = field.type { nested = fields } else { nested = Payee.fields }
                if case .object(let inner) = value { collectParties(inner, fields: nested, into: &parties) }
            case .array(.object(let nested), _):
                for case .object(let inner) in value.arrayValue ?? [] { collectParties(inner, fields: nested, into: &parties) }
            case .array(.person, _):
                for element in value.arrayValue ?? [] {
                    if let text = element.stringValue { parties.append(PartyReference(kind: .person, id: text)) }
                }
            case .array(.organisation, _):
                for element in value.arrayValue ?? [] {
                    if let code = element.stringValue { parties.append(PartyReference(kind: .organisation, id: code)) }
                }
            default:
                continue
            }
        }
    }

    /// A person field's value: a resident ID to pseudonymise, or already a pseudonym.
    private static func reference(to text: String, pseudonym: (ResidentID) -> String) -> PersonReference {
        if let id = try? ResidentID(validating: text) {
            return PersonReference(residentID: id, pseudonym: pseudonym(id))
        }
        return PersonReference(residentID: nil, pseudonym: text)
    }

    private static func separate(
        _ object: JSONObject, fields: [FieldDefinition], pseudonym: (ResidentID) -> String,
        people: inout [PersonReference], parties: inout [PartyReference]
    ) -> JSONObject {
        var object = object
        var person: PersonReference?
        var name: String?
        for field in fields {
            guard let value = object[field.name] else { continue }
            switch field.type {
            case .person:
                guard case .string(let text) = value else { continue }
                let reference = Self.reference(to: text, pseudonym: pseudonym)
                object[field.name] = .string(reference.pseudonym)
                parties.append(PartyReference(kind: .person, id: reference.pseudonym))
                if person == nil { person = reference } else { people.append(reference) }
            case .personName:
                name = value.stringValue
                object[field.name] = nil
            case .organisation:
                if let code = value.stringValue { parties.append(PartyReference(kind: .organisation, id: code)) }
            case .object, .payee:
                let nested: [FieldDefinition]
                if case .object(let fields) = field.type { nested = fields } else { nested = Payee.fields }
                if case .object(let inner) = value {
                    object[field.name] = .object(separate(inner, fields: nested, pseudonym: pseudonym, people: &people, parties: &parties))
                }
            case .array(.object(let nested), _):
                if case .array(let elements) = value {
                    object[field.name] = .array(elements.map { element in
                        guard case .object(let inner) = element else { return element }
                        return .object(separate(inner, fields: nested, pseudonym: pseudonym, people: &people, parties: &parties))
                    })
                }
            case .array(.person, _):
                if case .array(let elements) = value {
                    object[field.name] = .array(elements.map { element in
                        guard case .string(let text) = element else { return element }
                        let reference = Self.reference(to: text, pseudonym: pseudonym)
                        people.append(reference)
                        parties.append(PartyReference(kind: .person, id: reference.pseudonym))
                        return .string(reference.pseudonym)
                    })
                }
            case .array(.organisation, _):
                for element in value.arrayValue ?? [] {
                    if let code = element.stringValue { parties.append(PartyReference(kind: .organisation, id: code)) }
                }
            default:
                continue
            }
        }
        if var person {
            person.name = name
            people.append(person)
        }
        return object
    }
}
