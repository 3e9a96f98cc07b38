import ArgumentParser
import GrantLedgerEvents
import GrantLedgerPolicy
import GrantLedgerProjections
import GrantLedgerService

/// `--payee`, `--person`, `--clause`: which entitlements a command reads.
struct EntitlementFilterOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Only entitlements paying this payee: a resident ID, pseudonym, credit code or name.", valueName: "payee"))
    var payee: String?

    @Option(help: ArgumentHelp(
        "Only entitlements paying or concerning this person (resident ID or pseudonym).", valueName: "person"))
    var person: String?

    @Option(help: ArgumentHelp("Only this clause, e.g. XM-2023-187/(一)-a.", valueName: "clause"))
    var clause: String?

    /// The selection, for the ledger to resolve the parties in.
    func selection(status: Entitlement.Status? = nil) -> EntitlementSelection {
        EntitlementSelection(payee: payee, person: person, clause: clause, status: status)
    }

    /// Runs a query with this selection, saying which option named an organisation as a person.
    func query<T>(_ body: () throws -> T) throws -> T {
        try LedgerErrorWording.person(option: "--person", body)
    }
}

struct EntitlementsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "entitlements",
        abstract: "List entitlements with what has been paid against them.",
        discussion: """
            One row per entitlement: its id (give it to `grants explain`), clause, payee, status, \
            amount (a range while awaiting a decision), paid, outstanding, and excess (paid \
            beyond the grant: overpaid, to-recover or paid-early). Statuses: \
            \(Entitlement.Status.allCases.map(\.rawValue).joined(separator: ", ")).
            """)

    @OptionGroup var filter: EntitlementFilterOptions

    @Option(help: ArgumentHelp("Only entitlements with this status.", valueName: "status"))
    var status: String?

    @OptionGroup var moment: MomentOptions
    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var policies: PolicyOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let status, Entitlement.Status(rawValue: status) == nil {
            throw ValidationError("--status \(status): give one of \(Entitlement.Status.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() async throws {
        let ledger = try await ledger.open(policies: policies)
        let selection = filter.selection(status: status.flatMap(Entitlement.Status.init(rawValue:)))
        let answer = try filter.query { try ledger.entitlements(selection, at: moment.moment) }
        let views = answer.value
        if output.json {
            for view in views { try JSONLines.print(view) }
            return
        }
        var display = ProjectionDisplay(ledger: ledger)
        if views.isEmpty {
            print("No entitlements match.")
        } else {
            var table = TextTable([
                ("ID", .left), ("CLAUSE", .left), ("PAYEE", .left), ("STATUS", .left), ("AMOUNT", .right),
                ("PAID", .right), ("OUTSTANDING", .right), ("EXCESS", .right),
            ])
            for view in views {
                let record = view.entitlement
                table.append([
                    record.id, record.clause, display.party(record.payeeID), record.status,
                    Self.amount(record), ProjectionDisplay.fen(view.paid), ProjectionDisplay.fen(view.outstanding),
                    Self.excess(view),
                ])
            }
            table.print()
            let totals = EntitlementTotals(views)
            print("\(totals.count) entitlement\(totals.count == 1 ? "" : "s"): granted \(Fen(totals.granted)), paid \(Fen(totals.paid)), outstanding \(Fen(totals.outstanding)), excess \(Fen(totals.excess))")
        }
        print(ProjectionDisplay.moment(answer))
    }

    /// The amount granted, or the range a decision may give, or `–`.
    static func amount(_ record: EntitlementRecord) -> String {
        if let amount = record.amount { return Fen(amount).description }
        if let low = record.rangeLow, let high = record.rangeHigh { return "\(Fen(low))–\(Fen(high))" }
        if let high = record.rangeHigh { return "at most \(Fen(high))" }
        if let low = record.rangeLow { return "at least \(Fen(low))" }
        return "–"
    }

    static func excess(_ view: EntitlementView) -> String {
        guard view.excess != 0 else { return Fen(0).description }
        return "\(Fen(view.excess))" + (view.excessKind.map { " \($0)" } ?? "")
    }
}

struct PayoutsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "payouts",
        abstract: "Show the payout schedule: each tranche, what is paid of it and when it is due.",
        discussion: """
            A whole amount is a schedule of one tranche. States: paid, due (part-paid tranches \
            are due for the rest), waiting (its condition is not met yet) and forfeited. \
            With --due-by, only the tranches due on or before that date and not yet paid in full.
            """)

    @Option(help: ArgumentHelp("Only tranches due by this date (YYYY-MM-DD) and not paid in full.", valueName: "date"))
    var dueBy: String?

    @OptionGroup var filter: EntitlementFilterOptions
    @OptionGroup var moment: MomentOptions
    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var policies: PolicyOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let dueBy, LocalDate(dueBy) == nil {
            throw ValidationError("--due-by \(dueBy): write a date as YYYY-MM-DD, e.g. 2024-12-31")
        }
    }

    func run() async throws {
        let ledger = try await ledger.open(policies: policies)
        let answer = try filter.query {
            try ledger.payouts(filter.selection(), dueBy: dueBy.flatMap(LocalDate.init), at: moment.moment)
        }
        let lines = answer.value
        if output.json {
            for line in lines { try JSONLines.print(line) }
            return
        }
        var display = ProjectionDisplay(ledger: ledger)
        if lines.isEmpty {
            print(dueBy == nil ? "No payouts match." : "Nothing is due by \(dueBy!) and unpaid.")
        } else {
            Self.table(lines, display: &display).print()
            let totals = PayoutTotals(lines)
            print("\(totals.count) tranche\(totals.count == 1 ? "" : "s"): \(Fen(totals.amount)), paid \(Fen(totals.paid)), unpaid \(Fen(totals.unpaid))")
        }
        print(ProjectionDisplay.moment(answer))
    }

    static func table(_ lines: [PayoutLine], display: inout ProjectionDisplay) -> TextTable {
        var table = TextTable([
            ("ENTITLEMENT", .left), ("CLAUSE", .left), ("PAYEE", .left), ("TRANCHE", .left), ("AMOUNT", .right),
            ("PAID", .right), ("DUE", .left), ("STATE", .left), ("RELEASED BY", .left),
        ])
        for line in lines {
            table.append([
                line.entitlementID, line.clause, display.party(line.payeeID), line.label,
                ProjectionDisplay.fen(line.amount), ProjectionDisplay.fen(line.paid), line.dueDate ?? "–", line.state,
                display.masking(line.releasedBy),
            ])
        }
        return table
    }
}
