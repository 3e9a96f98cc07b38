import ArgumentParser
import Foundation
import GrantLedgerEvents
import GrantLedgerPolicy
import GrantLedgerService

struct PoliciesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policies",
        abstract: "Check and list the policy catalog, and the facts its rules can test.",
        discussion: """
            The catalog is one YAML file per policy document. Without --policies the five bundled \
            documents are used (the files under Policies/ in the source tree).
            """,
        subcommands: [PoliciesCheckCommand.self, PoliciesListCommand.self, PoliciesTriggersCommand.self])
}

/// `--policies DIR`, shared by every command that evaluates rules.
struct PolicyOptions: ParsableArguments {
    @Option(name: .long, help: "A directory of policy files (default: $GRANTS_POLICIES, else the bundled catalog).")
    var policies: String?

    var directory: String? { policies ?? ProcessInfo.processInfo.environment["GRANTS_POLICIES"] }

    /// Where the ledger is to load its catalog from.
    var source: PolicySource { directory.map(PolicySource.directory) ?? .bundled }

    func loadCatalog() throws(PolicyCatalogError) -> PolicyCatalog {
        if let directory { return try PolicyCatalog.load(directory: directory) }
        return try PolicyCatalog.bundled()
    }
}

struct PoliciesCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Lint the policy catalog: every problem with its file, line and what to do.",
        discussion: "Exit status: 0 when the catalog loads without errors (warnings are printed), 1 otherwise.")

    @OptionGroup var options: PolicyOptions

    func run() async throws {
        do {
            let catalog = try options.loadCatalog()
            for warning in catalog.warnings { print(warning) }
            let rules = catalog.rules.count
            let provisions = catalog.documents.reduce(0) { $0 + $1.provisions.count + $1.crossRules.count }
            print("ok: \(catalog.documents.count) documents, \(rules) rules, \(provisions) provisions and cross-cutting rules"
                  + (catalog.warnings.isEmpty ? "" : ", \(catalog.warnings.count) warnings"))
        } catch {
            for issue in error.issues { print(issue) }
            let errors = error.issues.filter { $0.severity == .error }.count
            print("\(errors) error\(errors == 1 ? "" : "s") in the policy catalog")
            throw ExitCode(1)
        }
    }
}

struct PoliciesListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Show the rules in force on a date.")

    @Option(name: .long, help: "The date (YYYY-MM-DD); default: every rule of every document.")
    var on: String?

    @Option(name: .long, help: "Only this jurisdiction: 350200 (Xiamen), 350582 (Jinjiang) or 330108 (Binjiang).")
    var jurisdiction: String?

    @OptionGroup var options: PolicyOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let on, LocalDate(on) == nil { throw ValidationError("--on \(on): write a date as YYYY-MM-DD") }
        if let jurisdiction, Jurisdiction(rawValue: jurisdiction) == nil {
            throw ValidationError("--jurisdiction \(jurisdiction): use 350200 (Xiamen), 350582 (Jinjiang) or 330108 (Binjiang)")
        }
    }

    func run() async throws {
        let catalog = try options.loadCatalog()
        let date = on.flatMap(LocalDate.init)
        let area = jurisdiction.flatMap(Jurisdiction.init(rawValue:))
        let documents = catalog.documents.filter { document in
            (date.map(document.inForce.contains) ?? true) && (area.map { $0 == document.jurisdiction } ?? true)
        }
        if output.json {
            for document in documents {
                for rule in document.rules {
                    print(PolicyListing.json(rule, document: document))
                }
            }
            return
        }
        if documents.isEmpty {
            print("no document is in force\(date.map { " on \($0)" } ?? "")\(area.map { " in \($0.rawValue)" } ?? "")")
            return
        }
        for document in documents {
            print("\(document.id)  \(document.number)  \(document.jurisdictionName)  in force \(document.inForce)")
            print("  \(document.title)")
            for rule in document.rules {
                print("  \(rule.clause.padding(toLength: 24, withPad: " ", startingAt: 0)) \(rule.payee.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)) \(PolicyListing.amount(rule.amount))  \(rule.title)")
            }
            print("")
        }
    }
}

struct PoliciesTriggersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "triggers",
        abstract: "List the kinds of fact a rule can be triggered by, with the attributes its conditions may test.")

    func run() {
        for kind in TriggerKind.allCases {
            print(kind.rawValue)
            for (name, type) in kind.attributes.sorted(by: { $0.key < $1.key }) {
                print("  \(name.padding(toLength: 32, withPad: " ", startingAt: 0)) \(type.rawValue)")
            }
            for (name, type) in kind.parameters.sorted(by: { $0.key < $1.key }) {
                print("  parameter \(name.padding(toLength: 22, withPad: " ", startingAt: 0)) \(type.rawValue)")
            }
        }
    }
}

enum PolicyListing {
    static func amount(_ form: AmountForm) -> String {
        switch form {
        case .fixed(let fen): "\(fen) fixed"
        case .table(let by, let values):
            "by \(by): " + values.sorted { $0.key < $1.key }.map { key, tier in
                switch tier {
                case .fixed(let fen): "\(key) \(fen)"
                case .decided(let minimum, let maximum): "\(key) \(decided(minimum, maximum))"
                }
            }.joined(separator: ", ")
        case .decided(let minimum, let maximum): decided(minimum, maximum)
        case .cost(let of, let ceiling): "\(of), at most \(ceiling)"
        case .monthly(let perMonth, let months): "\(perMonth) a month, at most \(months) months"
        case .milestones(let stages): stages.map { "\($0.amount) after \($0.afterMonths) months" }.joined(separator: " + ")
        case .steps(let formula):
            "\(formula.base) at " + formula.measures.map { "\($0.threshold) \($0.count)" }.joined(separator: " or ")
                + ", +\(formula.increment) per further " + formula.measures.map { "\($0.every)" }.joined(separator: " or ")
                + ", at most \(formula.maximum)"
        case .perDay(let rate, let days, let ceiling): "\(ceiling ? "at most " : "")\(rate) a day, at most \(days) days"
        case .percent(let of, let percent): "\(percent)% of \(of)"
        }
    }

    static func decided(_ minimum: Fen?, _ maximum: Fen?) -> String {
        switch (minimum, maximum) {
        case let (low?, high?): "decided \(low)–\(high)"
        case let (nil, high?): "decided, at most \(high)"
        case let (low?, nil): "decided, at least \(low)"
        case (nil, nil): "decided (no amount in the document)"
        }
    }

    static func json(_ rule: PolicyRule, document: PolicyDocument) -> String {
        let object = JSONValue.object(JSONObject(unsortedMembers: [
            ("clause", .string(rule.clause)), ("document", .string(document.id)), ("title", .string(rule.title)),
            ("payee", .string(rule.payee.rawValue)), ("trigger", .string(rule.trigger.rawValue)),
            ("amount", .string(amount(rule.amount))), ("quote", .string(rule.quote)),
            ("inForceFrom", .string(document.inForce.from.description)),
            ("inForceTo", document.inForce.to.map { .string($0.description) } ?? .null),
            ("reading", rule.reading.map(JSONValue.string) ?? .null),
        ])!)
        return String(decoding: CanonicalJSON.encode(object), as: UTF8.self)
    }
}
