import ArgumentParser
import Foundation
import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerPolicy
import GrantLedgerProjections
import SyntheticCity

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Build a demo ledger from bundled data and tour it.",
        discussion: """
            Appends the seed targets of the policy documents, a small generated city and five \
            hand-made stories (an agency's 1000 + 1000, a worker who leaves in month 5, a \
            fourth training refused by the yearly cap, an enterprise's 以工代训 months, a \
            revoked certificate clawed back), rebuilds the projections, and tours them: \
            entitlements with their clauses, a payout schedule, district performance against \
            targets, a timeline and one explanation. The demo ledger is ./grants-demo.sqlite \
            unless --db says otherwise; it is replaced on every run.
            """)

    @Option(name: .long, help: "Where to build the demo ledger.")
    var db = "grants-demo.sqlite"

    @Option(name: .long, help: "People in the generated city.")
    var people = 600

    @Option(name: .long, help: "The generated city's seed: the same seed, the same city.")
    var seed: UInt64 = 2026

    func run() async throws {
        try await Self.removeDemoLedger(at: db)
        // Appended as any intake is: every clause id the city and the stories name must be the catalog's.
        let catalog: PolicyCatalog
        do { catalog = try PolicyCatalog.bundled() } catch { throw PolicyLoadFailure(error: error) }
        let log = try await EventLog.create(at: db, clauses: .registry(catalog))
        try await log.storage.write { try await $0.setMetadata("demo", "true") }

        section("1. Load the bundled data: the documents' targets, a generated city, five stories")
        let city = SyntheticCity(seed: seed, people: people, months: 24)
        for (name, lines) in [
            ("seed targets (Tools/data/seed-targets.jsonl)", AnySequence(SeedTargets.lines)),
            ("a generated city of \(people) people (grants-city --people \(people) --months 24 --seed \(seed))", AnySequence(city.lines)),
            ("five hand-made stories", AnySequence(DemoStories.lines)),
        ] {
            let report = try await log.append(lines.enumerated().lazy.map { SubmissionLine(number: $0 + 1, bytes: Array($1.utf8)) })
            guard report.isComplete else {
                print(ReportFormatter.text(report, file: name), terminator: "")
                throw ExitCode.failure
            }
            let count = String(report.appended)
            print(String(repeating: " ", count: max(0, 7 - count.count)) + count + " events: " + name)
        }
        let verification = try await log.verify()
        guard verification.isIntact, let head = verification.head else {
            print("NOT INTACT: \(verification.problem.map(String.init(describing:)) ?? "?")")
            throw ExitCode.failure
        }
        print("The hash chain is intact: \(verification.eventsChecked) events, head \(head.position):\(RecordedEvent.hex(head.hash).prefix(16))…")

        let ledger = ["--db", db]
        section("2. Rebuild every projection from the log: the same digests every time")
        try await RebuildCommand.parse(ledger).run()

        for (number, (person, story)) in DemoStories.people.enumerated() {
            section("\(number + 3). \(ResidentID.mask(person)): \(story)")
            try await EntitlementsCommand.parse(ledger + ["--person", person]).run()
        }
        section("8. The agency's payout schedule: 1000 after month 3, 1000 after month 6, each worker")
        try await PayoutsCommand.parse(ledger + ["--payee", DemoStories.agency]).run()
        section("9. Performance against targets: one Jinjiang town (JJ-2019-79 annex 1), and the city, whose text and annex disagree")
        try await PerformanceCommand.parse(ledger + ["--unit", "陈埭镇"]).run()
        try await PerformanceCommand.parse(ledger + ["--unit", "晋江市"]).run()
        section("10. One worker's timeline, in business-time order")
        try await TimelineCommand.parse(ledger + [DemoStories.leaver]).run()
        section("11. Why: the fourth training, explained")
        let trainee = try log.partyKey(for: DemoStories.trainee)
        let capped = try Projections(log: log, policies: try PolicyCatalog.bundled()).reader()
            .entitlements(EntitlementFilter(party: trainee, clause: "XM-2023-187/(一)-a")).last
        if let capped { try await ExplainCommand.parse(ledger + [capped.entitlement.id]).run() }
        section("12. Why not: the same worker, every rule their facts could fire and where each stopped")
        try await WhyNotCommand.parse(ledger + [DemoStories.trainee, "--clause", "XM-2023-187/(一)-a"]).run()

        section("Go further")
        print("""
              grants entitlements --db \(db) --status capped       # every entitlement refused by a cap
              grants explain --db \(db) ENTITLEMENT-ID             # the facts, parameters and arithmetic behind one
              grants why-not --db \(db) RESIDENT-ID                # why a person was not paid: each rule, the first test failed
              grants performance --db \(db) --service-131 --period 2024   # the "131" service per district
              grants performance --db \(db) --period 2025-2027     # Xiamen's 2025-2027 goals
              grants findings --db \(db)                           # payments nothing explains, money to recover
              grants entitlements --db \(db) --as-of 2024-04-30    # the world on a business date
              grants import csv Tools/mappings/samples/si-months.csv --mapping si-months --db \(db)
                                                                   # a feed through its mapping (Tools/mappings/README.md)
              swift run grants-city --people 100000 --output city.jsonl   # a bigger city, then: grants append city.jsonl
            """)
    }

    func section(_ title: String) {
        print("\n== \(title)")
    }

    /// Removes an earlier demo ledger, and refuses to touch anything else.
    static func removeDemoLedger(at path: String) async throws {
        let manager = FileManager.default
        guard manager.fileExists(atPath: path) else { return }
        let isDemo = (try? await EventLog.open(at: path, clauses: .shapeOnly).storage.read { try await $0.metadata("demo") }) == "true"
        guard isDemo else {
            throw ValidationError("\(path) exists and is not a demo ledger; choose another --db")
        }
        for suffix in ["", "-wal", "-shm", ".key"] where manager.fileExists(atPath: path + suffix) {
            try manager.removeItem(atPath: path + suffix)
        }
    }
}
