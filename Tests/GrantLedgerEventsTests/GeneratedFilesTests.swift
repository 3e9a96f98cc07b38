import Foundation
import Testing

@testable import GrantLedgerEvents

/// The committed files under EventSchemas/ are exactly what `grants-schemas` would write, so
/// the schemas, the reference and the example log never drift from the catalog.
@Suite struct GeneratedFilesTests {
    @Test func committedFilesMatchTheExport() throws {
        let files = try EventSchemaFiles.generate(catalog: catalog, validExamples: try loadValidExamples())
        // A schema per definition, the envelope schema, the reference and the example log.
        #expect(files.count == allKeys.count + 3)
        for file in files {
            let onDisk = packageFile(file.path)
            #expect(onDisk == file.contents, "\(file.path) is stale: run `swift run grants-schemas`")
        }
    }

    @Test func noSchemaFileLacksADefinition() throws {
        let directory = packageRoot.appendingPathComponent(EventSchemaFiles.directory).path
        let schemas = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".schema.json") }
        let expected = Set(allKeys.map(EventSchemaFiles.schemaName(for:)) + [EventSchemaFiles.envelopeName])
        #expect(Set(schemas) == expected)
    }

    @Test func generationIsDeterministic() throws {
        let examples = try loadValidExamples()
        #expect(try EventSchemaFiles.generate(catalog: catalog, validExamples: examples)
            == EventSchemaFiles.generate(catalog: catalog, validExamples: examples))
    }

    @Test func refusesMissingOrInvalidExamples() throws {
        var examples = try loadValidExamples()
        let key = EventTypeKey(type: "training.completed", version: 1)
        examples[EventTypeKey(type: "certificate.issued", version: 1)] = nil
        var broken = try #require(examples[key]?.objectValue)
        broken["occurredAt"] = "2024-04-31"
        examples[key] = .object(broken)
        #expect {
            try EventSchemaFiles.generate(catalog: catalog, validExamples: examples)
        } throws: { error in
            guard let error = error as? EventSchemaFiles.ExampleError else { return false }
            return error.problems == [
                "examples/certificate.issued.v1.valid.json: missing",
                "examples/training.completed.v1.valid.json: $.occurredAt: the business date 2024-04-31 does not exist: 2024-04 has 30 days",
            ]
        }
    }

    @Test func ordersTheStoryRegistrationsFirstThenByDate() throws {
        let text = try EventSchemaFiles.exampleLog(catalog: catalog, validExamples: try loadValidExamples())
        let submissions = try text.split(separator: "\n").map {
            try EventSubmission.parse(try JSONParser.parse(String($0)), catalog: catalog).get()
        }
        #expect(submissions.prefix(3).allSatisfy { $0.type.hasSuffix(".registered") })
        let story = submissions.dropFirst(3)
        #expect(zip(story, story.dropFirst()).allSatisfy { $0.occurredAt <= $1.occurredAt })
        // Each line is the canonical encoding of its example.
        for line in text.split(separator: "\n") {
            #expect(CanonicalJSON.string(try JSONParser.parse(String(line))) == String(line))
        }
    }

    @Test func referenceHasASectionForEveryDefinition() {
        let reference = catalog.markdownReference()
        for key in allKeys {
            #expect(reference.contains("### `\(key.type)` v\(key.version): "), "\(key)")
            #expect(reference.contains("(\(EventSchemaFiles.schemaName(for: key)))"), "\(key)")
        }
        for field in EnvelopeField.submitted + EnvelopeField.addedByLog {
            #expect(reference.contains("| `\(field.name)` | \(field.chinese) |"), "\(field.name)")
        }
        #expect(reference.contains("| 中级工 or 四级 | `L4` |"))
        // Sections appear sorted by type, then version.
        let positions = allKeys.compactMap { reference.range(of: "### `\($0.type)` v\($0.version): ")?.lowerBound }
        #expect(positions == positions.sorted())
        #expect(reference.hasSuffix("\n") && !reference.hasSuffix("\n\n\n"))
    }
}
