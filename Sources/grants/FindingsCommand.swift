import ArgumentParser
import GrantLedgerEvents
import GrantLedgerProjections
import GrantLedgerService

struct FindingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "findings",
        abstract: "List payments the entitlements do not explain, and the clawbacks ordered.",
        discussion: """
            Findings: money paid with no entitlement behind it (no-entitlement), paid on what is \
            now refused (to-recover), beyond a grant (overpaid), or ahead of evidence or a \
            decision (paid-early). Then every clawback ordered, with what is recovered and \
            outstanding. With --json, each line has "record": "finding" or "clawback".
            Exit status: 0 whether or not there are findings.
            """)

    @OptionGroup var moment: MomentOptions
    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var policies: PolicyOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let ledger = try await ledger.open(policies: policies)
        let answer = try ledger.findings(at: moment.moment)
        let (findings, clawbacks) = (answer.value.findings, answer.value.clawbacks)
        if output.json {
            for finding in findings { try JSONLines.print(Tagged(record: "finding", value: finding)) }
            for clawback in clawbacks { try JSONLines.print(Tagged(record: "clawback", value: clawback)) }
            return
        }
        var display = ProjectionDisplay(ledger: ledger)
        print("Findings:")
        if findings.isEmpty {
            print("  none: every payment is explained by an entitlement")
        } else {
            var table = TextTable([
                ("KIND", .left), ("CLAUSE", .left), ("PAYEE", .left), ("SUBJECT", .left), ("AMOUNT", .right),
                ("ENTITLEMENT", .left), ("DISBURSEMENTS", .left), ("DETAIL", .left),
            ])
            for finding in findings {
                table.append([
                    finding.kind, finding.clause, display.party(finding.payeeID), finding.subject.map { display.party($0) } ?? "–",
                    ProjectionDisplay.fen(finding.amount), finding.entitlementID ?? "–", finding.disbursements.joined(separator: ", "),
                    display.masking(finding.detail),
                ])
            }
            for line in table.lines { print("  " + line) }
            print("  \(findings.count) finding\(findings.count == 1 ? "" : "s"), \(Fen(answer.value.total)) in all")
        }
        print("")
        print("Clawbacks:")
        if clawbacks.isEmpty {
            print("  none")
        } else {
            var table = TextTable([
                ("CLAWBACK", .left), ("DATE", .left), ("CLAUSE", .left), ("PAYEE", .left), ("ORDERED", .right),
                ("RECOVERED", .right), ("OUTSTANDING", .right), ("DISBURSEMENT", .left), ("REASON", .left),
            ])
            for clawback in clawbacks {
                table.append([
                    clawback.clawbackID, clawback.date, clawback.clause, display.party(clawback.payeeID),
                    ProjectionDisplay.fen(clawback.amount), ProjectionDisplay.fen(clawback.recovered),
                    ProjectionDisplay.fen(clawback.outstanding), clawback.disbursementID ?? "–", display.masking(clawback.reason),
                ])
            }
            for line in table.lines { print("  " + line) }
            print("  \(clawbacks.count) clawback\(clawbacks.count == 1 ? "" : "s"), \(Fen(answer.value.outstanding)) outstanding")
        }
        print("")
        print(ProjectionDisplay.moment(answer))
    }
}

struct FundsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "funds",
        abstract: "Show fund allocations: earned, forfeited, available, disbursed and remaining.",
        discussion: """
            One row per fund allocated to a district, town or department: the allocation, the \
            part released up front (pre-allocated) where the clause stages it, the performance \
            part earned so far (– while the target period runs), the part forfeited, what is \
            available to spend, what has been disbursed from it and what remains.
            """)

    @OptionGroup var moment: MomentOptions
    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var policies: PolicyOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let answer = try await ledger.open(policies: policies).funds(at: moment.moment)
        let funds = answer.value
        if output.json {
            for fund in funds { try JSONLines.print(fund) }
            return
        }
        if funds.isEmpty {
            print("No funds have been allocated.")
        } else {
            var table = TextTable([
                ("FUND", .left), ("CLAUSE", .left), ("RECIPIENT", .left), ("TARGET", .left), ("ALLOCATED", .right),
                ("PRE-ALLOCATED", .right), ("EARNED", .right), ("FORFEITED", .right), ("AVAILABLE", .right),
                ("DISBURSED", .right), ("REMAINING", .right),
            ])
            for fund in funds {
                table.append([
                    fund.fundID, fund.clause, fund.recipient, fund.targetID ?? "–", ProjectionDisplay.fen(fund.allocated),
                    ProjectionDisplay.fen(fund.preAllocated), ProjectionDisplay.fen(fund.earned), ProjectionDisplay.fen(fund.forfeited),
                    ProjectionDisplay.fen(fund.available), ProjectionDisplay.fen(fund.disbursed), ProjectionDisplay.fen(fund.remaining),
                ])
            }
            table.print()
            print("\(funds.count) fund\(funds.count == 1 ? "" : "s"), \(Fen(funds.remaining)) remaining")
        }
        print(ProjectionDisplay.moment(answer))
    }
}
