import Foundation
import GrantLedgerEvents
import GrantLedgerIntake
import GrantLedgerService
import Hummingbird
import NIOPosix

/// `POST /v1/imports/{mapping}?format=csv|jsonl&allOrNothing=true&encoding=utf-8|gb18030`: a
/// feed uploaded as the body, mapped by one of the service's mappings (by name only: a client
/// never names a file), with the report `grants import` prints. Bad rows are listed with their
/// line and column; the good ones are appended (all or nothing with `allOrNothing=true`). A CSV
/// feed is read in the mapping's encoding unless `encoding` says otherwise. A feed that cannot
/// be imported at all (a header lacking a column the mapping reads) is 422 `bad-feed`.
struct ImportRoutes {
    let ledger: Ledger
    let metrics: ServiceMetrics

    func add(to group: RouterGroup<APIContext>) {
        group.post("imports/:mapping") { request, context in try await importFeed(request, context) }
    }

    func importFeed(_ request: Request, _ context: APIContext) async throws -> Response {
        _ = try context.require(.importFeed)
        let name = context.parameters.get("mapping") ?? ""
        guard !name.isEmpty, name.utf8.allSatisfy({ (97...122).contains($0) || (48...57).contains($0) || $0 == UInt8(ascii: "-") }) else {
            throw APIError.badRequest("bad-parameter", "mapping \(name): give the name of one of the service's mappings (lower-case letters, digits and -)",
                                      details: ["parameter": .string("mapping")])
        }
        let query = request.uri.queryParameters
        let format: FeedFormat
        switch query["format"].map(String.init) ?? (request.headers[.contentType]?.hasPrefix("text/csv") == true ? "csv" : "jsonl") {
        case "csv": format = .csv
        case "jsonl": format = .jsonl
        case let other:
            throw APIError.badRequest("bad-parameter", "format=\(other): give csv or jsonl", details: ["parameter": .string("format")])
        }
        let allOrNothing = query["allOrNothing"].map { $0 == "true" } ?? false
        var encoding: TextEncoding?
        if let label = query["encoding"].map(String.init) {
            guard let named = TextEncoding(label: label) else {
                throw APIError.badRequest("bad-parameter", "encoding=\(label): give utf-8 or gb18030", details: ["parameter": .string("encoding")])
            }
            encoding = named
        }
        let options = ImportOptions(allOrNothing: allOrNothing, encoding: encoding, advice: Self.advice)
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        let mapping = try ledger.mapping(name)
        let report = try await Blocking.run {
            // The feed goes through a file the importer streams, readable by the service alone.
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("grants-import-\(UUID().uuidString)").path
            guard FileManager.default.createFile(atPath: path, contents: Data(buffer: body), attributes: [.posixPermissions: 0o600]) else {
                throw APIError(.internalServerError, "internal", "the upload could not be staged")
            }
            defer { try? FileManager.default.removeItem(atPath: path) }
            var named = options
            named.sourceName = "the upload"
            do {
                return try await ledger.importFeed(format, path: path, using: mapping, options: named, catchingUp: false).report
            } catch let error as ImportError where error.kind == .other {
                // Said of the upload, never of the file it was staged in.
                throw APIError(.unprocessableContent, "bad-feed", error.description.replacingOccurrences(of: path, with: "the upload"))
            }
        }
        let counts = report.counts
        if report.committed { metrics.eventsAppended(counts.appended, via: "import") }
        let problems: [JSONValue] = report.problems.map { problem in
            var members: [(String, JSONValue)] = [("line", .integer(Int64(problem.line))), ("message", .string(problem.message))]
            if let column = problem.columnDescription { members.append(("column", .string(column))) }
            return .object(JSONObject(unsortedMembers: members)!)
        }
        let json = JSONValue.object(JSONObject(unsortedMembers: [
            ("mapping", .string(name)), ("rows", .integer(Int64(counts.rows))), ("appended", .integer(Int64(counts.appended))),
            ("duplicates", .integer(Int64(counts.duplicates))), ("skipped", .integer(Int64(counts.skipped))),
            ("badRows", .integer(Int64(counts.badRows))), ("problems", .array(problems)),
        ])!)
        // Bad rows are the sender's to fix: the request is answered 422 when any was refused.
        return Response.json(json, status: counts.badRows > 0 ? .unprocessableContent : .ok)
    }

    /// How the service tells a sender to read a feed in another encoding.
    static let advice = ImportAdvice { "send it with encoding=\($0.rawValue)" }
}
