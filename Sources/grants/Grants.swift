import ArgumentParser

@main
struct Grants: ParsableCommand {
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
            ForgetCommand.self, PoliciesCommand.self,
        ],
        groupedSubcommands: [
            CommandGroup(name: "Projection", subcommands: [
                EntitlementsCommand.self, PayoutsCommand.self, PerformanceCommand.self, FundsCommand.self,
                FindingsCommand.self, TimelineCommand.self, ExplainCommand.self, WhyNotCommand.self, RebuildCommand.self,
            ]),
            CommandGroup(name: "Service", subcommands: [TokensCommand.self]),
        ])
}
