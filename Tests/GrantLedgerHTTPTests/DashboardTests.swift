import Foundation
@testable import GrantLedgerHTTP
import GrantLedgerService
import Hummingbird
import HummingbirdTesting
import Testing

/// Logs in through the form; returns the `Cookie` header value of the session.
func dashboardLogin(_ client: some TestClientProtocol, token: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
    try await client.execute(uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                             body: ByteBuffer(string: "token=" + encoded(token))) { response in
        #expect(response.status == .seeOther, sourceLocation: sourceLocation)
        let setCookie = response.headers[.setCookie] ?? ""
        return String(setCookie.prefix { $0 != ";" })
    }
}

/// The headers of a dashboard request with the session cookie.
func session(_ cookie: String) -> HTTPFields { [.cookie: cookie] }

func html(_ buffer: ByteBuffer) -> String { String(buffer: buffer) }

@Suite("Dashboard: login, scope, masking, money")
struct DashboardTests {
    @Test("a page without a session redirects to the login page, which needs no token")
    func redirectsToLogin() async throws {
        let served = try await ServedLedger()
        try await served.test { client in
            for path in ["/", "/targets", "/payouts", "/findings", "/funds", "/person", "/entitlement?id=x"] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .seeOther, "\(path)")
                    #expect(response.headers[.location] == "/login", "\(path)")
                }
            }
            try await client.execute(uri: "/", method: .get, headers: session("grants_session=" + String(repeating: "a", count: 64))) { response in
                #expect(response.headers[.location] == "/login", "an unknown session")
            }
            try await client.execute(uri: "/login", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(html(response.body).contains("<form method=\"post\" action=\"/login\">"))
            }
        }
    }

    @Test("login sets an HttpOnly, SameSite=Strict session cookie that holds no token; logout clears it and ends the session")
    func loginAndLogout() async throws {
        let served = try await ServedLedger()
        let token = served.tokens[.auditor]!
        try await served.test { client in
            let cookie = try await client.execute(uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                                  body: ByteBuffer(string: "token=" + encoded(token))) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/")
                let setCookie = response.headers[.setCookie] ?? ""
                let attributes = Set(setCookie.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
                #expect(attributes.contains("httponly") && attributes.contains("samesite=strict") && attributes.contains("path=/"), "\(setCookie)")
                #expect(attributes.contains("max-age=28800"), "\(setCookie)")
                let value = String(setCookie.prefix { $0 != ";" })
                #expect(value.wholeMatch(of: /grants_session=[0-9a-f]{64}/) != nil, "a random 256-bit session id: \(value)")
                let secret = String(token.split(separator: "_")[2])
                #expect(!setCookie.contains(secret) && !setCookie.contains(token))
                return value
            }
            try await client.execute(uri: "/", method: .get, headers: session(cookie)) { response in
                #expect(response.status == .ok)
                let page = html(response.body)
                #expect(page.contains("目标进度 Targets") && page.contains("退出 Log out"))
            }
            try await client.execute(uri: "/logout", method: .post, headers: session(cookie)) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/login")
                let setCookie = response.headers[.setCookie] ?? ""
                #expect(setCookie.hasPrefix("grants_session=;") && setCookie.contains("Max-Age=0"), "\(setCookie)")
            }
            try await client.execute(uri: "/", method: .get, headers: session(cookie)) { response in
                #expect(response.status == .seeOther, "the session is closed on the server too")
                #expect(response.headers[.location] == "/login")
            }
        }
    }

    @Test("a bad token is refused on the login page; a role with no page cannot log in; a revoked token's session ends")
    func refusedLogins() async throws {
        let served = try await ServedLedger.withPeople()
        try await served.test { client in
            for body in ["token=nonsense", "token=glt_aaaaaaaaaaaa_" + String(repeating: "b", count: 64), "", "other=1"] {
                try await client.execute(uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                         body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .unauthorized, "\(body)")
                    #expect(response.headers[.setCookie] == nil)
                    #expect(html(response.body).contains("登录失败"))
                }
            }
            for role in [Role.intake, .admin] {
                try await client.execute(uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                         body: ByteBuffer(string: "token=" + encoded(served.tokens[role]!))) { response in
                    #expect(response.status == .forbidden, "\(role)")
                    #expect(response.headers[.setCookie] == nil)
                    #expect(html(response.body).contains("The \(role.rawValue) role has no dashboard pages"))
                }
            }
            let issued = try served.ledger.createToken(role: .manager, scope: nil, label: nil)
            let cookie = try await dashboardLogin(client, token: issued.bearer)
            try await client.execute(uri: "/targets", method: .get, headers: session(cookie)) { #expect($0.status == .ok) }
            _ = try served.ledger.tokens().revoke(id: issued.record.id)
            try await client.execute(uri: "/targets", method: .get, headers: session(cookie)) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/login")
            }
        }
    }

    @Test("a form posted from another site's page is refused: no login, no logout, no look-up")
    func crossOriginPosts() async throws {
        let served = try await ServedLedger.withPeople()
        try await served.test { client in
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded", .origin: "http://evil.example"]
            try await client.execute(uri: "/login", method: .post, headers: form,
                                     body: ByteBuffer(string: "token=" + encoded(served.tokens[.auditor]!))) { response in
                #expect(response.status == .forbidden)
                #expect(response.headers[.setCookie] == nil)
            }
            let cookie = try await dashboardLogin(client, token: served.tokens[.auditor]!)
            var fields = form
            fields[.cookie] = cookie
            try await client.execute(uri: "/person", method: .post, headers: fields, body: ByteBuffer(string: "id=" + People.siming)) { response in
                #expect(response.status == .forbidden)
            }
            try await client.execute(uri: "/logout", method: .post, headers: fields) { #expect($0.status == .forbidden) }
            fields[.origin] = nil
            try await client.execute(uri: "/person", method: .post, headers: fields, body: ByteBuffer(string: "id=" + People.siming)) { response in
                #expect(response.status == .seeOther, "no Origin: not a browser (the browser test posts from the same origin)")
            }
        }
    }

    @Test("a case worker sees only person pages, and only people in its scope; the 403 page says why, and nothing internal")
    func caseworkerScope() async throws {
        let served = try await ServedLedger.withPeople()
        let token = try served.token(.caseworker, scope: "思明区")
        try await served.test { client in
            let cookie = try await dashboardLogin(client, token: token)
            for page in ["targets", "payouts", "findings", "funds"] {
                try await client.execute(uri: "/" + page, method: .get, headers: session(cookie)) { response in
                    #expect(response.status == .forbidden, "\(page)")
                    let text = html(response.body)
                    #expect(text.contains("The caseworker role may not view the \(page) page."), "\(text)")
                    #expect(!text.contains("Error") && !text.contains(".swift"))
                }
            }
            try await client.execute(uri: "/", method: .get, headers: session(cookie)) { response in
                let text = html(response.body)
                #expect(text.contains("href=\"/person\"") && !text.contains("href=\"/targets\""), "the navigation offers what the role may see")
            }
            let inside = try served.pseudonym(People.siming)
            try await client.execute(uri: "/person", method: .post, headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"],
                                     body: ByteBuffer(string: "id=" + People.siming)) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/person/" + inside, "the resident ID leaves the URL for the pseudonym")
            }
            try await client.execute(uri: "/person/" + inside, method: .get, headers: session(cookie)) { response in
                #expect(response.status == .ok)
                let text = html(response.body)
                #expect(text.contains("350203********123X"), "the masked ID")
                #expect(text.contains("截至 As of") && text.contains("日志位置 Log position"))
                for id in People.residentIDs { #expect(!text.contains(id), "no resident ID in clear") }
            }
            for person in [People.chendai, People.jimei, People.nobody] {
                try await client.execute(uri: "/person", method: .post, headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"],
                                         body: ByteBuffer(string: "id=" + person)) { response in
                    #expect(response.status == .forbidden)
                    let text = html(response.body)
                    #expect(text.contains("outside the scope of your token (思明区)"))
                    #expect(!text.contains(person), "the typed ID is not echoed")
                }
            }
            try await client.execute(uri: "/person/" + (try served.pseudonym(People.chendai)), method: .get, headers: session(cookie)) { response in
                #expect(response.status == .forbidden)
            }
        }
    }

    @Test("managers and auditors see every page (the manager's dashboard permission opens those its API role cannot read)")
    func managersAndAuditors() async throws {
        let served = try await ServedLedger.withPeople()
        try await served.test { client in
            let manager = try await dashboardLogin(client, token: served.tokens[.manager]!)
            for (page, status) in [("targets", HTTPResponse.Status.ok), ("funds", .ok), ("payouts", .ok), ("findings", .ok), ("person", .ok)] {
                try await client.execute(uri: "/" + page, method: .get, headers: session(manager)) { #expect($0.status == status, "\(page)") }
            }
            let auditor = try await dashboardLogin(client, token: served.tokens[.auditor]!)
            for page in ["targets", "payouts", "findings", "funds", "person", "person/" + (try served.pseudonym(People.jimei))] {
                try await client.execute(uri: "/" + page, method: .get, headers: session(auditor)) { response in
                    #expect(response.status == .ok, "\(page)")
                    let text = html(response.body)
                    for id in People.residentIDs { #expect(!text.contains(id), "\(page): no resident ID in clear") }
                    if page != "person" { #expect(text.contains("id=\"moment\""), "\(page) says the moment it rests on") }
                }
            }
        }
    }

    @Test("the targets page has one bar per target with the API's achieved and value; an entitlement is explained")
    func targetBarsAndExplanation() async throws {
        let served = try await ServedLedger.withPeople()
        let token = served.tokens[.auditor]!
        try await served.test { client in
            let expected = try await client.execute(uri: "/v1/performance", method: .get, headers: bearer(token)) { response in
                (object(response.body)["targets"] as? [[String: Any]]) ?? []
            }
            #expect(!expected.isEmpty)
            let cookie = try await dashboardLogin(client, token: token)
            let page = try await client.execute(uri: "/targets", method: .get, headers: session(cookie)) { html($0.body) }
            let bars = DashboardBars.parse(page)
            #expect(bars.count == expected.count, "\(page)")
            for target in expected {
                let id = target["targetID"] as? String ?? ""
                #expect(bars[id] == DashboardBars.Bar(achieved: (target["achieved"] as? Int).map(String.init) ?? "", value: String(target["value"] as? Int ?? -1)), "\(id)")
            }
            let entitlements = try await client.execute(uri: "/v1/entitlements", method: .get, headers: bearer(token)) { response in
                (object(response.body)["entitlements"] as? [[String: Any]]) ?? []
            }
            let id = try #require((entitlements.first?["entitlement"] as? [String: Any])?["id"] as? String)
            try await client.execute(uri: "/entitlement?id=" + encoded(id), method: .get, headers: session(cookie)) { response in
                #expect(response.status == .ok)
                #expect(html(response.body).contains("发放计划 Payout schedule"))
            }
        }
    }

    @Test("yuan from fen by integer arithmetic", arguments: [
        (Int64(0), "0.00"), (5, "0.05"), (100, "1.00"), (123_456, "1,234.56"), (-150, "-1.50"), (100_000_000, "1,000,000.00"),
        (Int64.max, "92,233,720,368,547,758.07"), (Int64.min + 1, "-92,233,720,368,547,758.07"),
    ])
    func yuan(fen: Int64, text: String) {
        #expect(DashboardFormat.yuan(fen) == text)
    }

    @Test("ratios, counts and bar lengths")
    func numbers() {
        #expect(DashboardFormat.percent(basisPoints: 8523) == "85.23%")
        #expect(DashboardFormat.percent(basisPoints: 10_000) == "100.00%")
        #expect(DashboardFormat.percent(basisPoints: 7) == "0.07%")
        #expect(DashboardFormat.count(18_000) == "18,000")
        #expect(DashboardFormat.length(9_000, of: 18_000, scale: 400) == 200)
        #expect(DashboardFormat.length(30_000, of: 18_000, scale: 400) == 400, "capped")
        #expect(DashboardFormat.length(5, of: 0, scale: 400) == 0)
    }

    @Test("every template parses")
    func templatesParse() throws {
        #expect(try DashboardRenderer.parsedTemplates() == Set(DashboardTemplates.all.keys))
    }
}

/// The target bars of a rendered targets page (the service's HTML or the browser's DOM).
enum DashboardBars {
    struct Bar: Equatable { let achieved: String; let value: String }

    static func parse(_ page: String) -> [String: Bar] {
        var bars: [String: Bar] = [:]
        for match in page.matches(of: /<rect class="achieved" data-target-id="([^"]*)" data-achieved="([^"]*)" data-value="([^"]*)"/) {
            bars[String(match.output.1)] = Bar(achieved: String(match.output.2), value: String(match.output.3))
        }
        return bars
    }
}
