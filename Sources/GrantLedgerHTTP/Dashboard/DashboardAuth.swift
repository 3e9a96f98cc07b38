import GrantLedgerService
import Hummingbird

/// Guards the dashboard's pages: the session cookie's grant goes into the context (as the
/// bearer token's does on `/v1`), so the pages check permissions as the API does. A request
/// with no live session is sent to the login page; a session whose token has been revoked
/// since is closed. Errors below become HTML pages: a refusal 403 saying why, a question the
/// ledger cannot answer with the API's message, anything else 500 with nothing internal.
struct DashboardAuth: RouterMiddleware {
    typealias Context = APIContext
    let sessions: DashboardSessions
    let tokens: TokenStore

    static let cookieName = "grants_session"

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        guard let id = request.cookies[Self.cookieName]?.value, let grant = sessions.grant(of: id) else {
            return DashboardRenderer.redirect(to: "/login")
        }
        let tokens = tokens
        let live = try await Blocking.read { try tokens.list().contains { $0.id == grant.tokenID && $0.revokedAt == nil } }
        guard live else {
            sessions.close(id)
            return DashboardRenderer.redirect(to: "/login", headers: [.setCookie: Self.clearingCookie])
        }
        guard request.method != .post || DashboardRoutes.isSameOrigin(request) else { return DashboardRoutes.crossOrigin }
        var context = context
        context.grant = grant
        context.logger[metadataKey: "token"] = .string(grant.tokenID)
        do {
            return try await next(request, context)
        } catch {
            return Self.page(for: error, request: request, context: context)
        }
    }

    /// The HTML answer to an error of a page.
    static func page(for error: any Error, request: Request, context: APIContext) -> Response {
        let route = "\(request.method) \(context.endpointPath ?? request.uri.path)"
        switch error {
        case let refusal as DashboardRefusal:
            context.logger.notice("denied", metadata: ["route": .string(route), "reason": .string(refusal.message)])
            return DashboardRenderer.error(refusal.message, status: .forbidden, grant: context.grant)
        case AccessError.outOfScope(_, let scope):
            context.logger.notice("denied", metadata: ["route": .string(route), "reason": "out of scope"])
            return DashboardRenderer.error("不在你的范围内。This lies outside the scope of your token (\(scope)), or is not in the ledger.",
                                           status: .forbidden, grant: context.grant)
        case let access as AccessError:
            return DashboardRenderer.error("无权访问。\(access)", status: access.isUnauthenticated ? .unauthorized : .forbidden, grant: context.grant)
        default:
            if let answer = APIError.from(error) {
                return DashboardRenderer.error(answer.message, status: answer.status, grant: context.grant)
            }
            context.logger.error("internal error", metadata: ["route": .string(route), "error": .string(String(reflecting: error))])
            return DashboardRenderer.error("页面无法显示，详情见运维日志。The page could not be shown; the operator's log has the details.",
                                           status: .internalServerError, grant: context.grant)
        }
    }

    /// The session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site's page
    /// sends it, which also keeps other sites from posting the dashboard's forms), for every path.
    /// Not `Secure`, since the service itself speaks plain HTTP on loopback; behind a TLS proxy,
    /// the proxy should add it.
    static func cookie(_ id: String, maxAge: Int) -> Cookie {
        Cookie(name: cookieName, value: id, maxAge: maxAge, path: "/", httpOnly: true, sameSite: .strict)
    }

    /// A Set-Cookie value that clears the session cookie.
    static var clearingCookie: String { cookie("", maxAge: 0).description }
}
