import Foundation
import GrantLedgerLog

/// Where a ledger lives on a PostgreSQL server: the server, the database, and the schema that
/// holds this ledger's tables. One cluster can hold a province's cities as one schema each.
///
/// Written as a URL: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE?ledger=SCHEMA&sslmode=MODE`.
/// `ledger` defaults to `grantledger`; `sslmode` is `disable` (the default on a loopback
/// address), `prefer` or `require` (the default elsewhere). The password may also come from the
/// `PGPASSWORD` environment variable, so that it stays out of a command line.
public struct PostgresLocation: Sendable, Hashable, CustomStringConvertible {
    public enum TLSMode: String, Sendable { case disable, prefer, require }

    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    /// The schema of this ledger's tables: lower-case letters, digits and underscores.
    public var schema: String
    public var tls: TLSMode

    public init(host: String, port: Int = 5432, user: String, password: String? = nil, database: String,
                schema: String = "grantledger", tls: TLSMode? = nil) throws(LogError) {
        guard Self.isValidSchema(schema) else {
            throw LogError.storage(
                "the ledger name \"\(schema)\" is not usable as a PostgreSQL schema: use 1 to 63 lower-case letters, digits and underscores, starting with a letter")
        }
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.schema = schema
        self.tls = tls ?? (Self.isLoopback(host) ? .disable : .require)
    }

    /// Reads a `postgres://` (or `postgresql://`) URL.
    public init(url text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(LogError) {
        func bad(_ reason: String) -> LogError {
            .storage("the database URL is not usable: \(reason) (expected postgres://USER@HOST:PORT/DATABASE?ledger=NAME)")
        }
        guard let components = URLComponents(string: text), let scheme = components.scheme,
              scheme == "postgres" || scheme == "postgresql"
        else { throw bad("it does not start with postgres://") }
        guard let host = components.host, !host.isEmpty else { throw bad("it names no host") }
        guard let user = components.user, !user.isEmpty else { throw bad("it names no user") }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else { throw bad("it names no database after the host") }
        var schema = "grantledger"
        var tls: TLSMode?
        for item in components.queryItems ?? [] {
            switch item.name {
            case "ledger", "schema": schema = item.value ?? ""
            case "sslmode":
                switch item.value {
                case "disable": tls = .disable
                case "prefer", "allow": tls = .prefer
                case "require", "verify-ca", "verify-full": tls = .require
                default: throw bad("sslmode \"\(item.value ?? "")\" is not disable, prefer or require")
                }
            default: throw bad("\"\(item.name)\" is not a setting it knows (ledger, sslmode)")
            }
        }
        try self.init(host: host, port: components.port ?? 5432, user: user,
                      password: components.password ?? environment["PGPASSWORD"], database: database, schema: schema, tls: tls)
    }

    static func isValidSchema(_ name: String) -> Bool {
        guard let first = name.utf8.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first), name.utf8.count <= 63 else { return false }
        return name.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "_")
        }
    }

    static func isLoopback(_ host: String) -> Bool { host == "localhost" || host == "::1" || host.hasPrefix("127.") }

    /// The location without its password: what messages and logs may show.
    public var description: String { "postgres://\(user)@\(host):\(port)/\(database)?ledger=\(schema)" }

    /// The location as a URL without its password (which `PGPASSWORD` then gives): for another
    /// process of one's own, whose command line others may read.
    public var urlWithoutPassword: String { description + "&sslmode=\(tls.rawValue)" }
}
