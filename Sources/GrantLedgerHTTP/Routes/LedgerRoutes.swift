import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerService
import Hummingbird

/// The ledger as a whole, for auditors: `POST /v1/verify` (check the hash chain, and anchors
/// recorded earlier) and `POST /v1/rebuild` (build the projections afresh from the log).
struct LedgerRoutes {
    let ledger: Ledger

    func add(to group: RouterGroup<APIContext>) {
        group.post("verify") { request, context in try await verify(request, context) }
        group.post("rebuild") { request, context in try await rebuild(request, context) }
    }

    /// The body is empty, or `{"anchors": ["POSITION:HASH", …]}`. The answer is 200 whether or
    /// not the log is intact: `intact` says, and `firstBadPosition` and `problem` say where.
    func verify(_ request: Request, _ context: APIContext) async throws -> Response {
        _ = try context.require(.verify)
        let body = try await request.body.collect(upTo: 1024 * 1024)
        let anchors = try Self.anchors(Array(buffer: body))
        let ledger = ledger
        let report = try await Blocking.read { try ledger.verify(anchors: anchors) }
        return Response.json(report.json)
    }

    static func anchors(_ bytes: [UInt8]) throws -> [Anchor] {
        guard bytes.contains(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) else { return [] }
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch {
            throw APIError.badRequest("bad-json", "the body is not JSON: send nothing, or {\"anchors\": [\"POSITION:HASH\", …]}")
        }
        guard case .object(let object) = value, object.allSatisfy({ $0.key == "anchors" }) else {
            throw APIError.badRequest("bad-anchor", "send nothing, or {\"anchors\": [\"POSITION:HASH\", …]}")
        }
        guard let list = object["anchors"] else { return [] }
        guard case .array(let items) = list else {
            throw APIError.badRequest("bad-anchor", "anchors is a list of \"POSITION:HASH\" strings")
        }
        return try items.map { item in
            guard case .string(let text) = item, let anchor = Anchor(text) else {
                throw APIError.badRequest("bad-anchor", "each anchor is the position, a colon and the 64-digit hash that verify reported",
                                          details: ["anchor": item])
            }
            return anchor
        }
    }

    /// Builds the projections afresh and swaps them in: the position and business date they
    /// reach, the scopes evaluated, and each projection's digest.
    func rebuild(_ request: Request, _ context: APIContext) async throws -> Response {
        _ = try context.require(.rebuild)
        let ledger = ledger
        let report = try await Blocking.run { try ledger.rebuild() }
        let digests = JSONObject(unsortedMembers: report.digests.map { ($0.name, JSONValue.string($0.digest)) })!
        return Response.json(.object(JSONObject(unsortedMembers: [
            ("position", .integer(report.position)), ("asOf", report.asOf.map { .string($0.description) } ?? .null),
            ("scopes", .integer(Int64(report.scopes))), ("digests", .object(digests)),
        ])!))
    }
}
