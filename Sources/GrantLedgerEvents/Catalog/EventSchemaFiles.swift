/// The files `grants-schemas` generates under `EventSchemas/`, computed without touching
/// disk so that the tool writes them and a test checks that the committed copies match.
///
/// Generated: one schema per definition, the envelope schema, the reference (README.md) and
/// `examples/valid.jsonl`. The per-type examples themselves are written by hand; the JSON
/// Lines file is built from the valid ones.
public enum EventSchemaFiles {
    /// The folder, relative to the package root.
    public static let directory = "EventSchemas"
    /// The envelope's schema, relative to ``directory``.
    public static let envelopeName = "envelope.v1.schema.json"
    /// The catalog reference, relative to ``directory``.
    public static let referenceName = "README.md"
    /// Every valid example, one per line, relative to ``directory``.
    public static let exampleLogName = "examples/valid.jsonl"

    /// `certificate.issued.v2.schema.json`, relative to ``directory``.
    public static func schemaName(for key: EventTypeKey) -> String { "\(key.type).v\(key.version).schema.json" }

    /// `certificate.issued.v2.valid.json` or `….invalid.json`, relative to `examples/`.
    public static func exampleName(for key: EventTypeKey, valid: Bool) -> String {
        "\(key.type).v\(key.version).\(valid ? "valid" : "invalid").json"
    }

    /// One generated file: its path relative to the package root and its full text.
    public struct File: Sendable, Hashable {
        /// Relative to the package root, e.g. `EventSchemas/README.md`.
        public let path: String
        /// The whole text, UTF-8 when written.
        public let contents: String

        public init(path: String, contents: String) {
            self.path = path
            self.contents = contents
        }
    }

    /// Valid examples that are missing, or that the log would refuse.
    public struct ExampleError: Error, Sendable, CustomStringConvertible {
        /// One line per problem: the example's file name and what is wrong.
        public let problems: [String]
        public var description: String { problems.joined(separator: "\n") }
    }

    /// Every generated file, schemas first (sorted), then the envelope, the reference and the
    /// example log.
    ///
    /// - Parameter validExamples: the parsed `examples/<type>.v<N>.valid.json` of every
    ///   definition; each must be a valid submission of its own type and version.
    public static func generate(
        catalog: EventCatalog, validExamples: [EventTypeKey: JSONValue]
    ) throws(ExampleError) -> [File] {
        var files = catalog.definitions.keys.sorted().map { key in
            File(path: directory + "/" + schemaName(for: key), contents: PrettyJSON.string(catalog.jsonSchema(for: key)))
        }
        files.append(File(path: directory + "/" + envelopeName, contents: PrettyJSON.string(catalog.jsonSchemaForEnvelope())))
        files.append(File(path: directory + "/" + referenceName, contents: catalog.markdownReference()))
        let exampleLog = try exampleLog(catalog: catalog, validExamples: validExamples)
        files.append(File(path: directory + "/" + exampleLogName, contents: exampleLog))
        return files
    }

    /// The valid examples in story order, each compacted with ``CanonicalJSON`` on its own line.
    public static func exampleLog(
        catalog: EventCatalog, validExamples: [EventTypeKey: JSONValue]
    ) throws(ExampleError) -> String {
        var problems: [String] = []
        var submissions: [(submission: EventSubmission, value: JSONValue)] = []
        // The story is what intake tools send; the service's own events are not in it.
        for key in catalog.definitions.keys.sorted() where catalog.definitions[key]?.recordedBy != .service {
            let name = "examples/" + exampleName(for: key, valid: true)
            guard let value = validExamples[key] else {
                problems.append("\(name): missing")
                continue
            }
            switch EventSubmission.parse(value, catalog: catalog) {
            case .failure(let invalid):
                problems += invalid.issues.map { "\(name): \($0)" }
            case .success(let submission) where submission.type != key.type || submission.schemaVersion != key.version:
                problems.append("\(name): is a \(submission.type) v\(submission.schemaVersion) event, not \(key)")
            case .success(let submission):
                submissions.append((submission, value))
            }
        }
        guard problems.isEmpty else { throw ExampleError(problems: problems) }
        let ordered = submissions.sorted { storyPrecedes($0.submission, $1.submission) }
        return ordered.map { CanonicalJSON.string($0.value) + "\n" }.joined()
    }

    /// Story order: registrations first (so every party is known before it is named), then
    /// by business date, then by event id.
    public static func storyPrecedes(_ a: EventSubmission, _ b: EventSubmission) -> Bool {
        let aFirst = a.type.hasSuffix(".registered"), bFirst = b.type.hasSuffix(".registered")
        if aFirst != bFirst { return aFirst }
        if a.occurredAt != b.occurredAt { return a.occurredAt < b.occurredAt }
        return a.eventID < b.eventID
    }
}
