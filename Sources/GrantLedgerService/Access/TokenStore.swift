import Crypto
import Foundation
import GRDB
import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerPolicy

/// A token as the ledger keeps it: everything but its secret, of which only a SHA-256 digest
/// is stored. The secret is shown once, when the token is created.
public struct TokenRecord: Sendable, Hashable, Codable {
    public let id: String
    public let role: Role
    public let scope: String?
    public let label: String?
    public let createdAt: String
    public let revokedAt: String?

    public var grant: Grant { Grant(tokenID: id, role: role, scope: scope) }
}

/// A newly created token: its record and the one copy of the bearer string.
public struct IssuedToken: Sendable {
    public let record: TokenRecord
    /// `glt_<id>_<secret>`: give it to the party, which sends it as `Authorization: Bearer …`.
    public let bearer: String
}

/// Why a token could not be created or revoked.
public enum TokenStoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The scope is not a place of the policy catalog; with the nearest names.
    case unknownScope(String, suggestions: [String])
    /// No token has this id.
    case notFound(String)
    /// The label is too long or has control characters.
    case badLabel(String)
    /// The ledger is not kept in an SQLite file, where tokens are kept beside the log.
    case unsupportedStorage

    public var description: String {
        switch self {
        case .unknownScope(let scope, let suggestions):
            "\(scope) is not a place of the policy catalog"
                + (suggestions.isEmpty ? "" : "; did you mean \(suggestions.joined(separator: ", "))?")
        case .notFound(let id): "no token has the id \(id)"
        case .badLabel(let reason): "the label \(reason)"
        case .unsupportedStorage: "tokens are kept in an SQLite ledger file; this ledger has another storage"
        }
    }
}

/// The ledger's API tokens, in a table of its own beside the log (not part of the hash chain).
///
/// A token is `glt_` + a 12-hex-digit id + `_` + a 64-hex-digit secret from the system's
/// random source. Only the secret's SHA-256 is stored, and a presented secret is compared with
/// it in constant time: a copy of the ledger file gives no usable token, and a log line names a
/// token by its id alone. A secret of 256 random bits needs no slow hash.
public struct TokenStore: Sendable {
    let database: any DatabaseWriter
    let clock: any RecordingClock

    public init(log: EventLog, clock: any RecordingClock = SystemClock()) throws(TokenStoreError) {
        // Projections and tokens live in the SQLite ledger file.
        guard let storage = log.storage as? SQLiteEventStorage else { throw .unsupportedStorage }
        self.database = storage.database
        self.clock = clock
    }

    static let table = "access_tokens"

    private func createTable(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS \(Self.table) (
                id TEXT PRIMARY KEY, secret_sha256 TEXT NOT NULL, role TEXT NOT NULL, scope TEXT, label TEXT,
                created_at TEXT NOT NULL, revoked_at TEXT)
            """)
    }

    /// Creates a token for `role`, limited to `scope` (a place of `catalog`, by code or name) or
    /// to nothing. The scope is stored as the catalog names it.
    public func create(role: Role, scope: String?, label: String?, catalog: Places) throws -> IssuedToken {
        var stored: String?
        if let scope {
            if let name = catalog.name(of: scope) { stored = name }
            else if Places.isCode(scope), catalog.enclosing(scope).count > 1 { stored = scope }
            else { throw TokenStoreError.unknownScope(scope, suggestions: catalog.nearest(to: scope)) }
        }
        if let label {
            guard label.count <= 200 else { throw TokenStoreError.badLabel("is longer than 200 characters") }
            guard !label.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw TokenStoreError.badLabel("has control characters")
            }
        }
        let id = Self.hex(Self.random(6))
        let secret = Self.hex(Self.random(32))
        let record = TokenRecord(id: id, role: role, scope: stored, label: label, createdAt: clock.now().description, revokedAt: nil)
        try database.write { db in
            try createTable(db)
            try db.execute(sql: """
                INSERT INTO \(Self.table) (id, secret_sha256, role, scope, label, created_at) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [id, Self.digest(secret), role.rawValue, stored, label, record.createdAt])
        }
        return IssuedToken(record: record, bearer: "glt_\(id)_\(secret)")
    }

    /// Every token, oldest first, revoked ones included.
    public func list() throws -> [TokenRecord] {
        try database.read { db in
            guard try db.tableExists(Self.table) else { return [] }
            return try Row.fetchAll(db, sql: "SELECT id, role, scope, label, created_at, revoked_at FROM \(Self.table) ORDER BY created_at, id")
                .compactMap(Self.record)
        }
    }

    /// Revokes a token; revoking it again changes nothing.
    @discardableResult
    public func revoke(id: String) throws -> TokenRecord {
        try database.write { db in
            guard try db.tableExists(Self.table),
                  let row = try Row.fetchOne(db, sql: "SELECT id, role, scope, label, created_at, revoked_at FROM \(Self.table) WHERE id = ?",
                                             arguments: [id]),
                  let record = Self.record(row)
            else { throw TokenStoreError.notFound(id) }
            guard record.revokedAt == nil else { return record }
            let now = clock.now().description
            try db.execute(sql: "UPDATE \(Self.table) SET revoked_at = ? WHERE id = ?", arguments: [now, id])
            return TokenRecord(id: record.id, role: record.role, scope: record.scope, label: record.label, createdAt: record.createdAt, revokedAt: now)
        }
    }

    /// The grant of a presented bearer string, or why it is refused.
    public func authenticate(_ bearer: String?) throws(AccessError) -> Grant {
        guard let bearer, !bearer.isEmpty else { throw .missingToken }
        let parts = bearer.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "glt", Self.isHex(parts[1], count: 12), Self.isHex(parts[2], count: 64) else {
            throw .malformedToken
        }
        let id = String(parts[1])
        let found: (record: TokenRecord, digest: String)?
        do {
            found = try database.read { db in
                guard try db.tableExists(Self.table),
                      let row = try Row.fetchOne(db, sql: """
                          SELECT id, role, scope, label, created_at, revoked_at, secret_sha256 FROM \(Self.table) WHERE id = ?
                          """, arguments: [id]),
                      let record = Self.record(row)
                else { return nil }
                return (record, try row.decode(atIndex: 6))
            }
        } catch {
            throw .unknownToken(tokenID: id)
        }
        guard let found, Self.constantTimeEqual(Self.digest(String(parts[2])), found.digest) else { throw .unknownToken(tokenID: id) }
        guard found.record.revokedAt == nil else { throw .revoked(tokenID: id) }
        return found.record.grant
    }

    // MARK: Helpers

    /// A token row, or nil when a stored value is not of its kind: such a token grants nothing.
    private static func record(_ row: Row) -> TokenRecord? {
        do {
            guard let role = Role(rawValue: try row.decode(String.self, atIndex: 1)) else { return nil }
            return TokenRecord(id: try row.decode(atIndex: 0), role: role, scope: try row.decode(atIndex: 2),
                               label: try row.decode(atIndex: 3), createdAt: try row.decode(atIndex: 4),
                               revokedAt: try row.decode(atIndex: 5))
        } catch {
            return nil
        }
    }

    static func digest(_ secret: String) -> String { hex(Array(SHA256.hash(data: Array(secret.utf8)))) }

    static func random(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func isHex(_ text: Substring, count: Int) -> Bool {
        text.utf8.count == count && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for i in x.indices { difference |= x[i] ^ y[i] }
        return difference == 0
    }
}
