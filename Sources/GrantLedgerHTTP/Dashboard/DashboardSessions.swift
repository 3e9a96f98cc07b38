import Foundation
import GrantLedgerService
import NIOConcurrencyHelpers

/// The dashboard's logins, kept on the server: a random 256-bit session id (the only thing the
/// browser holds, in an HttpOnly, SameSite=Strict cookie) maps to the grant of the token that
/// logged in, until it expires or the user logs out. The token itself is never kept, neither
/// here nor in the cookie: a stolen cookie dies with the session, and restarting the service
/// logs everyone out.
///
/// Every page also checks that the token has not been revoked since (``DashboardAuth``), so
/// `grants tokens revoke` ends its sessions at their next request.
public final class DashboardSessions: Sendable {
    public struct Session: Sendable {
        public let grant: Grant
        public let expires: ContinuousClock.Instant
    }

    /// How long a login lasts (the cookie's Max-Age).
    public let lifetime: Duration
    /// The most sessions kept; past it, the ones that expire soonest go first.
    let capacity: Int
    private let sessions = NIOLockedValueBox<[String: Session]>([:])

    public init(lifetime: Duration = .seconds(8 * 3600), capacity: Int = 10_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// Opens a session for `grant`; returns its id (64 hex digits).
    public func open(for grant: Grant) -> String {
        let id = Self.randomID()
        let now = ContinuousClock.now
        sessions.withLockedValue { sessions in
            sessions = sessions.filter { $0.value.expires > now }
            if sessions.count >= capacity {
                for (key, _) in sessions.sorted(by: { $0.value.expires < $1.value.expires }).prefix(sessions.count - capacity + 1) {
                    sessions[key] = nil
                }
            }
            sessions[id] = Session(grant: grant, expires: now.advanced(by: lifetime))
        }
        return id
    }

    /// The session's grant, nil when there is no such session or it has expired.
    public func grant(of id: String) -> Grant? {
        let now = ContinuousClock.now
        return sessions.withLockedValue { sessions in
            guard let session = sessions[id] else { return nil }
            guard session.expires > now else {
                sessions[id] = nil
                return nil
            }
            return session.grant
        }
    }

    /// Ends a session (logging out); nothing happens when there is none.
    public func close(_ id: String) {
        _ = sessions.withLockedValue { $0.removeValue(forKey: id) }
    }

    /// The lifetime in whole seconds, for the cookie.
    var maxAge: Int { Int(lifetime.components.seconds) }

    static func randomID() -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for _ in 0..<32 {
            let byte = UInt8.random(in: .min ... .max, using: &generator)
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
