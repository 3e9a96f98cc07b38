import Foundation
import GrantLedgerService
import Metrics
import Prometheus

/// The service's metrics, recorded through swift-metrics into a Prometheus registry that this
/// value owns, and served at `/metrics` in the Prometheus text format.
///
/// Nothing here touches the global `MetricsSystem`: the application passes one value to the
/// middleware, routes and background services that record, so every test gets a registry of
/// its own. The names, what they count and what to watch are in the README's "Operations".
public struct ServiceMetrics: Sendable {
    /// What `/metrics` emits.
    public let registry: PrometheusCollectorRegistry
    let factory: PrometheusMetricsFactory

    enum Name {
        static let eventsAppended = "grants_events_appended_total"
        static let linesNotAppended = "grants_append_lines_not_appended_total"
        static let requestDuration = "grants_http_request_duration_seconds"
        static let catchUpBatchDuration = "grants_catchup_batch_duration_seconds"
        static let catchUpEventsApplied = "grants_catchup_events_applied_total"
        static let logHead = "grants_log_head_position"
        static let checkpoint = "grants_projection_checkpoint_position"
        static let lagEvents = "grants_projection_lag_events"
        static let lagSeconds = "grants_projection_lag_seconds"
        static let fileBytes = "grants_ledger_file_bytes"
        static let catchUpLease = "grants_catchup_lease_held"
    }

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        // Requests: a read answers in milliseconds, an import of a large feed in seconds.
        factory.durationHistogramBuckets[Name.requestDuration] = [
            .milliseconds(1), .milliseconds(2.5), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
            .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30),
        ]
        // A catch-up batch is at most ``ProjectionCatchUp/batchSize`` events; the first one
        // after a policy change is a whole rebuild.
        factory.durationHistogramBuckets[Name.catchUpBatchDuration] = [
            .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5), .seconds(30), .seconds(120),
        ]
        self.factory = factory
    }

    // Handles are made at each use: the registry hands back the one metric it holds for a
    // name and labels (a lookup under its lock), which keeps this value a plain `Sendable`.

    /// Events written to the log, by the route that wrote them (`events` or `import`).
    func eventsAppended(_ count: Int, via route: String) {
        guard count > 0 else { return }
        Counter(label: Name.eventsAppended, dimensions: [("via", route)], factory: factory).increment(by: count)
    }

    /// Lines of an append that were not written, by reason: `duplicate` (already in the log),
    /// `rejected` (invalid), `conflict` (an expected stream version did not hold), `withheld`
    /// (valid, but another line of the same all-or-nothing append was refused).
    func linesNotAppended(_ count: Int, reason: String) {
        guard count > 0 else { return }
        Counter(label: Name.linesNotAppended, dimensions: [("reason", reason)], factory: factory).increment(by: count)
    }

    /// One request: its route pattern (never the raw path, which may hold a resident ID), its
    /// method, its status class (`2xx`, `4xx`, ...) and how long it took to answer.
    func request(method: String, route: String, status: Int, duration: Duration) {
        let dimensions = [("method", method), ("route", route), ("status_class", "\(status / 100)xx")]
        CoreMetrics.Timer(label: Name.requestDuration, dimensions: dimensions, factory: factory).recordNanoseconds(duration.nanoseconds)
    }

    /// One catch-up transaction that applied events, and how many.
    func catchUpBatch(duration: Duration, events: Int) {
        CoreMetrics.Timer(label: Name.catchUpBatchDuration, dimensions: [], factory: factory).recordNanoseconds(duration.nanoseconds)
        Counter(label: Name.catchUpEventsApplied, dimensions: [], factory: factory).increment(by: max(0, events))
    }

    /// 1 while this instance holds the catch-up lease (it keeps the projections current), 0 while another does.
    func catchUpLease(held: Bool) {
        Gauge(label: Name.catchUpLease, dimensions: [], factory: factory).record(held ? 1 : 0)
    }

    /// The gauges read from the ledger when `/metrics` is scraped: head, checkpoint and lag.
    func record(_ lag: ProjectionLag) {
        Gauge(label: Name.logHead, dimensions: [], factory: factory).record(lag.head)
        Gauge(label: Name.checkpoint, dimensions: [], factory: factory).record(lag.checkpoint)
        Gauge(label: Name.lagEvents, dimensions: [], factory: factory).record(lag.events)
        Gauge(label: Name.lagSeconds, dimensions: [], factory: factory).record(lag.seconds)
    }

    /// The ledger's files on disk: the SQLite database and its write-ahead log.
    func recordFileSizes(databasePath: String) {
        for (file, path) in [("database", databasePath), ("wal", databasePath + "-wal")] {
            var info = stat()
            let size = stat(path, &info) == 0 ? Int64(info.st_size) : 0
            Gauge(label: Name.fileBytes, dimensions: [("file", file)], factory: factory).record(size)
        }
    }

    /// The registry in the Prometheus text format (version 0.0.4).
    func text() -> String { registry.emitToString() }
}

extension Duration {
    /// The duration in whole nanoseconds (saturating), for swift-metrics' timers.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : whole &+ attoseconds / 1_000_000_000
    }
}
