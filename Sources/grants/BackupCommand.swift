import ArgumentParser
import Foundation
import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerService

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the ledger, while appends go on, into a new file, and verify the copy.",
        discussion: """
            The copy is one consistent snapshot (SQLite's online backup): every event committed \
            before it began, nothing of an append in flight. It is written beside FILE and \
            renamed into place once its hash chain verifies. It never overwrites a file. The \
            pseudonym key is not in it: keep the key file apart, and back it up once.
            """)

    @Argument(help: "The new file to copy the ledger into.")
    var file: String

    @OptionGroup var ledger: LedgerOptions

    func run() async throws {
        let opened = try await ledger.open()
        let report = try await opened.backup(to: file)
        print("Backed up \(ledger.ledgerName) to \(report.path): \(report.eventsChecked) events verified, "
              + "\(BackupCommand.head(report.head)), \(BackupCommand.size(report.bytes)).")
        print("The pseudonym key is not in the copy: keep \(opened.keyFilePath) apart from it.")
    }

    static func head(_ head: ChainHead?) -> String {
        head.map { "head \($0.position):\(Hex.string($0.hash))" } ?? "no events"
    }

    static func size(_ bytes: Int64) -> String {
        bytes >= 1 << 20 ? "\(bytes / (1 << 20)) MiB" : "\(bytes / 1024) KiB"
    }
}

struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Bring a backup back as the ledger, refusing one that does not verify.",
        discussion: """
            The backup's hash chain is verified first, and the copy verified again once in \
            place. A ledger already at --db is refused unless --replace, which moves it aside \
            (to <db>.before-restore-<time>) rather than deleting it. A key file at the ledger's \
            key path must be the key the backup was made with.
            """)

    @Argument(help: "The backup file.")
    var file: String

    @Flag(name: .long, help: "Move a ledger already at --db aside and restore in its place.")
    var replace = false

    @OptionGroup var ledger: LedgerOptions

    func run() async throws {
        let (report, movedAside) = try await Ledger.restore(
            from: file, to: ledger.databasePath, keyFile: ledger.keyFilePath, replacing: replace)
        print("Restored \(file) to \(report.path): \(report.eventsChecked) events verified, \(BackupCommand.head(report.head)).")
        if let movedAside { print("The ledger that was there is now \(movedAside).") }
        let key = ledger.keyFilePath ?? EventLog.defaultKeyFile(forDatabase: ledger.databasePath)
        if !FileManager.default.fileExists(atPath: key) {
            print("No pseudonym key at \(key): put the ledger's key file there (or pass --key-file) before appending or importing events that name people.")
        }
    }
}
