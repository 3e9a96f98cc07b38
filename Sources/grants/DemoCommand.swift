import ArgumentParser
import Foundation
import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerPolicy
import GrantLedgerProjections

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Build a demo ledger from the bundled examples and tour it.",
        discussion: """
            Appends the event catalog's examples (EventSchemas/examples/valid.jsonl, bundled in \
            the binary) to a fresh ledger, reads one person back, re-sends the file, shows a bad \
            file rejected with nothing written, and verifies the hash chain. Then it adds a \
            referral that lasts six months and tours the projections: entitlements with their \
            clauses, the 1000 + 1000 payout schedule, performance against targets, a timeline, \
            one explanation, findings, and a rebuild's digests. The demo ledger is \
            ./grants-demo.sqlite unless --db says otherwise; it is replaced on every run.
            """)

    @Option(name: .long, help: "Where to build the demo ledger.")
    var db = "grants-demo.sqlite"

    /// The worker of the labour-cooperation referral story in the examples.
    static let storyWorker = "620102199507071233"

    func run() throws {
        try Self.removeDemoLedger(at: db)
        let log = try EventLog.create(at: db)
        try log.storage.write { try $0.setMetadata("demo", "true") }

        section("1. Append the event catalog's \(DemoEvents.lines.count) examples (one transaction)")
        let lines = DemoEvents.lines.enumerated().map { SubmissionLine(number: $0 + 1, bytes: Array($1.utf8)) }
        let first = try log.append(lines)
        print(ReportFormatter.text(first, file: "valid.jsonl"), terminator: "")
        guard first.isComplete else { throw ExitCode.failure }

        section("2. Read back one person: every event that names \(ResidentID.mask(Self.storyWorker))")
        let party = try log.partyKey(for: Self.storyWorker)
        try log.read { reader in
            var formatter = EventFormatter(reader: reader)
            try reader.forEachEvent(EventQuery(party: party)) { event in
                print(try formatter.text(event))
                return true
            }
        }
        print("(The ledger holds the pseudonym \(party); the resident ID is kept apart and shown masked.)")

        section("3. Send the same file again: nothing is appended twice")
        let again = try log.append(lines)
        print(ReportFormatter.text(again, file: "valid.jsonl").split(separator: "\n").last.map(String.init) ?? "")

        section("4. A file with one good and one bad line: the whole file is refused")
        let before = try log.head()?.position ?? 0
        let bad = try log.append(Self.badFile.enumerated().map { SubmissionLine(number: $0 + 1, bytes: Array($1.utf8)) })
        print(ReportFormatter.text(bad, file: "corrections.jsonl"), terminator: "")
        print("The ledger still ends at position \(try log.head()?.position ?? 0) (it was \(before)).")

        section("5. Verify the hash chain")
        let verification = try log.verify()
        if let head = verification.head, verification.isIntact {
            print("Intact: \(verification.eventsChecked) events. Head \(head.position):\(RecordedEvent.hex(head.hash))")
        } else {
            print("NOT INTACT: \(verification.problem.map(String.init(describing:)) ?? "?")")
            throw ExitCode.failure
        }

        section("6. A referral that lasts: the agency's worker stays six months with one employer")
        let story = Self.referralStory().enumerated().map { SubmissionLine(number: $0 + 1, bytes: Array($1.utf8)) }
        let appended = try log.append(story)
        print(ReportFormatter.text(appended, file: "referral-story.jsonl"), terminator: "")
        guard appended.isComplete else { throw ExitCode.failure }

        let ledger = ["--db", db]
        section("7. Entitlements: each with the clause that grants it, and what was paid")
        try EntitlementsCommand.parse(ledger).run()
        section("8. The agency's payout schedule: 1000 after month 3, 1000 after month 6")
        try PayoutsCommand.parse(ledger + ["--payee", Self.agency]).run()
        section("9. District performance against targets")
        try PerformanceCommand.parse(ledger).run()
        section("10. One worker's timeline, in business-time order")
        try TimelineCommand.parse(ledger + [Self.storyWorker2]).run()
        section("11. Why: one entitlement explained")
        let worker = try log.partyKey(for: Self.storyWorker2)
        let referral = try Projections(log: log, policies: try PolicyCatalog.bundled()).reader()
            .entitlements(EntitlementFilter(subject: worker, clause: "XM-2023-187/(九)-c")).first
        if let referral { try ExplainCommand.parse(ledger + [referral.entitlement.id]).run() }
        section("12. Payments nothing explains, and clawbacks")
        try FindingsCommand.parse(ledger).run()
        section("13. Rebuild from the log: the digests are the same every time")
        try RebuildCommand.parse(ledger).run()

        section("Go further")
        print("""
              grants rebuild --db \(db) --known-at 2024-06-01T00:00:00Z   # what the log knew then
              grants entitlements --db \(db) --as-of 2024-04-30            # the world on a business date
              grants explain --db \(db) ENTITLEMENT-ID                      # the facts, parameters and arithmetic
              grants events --db \(db) --type certificate.issued     # read by type (or --stream, --party, --from/--to)
              grants events --db \(db) --json                          # machine-readable
              grants verify --db \(db)                                 # after editing a byte of \(db), names the position
              EventSchemas/README.md                                   # every event type, its fields, its schema
            """)
    }

    static let agency = "91350200MA31XM002D", employer = "91350200MA31XM001A"
    /// The worker of the referral that lasts (a Gansu worker new to Xiamen).
    static let storyWorker2 = "620102199608081238"

    /// The employer registered, a second worker referred by the agency and insured six months
    /// in a row, the agency paid its first 1000, and a 2024 training target for 思明区.
    static func referralStory() -> [String] {
        var lines: [String] = []
        func event(_ n: Int, _ type: String, _ stream: String, _ day: String, _ data: String) {
            let version = EventCatalog.standard.currentVersion(of: type)!
            let id = "e0000000-0000-4000-8000-" + String(repeating: "0", count: 12 - String(n).count) + String(n)
            lines.append(#"{"eventId":"\#(id)","streamId":"\#(stream)","type":"\#(type)","schemaVersion":\#(version),"occurredAt":"\#(day)","actor":"demo","source":"grants-demo","data":\#(data)}"#)
        }
        event(1, "enterprise.registered", "organisation:\(employer)", "2019-05-01",
              #"{"enterprise":"\#(employer)","name":"厦门鹭江电子有限公司","division":"思明区"}"#)
        event(2, "referral.made", "referral:\(agency):LW-2024-0040", "2024-01-05",
              #"{"agency":"\#(agency)","worker":"\#(storyWorker2)","employer":"\#(employer)","firstTimeInCity":true,"originRegion":"甘肃省兰州市城关区"}"#)
        event(3, "employment.started", "employment:\(employer):HT-2024-0040", "2024-01-08",
              #"{"employee":"\#(storyWorker2)","employer":"\#(employer)","contract":"fixed-term","contractMonths":36,"labourDispatch":false,"firstTimeInCity":true}"#)
        for month in 1...6 {
            let ym = YearMonth(year: 2024, month: month)!
            event(3 + month, "employment.month-recorded", "employment:\(employer):HT-2024-0040", ym.lastDay.description,
                  #"{"employee":"\#(storyWorker2)","employer":"\#(employer)","month":"\#(ym)","socialInsurancePaid":true,"pensionPaid":true,"insuredIn":"350203"}"#)
        }
        event(10, "disbursement.made", "disbursement:XMCZ-2024-003001", "2024-04-12",
              #"{"disbursementId":"XMCZ-2024-003001","clause":"XM-2023-187/(九)-b","payee":{"kind":"agency","organisation":"\#(agency)"},"amount":100000,"subject":"\#(storyWorker2)"}"#)
        event(11, "target.set", "target:XM-SM-2024-PX", "2024-01-02",
              #"{"targetId":"XM-SM-2024-PX","clause":"XM-2023-187/tranche","metric":"training-person-times","scope":"district","unit":"思明区","periodStart":"2024-01-01","periodEnd":"2024-12-31","value":4,"note":"演示用目标（demo target）"}"#)
        return lines
    }

    func section(_ title: String) {
        print("\n== \(title)")
    }

    /// Two corrections, the second with a mistyped resident ID and an impossible level.
    static let badFile = [
        #"{"eventId":"d0000000-0000-4000-8000-000000000001","streamId":"employment:91350200MA31XM001A:HT-2024-0203","type":"employment.month-recorded","schemaVersion":1,"occurredAt":"2024-09-30","actor":"si-feed","source":"xm-social-insurance","data":{"employee":"620102199507071233","employer":"91350200MA31XM001A","month":"2024-09","socialInsurancePaid":true,"pensionPaid":true,"insuredIn":"350200"}}"#,
        #"{"eventId":"d0000000-0000-4000-8000-000000000002","streamId":"certificate:S3502002024009999","type":"certificate.issued","schemaVersion":2,"occurredAt":"2024-09-30","actor":"portal-batch","source":"xm-training-portal","data":{"certificateNumber":"S3502002024009999","holder":"620102199507071234","kind":"skill-level","occupation":"电工","level":"L6","issuer":"厦门市职业技能鉴定指导中心"}}"#,
    ]

    /// Removes an earlier demo ledger, and refuses to touch anything else.
    static func removeDemoLedger(at path: String) throws {
        let manager = FileManager.default
        guard manager.fileExists(atPath: path) else { return }
        let isDemo = (try? EventLog.open(at: path).storage.read { try $0.metadata("demo") }) == "true"
        guard isDemo else {
            throw ValidationError("\(path) exists and is not a demo ledger; choose another --db")
        }
        for suffix in ["", "-wal", "-shm", ".key"] where manager.fileExists(atPath: path + suffix) {
            try manager.removeItem(atPath: path + suffix)
        }
    }
}
