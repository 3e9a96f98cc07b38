import ArgumentParser
import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerService

struct ForgetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forget",
        abstract: "Erase the resident ID and name held for one person.",
        discussion: """
            The events keep only the person's pseudonym, so the hash chain is untouched and \
            `grants verify` still passes. Afterwards the person is shown by pseudonym only.
            """)

    @Argument(help: "The person's resident ID or pseudonym.")
    var person: String

    @OptionGroup var ledger: LedgerOptions

    func run() async throws {
        let pseudonym = try await ledger.open().forget(person: person)
        print("Erased the personal data of \(pseudonym). Its events remain, under the pseudonym.")
    }
}
