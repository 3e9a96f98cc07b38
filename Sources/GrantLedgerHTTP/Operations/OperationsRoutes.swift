import GrantLedgerEvents
import GrantLedgerService
import Hummingbird
import NIOCore

/// The routes an operator's tools call, with no token: `/ready` for a load balancer and
/// `/metrics` for Prometheus. Neither says anything about a person: `/ready` gives positions,
/// `/metrics` counts by route pattern, reason and status class.
struct OperationsRoutes {
    let ledger: Ledger
    let metrics: ServiceMetrics
    /// ``GrantsAPI/Configuration/readyLag``.
    let readyLag: Int64

    func add(to router: Router<APIContext>) {
        router.get("ready") { _, _ in try await ready() }
        router.get("metrics") { _, _ in try await scrape() }
    }

    /// 200 while the projections are within `readyLag` events of the log's head, else 503
    /// `not-ready` (or `catalog-failed` when the policy catalog does not load, for then they
    /// cannot catch up at all).
    func ready() async throws -> Response {
        let lag = try await Blocking.read { try ledger.projectionLag() }
        let positions: [(String, JSONValue)] = [
            ("head", .integer(lag.head)), ("checkpoint", .integer(lag.checkpoint)), ("lagEvents", .integer(lag.events)),
            ("maxLagEvents", .integer(readyLag)),
        ]
        guard lag.events <= readyLag else {
            throw APIError(.serviceUnavailable, "not-ready",
                           "the projections are \(lag.events) events behind the log's head (at most \(readyLag) for ready); they are catching up",
                           details: Dictionary(uniqueKeysWithValues: positions))
        }
        return Response.json(.object(JSONObject(unsortedMembers: [("status", .string("ready"))] + positions)!))
    }

    /// The registry in the Prometheus text format, with the gauges read from the ledger first.
    func scrape() async throws -> Response {
        // Lag needs the catalog; when it does not load the gauges keep their last values and
        // `/ready` says why.
        if let lag = try? await Blocking.read({ try ledger.projectionLag() }) { metrics.record(lag) }
        // A ledger on PostgreSQL has no file of its own to measure (the server reports its sizes).
        if case .file(let path)? = try? LedgerLocation(ledger.configuration.databasePath) { metrics.recordFileSizes(databasePath: path) }
        return Response(status: .ok, headers: [.contentType: ServiceMetrics.contentType],
                        body: .init(byteBuffer: ByteBuffer(string: metrics.text())))
    }
}

extension ServiceMetrics {
    /// The Prometheus text exposition format.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"
}
