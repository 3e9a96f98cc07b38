import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerPolicy

/// Reads projections: the live ones, or a snapshot built for an "as of" question.
public struct ProjectionReader: Sendable {
    /// Where the tables are, and which set: the reader opens a read transaction per question.
    let backend: any ProjectionBackend
    let tables: ProjectionTables
    public let log: EventLog
    /// The policy catalog the projections were evaluated with (its places place people in districts).
    let policies: PolicyCatalog
    /// The last position the projections reflect.
    public let position: Int64
    /// The business date the entitlements were evaluated on.
    public let asOf: LocalDate?

    init(backend: any ProjectionBackend, tables: ProjectionTables = .live, log: EventLog, policies: PolicyCatalog) throws {
        self.backend = backend
        self.tables = tables
        self.log = log
        self.policies = policies
        (position, asOf) = try backend.read(tables) { store in (try store.checkpoint(), try store.asOf()) }
    }

    /// Runs `body` in one read transaction on the tables.
    func read<T>(_ body: (any ProjectionStore) throws -> T) throws -> T { try backend.read(tables, body) }
}

extension ProjectionReader {
    /// Each projection's digest: SHA-256 of its rows in key order.
    public func digests() throws -> [(name: String, digest: String)] {
        try read { store in try store.digests() }
    }
}

extension ProjectionReader {
    /// Reads the log's events synchronously, on a snapshot of the log's own database (whichever
    /// database the projections were read from: a snapshot's are in memory).
    func readEvents<T>(_ body: (any TransactionEventReader) throws -> T) throws -> T {
        try Projections.readingLog(of: log, body)
    }
}
