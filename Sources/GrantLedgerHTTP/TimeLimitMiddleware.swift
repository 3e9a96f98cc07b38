import Hummingbird

/// Answers 503 `timeout` when a request has not been answered within `limit`, so that a
/// client waits at most that long (``GrantsAPI/Configuration/requestTimeout``).
///
/// The handler's task is cancelled. A read it waits on (``Blocking/read(_:)``) stops being
/// waited for at once, and runs to its end on the pool with its answer dropped: reads change
/// nothing, so a client that was answered 503 may simply ask again.
///
/// The requests that change the ledger are never cut short: appends (`POST /v1/events`),
/// imports (`POST /v1/imports/{mapping}`) and rebuilds (`POST /v1/rebuild`). Cut short, one
/// would go on to commit, or not, after its client was told 503, and the client would not
/// know which. Left to finish, an append is atomic and idempotent: a client that gives up
/// waiting can resend it, and learns from the duplicates what had been recorded. Their bodies
/// are bounded (``APIContext/maxBodyBytes``), and a client that stops sending is closed by
/// the idle timeout.
struct TimeLimitMiddleware: RouterMiddleware {
    typealias Context = APIContext
    let limit: Duration

    /// The routes the limit leaves alone, as ``ErrorMiddleware`` names routes.
    static let exempt: Set<String> = ["POST /v1/events", "POST /v1/imports/{mapping}", "POST /v1/rebuild"]

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        let route = "\(request.method) \(context.endpointPath ?? request.uri.path)"
        guard !Self.exempt.contains(route) else { return try await next(request, context) }
        let answered: Response? = try await withoutActuallyEscaping(next) { next in
            // Hummingbird's own pattern: the group awaits both children before it returns, so
            // the handler does not outlive this call, and this task does not touch it meanwhile.
            let handler = UnsafeTransfer(next)
            return try await withThrowingTaskGroup(of: Response?.self) { group -> Response? in
                group.addTask { try await handler.value(request, context) }
                group.addTask {
                    try await Task.sleep(for: limit)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next() else { return nil }
                return first
            }
        }
        if let answered { return answered }
        context.logger.notice("timed out", metadata: ["route": .string(route), "limit": .string(APIError.text(limit))])
        throw APIError.timeout(limit)
    }
}

/// A value handed to a child task that cannot outlive its use (see ``TimeLimitMiddleware``).
private struct UnsafeTransfer<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
