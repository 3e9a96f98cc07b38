/// Where something was written: a catalog file, line and column (1-based).
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}

/// One problem in a YAML file the ledger reads (a policy document, or an intake mapping):
/// what is wrong, where, and what to do about it.
public struct PolicyIssue: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }

    public let location: SourceLocation
    public let severity: Severity
    /// The field path inside the file, e.g. `rules[3].amount.table.values`.
    public let path: String
    public let message: String
    public let hint: String

    public init(_ location: SourceLocation, path: String, _ message: String, hint: String, severity: Severity = .error) {
        self.location = location
        self.path = path
        self.message = message
        self.hint = hint
        self.severity = severity
    }

    public var description: String {
        "\(location): \(severity.rawValue): \(path.isEmpty ? "" : path + ": ")\(message). \(hint)"
    }
}

/// The catalog could not be loaded; every problem found is listed.
public struct PolicyCatalogError: Error, Sendable, CustomStringConvertible {
    public let issues: [PolicyIssue]

    public init(issues: [PolicyIssue]) { self.issues = issues }

    public var description: String {
        let count = issues.filter { $0.severity == .error }.count
        return (["the policy catalog has \(count) error\(count == 1 ? "" : "s"):"] + issues.map(\.description))
            .joined(separator: "\n")
    }
}
