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
            `grants verify` still passes. Afterwards the person is shown by pseudonym only, a \
            lookup by their resident ID says their data was erased, and an event naming them by \
            resident ID is refused. The erased bytes are wiped from the file and its WAL at once, \
            unless another program is reading the ledger: then the command says so, and running \
            it again once that reader has finished completes the wipe.
            Exit status: 0 when the data is erased and wiped; 3 when it is erased but a reader \
            holds the wipe back.
            """)

    @Argument(help: "The person's resident ID or pseudonym.")
    var person: String

    @OptionGroup var ledger: LedgerOptions

    func run() async throws {
        let outcome = try await ledger.open().forget(person: person)
        print(outcome.alreadyErased
            ? "The personal data of \(outcome.pseudonym) was erased before."
            : "Erased the personal data of \(outcome.pseudonym). Its events remain, under the pseudonym.")
        guard outcome.wiped else {
            print("""
                NOT YET WIPED: another connection is reading the ledger (a running `grants serve`, a backup, \
                another command), and the file keeps the old copies of the erased pages until it finishes. \
                The data is erased from the ledger; run this command again once that reader has finished.
                """)
            throw ExitCode(3)
        }
        print("The erased bytes are wiped from the ledger file and its WAL.")
    }
}
