import GrantLedgerEvents

/// The seed targets (`Tools/data/seed-targets.jsonl`), checked and written out as Swift so that
/// `grants demo` carries them in its binary.
enum SeedTargetsSource {
    /// The events, relative to the package root; written by `Tools/data/make-seed-targets.py`.
    static let input = "Tools/data/seed-targets.jsonl"
    /// The generated Swift file, relative to the package root.
    static let path = "Sources/grants/SeedTargets.swift"

    /// What is wrong with the file, one line per problem (`file:line: …`): every line must be a
    /// valid `target.set` submission in canonical JSON, on the stream `target:<targetId>`, with
    /// an event id of its own.
    static func problems(in text: String, catalog: EventCatalog) -> [String] {
        var problems: [String] = []
        var eventIDs: Set<String> = []
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard text.hasSuffix("\n"), !lines.dropLast().contains(where: \.isEmpty) else {
            return ["\(input): one event per line, no blank lines, a newline at the end"]
        }
        for (index, line) in lines.dropLast().enumerated() {
            let place = "\(input):\(index + 1)"
            let value: JSONValue
            do {
                value = try JSONParser.parse(Array(line.utf8))
            } catch {
                problems.append("\(place): \(error)")
                continue
            }
            switch EventSubmission.parse(value, catalog: catalog) {
            case .failure(let invalid):
                problems += invalid.issues.map { "\(place): \($0)" }
            case .success(let submission):
                if submission.type != "target.set" { problems.append("\(place): a \(submission.type) event; the file holds target.set events only") }
                if case .string(let id) = submission.data["targetId"], submission.streamID != "target:" + id {
                    problems.append("\(place): $.streamId: \(submission.streamID), expected target:\(id)")
                }
                if !eventIDs.insert(submission.eventID).inserted { problems.append("\(place): $.eventId \(submission.eventID) is used twice") }
                if CanonicalJSON.string(value) != line {
                    problems.append("\(place): not canonical JSON (keys sorted, no spaces); run python3 Tools/data/make-seed-targets.py")
                }
            }
        }
        return problems
    }

    /// `enum SeedTargets { static let lines: [String] }`, one raw string literal per line.
    static func generate(_ text: String) -> String {
        var out = """
            // Generated from \(input) by `swift run grants-schemas`; do not edit.

            /// The seed targets (Jinjiang's town and department targets and goals, Xiamen's 2025-2027
            /// goals), bundled for `grants demo`. See Tools/data/README.md.
            enum SeedTargets {
                static let lines: [String] = [

            """
        for line in text.split(separator: "\n") {
            let hashes = delimiter(for: line)
            out += "        " + hashes + "\"" + line + "\"" + hashes + ",\n"
        }
        out += "    ]\n}\n"
        return out
    }

    /// The fewest `#` that neither end the raw string early (`"#`) nor start an escape (`\#`).
    static func delimiter(for line: Substring) -> String {
        var hashes = "#"
        while line.contains("\"" + hashes) || line.contains("\\" + hashes) { hashes += "#" }
        return hashes
    }
}
