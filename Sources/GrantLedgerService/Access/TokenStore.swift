import Crypto
import Foundation
import GRDB
import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerPolicy
import GrantLedgerPostgres

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
    /// The ledger is kept neither in an SQLite file nor on PostgreSQL, where tokens are kept beside the log.
    case unsupportedStorage

    public var description: String {
        switch self {
        case .unknownScope(let scope, let suggestions):
            "\(scope) is not a place of the policy catalog"
                + (suggestions.isEmpty ? "" : "; did you mean \(suggestions.joined(separator: ", "))?")
        case .notFound(let id): "no token has the id \(id)"
        case .badLabel(let reason): "the label \(reason)"
        case .unsupportedStorage: "tokens are kept beside a log in an SQLite file or on PostgreSQL; this ledger has another storage"
        }
    }
}

/// The ledger's API tokens, in a table of its own beside the log (not part of the hash chain).
///
/// A token is `glt_` + a 12-hex-digit id + `_` + a 64-hex-digit secret from the system's
/// random source. Only the secret's SHA-256 is stored, and a presented secret is compared with
/// it in constant time: a copy of the ledger gives no usable token, and a log line names a
/// token by its id alone. A secret of 256 random bits needs no slow hash.
///
/// The table is in the ledger's database, whichever it is: the SQLite file, or the ledger's
/// schema on PostgreSQL, where every service instance sees the same tokens.
public struct TokenStore: Sendable {
    let table: TokenTable
    let clock: any RecordingClock

    public init(log: EventLog, clock: any RecordingClock = SystemClock()) throws(TokenStoreError) {
        if let storage = log.storage as? SQLiteEventStorage {
            table = .sqlite(storage.database)
        } else if let storage = log.storage as? PostgresEventStorage {
            table = .postgres(storage.blocking)
        } else {
            throw .unsupportedStorage
        }
        self.clock = clock
    }

    static let table = "access_tokens"

    private static let createTable = """
        CREATE TABLE IF NOT EXISTS \(table) (
            id TEXT PRIMARY KEY, secret_sha256 TEXT NOT NULL, role TEXT NOT NULL, scope TEXT, label TEXT,
            created_at TEXT NOT NULL, revoked_at TEXT)
        """

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
        try table.write { db in
            try db.execute(Self.createTable, [])
            try db.execute("""
                INSERT INTO \(Self.table) (id, secret_sha256, role, scope, label, created_at) VALUES (?, ?, ?, ?, ?, ?)
                """, [id, Self.digest(secret), role.rawValue, stored, label, record.createdAt])
        }
        return IssuedToken(record: record, bearer: "glt_\(id)_\(secret)")
    }

    /// Every token, oldest first, revoked ones included.
    public func list() throws -> [TokenRecord] {
        try table.read { db in
            guard try db.tableExists() else { return [] }
            return try db.rows("SELECT id, role, scope, label, created_at, revoked_at FROM \(Self.table) ORDER BY created_at, id", [])
                .compactMap(Self.record)
        }
    }

    /// Revokes a token; revoking it again changes nothing.
    @discardableResult
    public func revoke(id: String) throws -> TokenRecord {
        try table.write { db in
            guard try db.tableExists(),
                  let row = try db.rows("SELECT id, role, scope, label, created_at, revoked_at FROM \(Self.table) WHERE id = ?", [id]).first,
                  let record = Self.record(row)
            else { throw TokenStoreError.notFound(id) }
            guard record.revokedAt == nil else { return record }
            let now = clock.now().description
            try db.execute("UPDATE \(Self.table) SET revoked_at = ? WHERE id = ?", [now, id])
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
            found = try table.read { db in
                guard try db.tableExists(),
                      let row = try db.rows("""
                          SELECT id, role, scope, label, created_at, revoked_at, secret_sha256 FROM \(Self.table) WHERE id = ?
                          """, [id]).first,
                      let record = Self.record(row), let digest = row[6]
                else { return nil }
                return (record, digest)
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
    private static func record(_ row: [String?]) -> TokenRecord? {
        guard row.count >= 6, let id = row[0], let role = row[1].flatMap(Role.init(rawValue:)), let created = row[4] else { return nil }
        return TokenRecord(id: id, role: role, scope: row[2], label: row[3], createdAt: created, revokedAt: row[5])
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

/// Where the tokens' table is: statements written with `?`, over text values (every column
/// is text), in one transaction on either backend.
enum TokenTable: Sendable {
    case sqlite(any DatabaseWriter)
    case postgres(PostgresBlockingPool)

    func write<T>(_ body: (any TokenSQL) throws -> T) throws -> T {
        switch self {
        case .sqlite(let database): try database.write { db in try body(SQLiteTokenSQL(db: db)) }
        case .postgres(let pool): try pool.write { connection in try body(PostgresTokenSQL(connection: connection)) }
        }
    }

    func read<T>(_ body: (any TokenSQL) throws -> T) throws -> T {
        switch self {
        case .sqlite(let database): try database.read { db in try body(SQLiteTokenSQL(db: db)) }
        case .postgres(let pool): try pool.read { connection in try body(PostgresTokenSQL(connection: connection)) }
        }
    }
}

protocol TokenSQL {
    func execute(_ sql: String, _ arguments: [String?]) throws
    /// Each row's columns as text; a value that is not text reads as NULL (and its token grants nothing).
    func rows(_ sql: String, _ arguments: [String?]) throws -> [[String?]]
    func tableExists() throws -> Bool
}

struct SQLiteTokenSQL: TokenSQL {
    let db: Database

    func execute(_ sql: String, _ arguments: [String?]) throws { try db.execute(sql: sql, arguments: StatementArguments(arguments)) }

    func rows(_ sql: String, _ arguments: [String?]) throws -> [[String?]] {
        try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map { row in
            row.databaseValues.map { value in
                if case .string(let text) = value.storage { text } else { nil }
            }
        }
    }

    func tableExists() throws -> Bool { try db.tableExists(TokenStore.table) }
}

struct PostgresTokenSQL: TokenSQL {
    let connection: PostgresBlockingConnection

    func execute(_ sql: String, _ arguments: [String?]) throws { _ = try connection.texts(sql, arguments) }

    func rows(_ sql: String, _ arguments: [String?]) throws -> [[String?]] { try connection.texts(sql, arguments) }

    func tableExists() throws -> Bool {
        try !connection.texts("SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() AND tablename = ?",
                              [TokenStore.table]).isEmpty
    }
}
