import GRDB
import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerPolicy

/// Reads projections: the live ones, or a snapshot built for an "as of" question.
public struct ProjectionReader: Sendable {
    let database: any DatabaseReader
    let schema: ProjectionSchema
    public let log: EventLog
    /// The policy catalog the projections were evaluated with (its places place people in districts).
    let policies: PolicyCatalog
    /// The last position the projections reflect.
    public let position: Int64
    /// The business date the entitlements were evaluated on.
    public let asOf: LocalDate?

    init(database: any DatabaseReader, schema: ProjectionSchema, log: EventLog, policies: PolicyCatalog) throws {
        self.database = database
        self.schema = schema
        self.log = log
        self.policies = policies
        (position, asOf) = try database.read { db in (try schema.checkpoint(db), try schema.asOf(db)) }
    }
}

extension ProjectionReader {
    /// Each projection's digest: SHA-256 of its rows in key order.
    public func digests() throws -> [(name: String, digest: String)] {
        try database.read { db in try ProjectionDigest.digests(db, schema: schema) }
    }
}

extension ProjectionReader {
    /// Reads the log's events synchronously, on a snapshot of the ledger file the projections
    /// are kept in (the log's own storage, whichever database the projections were read from).
    func readEvents<T>(_ body: (SQLiteEventReader) throws -> T) throws -> T {
        guard let storage = log.storage as? SQLiteEventStorage else { throw ProjectionError.unsupportedStorage }
        return try storage.readSynchronously(body)
    }
}
