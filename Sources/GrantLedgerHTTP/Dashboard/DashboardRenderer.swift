import GrantLedgerService
import Hummingbird
import Mustache
import NIOCore

/// Renders the dashboard's templates into HTML responses: a page's body, inside the layout
/// with the navigation of the grant that asked and the moment the page rests on.
enum DashboardRenderer {
    // The templates are constants of this module: one that does not parse is a bug the tests catch.
    static let library = try! makeLibrary()

    static func makeLibrary() throws -> MustacheLibrary {
        var library = MustacheLibrary()
        for (name, text) in DashboardTemplates.all { try library.register(text, named: name) }
        return library
    }

    /// The names of the templates that parse (all of them, or `makeLibrary` throws).
    static func parsedTemplates() throws -> Set<String> {
        let library = try makeLibrary()
        return Set(DashboardTemplates.all.keys.filter { library.getTemplate(named: $0) != nil })
    }

    struct NavItem { let path, label: String; let current: Bool }
    struct Named { let name: String }

    struct Layout {
        let title: String
        let signedIn: Bool
        let nav: [NavItem]
        let role: String
        let scope: [Named]
        let moment: [DashboardViews.MomentView]
        let body: String
    }

    /// A page for `grant` (nil: not logged in), rendered from `template` with `view`.
    static func page(_ template: String, _ view: Any, title: String, grant: Grant?, current: DashboardPage? = nil,
                     moment: DashboardViews.MomentView? = nil, status: HTTPResponse.Status = .ok) -> Response {
        let body = library.render(view, withTemplate: template) ?? ""
        let nav = grant.map { grant in
            DashboardPage.navigation(for: grant).map { NavItem(path: $0.path, label: $0.title, current: $0 == current) }
        } ?? []
        let layout = Layout(title: title, signedIn: grant != nil, nav: nav, role: grant?.role.rawValue ?? "",
                            scope: grant?.scope.map { [Named(name: $0)] } ?? [], moment: moment.map { [$0] } ?? [], body: body)
        return html(library.render(layout, withTemplate: "layout") ?? "", status: status)
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "text/html; charset=utf-8"
        // No page of the dashboard is cached: each shows money and people at a moment.
        fields[.cacheControl] = "no-store"
        fields[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// A redirect after a form (303: the browser follows with GET).
    static func redirect(to location: String, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.location] = location
        fields[.cacheControl] = "no-store"
        return Response(status: .seeOther, headers: fields)
    }

    struct ErrorView { let message: String }

    /// An error page: the message says what is wrong in the user's words, nothing internal.
    static func error(_ message: String, status: HTTPResponse.Status, grant: Grant?) -> Response {
        page("error", ErrorView(message: message), title: status == .forbidden ? "禁止访问 Forbidden" : "出错了 Something went wrong",
             grant: grant, status: status)
    }
}
