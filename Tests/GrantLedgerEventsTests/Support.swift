import Foundation
import Testing

@testable import GrantLedgerEvents

/// The package directory, found from this file's path (Tests/GrantLedgerEventsTests/Support.swift).
let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

let catalog = EventCatalog.standard

/// Every definition of the standard catalog, sorted by type then version.
let allKeys: [EventTypeKey] = catalog.definitions.keys.sorted()

struct FixtureError: Error, CustomStringConvertible {
    let description: String
}

/// The text of a file under the package root, or nil if it does not exist.
func packageFile(_ relativePath: String) -> String? {
    guard let data = FileManager.default.contents(atPath: packageRoot.appendingPathComponent(relativePath).path) else {
        return nil
    }
    return String(decoding: data, as: UTF8.self)
}

/// Parses a file under the package root with the project's strict parser.
func parsePackageFile(_ relativePath: String) throws -> JSONValue {
    guard let text = packageFile(relativePath) else { throw FixtureError(description: "\(relativePath) is missing") }
    return try JSONParser.parse(text)
}

func examplePath(_ key: EventTypeKey, valid: Bool) -> String {
    "\(EventSchemaFiles.directory)/examples/\(EventSchemaFiles.exampleName(for: key, valid: valid))"
}

/// Every definition's valid example, parsed.
func loadValidExamples() throws -> [EventTypeKey: JSONValue] {
    var examples: [EventTypeKey: JSONValue] = [:]
    for key in allKeys { examples[key] = try parsePackageFile(examplePath(key, valid: true)) }
    return examples
}

/// Builds a JSON object from a literal-like list; fails the test on a repeated key.
func object(_ value: JSONValue) -> JSONObject {
    guard case .object(let object) = value else {
        Issue.record("expected an object literal")
        return JSONObject()
    }
    return object
}

/// The issues `EventSubmission.parse` reports for `value` (empty if it is accepted).
func issues(_ value: JSONValue) -> [ValidationIssue] {
    switch EventSubmission.parse(value, catalog: catalog) {
    case .success: []
    case .failure(let invalid): invalid.issues
    }
}
