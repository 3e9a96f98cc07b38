import NIOPosix
import GrantLedgerEvents
import GrantLedgerService
import Hummingbird
import Logging

/// A request's context: Hummingbird's, and the grant of the token that made it (set by
/// ``AuthMiddleware`` on every `/v1` route).
public struct APIContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var grant: Grant?
    /// For the request's log line (``RequestLogMiddleware``): the authenticated token's id.
    let notes = RequestNotes()

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// Bodies are collected up to this many bytes; a larger request gets 413.
    public var maxUploadSize: Int { APIContext.maxBodyBytes }
    public static let maxBodyBytes = 16 * 1024 * 1024

    /// The grant, if its role has `permission`; else the refusal.
    func require(_ permission: Permission) throws -> Grant {
        guard let grant else { throw AccessError.missingToken }
        guard grant.allows(permission) else {
            throw AccessError.roleLacks(tokenID: grant.tokenID, role: grant.role, permission: permission)
        }
        return grant
    }
}

/// Authenticates the bearer token of every request it guards: the grant goes into the
/// context, a refusal is answered 401 before any route runs.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = APIContext
    let tokens: TokenStore

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        var context = context
        let header = request.headers[.authorization]
        let bearer = header.flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)).trimmingCharacters(in: .whitespaces) : nil }
        context.grant = try tokens.authenticate(header == nil ? nil : (bearer ?? ""))
        context.logger[metadataKey: "token"] = .string(context.grant!.tokenID)
        context.notes.tokenID = context.grant!.tokenID
        return try await next(request, context)
    }
}

/// Turns every error into the API's JSON error body. A denial is logged with the token's id,
/// the route and the reason; an error no layer put a kind on is logged in full and answered
/// `internal` with no detail, so nothing internal reaches the client.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = APIContext

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let route = "\(request.method) \(context.endpointPath ?? request.uri.path)"
            if let access = error as? AccessError {
                context.logger.notice("denied", metadata: [
                    "route": .string(route), "reason": .string(access.description),
                    "token": .string(Self.tokenID(of: access) ?? context.grant?.tokenID ?? "-"),
                ])
            }
            if let answer = APIError.from(error) { return try answer.response(from: request, context: context) }
            context.logger.error("internal error", metadata: ["route": .string(route), "error": .string(String(reflecting: error))])
            return try APIError(.internalServerError, "internal", "the request could not be completed; the operator's log has the details")
                .response(from: request, context: context)
        }
    }

    static func tokenID(of error: AccessError) -> String? {
        switch error {
        case .unknownToken(let id): id
        case .revoked(let id), .roleLacks(let id, _, _), .outOfScope(let id, _): id
        case .missingToken, .malformedToken: nil
        }
    }
}

