import ArgumentParser
import Foundation
import GrantLedgerLog
import GrantLedgerPolicy
import GrantLedgerService

/// Where the ledger is: shared by every command.
struct LedgerOptions: ParsableArguments {
    @Option(name: .long, help: "The ledger database: a file, or a postgres:// URL (default: $GRANTS_DB, else ./grants.sqlite).")
    var db: String?

    @Option(name: .long, help: "The pseudonym key file (default: $GRANTS_KEY_FILE, else <db>.key).")
    var keyFile: String?

    var databasePath: String {
        db ?? ProcessInfo.processInfo.environment["GRANTS_DB"] ?? "grants.sqlite"
    }

    /// The ledger as messages name it: a file's path, or a server and schema without the password.
    var ledgerName: String {
        (try? LedgerLocation(databasePath))?.description ?? databasePath
    }

    var keyFilePath: String? {
        keyFile ?? ProcessInfo.processInfo.environment["GRANTS_KEY_FILE"]
    }

    /// The ledger's configuration: these paths, the policies given, and how clause ids are checked.
    func configuration(policies: PolicyOptions? = nil, clauses: ClauseChecking = .shapeOnly) -> LedgerConfiguration {
        LedgerConfiguration(databasePath: databasePath, keyFile: keyFilePath, policies: policies?.source ?? .bundled, clauses: clauses)
    }

    /// Opens the ledger for a command that appends no events from outside (reading,
    /// verifying, erasing personal data): clause ids would be checked for their shape only.
    func open(policies: PolicyOptions? = nil) async throws -> Ledger {
        try await Ledger.open(configuration(policies: policies))
    }
}

/// `--allow-unknown-clauses`, for the commands that append events from outside.
struct ClauseOptions: ParsableArguments {
    @Flag(name: .long, help: """
        Record clause ids the policy catalog does not have (checked for their shape only), for \
        events of a document not yet in the catalog. Without it such a line is rejected, naming \
        the nearest clause id.
        """)
    var allowUnknownClauses = false

    /// How the ledger is to check clause ids: against the catalog, or, when allowed, for their shape only.
    var checking: ClauseChecking { allowUnknownClauses ? .shapeOnly : .catalog }

    /// Opens the ledger to append events from a file or a feed. Checking clause ids against
    /// the catalog needs it loaded: when it does not load, says so and how to go on.
    func open(_ ledger: LedgerOptions, policies: PolicyOptions) async throws -> Ledger {
        do {
            return try await Ledger.open(ledger.configuration(policies: policies, clauses: checking))
        } catch LedgerError.catalogFailed(let error) {
            throw CommandError("""
                \(error)
                Clause ids are checked against the policy catalog, which did not load, so nothing was appended: \
                fix it (see `grants policies check`), or pass --allow-unknown-clauses to check their shape only.
                """)
        }
    }
}

/// `--json` for machine-readable output.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON (one object per line) instead of a table.")
    var json = false
}
