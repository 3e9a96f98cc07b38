import ArgumentParser
import GrantLedgerEvents
import GrantLedgerProjections

struct PerformanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "performance",
        abstract: "Show targets and what has been achieved toward them.",
        discussion: """
            One row per target: its unit (a district, town, department or city), metric, period, \
            value, what the log counts toward it by the evaluation date, and the ratio. Metrics \
            that are not counted from events (a share, a completeness rate) show "not counted \
            from events". --period takes a year (2025), years (2025-2027) or dates \
            (2021-01-01..2021-12-31) and keeps the targets whose period overlaps it. \
            --target ID --events lists the events counted toward that target.
            """)

    @Option(name: [.customLong("district"), .customLong("unit")],
            help: ArgumentHelp("Only targets of this unit, e.g. 思明区 or 人社局.", valueName: "unit"))
    var district: String?

    @Option(help: ArgumentHelp("Only targets whose period overlaps this: 2025, 2025-2027 or 2021-01-01..2021-12-31.", valueName: "period"))
    var period: String?

    @Option(help: ArgumentHelp("Only this target.", valueName: "id"))
    var target: String?

    @Flag(help: "With --target: list the events counted toward it.")
    var events = false

    @OptionGroup var moment: MomentOptions
    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var policies: PolicyOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let period, Self.parsePeriod(period) == nil {
            throw ValidationError("--period \(period): give a year (2025), years (2025-2027) or dates (2021-01-01..2021-12-31), the start not after the end")
        }
        if events, target == nil {
            throw ValidationError("--events lists one target's counted events: give --target ID as well (ids are in the TARGET column)")
        }
    }

    /// A year, a span of years, or two dates joined by `..`.
    static func parsePeriod(_ text: String) -> ClosedRange<LocalDate>? {
        func year(_ text: Substring) -> Int? {
            guard text.count == 4, text.allSatisfy({ $0.isASCII && $0.isNumber }), let year = Int(text), year >= 1 else { return nil }
            return year
        }
        var bounds: (LocalDate, LocalDate)?
        if let single = year(Substring(text)) {
            bounds = (LocalDate(year: single, month: 1, day: 1)!, LocalDate(year: single, month: 12, day: 31)!)
        } else if text.contains("..") {
            let parts = text.split(separator: "..", omittingEmptySubsequences: false)
            if parts.count == 2, let from = LocalDate(String(parts[0])), let to = LocalDate(String(parts[1])) { bounds = (from, to) }
        } else {
            let parts = text.split(separator: "-", omittingEmptySubsequences: false)
            if parts.count == 2, let from = year(parts[0]), let to = year(parts[1]) {
                bounds = (LocalDate(year: from, month: 1, day: 1)!, LocalDate(year: to, month: 12, day: 31)!)
            }
        }
        guard let (from, to) = bounds, from <= to else { return nil }
        return from...to
    }

    /// Basis points as a percentage with two decimals, in integers: 12345 → `123.45%`.
    static func percent(basisPoints: Int64) -> String {
        let sign = basisPoints < 0 ? "-" : ""
        let magnitude = basisPoints.magnitude
        let cents = magnitude % 100
        return "\(sign)\(magnitude / 100).\(cents < 10 ? "0" : "")\(cents)%"
    }

    func run() throws {
        let session = try ProjectionSession(ledger: ledger, policies: policies)
        let moment = moment.moment
        let reader = try session.reader(at: moment)
        var targets = try reader.performance(unit: district, period: period.flatMap(Self.parsePeriod))
        if let target { targets = targets.filter { $0.targetID == target } }
        if events, let target {
            let known = try !targets.isEmpty || reader.performance().contains { $0.targetID == target }
            guard known else {
                throw CommandError("--target \(target): no such target (ids are in the TARGET column of `grants performance`)")
            }
            let counted = try reader.countedEvents(target: target)
            if output.json {
                for event in counted { try JSONLines.print(event) }
                return
            }
            var table = TextTable([("POSITION", .right), ("EVENT", .left), ("TYPE", .left), ("OCCURRED", .left)])
            for event in counted { table.append([String(event.position), event.eventID, event.type, event.occurredAt]) }
            if counted.isEmpty { print("No events count toward \(target).") } else { table.print() }
            print("\(counted.count) event\(counted.count == 1 ? "" : "s") counted toward \(target); \(ProjectionDisplay.moment(reader, moment))")
            return
        }
        if output.json {
            for target in targets { try JSONLines.print(target) }
            return
        }
        if targets.isEmpty {
            print("No targets match.")
        } else {
            var table = TextTable([
                ("TARGET", .left), ("UNIT", .left), ("METRIC", .left), ("PERIOD", .left), ("TARGET VALUE", .right),
                ("ACHIEVED", .right), ("RATIO", .right),
            ])
            for target in targets {
                let achieved = target.achieved.map(String.init) ?? "not counted from events"
                let ratio = target.ratioBasisPoints.map { Self.percent(basisPoints: $0) } ?? "–"
                table.append([target.targetID, target.unit, target.metric, "\(target.periodStart)..\(target.periodEnd)",
                              String(target.value), achieved, ratio])
            }
            table.print()
            print("\(targets.count) target\(targets.count == 1 ? "" : "s")")
        }
        print(ProjectionDisplay.moment(reader, moment))
    }
}
