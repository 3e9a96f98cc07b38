import ArgumentParser
import Foundation
import GrantLedgerLog
import GrantLedgerService

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the ledger's log as one canonical, verifiable file, to load on another backend.",
        discussion: """
            Every event with its hash, the party index, the sealed personal data, the erasures \
            and the settings, as canonical JSON Lines, from one snapshot while appends go on. The \
            same ledger gives the same bytes from SQLite and from PostgreSQL. The pseudonym key \
            is not in it: the sealed personal data opens only with the ledger's key file, which \
            travels apart. The projections and the service's API tokens are not in it: the \
            projections are rebuilt from the log where it is loaded, and tokens are issued \
            again there (`grants tokens create`). With the key at hand, a ledger from before \
            personal data was sealed is sealed first; without it, it is refused. \
            --db is a file or a postgres:// URL.
            """)

    @Argument(help: "The file to write (it must not exist), or - for standard output.")
    var file: String

    @OptionGroup var ledger: LedgerOptions

    func run() async throws {
        let location = try LedgerLocation(ledger.databasePath)
        // The key seals a ledger's personal data still in the clear before it is exported.
        let key: String? = switch location {
        case .file(let path): ledger.keyFilePath ?? EventLog.defaultKeyFile(forDatabase: path)
        case .postgres: ledger.keyFilePath
        }
        let counts = try await Ledger.export(from: location, to: file, keyFile: key)
        if file != "-" { print("Exported \(ledger.ledgerName) to \(file): \(counts).") }
    }
}

struct LoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Load an export into a new ledger: a new file, or a new schema on PostgreSQL.",
        discussion: """
            The hash chain is recomputed line by line; a file altered, reordered or cut short is \
            refused whole, and nothing of it kept. The ledger loaded into must be new (a file \
            that does not exist, or a postgres:// URL whose ledger= schema holds no ledger). Put \
            the source ledger's key file beside it (or pass --key-file when using it): the \
            sealed personal data opens only with that key. Projections are built from the log \
            the first time the ledger is used.
            """)

    @Argument(help: "The export to load.")
    var file: String

    @OptionGroup var ledger: LedgerOptions

    func run() async throws {
        let location = try LedgerLocation(ledger.databasePath)
        let counts = try await Ledger.load(file, into: location)
        print("Loaded \(file) into \(location): \(counts).")
    }
}
