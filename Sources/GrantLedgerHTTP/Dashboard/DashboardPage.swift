import GrantLedgerService

/// The dashboard's pages, with who may see each, as the dashboard's issue asks: managers and
/// auditors see every page, within their scope; case workers only the person pages (and the
/// entitlements those link to). A manager's `dashboard` permission is what opens the pages
/// its role cannot read through the API (payouts, findings, people); other roles need the
/// permission of the API route a page mirrors.
enum DashboardPage: String, CaseIterable, Sendable {
    case targets, payouts, findings, funds, person, entitlement

    /// The path the page is served at.
    var path: String { "/" + rawValue }

    /// The title, in Chinese with English beside it.
    var title: String {
        switch self {
        case .targets: "目标进度 Targets"
        case .payouts: "应发补贴 Payouts"
        case .findings: "审计发现 Findings"
        case .funds: "资金拨付 Funds"
        case .person: "个人查询 Person"
        case .entitlement: "补贴说明 Entitlement"
        }
    }

    /// The API permission the page needs.
    var permission: Permission {
        switch self {
        case .targets: .performance
        case .payouts: .readPayouts
        case .findings: .findings
        case .funds: .funds
        case .person: .timeline
        case .entitlement: .explain
        }
    }

    /// Whether the grant may see the page.
    func admits(_ grant: Grant) -> Bool {
        guard grant.allows(.dashboard) || grant.allows(permission) else { return false }
        switch self {
        case .person, .entitlement: return true
        case .targets, .payouts, .findings, .funds: return grant.role != .caseworker
        }
    }

    /// Refuses the page to a grant that may not see it, saying why.
    func require(_ grant: Grant) throws -> Grant {
        guard admits(grant) else { throw DashboardRefusal.page(self, role: grant.role) }
        return grant
    }

    /// The pages in the navigation bar of a grant (the entitlement page is reached from others).
    static func navigation(for grant: Grant) -> [DashboardPage] {
        allCases.filter { $0 != .entitlement && $0.admits(grant) }
    }
}

/// Why the dashboard refuses a page to someone logged in: said on a 403 page in plain words.
enum DashboardRefusal: Error, Sendable {
    /// The role may not see the page.
    case page(DashboardPage, role: Role)
    /// The role has no dashboard page at all (intake, admin): it cannot log in.
    case noPages(role: Role)

    var message: String {
        switch self {
        case .page(let page, let role):
            "你的角色无权查看此页。The \(role.rawValue) role may not view the \(page.rawValue) page."
        case .noPages(let role):
            "此角色没有看板页面。The \(role.rawValue) role has no dashboard pages; use a case worker's, auditor's or manager's token."
        }
    }
}
