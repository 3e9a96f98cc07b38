import GrantLedgerEvents
import GrantLedgerLog

extension Ledger {
    /// Where a person is located, for access: every place a `person.registered` event naming
    /// them as the person gives as `registeredIn` (a district, town or the city, by code or
    /// name, as recorded), read from the log by party and type. Empty for a pseudonym no
    /// registration names, which therefore lies outside every limited scope.
    public func places(ofPerson pseudonym: String) throws -> Set<String> {
        guard Pseudonym.isPseudonym(pseudonym) else { return [] }
        // Read synchronously beside the projections (this is asked while they are read).
        return try readingBesideProjections { reader in
            var places: Set<String> = []
            try reader.forEachEvent(EventQuery(type: "person.registered", party: pseudonym)) { event in
                if case .object(let data) = try event.dataValue(), data["person"] == .string(pseudonym),
                   case .string(let place)? = data["registeredIn"] {
                    places.insert(place)
                }
                return true
            }
            return places
        }
    }
}
