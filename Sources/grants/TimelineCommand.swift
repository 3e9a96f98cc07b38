import ArgumentParser
import GrantLedgerEvents
import GrantLedgerProjections
import GrantLedgerService

struct TimelineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timeline",
        abstract: "Show one person's events in business-time order, then their entitlements and payouts.",
        discussion: """
            The person is a resident ID (looked up through the pseudonym key) or a pseudonym; a \
            unified social credit code gives an organisation's timeline. Events are ordered by the \
            date they happened, with the time the log recorded them beside it, so a late record \
            shows where it belongs. With --as-of, --known-at or --position, only that person's \
            projections are built for that moment.
            """)

    @Argument(help: ArgumentHelp("The person's resident ID or pseudonym, or an organisation's credit code.", valueName: "person"))
    var person: String

    @OptionGroup var moment: MomentOptions
    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var policies: PolicyOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let ledger = try await ledger.open(policies: policies)
        let answer = try ledger.timeline(of: person, at: moment.moment)
        let timeline = answer.value
        let party = timeline.party
        if output.json {
            try JSONLines.print(timeline)
            return
        }
        var display = ProjectionDisplay(ledger: ledger)
        print("Timeline of \(display.party(party)): \(ProjectionDisplay.moment(answer))")
        print("")
        if timeline.events.isEmpty {
            print("No events name \(display.party(party)).")
        } else {
            var table = TextTable([
                ("DATE", .left), ("RECORDED AT", .left), ("#", .right), ("TYPE", .left), ("STREAM", .left), ("DATA", .left),
            ])
            for event in timeline.events {
                table.append([event.occurredAt, event.recordedAt, String(event.position), event.type,
                              display.masking(event.streamID), Self.shortData(event.data, display: &display)])
            }
            table.print()
            print("\(timeline.events.count) event\(timeline.events.count == 1 ? "" : "s")")
        }
        print("")
        print("Entitlements:")
        if timeline.entitlements.isEmpty {
            print("  none")
        } else {
            var table = TextTable([
                ("ID", .left), ("STATUS", .left), ("AMOUNT", .right), ("PAID", .right), ("OUTSTANDING", .right), ("EXCESS", .right),
            ])
            for view in timeline.entitlements {
                table.append([view.entitlement.id, view.entitlement.status, EntitlementsCommand.amount(view.entitlement),
                              ProjectionDisplay.fen(view.paid), ProjectionDisplay.fen(view.outstanding), EntitlementsCommand.excess(view)])
            }
            for line in table.lines { print("  " + line) }
        }
        print("")
        print("Payouts:")
        if timeline.payouts.isEmpty {
            print("  none")
        } else {
            for line in PayoutsCommand.table(timeline.payouts, display: &display).lines { print("  " + line) }
        }
    }

    /// An event's data as `key=value` pairs, people masked, cut to about 100 columns.
    static func shortData(_ data: String, display: inout ProjectionDisplay, limit: Int = 100) -> String {
        guard case .object(let object)? = try? JSONParser.parse(data) else { return display.masking(data) }
        var text = object.members.map { "\($0.key)=\(flat($0.value))" }.joined(separator: " ")
        text = display.masking(text)
        guard TextTable.width(of: text) > limit else { return text }
        var cut = ""
        for character in text {
            if TextTable.width(of: cut + String(character)) > limit - 1 { break }
            cut.append(character)
        }
        return cut + "…"
    }

    static func flat(_ value: JSONValue) -> String {
        switch value {
        case .string(let s): s
        case .integer(let i): String(i)
        case .bool(let b): String(b)
        case .null: "null"
        case .array(let elements): "[" + elements.map(flat).joined(separator: ", ") + "]"
        case .object(let object): "{" + object.members.map { "\($0.key)=\(flat($0.value))" }.joined(separator: " ") + "}"
        }
    }
}
