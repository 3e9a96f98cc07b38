import Hummingbird
import Logging
import NIOConcurrencyHelpers

/// Logs one line per request and records its duration in ``ServiceMetrics``: the request's
/// id, method, route, status, duration in milliseconds and the id of the token that made it.
///
/// The route is the matched pattern (`/v1/people/{id}/timeline`), never the raw path, which may
/// hold a resident ID; `unmatched` for a path no route serves. The token is named by its id,
/// and only once it has been authenticated; the bearer header is never read here. The line is
/// `info` below 500, `notice` for 503 (the service's expected refusals: busy, timeout, not
/// ready, projections not built) and `error` for any other 5xx.
///
/// It is the router's outermost middleware, so it sees every answer, errors included. The
/// request's id is Hummingbird's (`hb.request.id` in the logger's metadata, on every line the
/// request logs), which ``JSONLogHandler`` writes as `requestId`.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = APIContext
    let metrics: ServiceMetrics

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let response = try await next(request, context)
            record(request, context, status: response.status.code, duration: start.duration(to: clock.now))
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            record(request, context, status: status, duration: start.duration(to: clock.now))
            throw error
        }
    }

    func record(_ request: Request, _ context: APIContext, status: Int, duration: Duration) {
        let route = Self.route(context.endpointPath)
        metrics.request(method: request.method.rawValue, route: route, status: status, duration: duration)
        var metadata: Logger.Metadata = [
            "method": .string(request.method.rawValue), "route": .string(route), "status": .stringConvertible(status),
            "durationMs": .string(Self.milliseconds(duration)),
        ]
        if let token = context.notes.tokenID { metadata["token"] = .string(token) }
        let level: Logger.Level = status == 503 ? .notice : status >= 500 ? .error : .info
        context.logger.log(level: level, "request", metadata: metadata)
    }

    /// The route pattern Hummingbird matched, or `unmatched`.
    static func route(_ endpointPath: String?) -> String {
        guard let endpointPath, endpointPath != "NotFound" else { return "unmatched" }
        return endpointPath
    }

    /// Milliseconds with three decimals: `12.345`.
    static func milliseconds(_ duration: Duration) -> String {
        let micros = duration.nanoseconds / 1000
        let fraction = micros % 1000
        return "\(micros / 1000)." + (fraction < 10 ? "00" : fraction < 100 ? "0" : "") + "\(fraction)"
    }
}

/// What a request learns on its way in that the line logged on its way out reports: the
/// context is a value, so a middleware further in cannot change the outer one's copy.
final class RequestNotes: Sendable {
    private let token = NIOLockedValueBox<String?>(nil)

    /// The id of the token the request was authenticated with (never the token itself).
    var tokenID: String? {
        get { token.withLockedValue { $0 } }
        set { token.withLockedValue { $0 = newValue } }
    }
}
