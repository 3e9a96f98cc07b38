import Foundation
import GrantLedgerEvents

/// Every policy document GrantLedger evaluates, loaded from YAML files (one per document) and
/// checked as a whole. Rules are looked up by clause id, or by jurisdiction and date.
public struct PolicyCatalog: Sendable {
    public let documents: [PolicyDocument]
    /// Problems that do not stop the catalog from loading.
    public let warnings: [PolicyIssue]
    /// Identifies the files the catalog was read from (FNV-1a, 64 bits, over each file's base
    /// name and text in name order, trailing line ends aside): projections built with one catalog are rebuilt when
    /// another is used. Not a security measure.
    public private(set) var fingerprint = ""
    /// Every jurisdiction and division the documents list, and what contains what.
    public let places: Places
    private let rulesByClause: [String: PolicyRule]
    private let documentsByClause: [String: PolicyDocument]

    init(documents: [PolicyDocument], warnings: [PolicyIssue]) {
        self.documents = documents.sorted { ($0.id, $0.inForce.from) < ($1.id, $1.inForce.from) }
        self.warnings = warnings
        var rules: [String: PolicyRule] = [:]
        var owners: [String: PolicyDocument] = [:]
        for document in self.documents {
            for rule in document.rules { rules[rule.clause] = rule }
            for clause in document.clauseIDs { owners[clause] = document }
        }
        rulesByClause = rules
        documentsByClause = owners
        places = Places(self.documents)
    }

    /// Whether a place (a code, a name or a printed name, at any level) lies in a document's jurisdiction.
    public func place(_ place: String, isIn document: PolicyDocument) -> Bool {
        places.contains(document.jurisdiction.rawValue, place)
    }

    /// Loads every `*.yaml` / `*.yml` file of a directory (not its subdirectories).
    public static func load(directory: String) throws(PolicyCatalogError) -> PolicyCatalog {
        try load(files: files(in: directory))
    }

    /// The policy files of a directory as (path, text), sorted by name.
    public static func files(in directory: String) throws(PolicyCatalogError) -> [(name: String, text: String)] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
                .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        } catch {
            throw PolicyCatalogError(issues: [PolicyIssue(
                SourceLocation(file: directory, line: 1, column: 1), path: "", "cannot read the policy directory",
                hint: "Pass --policies with a directory of policy files (YAML), or leave it out to use the bundled catalog.")])
        }
        var files: [(name: String, text: String)] = []
        var issues: [PolicyIssue] = []
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                issues.append(PolicyIssue(SourceLocation(file: path, line: 1, column: 1), path: "", "cannot be read as UTF-8 text",
                                          hint: "Save the file as UTF-8."))
                continue
            }
            files.append((path, text))
        }
        if names.isEmpty {
            issues.append(PolicyIssue(SourceLocation(file: directory, line: 1, column: 1), path: "", "holds no policy files",
                                      hint: "Put one YAML file per document in it (see Policies/README.md)."))
        }
        guard issues.isEmpty else { throw PolicyCatalogError(issues: issues) }
        return files
    }

    /// Loads policy files given as (name, text) pairs; the names appear in error messages.
    public static func load(files: [(name: String, text: String)]) throws(PolicyCatalogError) -> PolicyCatalog {
        let log = IssueLog()
        let documents = files.compactMap { PolicyFileReader(file: $0.name, log: log).read($0.text) }
        PolicyLinter(documents: documents, log: log).lint()
        guard !log.hasErrors else { throw PolicyCatalogError(issues: log.issues) }
        var catalog = PolicyCatalog(documents: documents, warnings: log.issues)
        catalog.fingerprint = fingerprint(of: files)
        return catalog
    }

    private static func fingerprint(of files: [(name: String, text: String)]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        // Trailing line ends are left out: the bundled copies are embedded without the last one.
        let named = files.map { file in
            ((file.name as NSString).lastPathComponent, String(file.text.reversed().drop { $0.isNewline }.reversed()))
        }.sorted { $0.0 < $1.0 }
        for (name, text) in named {
            for byte in name.utf8 + [0] + text.utf8 + [0] {
                hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            }
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The five documents shipped with GrantLedger (the files under `Policies/`, embedded at build time).
    public static func bundled() throws(PolicyCatalogError) -> PolicyCatalog {
        try load(files: BundledPolicies.files.map { ("Policies/" + $0.name, $0.text) })
    }

    public var rules: [PolicyRule] { documents.flatMap(\.rules) }

    /// The rule of a clause, if the clause moves money.
    public func rule(clause: String) -> PolicyRule? { rulesByClause[clause] }

    /// The document a clause belongs to (a rule, a provision or a cross-cutting rule).
    public func document(clause: String) -> PolicyDocument? { documentsByClause[clause] }

    public func document(id: String) -> PolicyDocument? { documents.first { $0.id == id } }

    /// Whether the catalog defines a clause id.
    public func contains(clause: String) -> Bool { documentsByClause[clause] != nil }

    /// Every clause id of every document, each once, in document order.
    public var clauseIDs: [String] {
        var seen: Set<String> = []
        return documents.flatMap(\.clauseIDs).filter { seen.insert($0).inserted }
    }

    /// The rules whose document is in force on a date, optionally in one jurisdiction.
    public func rules(in jurisdiction: Jurisdiction? = nil, on date: LocalDate) -> [PolicyRule] {
        documents.filter { $0.inForce.contains(date) && (jurisdiction == nil || $0.jurisdiction == jurisdiction) }.flatMap(\.rules)
    }

    /// The cross-cutting rules that cover a clause.
    public func crossRules(covering clause: String) -> [CrossRule] {
        documents.flatMap(\.crossRules).filter { $0.covers.contains(clause) }
    }
}
