import NIOPosix
import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerService
import Hummingbird

/// `POST /v1/events` (intake: append, atomic and idempotent) and `GET /v1/events` (auditors:
/// read the log by position, stream, type or party, a page at a time).
struct EventRoutes {
    let ledger: Ledger
    let metrics: ServiceMetrics

    func add(to group: RouterGroup<APIContext>) {
        group.post("events") { request, context in try await append(request, context) }
        group.get("events") { request, context in try await read(request, context) }
    }

    // MARK: Append

    /// The body is JSON Lines, or a JSON array of events (or one event). All of it is appended
    /// or none; events already in the ledger are reported as duplicates. A rejected event gets
    /// 422 with each problem's line (the array's item, from 1) and JSON path; an unmet expected
    /// stream version 409 with the versions expected and found. The projections catch up in
    /// the background: the answer does not wait for them.
    func append(_ request: Request, _ context: APIContext) async throws -> Response {
        _ = try context.require(.append)
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        let lines = try Self.lines(Array(buffer: body))
        let outcome = try await Blocking.run { try await ledger.append(lines, catchUp: false) }
        let report = outcome.report
        guard report.isComplete else {
            let conflicts = report.issues.compactMap { issue in issue.versionConflict.map { (issue, $0) } }
            let conflicting = !conflicts.isEmpty && conflicts.count == report.issues.count
            metrics.linesNotAppended(report.rejectedLines, reason: conflicting ? "conflict" : "rejected")
            metrics.linesNotAppended(report.lines - report.rejectedLines, reason: "withheld")
            if conflicting {
                throw APIError(.conflict, "conflict", "an expected stream version did not hold; nothing was appended: read the stream and resubmit",
                               details: ["conflicts": .array(conflicts.map { issue, conflict in
                                   .object(JSONObject(unsortedMembers: [
                                       ("line", .integer(Int64(issue.line))), ("stream", .string(conflict.stream)),
                                       ("expected", APIError.json(conflict.expected)), ("actual", .integer(conflict.actual)),
                                   ])!)
                               })])
            }
            throw APIError(.unprocessableContent, "rejected", "\(report.rejectedLines) of \(report.lines) events were rejected; nothing was appended",
                           details: ["issues": .array(report.issues.map(APIError.json))])
        }
        metrics.eventsAppended(report.appended, via: "events")
        metrics.linesNotAppended(report.duplicates, reason: "duplicate")
        return Response.json(Self.json(report))
    }

    /// The submission lines of a body: a JSON array's items, or its lines.
    static func lines(_ bytes: [UInt8]) throws -> [SubmissionLine] {
        guard let first = bytes.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) else {
            throw APIError.badRequest("empty", "the body holds no event: send JSON Lines, or a JSON array of events")
        }
        guard first == UInt8(ascii: "[") else {
            return Array(JSONLinesReader(bytes: bytes))
        }
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch {
            throw APIError.badRequest("bad-json", "the body is not JSON: \(error)")
        }
        guard case .array(let items) = value, !items.isEmpty else {
            throw APIError.badRequest("empty", "the array holds no event")
        }
        return items.enumerated().map { SubmissionLine(number: $0.offset + 1, bytes: CanonicalJSON.encode($0.element)) }
    }

    static func json(_ report: AppendReport) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("lines", .integer(Int64(report.lines))), ("appended", .integer(Int64(report.appended))),
            ("duplicates", .integer(Int64(report.duplicates))),
        ]
        if let first = report.firstPosition, let last = report.lastPosition {
            members.append(("firstPosition", .integer(first)))
            members.append(("lastPosition", .integer(last)))
        }
        members.append(("results", .array(report.outcomes.compactMap { outcome in
            switch outcome {
            case .appended(let line, let position, let id), .duplicate(let line, let position, let id):
                let kind = if case .appended = outcome { "appended" } else { "duplicate" }
                return .object(JSONObject(unsortedMembers: [
                    ("line", .integer(Int64(line))), ("outcome", .string(kind)), ("position", .integer(position)), ("eventId", .string(id)),
                ])!)
            case .rejected, .withheld: return nil
            }
        })))
        return .object(JSONObject(unsortedMembers: members)!)
    }

    // MARK: Read

    /// Events in position order from `after` + 1 (a cursor: the last position of the previous
    /// page), at most `limit` (default 100, at most 1000), by `stream`, `type` or `party`.
    func read(_ request: Request, _ context: APIContext) async throws -> Response {
        _ = try context.require(.readEvents)
        let query = request.uri.queryParameters
        let after = try Self.integer(query["after"].map(String.init), "after", default: 0, range: 0...Int64.max)
        let limit = try Self.integer(query["limit"].map(String.init), "limit", default: 100, range: 1...1000)
        var party = query["party"].map(String.init)
        if let text = party { party = try ledger.eventPartyKey(for: text) }
        // One more than the page, to know whether there is a next.
        let eventQuery = EventQuery(from: after + 1, streamID: query["stream"].map(String.init), type: query["type"].map(String.init),
                                    party: party, limit: Int(limit) + 1)
        let events = try await ledger.log.allEvents(eventQuery)
        let page = events.prefix(Int(limit))
        var members: [(String, JSONValue)] = [("events", .array(try page.map(Self.json)))]
        members.append(("next", events.count > page.count ? .integer(page.last!.position) : .null))
        return Response.json(.object(JSONObject(unsortedMembers: members)!))
    }

    static func json(_ event: RecordedEvent) throws -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("position", .integer(event.position)), ("eventId", .string(event.eventID)), ("streamId", .string(event.streamID)),
            ("streamVersion", .integer(event.streamVersion)), ("type", .string(event.type)),
            ("schemaVersion", .integer(Int64(event.schemaVersion))), ("occurredAt", .string(event.occurredAt.description)),
            ("recordedAt", .string(event.recordedAt.description)), ("actor", .string(event.actor)), ("source", .string(event.source)),
            ("data", try event.dataValue()), ("hash", .string(event.hashHex)),
        ]
        if let id = event.correlationID { members.append(("correlationId", .string(id))) }
        if let id = event.causationID { members.append(("causationId", .string(id))) }
        return .object(JSONObject(unsortedMembers: members)!)
    }

    static func integer(_ text: String?, _ name: String, default value: Int64, range: ClosedRange<Int64>) throws -> Int64 {
        guard let text else { return value }
        guard let number = Int64(text), range.contains(number) else {
            throw APIError.badRequest("bad-parameter", "\(name)=\(text): give a whole number from \(range.lowerBound) to \(range.upperBound)",
                                      details: ["parameter": .string(name)])
        }
        return number
    }
}
