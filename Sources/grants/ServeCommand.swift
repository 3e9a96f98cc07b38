import ArgumentParser
import GrantLedgerHTTP
import Hummingbird
import Logging

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the ledger over HTTP: the API under /v1, /health and /openapi.json.",
        discussion: """
            Every /v1 route needs `Authorization: Bearer <token>` with a token of a role that \
            allows it (see `grants tokens`). The projections are caught up in the background. \
            Stops gracefully on SIGTERM or SIGINT.
            """)

    @Option(name: .long, help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(name: .long, help: "The port to listen on.")
    var port = 8080

    @Option(name: .long, help: """
        Seconds a read may take before it is answered 503 `timeout` (appends, imports and \
        rebuilds always run to their end).
        """)
    var requestTimeout = 30

    func validate() throws {
        guard (1...3600).contains(requestTimeout) else {
            throw ValidationError("--request-timeout \(requestTimeout): give a number of seconds from 1 to 3600")
        }
        guard (1...65535).contains(port) else { throw ValidationError("--port \(port): give a port from 1 to 65535") }
    }

    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var policies: PolicyOptions
    @OptionGroup var clauses: ClauseOptions

    func run() async throws {
        var logger = Logger(label: "grants")
        logger.logLevel = .info
        let ledger = try await clauses.open(self.ledger, policies: policies)
        let app = try GrantsAPI.application(ledger: ledger, configuration: .init(host: host, port: port, requestTimeout: .seconds(requestTimeout)), logger: logger)
        try await app.runService()
    }
}
