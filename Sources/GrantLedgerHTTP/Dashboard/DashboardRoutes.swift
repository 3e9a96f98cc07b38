import GrantLedgerEvents
import GrantLedgerProjections
import GrantLedgerService
import Hummingbird

/// The dashboard, served at `/` beside the API: a login page that trades an API token for a
/// session cookie (``DashboardSessions``), and server-rendered pages of targets, payouts,
/// findings, funds, a person and an entitlement. Each handler parses, asks the ledger (reading
/// the projections as they stand, as the API's reads do) and renders; scope and masking are the
/// API's (``ReadScope``).
public struct DashboardRoutes: Sendable {
    let ledger: Ledger
    let tokens: TokenStore
    let sessions: DashboardSessions

    /// `ledger` should read the projections as they stand (``Ledger/readingProjectionsAsTheyStand()``).
    public init(ledger: Ledger, tokens: TokenStore, sessions: DashboardSessions = DashboardSessions()) {
        self.ledger = ledger
        self.tokens = tokens
        self.sessions = sessions
    }

    public func add(to router: Router<APIContext>) {
        router.get("login") { _, _ in login(message: nil, status: .ok) }
        router.post("login") { request, context in
            guard Self.isSameOrigin(request) else { return Self.crossOrigin }
            return try await logIn(request, context)
        }
        router.post("logout") { request, _ in Self.isSameOrigin(request) ? logOut(request) : Self.crossOrigin }
        let pages = router.group().add(middleware: DashboardAuth(sessions: sessions, tokens: tokens))
        pages.get("/") { _, context in try home(context) }
        pages.get("targets") { request, context in try await targets(request, context) }
        pages.get("payouts") { request, context in try await payouts(request, context) }
        pages.get("findings") { request, context in try await findings(request, context) }
        pages.get("funds") { request, context in try await funds(request, context) }
        pages.get("person") { _, context in try person(context) }
        pages.post("person") { request, context in try await lookUp(request, context) }
        pages.get("person/{pseudonym}") { request, context in try await person(request, context) }
        pages.get("entitlement") { request, context in try await entitlement(request, context) }
    }

    // MARK: Logging in and out

    struct Message { let text: String }
    struct LoginView { let message: [Message] }
    struct LoginForm: Decodable { let token: String? }

    func login(message: String?, status: HTTPResponse.Status) -> Response {
        DashboardRenderer.page("login", LoginView(message: message.map { [Message(text: $0)] } ?? []), title: "登录 Log in", grant: nil, status: status)
    }

    /// The form posts `token=glt_…` in its body (never in a URL). A token that authenticates and
    /// whose role has a page opens a session: its id goes into the cookie, the token nowhere.
    func logIn(_ request: Request, _ context: APIContext) async throws -> Response {
        let body = try await request.body.collect(upTo: 4096)
        let form = try? URLEncodedFormDecoder().decode(LoginForm.self, from: String(buffer: body))
        let bearer = form?.token?.trimmingCharacters(in: .whitespacesAndNewlines)
        let tokens = tokens
        let grant: Grant
        do {
            grant = try await Blocking.read { try tokens.authenticate(bearer) }
        } catch let error as AccessError {
            context.logger.notice("dashboard login refused", metadata: ["reason": .string(error.description)])
            return login(message: "登录失败：\(error)。Log in failed: \(error).", status: .unauthorized)
        }
        guard !DashboardPage.navigation(for: grant).isEmpty else {
            return DashboardRenderer.error(DashboardRefusal.noPages(role: grant.role).message, status: .forbidden, grant: nil)
        }
        let id = sessions.open(for: grant)
        context.logger.info("dashboard login", metadata: ["token": .string(grant.tokenID)])
        return DashboardRenderer.redirect(to: "/", headers: [.setCookie: DashboardAuth.cookie(id, maxAge: sessions.maxAge).description])
    }

    /// Whether a form post comes from the dashboard's own pages: a browser sends `Origin` with
    /// every POST, and it must name the host the request went to. The session cookie is
    /// SameSite=Strict, so another site's page cannot act in a session; this also stops it
    /// logging a browser in (or out) with a token of its own choosing. A client that sends no
    /// `Origin` (not a browser) is let through.
    static func isSameOrigin(_ request: Request) -> Bool {
        guard let origin = request.headers[.origin] else { return true }
        guard let host = request.head.authority else { return false }
        return origin == "http://" + host || origin == "https://" + host
    }

    static var crossOrigin: Response {
        DashboardRenderer.error("此表单只能从看板页面提交。This form can only be sent from the dashboard's own pages.", status: .forbidden, grant: nil)
    }

    func logOut(_ request: Request) -> Response {
        if let id = request.cookies[DashboardAuth.cookieName]?.value { sessions.close(id) }
        return DashboardRenderer.redirect(to: "/login", headers: [.setCookie: DashboardAuth.clearingCookie])
    }

    // MARK: Pages

    struct Home { let role: String; let scope: [DashboardRenderer.Named]; let pages: [DashboardRenderer.NavItem] }

    func home(_ context: APIContext) throws -> Response {
        guard let grant = context.grant else { throw AccessError.missingToken }
        let pages = DashboardPage.navigation(for: grant).map { DashboardRenderer.NavItem(path: $0.path, label: $0.title, current: false) }
        return DashboardRenderer.page("home", Home(role: grant.role.rawValue, scope: grant.scope.map { [DashboardRenderer.Named(name: $0)] } ?? [], pages: pages),
                                      title: "看板 Dashboard", grant: grant)
    }

    /// The grant of the request, if it may see `page`.
    func grant(_ context: APIContext, for page: DashboardPage) throws -> Grant {
        guard let grant = context.grant else { throw AccessError.missingToken }
        return try page.require(grant)
    }

    func targets(_ request: Request, _ context: APIContext) async throws -> Response {
        let grant = try grant(context, for: .targets)
        let moment = try ReadQuery(request).moment()
        let ledger = ledger
        return try await Blocking.read {
            let answer = try ledger.performance(at: moment)
            let view = DashboardViews.targets(answer.value, places: try? ledger.policies().places)
            return DashboardRenderer.page("targets", view, title: DashboardPage.targets.title, grant: grant, current: .targets,
                                          moment: DashboardViews.moment(answer))
        }
    }

    func payouts(_ request: Request, _ context: APIContext) async throws -> Response {
        let grant = try grant(context, for: .payouts)
        let moment = try ReadQuery(request).moment()
        let ledger = ledger
        return try await Blocking.read {
            let scope = try ReadScope(grant: grant, ledger: ledger)
            let answer = try ledger.payouts(at: moment)
            let names = PersonNames(ledger: ledger)
            let view = DashboardViews.payouts(try scope.filter(answer.value), asOf: answer.asOf ?? LocalDate(year: 2000, month: 1, day: 1)!,
                                              person: names.name)
            return DashboardRenderer.page("payouts", view, title: DashboardPage.payouts.title, grant: grant, current: .payouts,
                                          moment: DashboardViews.moment(answer))
        }
    }

    func findings(_ request: Request, _ context: APIContext) async throws -> Response {
        let grant = try grant(context, for: .findings)
        let moment = try ReadQuery(request).moment()
        let ledger = ledger
        return try await Blocking.read {
            let scope = try ReadScope(grant: grant, ledger: ledger)
            let answer = try ledger.findings(at: moment)
            let (findings, clawbacks) = try scope.filter(answer.value)
            let view = DashboardViews.findings(findings, clawbacks: clawbacks, person: PersonNames(ledger: ledger).name)
            return DashboardRenderer.page("findings", view, title: DashboardPage.findings.title, grant: grant, current: .findings,
                                          moment: DashboardViews.moment(answer))
        }
    }

    func funds(_ request: Request, _ context: APIContext) async throws -> Response {
        let grant = try grant(context, for: .funds)
        let moment = try ReadQuery(request).moment()
        let ledger = ledger
        return try await Blocking.read {
            let scope = try ReadScope(grant: grant, ledger: ledger)
            let answer = try ledger.funds(at: moment)
            let view = DashboardViews.funds(scope.unlessLimited(answer.value), places: try? ledger.policies().places)
            return DashboardRenderer.page("funds", view, title: DashboardPage.funds.title, grant: grant, current: .funds,
                                          moment: DashboardViews.moment(answer))
        }
    }

    /// The look-up form alone.
    func person(_ context: APIContext) throws -> Response {
        let grant = try grant(context, for: .person)
        return DashboardRenderer.page("person", DashboardViews.PersonPage(found: []), title: DashboardPage.person.title, grant: grant, current: .person)
    }

    struct LookUpForm: Decodable { let id: String? }

    /// The form posts a resident ID or pseudonym (in the body, so that a resident ID stays out
    /// of URLs and logs); a person within the scope is shown at `/person/<pseudonym>`.
    func lookUp(_ request: Request, _ context: APIContext) async throws -> Response {
        let grant = try grant(context, for: .person)
        let body = try await request.body.collect(upTo: 4096)
        let text = (try? URLEncodedFormDecoder().decode(LookUpForm.self, from: String(buffer: body)))?.id?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard !text.isEmpty else { throw APIError.badRequest("bad-parameter", "请输入身份证号或化名。Give a resident ID or pseudonym.") }
        let ledger = ledger
        let pseudonym = try await Blocking.read { try ReadScope(grant: grant, ledger: ledger).requirePerson(text) }
        return DashboardRenderer.redirect(to: "/person/" + pseudonym)
    }

    /// A person (by pseudonym) within the scope: entitlements, why not, and the timeline.
    func person(_ request: Request, _ context: APIContext) async throws -> Response {
        let grant = try grant(context, for: .person)
        let text = try context.parameters.require("pseudonym")
        let moment = try ReadQuery(request).moment()
        let ledger = ledger
        return try await Blocking.read {
            let pseudonym = try ReadScope(grant: grant, ledger: ledger).requirePerson(text)
            let timeline = try ledger.timeline(of: pseudonym, at: moment)
            let whyNot = try ledger.whyNot(pseudonym, at: moment)
            let view = DashboardViews.person(pseudonym: pseudonym, masked: PersonNames(ledger: ledger).name(pseudonym),
                                             timeline: timeline.value, whyNot: whyNot.value)
            return DashboardRenderer.page("person", view, title: DashboardPage.person.title, grant: grant, current: .person,
                                          moment: DashboardViews.moment(timeline))
        }
    }

    /// `?id=`: one entitlement explained, as `GET /v1/entitlements/{id}` answers it.
    func entitlement(_ request: Request, _ context: APIContext) async throws -> Response {
        let grant = try grant(context, for: .entitlement)
        let query = ReadQuery(request)
        guard let id = query["id"], !id.isEmpty else {
            throw APIError.badRequest("bad-parameter", "请给出补贴编号。Give the entitlement's id.")
        }
        let moment = try query.moment()
        let ledger = ledger
        return try await Blocking.read {
            let answer = try ReadScope(grant: grant, ledger: ledger).explain(id, at: moment)
            let view = DashboardViews.entitlement(answer.value, person: PersonNames(ledger: ledger).name)
            return DashboardRenderer.page("entitlement", view, title: DashboardPage.entitlement.title, grant: grant,
                                          moment: DashboardViews.moment(answer))
        }
    }
}

/// How a page names a party: a person by masked resident ID (their pseudonym once their data
/// is erased), anything else (an organisation's credit code, a department) as it is. Each
/// person is looked up once per page.
final class PersonNames {
    private let ledger: Ledger
    private var known: [String: String] = [:]

    init(ledger: Ledger) { self.ledger = ledger }

    func name(_ party: String) -> String {
        guard Pseudonym.isPseudonym(party) else { return party }
        if let name = known[party] { return name }
        let name = DashboardFormat.person(masked: try? ledger.maskedID(pseudonym: party), pseudonym: party)
        known[party] = name
        return name
    }
}
