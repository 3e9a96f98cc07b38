import Foundation
import GrantLedgerEvents
import GrantLedgerPolicy
import GrantLedgerProjections
import GrantLedgerService
import Hummingbird

/// The query parameters of a read: text as given (percent-decoded), and the moment asked
/// about (`asOf`, `knownAt`, `position`), parsed as the ledger parses moments.
struct ReadQuery: Sendable {
    let parameters: [String: String]

    init(_ request: Request) {
        var parameters: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { parameters[String(key)] = String(value) }
        self.parameters = parameters
    }

    subscript(name: String) -> String? { parameters[name] }

    /// The moment asked about; now when none of its parameters is given. A value that does
    /// not parse is 400 `bad-moment`.
    func moment() throws -> Moment {
        var position: Int64?
        if let text = self["position"] {
            guard let number = Int64(text) else {
                throw APIError.badRequest("bad-moment", "position=\(text): give a log position, a whole number from 0",
                                          details: ["parameter": .string("position")])
            }
            position = number
        }
        return try Moment.parse(asOf: self["asOf"], knownAt: self["knownAt"], position: position)
    }

    /// A date parameter (`YYYY-MM-DD`), or 400 `bad-parameter`.
    func date(_ name: String) throws -> LocalDate? {
        guard let text = self[name] else { return nil }
        guard let date = LocalDate(text) else {
            throw APIError.badRequest("bad-parameter", "\(name)=\(text): give a date as YYYY-MM-DD, e.g. 2024-12-31",
                                      details: ["parameter": .string(name)])
        }
        return date
    }

    /// An entitlement status parameter, or 400 `bad-parameter` naming the statuses.
    func status() throws -> Entitlement.Status? {
        guard let text = self["status"] else { return nil }
        guard let status = Entitlement.Status(rawValue: text) else {
            let known = Entitlement.Status.allCases.map(\.rawValue)
            throw APIError.badRequest("bad-parameter", "status=\(text): give one of \(known.joined(separator: ", "))",
                                      details: ["parameter": .string("status"), "allowed": .array(known.map(JSONValue.string))])
        }
        return status
    }
}

/// A read's answer: `moment` (the business date judged on and the last log position the
/// answer rests on) beside the members the route names, keys sorted.
struct ReadReply: Encodable {
    struct AnsweredMoment: Encodable {
        let asOf: LocalDate?
        let position: Int64

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(asOf?.description, forKey: Key("asOf"))
            try container.encode(position, forKey: Key("position"))
        }
    }

    let moment: AnsweredMoment
    let members: [(String, any Encodable)]

    init<Value>(_ answer: Answer<Value>, _ members: [(String, any Encodable)]) {
        moment = AnsweredMoment(asOf: answer.asOf, position: answer.position)
        self.members = members
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(moment, forKey: Key("moment"))
        for (key, value) in members { try container.encode(value, forKey: Key(key)) }
    }

    var response: Response {
        get throws { try Response.json(encoding: self) }
    }

    struct Key: CodingKey {
        let stringValue: String
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }
}
