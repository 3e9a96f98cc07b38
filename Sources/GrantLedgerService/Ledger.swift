import Foundation
import GRDB
import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerPolicy
import GrantLedgerPostgres
import GrantLedgerProjections

/// One ledger, opened from a configuration: the entry point the command line and the HTTP
/// service share, so that both append, import and answer the same way.
///
/// Like GRDB's `AppDatabase`, it holds its connection privately and offers operations that
/// keep the invariants: an append catches the projections up (the append standing either
/// way), a question is answered at a ``Moment`` with the snapshot's scope chosen here, a party
/// is resolved from what a person types. It is `Sendable` and needs no actor: the log
/// serialises writes, and every read runs on a consistent snapshot.
public final class Ledger: Sendable {
    public let configuration: LedgerConfiguration
    /// The log beneath, for tools that read events one by one (`grants events`, the demo).
    public let log: EventLog
    private let catalog: CatalogOnce
    /// Whether a question for now catches the projections up first (the command line), or
    /// reads them as they stand (a service that keeps them current in the background).
    let catchesUpOnRead: Bool

    private init(configuration: LedgerConfiguration, log: EventLog, catalog: CatalogOnce, catchesUpOnRead: Bool = true) {
        self.configuration = configuration
        self.log = log
        self.catalog = catalog
        self.catchesUpOnRead = catchesUpOnRead
    }

    /// The same ledger (same log, same catalog), whose questions never write: one for now reads
    /// the live projections as they stand instead of catching them up first, and is answered
    /// ``LedgerError/projectionsNotReady`` while they have never been built. For a service whose
    /// projections a background task keeps current (``catchUp()``), so that a read neither
    /// writes nor waits behind an import. Appends, imports and rebuilds still write.
    public func readingProjectionsAsTheyStand() -> Ledger {
        Ledger(configuration: configuration, log: log, catalog: catalog, catchesUpOnRead: false)
    }

    /// Opens an existing ledger. With ``ClauseChecking/catalog`` the policy catalog is loaded
    /// first, and a catalog that fails to load stops the opening (``LedgerError/catalogFailed(_:)``):
    /// events could not be checked. Otherwise it is loaded when first needed.
    public static func open(_ configuration: LedgerConfiguration) async throws -> Ledger {
        let catalog = CatalogOnce(configuration.policies)
        let clauses: ClauseCheck
        switch configuration.clauses {
        case .shapeOnly: clauses = .shapeOnly
        case .catalog: clauses = .registry(try catalog.get())
        }
        let log: EventLog
        switch try LedgerLocation(configuration.databasePath) {
        case .file(let path):
            log = try await EventLog.open(at: path, keyFile: configuration.keyFile, clauses: clauses, clock: configuration.clock)
        case .postgres(let location):
            let storage = try await PostgresEventStorage(location: location)
            log = try await EventLog.open(storage: storage, keyFile: configuration.keyFile, required: configuration.keyFile != nil,
                                          clauses: clauses, clock: configuration.clock)
        }
        return Ledger(configuration: configuration, log: log, catalog: catalog)
    }

    /// Creates a ledger and its pseudonym key, or opens the one already there.
    public static func create(_ configuration: LedgerConfiguration) async throws -> Ledger {
        let catalog = CatalogOnce(configuration.policies)
        let clauses: ClauseCheck = configuration.clauses == .catalog ? .registry(try catalog.get()) : .shapeOnly
        let log: EventLog
        switch try LedgerLocation(configuration.databasePath) {
        case .file(let path):
            log = try await EventLog.create(at: path, keyFile: configuration.keyFile, clauses: clauses, clock: configuration.clock)
        case .postgres(let location):
            // No file beside a schema: its key file is named.
            guard let keyFile = configuration.keyFile else { throw LedgerError.keyFileNeeded }
            let storage = try await PostgresEventStorage(location: location, create: true)
            log = try await EventLog.create(storage: storage, keyFile: keyFile, clauses: clauses, clock: configuration.clock)
        }
        return Ledger(configuration: configuration, log: log, catalog: catalog)
    }

    /// The key file in use: the configured one, else beside the database (a ledger on
    /// PostgreSQL has its key file named, or none).
    public var keyFilePath: String {
        configuration.keyFile ?? EventLog.defaultKeyFile(forDatabase: configuration.databasePath)
    }

    /// The policy catalog, loaded once.
    public func policies() throws(LedgerError) -> PolicyCatalog { try catalog.get() }

    /// The catalog, or why it did not load, for operations that go on without it.
    var loadedPolicies: Result<PolicyCatalog, PolicyCatalogError> { catalog.result }

    /// The projections, evaluated with the catalog.
    public func projections() throws -> Projections {
        try Projections(log: log, policies: try policies())
    }

    // MARK: - The log

    /// Checks the hash chain, and each anchor (a position and hash recorded earlier), the tables
    /// beside the events (``EventLog/verify(anchors:)``), and that the projections claim no
    /// position past the log's last: their checkpoints are a trace of events removed from the end.
    public func verify(anchors: [Anchor] = [], checkpoints: [Checkpoint] = [], againstCopy copy: String? = nil) async throws -> VerificationReport {
        var report = try await log.verify(anchors: anchors, checkpoints: checkpoints)
        // An earlier copy names the first changed position, which the hashes alone cannot.
        if let copy, report.problem == nil || report.problem.map(Self.isRewrite) == true {
            let earlier = try SQLiteEventStorage(path: copy, readOnly: true)
            if let difference = try await log.compare(withCopy: earlier) {
                report.replace(with: difference)
            }
        }
        guard report.isIntact else { return report }
        let last = report.head?.position ?? 0
        // Projections never built, or unreadable (which `verifyProjections` reports), leave no trace to compare.
        if let status = try? projections().status(), let beyond = status.checkpoints.map(\.position).max(), beyond > last {
            report.record(.removedTail(lastPosition: last, trace: beyond, table: "proj_checkpoints"))
        }
        return report
    }

    /// A problem that says the log was rewritten before a point, without saying where.
    static func isRewrite(_ problem: VerificationReport.Problem) -> Bool {
        switch problem {
        case .anchorMismatch, .checkpointMismatch: true
        default: false
        }
    }

    /// The live projections compared with projections built afresh in memory from the log, for
    /// the same position and date: each projection whose rows differ was changed outside
    /// GrantLedger (or by a fault), and `grants rebuild` makes it again.
    public func verifyProjections() throws -> ProjectionVerification {
        let projections = try projections()
        let status = try projections.status()
        guard status.exists, let position = status.checkpoints.map(\.position).max() else {
            return ProjectionVerification(position: nil, asOf: nil, differing: [], outOfStep: [])
        }
        let outOfStep = status.checkpoints.filter { $0.position != position }.map(\.projection)
        let live = Dictionary(try projections.digests().map { ($0.name, $0.digest) }, uniquingKeysWith: { a, _ in a })
        let rebuilt = try projections.reader(at: Moment(asOf: status.asOf, position: position)).digests()
        let differing = rebuilt.filter { live[$0.name] != $0.digest }.map(\.name)
        return ProjectionVerification(position: position, asOf: status.asOf, differing: differing, outOfStep: outOfStep)
    }

    /// Signs the log as it stands with the key in `signingKey` (made there first with
    /// `createKey`), once it verifies.
    public func checkpoint(signingKey: String, createKey: Bool = false) async throws -> Checkpoint {
        try await log.checkpoint(signer: try CheckpointSigner.load(path: signingKey, create: createKey), at: configuration.clock.now())
    }

    /// The proof that one event is in the tree a checkpoint signed.
    public func prove(eventID: String, against checkpoint: Checkpoint) async throws -> InclusionProof {
        try await log.prove(eventID: eventID, against: checkpoint)
    }

    /// The log's last event, nil while it is empty.
    public func head() async throws -> ChainHead? { try await log.head() }

    /// Erases the resident ID and name held for a person (resident ID or pseudonym) and wipes
    /// them from the ledger's files; their events, which hold only the pseudonym, stay.
    @discardableResult
    public func forget(person text: String) async throws -> EventLog.ForgetOutcome {
        do {
            return try await log.forget(person: text)
        } catch let error as EventLog.PartyError {
            throw LedgerError(error)
        }
    }

    /// A person's masked resident ID (`350203********123X`), nil once their data is erased or
    /// without the ledger's key (it is sealed with it). Read synchronously beside the
    /// projections, for the tables that show them.
    public func maskedID(pseudonym: String) throws -> String? {
        guard let seal = log.pseudonymizer?.personalData,
              let sealed = try readingBesideProjections({ try $0.sealedPersonalData(pseudonym: pseudonym) })
        else { return nil }
        return try seal.open(sealed, pseudonym: pseudonym).residentID.masked
    }

    /// Reads the log synchronously, on a snapshot of the database that holds both it and the
    /// projections: for what an answer drawn from the projections needs of the log (a
    /// person's places, their masked ID) while it is assembled on one thread.
    func readingBesideProjections<T>(_ body: (any TransactionEventReader) throws -> T) throws -> T {
        try Projections.readingLog(of: log, body)
    }

    // MARK: - Projections

    /// Builds the projections afresh from the log and swaps them in; see ``Projections/rebuild(progress:)``.
    public func rebuild(progress: (@Sendable (Projections.RebuildProgress) -> Void)? = nil) throws -> Projections.RebuildReport {
        try projections().rebuild(progress: progress)
    }

    /// Each projection's digest at a moment: the live ones for now (caught up), else a
    /// snapshot's, built in memory and leaving the live projections as they are.
    public func digests(at moment: Moment = .now) throws -> Answer<[Digest]> {
        try answer(at: moment) { reader in try reader.digests().map { Digest(projection: $0.name, digest: $0.digest) } }
    }

    public struct Digest: Sendable, Hashable {
        public let projection: String
        public let digest: String
    }
}

/// What ``Ledger/verifyProjections()`` found.
public struct ProjectionVerification: Sendable, Hashable {
    /// The position the live projections were built to; nil when they never were.
    public let position: Int64?
    public let asOf: LocalDate?
    /// The projections whose live rows differ from a rebuild's.
    public let differing: [String]
    /// Projections whose checkpoint is not the others'.
    public let outOfStep: [String]
    public var isIntact: Bool { differing.isEmpty && outOfStep.isEmpty }
}

/// The catalog, loaded the first time it is asked for and kept, failure included: a ledger
/// that only verifies never reads the policy files.
private final class CatalogOnce: @unchecked Sendable {
    private let source: PolicySource
    private let lock = NSLock()
    // Guarded by `lock`.
    private var loaded: Result<PolicyCatalog, PolicyCatalogError>?

    init(_ source: PolicySource) { self.source = source }

    var result: Result<PolicyCatalog, PolicyCatalogError> {
        lock.lock()
        defer { lock.unlock() }
        if let loaded { return loaded }
        let result = source.load()
        loaded = result
        return result
    }

    func get() throws(LedgerError) -> PolicyCatalog {
        do { return try result.get() } catch { throw .catalogFailed(error) }
    }
}
