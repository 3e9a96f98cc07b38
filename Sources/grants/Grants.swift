import ArgumentParser
import GrantLedgerIntake
import GrantLedgerLog
import GrantLedgerService

@main
struct Grants: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grants",
        abstract: "GrantLedger: an event-sourced ledger of employment and training subsidies.",
        discussion: """
            Every fact is an event appended to a hash-chained SQLite log. The database is --db, \
            or $GRANTS_DB, or ./grants.sqlite; its pseudonym key is --key-file, or $GRANTS_KEY_FILE, \
            or the database path with .key added.
            """,
        subcommands: [
            DemoCommand.self, InitCommand.self, AppendCommand.self, ImportCommand.self, EventsCommand.self, VerifyCommand.self,
            ForgetCommand.self, PoliciesCommand.self, BackupCommand.self, RestoreCommand.self, ExportCommand.self, LoadCommand.self, CheckpointCommand.self, ProveCommand.self,
        ],
        groupedSubcommands: [
            CommandGroup(name: "Projection", subcommands: [
                EntitlementsCommand.self, PayoutsCommand.self, PerformanceCommand.self, FundsCommand.self,
                FindingsCommand.self, TimelineCommand.self, ExplainCommand.self, WhyNotCommand.self, RebuildCommand.self,
            ]),
            CommandGroup(name: "Service", subcommands: [ServeCommand.self, TokensCommand.self]),
        ])

    /// As ArgumentParser's own `main`, with the ledger's errors put in the command line's
    /// words (the flag to pass, the command to run) before they are printed.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch let error as LedgerError {
            exit(withError: LedgerErrorWording.error(error))
        } catch let error as LogError {
            exit(withError: LedgerErrorWording.error(error))
        } catch let error as ImportError {
            exit(withError: LedgerErrorWording.error(error))
        } catch let error as CheckpointError {
            exit(withError: CommandError(error.description))
        } catch {
            let translated = LogError.translating(error)
            exit(withError: (translated as? LogError).map(LedgerErrorWording.error) ?? translated)
        }
    }
}
