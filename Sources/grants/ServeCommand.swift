import ArgumentParser
import GrantLedgerHTTP
import Hummingbird
import Logging

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the ledger over HTTP: the API under /v1, /health, /ready, /metrics and /openapi.json.",
        discussion: """
            Every /v1 route needs `Authorization: Bearer <token>` with a token of a role that \
            allows it (see `grants tokens`); /health, /ready and /metrics need none. The \
            projections are caught up in the background. Logs are JSON lines on standard \
            error, one per request. Stops gracefully on SIGTERM or SIGINT: the requests in \
            flight are answered, then the projections are checkpointed.
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

    @Option(name: .long, help: "/ready answers 503 while the projections are more than this many events behind the log.")
    var readyLag = 1000

    func validate() throws {
        guard (1...3600).contains(requestTimeout) else {
            throw ValidationError("--request-timeout \(requestTimeout): give a number of seconds from 1 to 3600")
        }
        guard readyLag >= 0 else { throw ValidationError("--ready-lag \(readyLag): give a number of events, 0 or more") }
        guard (1...65535).contains(port) else { throw ValidationError("--port \(port): give a port from 1 to 65535") }
    }

    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var policies: PolicyOptions
    @OptionGroup var clauses: ClauseOptions

    func run() async throws {
        // The one place the process's logging is set up: JSON lines on standard error.
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: .info) }
        let logger = Logger(label: "grants")
        let ledger = try await clauses.open(self.ledger, policies: policies)
        let configuration = GrantsAPI.Configuration(host: host, port: port, requestTimeout: .seconds(requestTimeout), readyLag: Int64(readyLag))
        let app = try GrantsAPI.application(ledger: ledger, configuration: configuration, logger: logger)
        try await app.runService()
    }
}
