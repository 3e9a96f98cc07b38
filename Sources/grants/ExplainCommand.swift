import ArgumentParser
import GrantLedgerEvents
import GrantLedgerProjections
import GrantLedgerService

struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain one entitlement: its facts, parameters, arithmetic and payments.",
        discussion: """
            The id is in the ID column of `grants entitlements` (CLAUSE#KEY). Prints the clause and \
            its title, payee, subject, status, amount or range, the tranches with what is paid of \
            each, the facts (events) the rule used with their roles, the parameters, the \
            arithmetic, the readings of the document it relied on, any refusal, and what has been \
            paid, with the disbursements.
            Exit status: 0 when the entitlement exists, 1 when there is no such id.
            """)

    @Argument(help: ArgumentHelp("The entitlement's id, e.g. XM-2023-187/(一)-a#…", valueName: "entitlement-id"))
    var id: String

    @OptionGroup var moment: MomentOptions
    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var policies: PolicyOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let ledger = try await ledger.open(policies: policies)
        let answer = try ledger.explain(id, at: moment.moment)
        let (view, schedule) = (answer.value.view, answer.value.schedule)
        let record = view.entitlement
        if output.json {
            try JSONLines.print(Explanation(view: view, schedule: schedule))
            return
        }
        var display = ProjectionDisplay(ledger: ledger)
        let explanation = record.explanation
        print(record.id)
        var facts = TextTable([("", .left), ("", .left)])
        facts.append(["clause", "\(record.clause)  \(record.title)"])
        facts.append(["payee", "\(record.payeeKind) \(display.party(record.payeeID))"])
        if let subject = record.subject { facts.append(["subject", display.party(subject)]) }
        facts.append(["date", record.date])
        facts.append(["status", record.status])
        facts.append([record.amount == nil && record.rangeHigh != nil ? "range" : "amount", EntitlementsCommand.amount(record)])
        for line in facts.lines.dropFirst() { print("  " + line) }

        section("Tranches")
        if schedule.isEmpty {
            print("  none: nothing is payable on this entitlement")
        } else {
            var table = TextTable([("TRANCHE", .left), ("AMOUNT", .right), ("PAID", .right), ("DUE", .left), ("STATE", .left), ("RELEASED BY", .left)])
            for line in schedule {
                table.append([line.label, ProjectionDisplay.fen(line.amount), ProjectionDisplay.fen(line.paid), line.dueDate ?? "–", line.state,
                              display.masking(line.releasedBy)])
            }
            for line in table.lines { print("  " + line) }
        }

        section("Facts")
        if explanation.facts.isEmpty {
            print("  none")
        } else {
            var table = TextTable([("EVENT", .left), ("TYPE", .left), ("DATE", .left), ("ROLE", .left)])
            for fact in explanation.facts { table.append([fact.eventID, fact.type, fact.date, fact.role]) }
            for line in table.lines { print("  " + line) }
        }
        list("Parameters", explanation.parameters, display: &display)
        list("Arithmetic", explanation.arithmetic, display: &display)
        list("Readings", explanation.readings, display: &display)
        if let refusal = explanation.refusal {
            section("Refusal")
            print("  \(refusal.clause): \(display.masking(refusal.reason))")
        }

        section("Payments")
        print("  paid \(Fen(view.paid)), outstanding \(Fen(view.outstanding)), excess \(EntitlementsCommand.excess(view))")
        print("  disbursements: \(view.disbursements.isEmpty ? "none" : view.disbursements.joined(separator: ", "))")
        print("")
        print(ProjectionDisplay.moment(answer))
    }

    func section(_ title: String) {
        print("")
        print("\(title):")
    }

    func list(_ title: String, _ items: [String], display: inout ProjectionDisplay) {
        section(title)
        if items.isEmpty { print("  none") }
        for item in items { print("  - " + display.masking(item)) }
    }
}

/// `explain --json`: the entitlement view with its payout schedule.
struct Explanation: Encodable {
    let view: EntitlementView
    let schedule: [PayoutLine]

    private enum Key: String, CodingKey { case schedule }

    func encode(to encoder: any Encoder) throws {
        try view.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(schedule, forKey: .schedule)
    }
}
