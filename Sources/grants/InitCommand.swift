import ArgumentParser
import GrantLedgerLog
import GrantLedgerService

struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create an empty ledger and its pseudonym key.",
        discussion: "Safe to repeat: an existing ledger and key are left as they are.")

    @OptionGroup var ledger: LedgerOptions

    func run() async throws {
        let created = try await Ledger.create(ledger.configuration())
        let head = try await created.head()
        print("Ledger \(ledger.ledgerName): \(head.map { "\($0.position) events" } ?? "empty").")
        print("Pseudonym key \(created.keyFilePath): keep it apart from copies of the ledger; auditors do not need it.")
    }
}
