import Foundation
import GrantLedgerEvents
import GrantLedgerIntake
import GrantLedgerService
import Hummingbird
import NIOPosix

/// `POST /v1/imports/{mapping}?format=csv|jsonl&allOrNothing=true`: a feed uploaded as the
/// body, mapped by one of the service's mappings (by name only: a client never names a file),
/// with the report `grants import` prints. Bad rows are listed with their line and column; the
/// good ones are appended (all or nothing with `allOrNothing=true`).
struct ImportRoutes {
    let ledger: Ledger

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
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        let mapping = try ledger.mapping(name)
        let report = try await Blocking.run {
            // The feed goes through a file the importer streams, readable by the service alone.
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("grants-import-\(UUID().uuidString)").path
            guard FileManager.default.createFile(atPath: path, contents: Data(buffer: body), attributes: [.posixPermissions: 0o600]) else {
                throw APIError(.internalServerError, "internal", "the upload could not be staged")
            }
            defer { try? FileManager.default.removeItem(atPath: path) }
            return try await ledger.importFeed(format, path: path, using: mapping, options: ImportOptions(allOrNothing: allOrNothing), catchingUp: false).report
        }
        let counts = report.counts
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
}
