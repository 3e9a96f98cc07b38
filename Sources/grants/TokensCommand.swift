import ArgumentParser
import GrantLedgerService

struct TokensCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens",
        abstract: "Create, list and revoke the API tokens of `grants serve`.",
        discussion: """
            A token has a role (intake, caseworker, auditor, manager or admin) and, optionally, a \
            scope: a city, district, town or department of the policy catalog, by code or name. \
            Only a digest of its secret is stored; the token itself is printed once, when created.
            """,
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token and print it once.")

        @Option(name: .long, help: ArgumentHelp("intake, caseworker, auditor, manager or admin.", valueName: "role"))
        var role: Role

        @Option(name: .long, help: ArgumentHelp("Limit it to a place, e.g. 晋江市, 350203 or 陈埭镇 (default: the whole ledger).", valueName: "place"))
        var scope: String?

        @Option(name: .long, help: ArgumentHelp("Who or what it is for, e.g. \"training portal\".", valueName: "text"))
        var label: String?

        @OptionGroup var ledger: LedgerOptions
        @OptionGroup var policies: PolicyOptions

        func run() async throws {
            let issued: IssuedToken
            do {
                issued = try await ledger.open(policies: policies).createToken(role: role, scope: scope, label: label)
            } catch let error as TokenStoreError {
                throw CommandError("--scope \(scope ?? ""): \(error)")
            }
            print(issued.bearer)
            print("token \(issued.record.id): \(role.rawValue), scope \(issued.record.scope ?? "all"). Keep it now: it is not shown again.")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the tokens (never their secrets).")

        @OptionGroup var ledger: LedgerOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let tokens = try await ledger.open().tokens().list()
            if output.json {
                for token in tokens { try JSONLines.print(token) }
                return
            }
            guard !tokens.isEmpty else {
                print("No tokens. Create one with `grants tokens create --role ROLE`.")
                return
            }
            var table = TextTable([("ID", .left), ("ROLE", .left), ("SCOPE", .left), ("CREATED", .left), ("REVOKED", .left), ("LABEL", .left)])
            for token in tokens {
                table.append([token.id, token.role.rawValue, token.scope ?? "all", token.createdAt, token.revokedAt ?? "–", token.label ?? ""])
            }
            table.print()
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token: it is refused from then on.")

        @Argument(help: ArgumentHelp("The token's id (the ID column of `grants tokens list`).", valueName: "id"))
        var id: String

        @OptionGroup var ledger: LedgerOptions

        func run() async throws {
            do {
                let record = try await ledger.open().tokens().revoke(id: id)
                print("token \(record.id) revoked at \(record.revokedAt ?? "")")
            } catch let error as TokenStoreError {
                throw CommandError("\(error): see `grants tokens list`")
            }
        }
    }
}

extension Role: ExpressibleByArgument {}
