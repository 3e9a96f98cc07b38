import ArgumentParser
import GrantLedgerEvents
import GrantLedgerProjections
import GrantLedgerService

struct PerformanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "performance",
        abstract: "Show targets and what has been achieved toward them.",
        discussion: """
            One row per target: its unit (a district, town, department or city), metric, period, \
            value, what the log counts toward it by the evaluation date, and the ratio. Metrics \
            that are not counted from events (a share) show "not counted from events". --period \
            takes a year (2025), years (2025-2027) or dates (2021-01-01..2021-12-31) and keeps the \
            targets whose period overlaps it. --target ID --events lists the events counted toward \
            that target.

            Then the "131" service (XM-2023-188/4), one line per district and period and one for \
            the city: the registered unemployed and unemployed graduates registered there, those \
            who received 1 career guidance, 3 job referrals and 1 training or internship offer \
            within the period, and the completeness. The periods are --period, else each calendar \
            year with a job-service contact and each 131 target's period. --service-131 shows only \
            these lines; --missing --period P lists the people still missing a part, IDs masked.
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

    @Flag(name: .customLong("service-131"), help: "Only the \"131\" service's completeness per district and period (XM-2023-188/4).")
    var service131 = false

    @Flag(help: "With --period: list the people the \"131\" service applies to who still miss a part, and which.")
    var missing = false

    @OptionGroup var moment: MomentOptions
    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var policies: PolicyOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let period, Period.dates(period) == nil {
            throw ValidationError("--period \(period): give a year (2025), years (2025-2027) or dates (2021-01-01..2021-12-31), the start not after the end")
        }
        if events, target == nil {
            throw ValidationError("--events lists one target's counted events: give --target ID as well (ids are in the TARGET column)")
        }
        if (service131 || missing), target != nil {
            throw ValidationError("--target shows one target; leave it out with --service-131 or --missing")
        }
        if missing, period == nil {
            throw ValidationError("--missing lists the people still missing a part of the \"131\" service in one period: give --period as well, e.g. --period 2024")
        }
    }

    /// Basis points as a percentage with two decimals, in integers: 12345 → `123.45%`.
    static func percent(basisPoints: Int64) -> String {
        let sign = basisPoints < 0 ? "-" : ""
        let magnitude = basisPoints.magnitude
        let cents = magnitude % 100
        return "\(sign)\(magnitude / 100).\(cents < 10 ? "0" : "")\(cents)%"
    }

    func run() async throws {
        let ledger = try await ledger.open(policies: policies)
        let moment = moment.moment
        let period = period.flatMap(Period.dates)
        if missing, let period {
            try printMissing(try ledger.service131Missing(unit: district, period: period, at: moment), period: period, ledger: ledger)
            return
        }
        if service131 {
            let answer = try ledger.service131(unit: district, period: period, at: moment)
            let lines131 = answer.value
            if output.json {
                for line in lines131 { try JSONLines.print(Tagged(record: "service-131", value: line)) }
                return
            }
            if lines131.isEmpty { print("No one the \"131\" service applies to is registered there in the period.") } else { Self.print131(lines131) }
            print(ProjectionDisplay.moment(answer))
            return
        }
        if events, let target {
            let answer = try ledger.countedEvents(target: target, at: moment)
            let counted = answer.value
            if output.json {
                for event in counted { try JSONLines.print(event) }
                return
            }
            var table = TextTable([("POSITION", .right), ("EVENT", .left), ("TYPE", .left), ("OCCURRED", .left)])
            for event in counted { table.append([String(event.position), event.eventID, event.type, event.occurredAt]) }
            if counted.isEmpty { print("No events count toward \(target).") } else { table.print() }
            print("\(counted.count) event\(counted.count == 1 ? "" : "s") counted toward \(target); \(ProjectionDisplay.moment(answer))")
            return
        }
        let answer = try ledger.performance(unit: district, period: period, target: target, at: moment)
        let (targets, lines131) = (answer.value.targets, answer.value.service131)
        if output.json {
            for target in targets { try JSONLines.print(target) }
            for line in lines131 { try JSONLines.print(Tagged(record: "service-131", value: line)) }
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
                var achieved = target.achieved.map(String.init) ?? "not counted from events"
                if let applicable = target.applicable, let completed = target.completed {
                    achieved = target.achieved.map { "\($0) (\(completed) of \(applicable))" } ?? "no one applicable"
                }
                let ratio = target.ratioBasisPoints.map { Self.percent(basisPoints: $0) } ?? "–"
                table.append([target.targetID, target.unit, target.metric, "\(target.periodStart)..\(target.periodEnd)",
                              String(target.value), achieved, ratio])
            }
            table.print()
            print("\(targets.count) target\(targets.count == 1 ? "" : "s")")
        }
        if !lines131.isEmpty {
            print("")
            Self.print131(lines131)
        }
        print(ProjectionDisplay.moment(answer))
    }

    /// The "131" lines: unit, period, applicable, served in full, completeness, and the target.
    static func print131(_ lines: [Service131Line]) {
        print("\"131\" service (XM-2023-188/4): registered unemployed and unemployed graduates given 1 career guidance, 3 job referrals and 1 training or internship offer in the period")
        var table = TextTable([
            ("UNIT", .left), ("PERIOD", .left), ("APPLICABLE", .right), ("SERVED IN FULL", .right), ("COMPLETENESS", .right),
            ("TARGET", .left), ("RATIO", .right),
        ])
        for line in lines {
            table.append([
                line.unit, "\(line.periodStart)..\(line.periodEnd)", String(line.applicable), String(line.completed),
                line.completenessBasisPoints.map { percent(basisPoints: $0) } ?? "–",
                line.target.map { id in "\(id) (\(line.targetValue.map(String.init) ?? "?")%)" } ?? "–",
                line.ratioBasisPoints.map { percent(basisPoints: $0) } ?? "–",
            ])
        }
        table.print()
        print("\(lines.count) line\(lines.count == 1 ? "" : "s")")
    }

    /// The people still missing a part of the "131" service in the period.
    func printMissing(_ answer: Answer<[Service131Person]>, period: ClosedRange<LocalDate>, ledger: Ledger) throws {
        let people = answer.value
        var display = ProjectionDisplay(ledger: ledger)
        if output.json {
            for person in people { try JSONLines.print(Service131Missing(person: person, shown: display.party(person.person))) }
            return
        }
        let place = district ?? "the city"
        let span = "\(period.lowerBound)..\(period.upperBound)"
        if people.isEmpty {
            print("No one in \(place) is missing a part of the \"131\" service in \(span).")
        } else {
            var table = TextTable([("PERSON", .left), ("DISTRICT", .left), ("GROUPS", .left), ("MISSING", .left)])
            for person in people {
                table.append([display.party(person.person), person.unit, person.groups.joined(separator: ", "), person.missing.joined(separator: ", ")])
            }
            table.print()
            print("\(people.count) \(people.count == 1 ? "person" : "people") in \(place) still missing a part of the \"131\" service in \(span) (1 career guidance, 3 job referrals, 1 training or internship offer)")
        }
        print(ProjectionDisplay.moment(answer))
    }
}

/// A person missing a part of the "131" service, with their resident ID masked beside the pseudonym.
struct Service131Missing: Encodable {
    let person: Service131Person
    /// `350203********123X`, or the pseudonym once the person's data is erased.
    let shown: String

    private enum Key: String, CodingKey { case shown, record }

    func encode(to encoder: any Encoder) throws {
        try person.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(shown, forKey: .shown)
        try container.encode("service-131-person", forKey: .record)
    }
}
