import ArgumentParser
import Foundation
import GrantLedgerLog

/// Where the ledger is: shared by every command.
struct LedgerOptions: ParsableArguments {
    @Option(name: .long, help: "The ledger database (default: $GRANTS_DB, else ./grants.sqlite).")
    var db: String?

    @Option(name: .long, help: "The pseudonym key file (default: $GRANTS_KEY_FILE, else <db>.key).")
    var keyFile: String?

    var databasePath: String {
        db ?? ProcessInfo.processInfo.environment["GRANTS_DB"] ?? "grants.sqlite"
    }

    var keyFilePath: String? {
        keyFile ?? ProcessInfo.processInfo.environment["GRANTS_KEY_FILE"]
    }

    func openLog() throws -> EventLog {
        try EventLog.open(at: databasePath, keyFile: keyFilePath)
    }
}

/// `--json` for machine-readable output.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON (one object per line) instead of a table.")
    var json = false
}
