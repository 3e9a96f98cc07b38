import Foundation
import GrantLedgerEvents
import GrantLedgerLog
@testable import GrantLedgerHTTP
import GrantLedgerService
import Hummingbird
import HummingbirdTesting
import Testing

/// The people of the fixture: the examples, with registrations that place a person in each of
/// Xiamen's 思明区 and 集美区 and Jinjiang's 陈埭镇.
enum People {
    /// 陈建华, registered in 思明区 by the examples.
    static let siming = "35020319900101123X"
    /// Registered in 陈埭镇 (晋江市) below.
    static let chendai = "350582198506150021"
    /// Registered in 集美区 (厦门市, not 思明区) below.
    static let jimei = "620102199507071233"
    /// A valid resident ID that no event names.
    static let nobody = "110101199003077774"
    /// Every resident ID the fixture holds: none may appear in an answer.
    static let residentIDs = [siming, chendai, jimei, "330108199803040019", "350205198805122013"]

    /// The place each person is registered in.
    static let registeredIn = [siming: "思明区", chendai: "陈埭镇", jimei: "集美区"]

    /// The places each scope of the matrix covers, written out by hand.
    static let placesCovered: [String: Set<String>] = ["晋江市": ["陈埭镇"], "思明区": ["思明区"], "厦门市": ["思明区", "集美区"]]

    static let registrations: String = [
        registration(person: chendai, in: "陈埭镇", date: "2016-02-01", id: "00000000-0000-4000-8000-0000000001a1"),
        registration(person: jimei, in: "集美区", date: "2024-03-01", id: "00000000-0000-4000-8000-0000000001a2"),
    ].joined(separator: "\n")

    static func registration(person: String, in place: String, date: String, id: String) -> String {
        #"{"actor":"test:registrar","data":{"person":"\#(person)","registeredIn":"\#(place)","registrationKind":"job-seeking"},"eventId":"\#(id)","expectedVersion":1,"occurredAt":"\#(date)","schemaVersion":1,"source":"test","streamId":"person:\#(person)","type":"person.registered"}"#
    }
}

extension ServedLedger {
    /// A served ledger holding the examples and the registrations, projections caught up.
    static func withPeople() async throws -> ServedLedger {
        let served = try await ServedLedger()
        let outcome = try await served.ledger.append(lines(examples + "\n" + People.registrations))
        #expect(outcome.report.isComplete)
        return served
    }

    static func lines(_ text: String) -> [SubmissionLine] {
        text.split(separator: "\n").enumerated().map { SubmissionLine(number: $0.offset + 1, bytes: Array($0.element.utf8)) }
    }

    /// A new token for `role`, limited to `scope`.
    func token(_ role: Role, scope: String?) throws -> String {
        try ledger.createToken(role: role, scope: scope, label: nil).bearer
    }

    func pseudonym(_ residentID: String) throws -> String { try ledger.personKey(for: residentID) }
}

/// The headers of a request with a bearer token.
func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer " + token] }

/// A path or query component, percent-encoded.
func encoded(_ text: String) -> String {
    text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~")))!
}
