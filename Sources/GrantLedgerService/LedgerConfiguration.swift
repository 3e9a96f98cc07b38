import GrantLedgerLog
import GrantLedgerPolicy

/// Where a ledger is and how it is to be used: everything ``Ledger/open(_:)`` needs, and
/// nothing a front end parses (flags, environment variables, HTTP headers are theirs).
public struct LedgerConfiguration: Sendable {
    /// The ledger database: an SQLite file, or a `postgres://` URL (see ``LedgerLocation``).
    public var databasePath: String
    /// The pseudonym key file; nil for the database path with `.key` added (on PostgreSQL,
    /// nil is no key: a ledger made there names its key file).
    public var keyFile: String?
    /// The policy catalog the projections are evaluated with and clause ids checked against.
    public var policies: PolicySource
    /// How appended events' clause ids are checked.
    public var clauses: ClauseChecking
    /// Where mappings named by a short name (`si-months`) are found; a path is taken as it is.
    public var mappingsDirectory: String
    /// What the log reads the recording time from: the system's clock, or a test's.
    public var clock: any RecordingClock

    public init(
        databasePath: String, keyFile: String? = nil, policies: PolicySource = .bundled,
        clauses: ClauseChecking = .catalog, mappingsDirectory: String = "Tools/mappings",
        clock: any RecordingClock = SystemClock()
    ) {
        self.databasePath = databasePath
        self.keyFile = keyFile
        self.policies = policies
        self.clauses = clauses
        self.mappingsDirectory = mappingsDirectory
        self.clock = clock
    }
}

/// Where the policy catalog comes from.
public enum PolicySource: Sendable {
    /// The five documents bundled with GrantLedger.
    case bundled
    /// A directory of policy files.
    case directory(String)
    /// A catalog already loaded (tests, and a server that loads it once).
    case catalog(PolicyCatalog)

    /// Loads the catalog; its failure is a value, since only some uses need the catalog.
    public func load() -> Result<PolicyCatalog, PolicyCatalogError> {
        Result { () throws(PolicyCatalogError) in
            switch self {
            case .bundled: try PolicyCatalog.bundled()
            case .directory(let path): try PolicyCatalog.load(directory: path)
            case .catalog(let catalog): catalog
            }
        }
    }
}

/// How the ledger checks the clause ids of the events it is given.
public enum ClauseChecking: Sendable {
    /// Against the policy catalog, which must then load for the ledger to open: a clause id
    /// it lacks rejects the line, naming the nearest ids.
    case catalog
    /// For their shape only: for a ledger that only reads, and for the explicit choice to
    /// record events of a document not yet in the catalog.
    case shapeOnly
}
