import NIOCore
import NIOPosix
import GrantLedgerEvents
import Foundation
import GrantLedgerIntake
import GrantLedgerLog
import GrantLedgerService
import Hummingbird

/// An error as the API answers it: a status and a JSON body `{error, message, details}` whose
/// `error` is a stable code a client can match. Nothing internal goes in it: no SQL, no file
/// path, no stack, no token, no resident ID.
public struct APIError: Error, HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    /// Stable, lower-case, hyphenated: `unauthenticated`, `forbidden`, `rejected`, `conflict`, …
    public let code: String
    public let message: String
    public let details: [String: JSONValue]

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, details: [String: JSONValue] = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
    }

    public var body: JSONValue {
        .object(JSONObject(unsortedMembers: [
            ("error", .string(code)), ("message", .string(message)),
            ("details", .object(JSONObject(unsortedMembers: details.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })!)),
        ])!)
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        Response.json(body, status: status)
    }
}

extension APIError {
    static func badRequest(_ code: String, _ message: String, details: [String: JSONValue] = [:]) -> APIError {
        APIError(.badRequest, code, message, details: details)
    }

    static func notFound(_ message: String) -> APIError { APIError(.notFound, "not-found", message) }

    /// A request not answered within the service's time limit (``TimeLimitMiddleware``).
    static func timeout(_ limit: Duration) -> APIError {
        APIError(.serviceUnavailable, "timeout",
                 "the request was not answered within \(text(limit)) and was cut short; it changed nothing: try again later, or ask for less")
    }

    /// A duration as a message gives it: whole seconds, else milliseconds.
    static func text(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return attoseconds == 0 ? "\(seconds) s" : "\(seconds * 1000 + attoseconds / 1_000_000_000_000_000) ms"
    }

    /// The API's answer to an error from the layers below, by its kind.
    static func from(_ error: any Error) -> APIError? {
        switch error {
        case let error as APIError: return error
        case let error as AccessError:
            return error.isUnauthenticated
                ? APIError(.unauthorized, "unauthenticated", "\(error): send Authorization: Bearer glt_<id>_<secret> with a valid token")
                : APIError(.forbidden, "forbidden", "\(error)")
        case let error as LedgerError: return from(error)
        case LogError.busy(let seconds):
            return APIError(.serviceUnavailable, "busy",
                            "another append held the ledger for more than \(seconds) s, so this one wrote nothing: send it again shortly")
        case let error as ImportError where error.kind == .keyUnavailable:
            return APIError(.serviceUnavailable, "key-unavailable", "the service holds no pseudonym key for this ledger, so it cannot import feeds naming people")
        case is NIOTooManyBytesError:
            return APIError(.contentTooLarge, "too-large", "the request body is over \(APIContext.maxBodyBytes) bytes: send the events in smaller batches")
        case let error as HTTPError:
            switch error.status {
            case .contentTooLarge:
                return APIError(.contentTooLarge, "too-large", "the request body is over the limit: send the events in smaller batches")
            default:
                return APIError(error.status, "http-\(error.status.code)", error.body ?? error.status.reasonPhrase)
            }
        default: return nil
        }
    }

    static func from(_ error: LedgerError) -> APIError {
        switch error {
        case .catalogFailed:
            APIError(.serviceUnavailable, "catalog-failed", "the policy catalog did not load; the operator must fix it (grants policies check)")
        case .rejected(let issues):
            APIError(.unprocessableContent, "rejected", "events were rejected; nothing was appended",
                     details: ["issues": .array(issues.map(Self.json))])
        case .conflict(let stream, let expected, let actual):
            APIError(.conflict, "conflict", "\(error)", details: [
                "stream": .string(stream), "expected": json(expected), "actual": actual.map(JSONValue.integer) ?? .null,
            ])
        case .unknownParty, .notAPerson: APIError(.notFound, "unknown-party", "\(error)")
        case .erased: APIError(.notFound, "erased", "\(error)")
        case .residentIDWithoutKey: APIError(.serviceUnavailable, "key-unavailable", "\(error)")
        case .unknownEntitlement, .unknownTarget, .mappingNotFound: APIError(.notFound, "not-found", "\(error)")
        case .unknownClause, .clauseMovesNoMoney: APIError(.badRequest, "bad-clause", "\(error)")
        case .badMoment: APIError(.badRequest, "bad-moment", "\(error)")
        case .badPeriod: APIError(.badRequest, "bad-period", "\(error)")
        case .positionBeyondHead: APIError(.badRequest, "bad-moment", "\(error)")
        case .projectionsNotReady: APIError(.serviceUnavailable, "projections-not-ready", "\(error)")
        // Only a ledger being made asks for it; the service opens ledgers already made.
        case .keyFileNeeded: APIError(.serviceUnavailable, "key-unavailable", "the ledger's pseudonym key file is not configured")
        }
    }

    /// An expected version as the envelope writes it: "any", "none" or the version.
    static func json(_ expected: ExpectedVersion) -> JSONValue {
        switch expected {
        case .any: .string("any")
        case .noStream: .string("none")
        case .exactly(let version): .integer(version)
        }
    }

    static func json(_ issue: LineIssue) -> JSONValue {
        var members: [(String, JSONValue)] = [("line", .integer(Int64(issue.line))), ("path", .string(issue.path)), ("message", .string(issue.message))]
        if let clause = issue.unknownClause { members.append(("suggestions", .array(clause.suggestions.map(JSONValue.string)))) }
        return .object(JSONObject(unsortedMembers: members)!)
    }
}

extension Response {
    /// A JSON body in canonical form (sorted keys, no floating point).
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(bytes: CanonicalJSON.encode(value))))
    }

    /// Any `Encodable` value as JSON with sorted keys.
    static func json(encoding value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}
