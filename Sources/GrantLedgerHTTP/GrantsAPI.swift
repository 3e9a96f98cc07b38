import NIOPosix
import GrantLedgerEvents
import GrantLedgerService
import Hummingbird
import Logging

/// The ledger as an HTTP service: `/health`, `/ready`, `/metrics`, `/openapi.json`, and the API
/// under `/v1`, every route of which needs a bearer token whose role allows it.
public enum GrantsAPI {
    /// Where to listen, and how long to wait.
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        /// A connection idle this long (a client that stops sending mid-request, too) is closed.
        public var idleTimeout: Duration
        /// A request not answered in this time is answered 503 `timeout`; appends, imports and
        /// rebuilds are never cut short (``TimeLimitMiddleware`` says why).
        public var requestTimeout: Duration
        /// `/ready` answers 200 while the projections are at most this many events behind the
        /// log's head, 503 `not-ready` beyond.
        public var readyLag: Int64

        public init(host: String = "127.0.0.1", port: Int = 8080, idleTimeout: Duration = .seconds(60), requestTimeout: Duration = .seconds(30),
                    readyLag: Int64 = 1000) {
            self.host = host
            self.port = port
            self.idleTimeout = idleTimeout
            self.requestTimeout = requestTimeout
            self.readyLag = readyLag
        }
    }

    /// The router: routes only, for in-process tests. Requests are logged and measured into
    /// `metrics` (a registry of its own unless one is given).
    public static func router(ledger: Ledger, configuration: Configuration = Configuration(),
                              metrics: ServiceMetrics = ServiceMetrics()) throws -> Router<APIContext> {
        let router = Router(context: APIContext.self)
        router.add(middleware: RequestLogMiddleware(metrics: metrics))
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: TimeLimitMiddleware(limit: configuration.requestTimeout))
        router.get("health") { _, _ in Response.json(.object(JSONObject(unsortedMembers: [("status", .string("ok"))])!)) }
        router.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
        }
        OperationsRoutes(ledger: ledger, metrics: metrics, readyLag: configuration.readyLag).add(to: router)
        let v1 = router.group("v1").add(middleware: AuthMiddleware(tokens: try ledger.tokens()))
        EventRoutes(ledger: ledger, metrics: metrics).add(to: v1)
        ImportRoutes(ledger: ledger, metrics: metrics).add(to: v1)
        // Reads never write: the background catch-up keeps the live projections current.
        let reads = ledger.readingProjectionsAsTheyStand()
        ProjectionRoutes(ledger: reads).add(to: v1)
        PeopleRoutes(ledger: reads).add(to: v1)
        LedgerRoutes(ledger: reads).add(to: v1)
        DashboardRoutes(ledger: reads, tokens: try ledger.tokens()).add(to: router)
        return router
    }

    /// The application: the router on a socket, with the background services. On graceful
    /// shutdown (SIGTERM) the server stops accepting connections and answers the requests in
    /// flight first; the catch-up stops after it and checkpoints the projections
    /// (``ProjectionCatchUp``).
    public static func application(ledger: Ledger, configuration: Configuration, logger: Logger,
                                   metrics: ServiceMetrics = ServiceMetrics()) throws -> some ApplicationProtocol {
        Application(
            router: try router(ledger: ledger, configuration: configuration, metrics: metrics),
            server: .http1(configuration: .init(idleTimeout: .nanoseconds(Int64(configuration.idleTimeout.components.seconds) * 1_000_000_000))),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "grants"),
            // Services are stopped in reverse order, the server (added last by Hummingbird) first.
            services: [ProjectionCatchUp(ledger: ledger, logger: logger, metrics: metrics), BusinessDay(ledger: ledger, logger: logger)],
            logger: logger)
    }
}
