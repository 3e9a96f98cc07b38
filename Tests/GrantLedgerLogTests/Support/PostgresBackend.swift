import Foundation
import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerPostgres
import NIOCore
import PostgresNIO

/// The PostgreSQL server the contract suite runs against: `GRANTLEDGER_TEST_POSTGRES`, a
/// `postgres://` URL of a database the tests may fill with schemas (`.ci/run` starts a
/// throwaway server and sets it). Without it the suite runs on SQLite alone.
enum TestPostgres {
    static let location: PostgresLocation? = {
        guard let url = ProcessInfo.processInfo.environment["GRANTLEDGER_TEST_POSTGRES"], !url.isEmpty else { return nil }
        do {
            return try PostgresLocation(url: url)
        } catch {
            fatalError("GRANTLEDGER_TEST_POSTGRES is set but not usable: \(error)")
        }
    }()

    /// A location for a new ledger of its own: a fresh schema on the test server.
    static func freshLocation() throws -> PostgresLocation {
        guard var location else { throw TestFailure("no PostgreSQL server given (GRANTLEDGER_TEST_POSTGRES)") }
        location.schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        return location
    }
}

/// Each ledger in a schema of its own on the test server.
struct PostgresFactory: StorageFactory {
    func makeStore(in directory: TemporaryDirectory) async throws -> (storage: any EventStorage, tampering: any LedgerTampering) {
        let storage = try await PostgresEventStorage(location: try TestPostgres.freshLocation(), create: true, maximumConnections: 2)
        return (storage, PostgresTampering(storage: storage))
    }
}

/// Tampering on PostgreSQL: statements run with the ledger's schema first on the search path.
/// The contract tests write their statements for SQLite; the few SQLite spellings they use are
/// rewritten (`X'…'` blob literals become `'\x…'::bytea`, `zeroblob(n)` n zero bytes).
struct PostgresTampering: LedgerTampering {
    let storage: PostgresEventStorage
    var schema: String { storage.location.schema }

    func statements(_ sql: String) -> [String] {
        let blobs = try! NSRegularExpression(pattern: "X'([0-9A-Fa-f]*)'")
        let zeros = try! NSRegularExpression(pattern: "zeroblob\\(([0-9]+)\\)")
        var rewritten = blobs.stringByReplacingMatches(
            in: sql, range: NSRange(sql.startIndex..., in: sql), withTemplate: "'\\\\x$1'::bytea")
        rewritten = zeros.stringByReplacingMatches(
            in: rewritten, range: NSRange(rewritten.startIndex..., in: rewritten), withTemplate: "decode(repeat('00', $1), 'hex')")
        return rewritten.split(separator: ";").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    private func inSchema<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        let schema = self.schema
        return try await storage.client.withConnection { connection in
            try await connection.query("BEGIN", logger: Self.logger)
            do {
                try await connection.query(PostgresQuery(unsafeSQL: "SET LOCAL search_path TO \"\(schema)\""), logger: Self.logger)
                let result = try await body(connection)
                try await connection.query("COMMIT", logger: Self.logger)
                return result
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: Self.logger)
                throw TestFailure(Self.describe(error))
            }
        }
    }

    static let logger = Logger(label: "grantledger.tests.postgres")

    /// The server's message, which a test compares (PSQLError's own description hides it).
    static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError, let message = error.serverInfo?[.message] { return message }
        return String(describing: error)
    }

    func storedText(exceptTables except: Set<String>) async throws -> [String] {
        let tables = try await inSchema { connection in
            var names: [String] = []
            let rows = try await connection.query(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = \(schema)", logger: Self.logger)
            for try await name in rows.decode(String.self) { names.append(name) }
            return names
        }
        var values: [String] = []
        for table in tables where !except.contains(table) { values += try await storedText(inTable: table) }
        return values
    }

    func storedText(inTable table: String) async throws -> [String] {
        try await inSchema { connection in
            var values: [String] = []
            let rows = try await connection.query(PostgresQuery(unsafeSQL: "SELECT * FROM \"\(table)\""), logger: Self.logger)
            for try await row in rows {
                for cell in row {
                    guard let bytes = cell.bytes else { continue }
                    switch cell.dataType {
                    case .bytea:
                        let raw = Array(bytes.readableBytesView)
                        values.append(String(decoding: raw, as: UTF8.self))
                        values.append(raw.map { String(format: "%02x", $0) }.joined())
                    case .int8: values.append(String(try cell.decode(Int64.self)))
                    case .int4: values.append(String(try cell.decode(Int32.self)))
                    case .bool: values.append(String(try cell.decode(Bool.self)))
                    default: values.append(try cell.decode(String.self))
                    }
                }
            }
            return values
        }
    }

    func execute(_ sql: String) async throws {
        let statements = self.statements(sql)
        try await inSchema { connection in
            for statement in statements { try await connection.query(PostgresQuery(unsafeSQL: statement), logger: Self.logger) }
        }
    }

    func dropAppendOnlyTriggers() async throws {
        try await execute("DROP TRIGGER events_refuse_change ON events; DROP TRIGGER events_refuse_truncate ON events")
    }

    func data(at position: Int64) async throws -> String {
        let data = try await inSchema { connection in
            for try await data in try await connection.query("SELECT data FROM events WHERE position = \(position)", logger: Self.logger)
                .decode(String.self) { return Optional(data) }
            return nil
        }
        guard let data else { throw TestFailure("no event at position \(position)") }
        return data
    }

    func setData(_ data: String, at position: Int64) async throws {
        try await changeOne(position) { connection in
            try await connection.query(
                "WITH changed AS (UPDATE events SET data = \(data) WHERE position = \(position) RETURNING 1) SELECT count(*) FROM changed",
                logger: Self.logger)
        }
    }

    func deleteEvent(at position: Int64) async throws {
        try await changeOne(position) { connection in
            try await connection.query(
                "WITH gone AS (DELETE FROM events WHERE position = \(position) RETURNING 1) SELECT count(*) FROM gone", logger: Self.logger)
        }
    }

    private func changeOne(_ position: Int64, _ statement: @escaping (PostgresConnection) async throws -> PostgresRowSequence) async throws {
        let count = try await inSchema { connection in
            for try await count in try await statement(connection).decode(Int64.self) { return count }
            return 0
        }
        guard count == 1 else { throw TestFailure("no event at position \(position) to change") }
    }
}
