import ArgumentParser
import GrantLedgerEvents
import GrantLedgerPolicy
import GrantLedgerProjections
import GrantLedgerService

struct WhyNotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "why-not",
        abstract: "Say why a person was not paid: each rule their facts could fire, and the first test each fact failed.",
        discussion: """
            For every rule whose trigger finds a fact about the person (as the worker it concerns \
            or as its payee), lists the facts and where each stopped: jurisdiction, match, period, \
            condition, cap or exclusion (naming the clause that refused it), or that it waits for \
            evidence or is granted. Where the log records what a rule reads in another shape \
            (a hukou recorded on the registration while the rule tests the local-hukou group), a \
            hint says so. The person is a resident ID or a pseudonym.
            Exit status: 0 when the person is known to the ledger or named by no event.
            """)

    @Argument(help: ArgumentHelp("The person's resident ID or pseudonym.", valueName: "person"))
    var person: String

    @Option(name: .long, help: ArgumentHelp("Only this clause, e.g. XM-2023-187/(九)-b.", valueName: "clause"))
    var clause: String?

    @OptionGroup var moment: MomentOptions
    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var policies: PolicyOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let ledger = try await ledger.open(policies: policies)
        let answer = try LedgerErrorWording.person(option: "person") {
            try ledger.whyNot(person, clause: clause, at: moment.moment)
        }
        let report = answer.value
        let party = report.person
        if output.json {
            try JSONLines.print(report)
            return
        }
        var display = ProjectionDisplay(ledger: ledger)
        print("Why not: \(display.party(party)), \(ProjectionDisplay.moment(answer))")
        guard !report.rules.isEmpty else {
            let held = report.eventsNamingPerson.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            print("")
            print(held.isEmpty
                ? "No event names \(display.party(party)): nothing of theirs can fire a rule."
                : "No rule\(clause.map { " (\($0))" } ?? "")'s trigger finds a fact about \(display.party(party)). The events naming them: \(held).")
            print("A rule reads certificates, class completions, referrals, employments and their insured months, apprenticeships, services, awards, premiums and applications: see `grants policies triggers`.")
            return
        }
        // Rules of documents whose jurisdiction none of the person's facts lie in: one line each document.
        let outside = report.rules.filter { $0.findings.allSatisfy { $0.stage == .jurisdiction } }
        for rule in report.rules where !outside.contains(where: { $0.clause == rule.clause }) {
            print("")
            print("\(rule.clause)  \(rule.title)")
            for finding in rule.findings {
                let fact = finding.keyFact.map { "\($0.date) \($0.type) \($0.eventID)" } ?? "(no fact)"
                print("  \(finding.stage.rawValue): \(fact)")
                print("    \(display.masking(finding.reason))")
                if let by = finding.refusedBy { print("    refused by \(by)") }
                if let id = finding.entitlementID { print("    entitlement \(id)") }
                for hint in finding.hints { print("    hint: \(display.masking(hint))") }
            }
        }
        guard !outside.isEmpty else { return }
        print("")
        print("Outside the jurisdiction (each fact the rules read lies elsewhere):")
        let catalog = try ledger.policies()
        let byDocument = Dictionary(grouping: outside) { catalog.document(clause: $0.clause)?.id ?? $0.clause }
        for (id, rules) in byDocument.sorted(by: { $0.key < $1.key }) {
            let place = catalog.document(id: id).map { " (\($0.jurisdictionName), \($0.jurisdiction.rawValue))" } ?? ""
            let clauses = rules.map { $0.clause.dropFirst(id.count + 1) }.joined(separator: ", ")
            let hints = Set(rules.flatMap { $0.findings.flatMap(\.hints) }).sorted()
            print("  \(id)\(place): \(clauses)")
            for hint in hints { print("    hint: \(display.masking(hint))") }
        }
    }
}
