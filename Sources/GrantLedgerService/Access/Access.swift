import GrantLedgerPolicy

/// What a token may do. Each party of the ledger has one role: intake tools append, case
/// workers read the people of their own place, auditors verify and rebuild, managers watch
/// targets and funds, administrators issue tokens.
public enum Role: String, CaseIterable, Sendable, Codable {
    /// Training portals, the social-insurance feed, finance: append and import only.
    case intake
    /// Reads people, their entitlements, payouts, timelines and why-not, within its scope, IDs masked.
    case caseworker
    /// Reads everything, verifies, rebuilds, explains.
    case auditor
    /// Performance against targets, funds, the dashboard.
    case manager
    /// Creates, lists and revokes tokens.
    case admin

    /// The permissions the role may perform (within its scope, for those a scope limits).
    public var permissions: Set<Permission> {
        switch self {
        case .intake: [.append, .importFeed]
        case .caseworker: [.readPeople, .readEntitlements, .readPayouts, .timeline, .explain, .whyNot]
        case .auditor: Set(Permission.allCases).subtracting([.append, .importFeed, .manageTokens, .dashboard])
        case .manager: [.performance, .funds, .dashboard]
        case .admin: [.manageTokens]
        }
    }
}

/// Everything a front end lets a party do, as the access rules name it.
public enum Permission: String, CaseIterable, Sendable, Codable {
    case append, importFeed = "import"
    case readEvents = "read-events", readPeople = "read-people", readEntitlements = "read-entitlements"
    case readPayouts = "read-payouts", timeline, explain, whyNot = "why-not"
    case performance, funds, findings
    case verify, rebuild
    case dashboard
    case manageTokens = "manage-tokens"
}

/// A token's rights: its role, and the place it is limited to (a city, district, town or
/// department, by code or name), or none for the whole ledger.
public struct Grant: Sendable, Hashable, Codable {
    public let tokenID: String
    public let role: Role
    public let scope: String?

    public init(tokenID: String, role: Role, scope: String?) {
        self.tokenID = tokenID
        self.role = role
        self.scope = scope
    }

    /// Whether the scope limits what the token reads: a case worker's does, to the people of
    /// its place (and leaves out rows about no person); auditors and managers read everything
    /// their role allows, whatever scope their token names.
    public var limitsReads: Bool { scope != nil && role != .auditor && role != .manager }

    /// Whether the role has the permission at all.
    public func allows(_ permission: Permission) -> Bool { role.permissions.contains(permission) }

    /// Whether something located in `places` (a person's registrations, an organisation's
    /// division, a class's division) lies within the scope. Nothing lies outside an unlimited
    /// grant; something with no known place lies outside every limited one.
    public func covers(_ places: some Collection<String>, in catalog: Places) -> Bool {
        guard let scope else { return true }
        return places.contains { catalog.contains(scope, $0) }
    }

    /// Checks a permission on something located in `places` (nil: not located, e.g. a list the
    /// caller filters itself), throwing the reason it is refused.
    public func authorize(_ permission: Permission, on places: (some Collection<String>)? = [String]?.none, in catalog: Places) throws(AccessError) {
        guard allows(permission) else { throw .roleLacks(tokenID: tokenID, role: role, permission: permission) }
        if let places, !covers(places, in: catalog) { throw .outOfScope(tokenID: tokenID, scope: scope ?? "") }
    }
}

/// Why a request was refused. Never holds a token's secret or a resident ID.
public enum AccessError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No token was given (HTTP 401).
    case missingToken
    /// The token is not of the form `glt_<id>_<secret>` (401).
    case malformedToken
    /// No token has this id, or its secret does not match (401).
    case unknownToken(tokenID: String?)
    /// The token was revoked (401).
    case revoked(tokenID: String)
    /// The token's role lacks the permission (403).
    case roleLacks(tokenID: String, role: Role, permission: Permission)
    /// What was asked for lies outside the token's scope (403; a list or count leaves it out instead).
    case outOfScope(tokenID: String, scope: String)

    /// Whether the party is not known at all (401) rather than known and not allowed (403).
    public var isUnauthenticated: Bool {
        switch self {
        case .missingToken, .malformedToken, .unknownToken, .revoked: true
        case .roleLacks, .outOfScope: false
        }
    }

    public var description: String {
        switch self {
        case .missingToken: "no token was given"
        case .malformedToken: "the token is not of the form glt_<id>_<secret>"
        case .unknownToken: "no such token, or its secret does not match"
        case .revoked(let id): "token \(id) was revoked"
        case .roleLacks(_, let role, let permission): "the \(role.rawValue) role may not \(permission.rawValue)"
        case .outOfScope(_, let scope): "it lies outside the token's scope (\(scope))"
        }
    }
}
