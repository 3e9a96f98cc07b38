import GrantLedgerEvents

/// One event of the log as the rules engine sees it: its id, its place in the log, its
/// business date and its decoded payload. Person fields hold whatever the log holds
/// (pseudonyms); the engine only compares them.
public struct Fact: Sendable {
    public let eventID: String
    /// Position in the log: breaks ties between facts of the same date, so evaluation is deterministic.
    public let position: Int64
    public let occurredAt: LocalDate
    public let payload: any EventPayload

    public init(eventID: String, position: Int64, occurredAt: LocalDate, payload: any EventPayload) {
        self.eventID = eventID
        self.position = position
        self.occurredAt = occurredAt
        self.payload = payload
    }

    public var type: String { Swift.type(of: payload).definition.type }

    /// This fact, cited in an explanation.
    func cited(_ role: String) -> Citation { Citation(eventID: eventID, type: type, date: occurredAt, role: role) }
}

/// An event an entitlement rests on, and the part it plays.
public struct Citation: Sendable, Hashable, Codable, CustomStringConvertible {
    public let eventID: String
    public let type: String
    public let date: LocalDate
    public let role: String

    public init(eventID: String, type: String, date: LocalDate, role: String) {
        self.eventID = eventID
        self.type = type
        self.date = date
        self.role = role
    }

    public var description: String { "\(date) \(type) \(eventID) (\(role))" }
}
