import ArgumentParser
import GrantLedgerLog

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create an empty ledger and its pseudonym key.",
        discussion: "Safe to repeat: an existing ledger and key are left as they are.")

    @OptionGroup var ledger: LedgerOptions

    func run() throws {
        let log = try EventLog.create(at: ledger.databasePath, keyFile: ledger.keyFilePath, clauses: .shapeOnly)
        let head = try log.head()
        let keyPath = ledger.keyFilePath ?? EventLog.defaultKeyFile(forDatabase: ledger.databasePath)
        print("Ledger \(ledger.databasePath): \(head.map { "\($0.position) events" } ?? "empty").")
        print("Pseudonym key \(keyPath): keep it apart from copies of the ledger; auditors do not need it.")
    }
}
