import ArgumentParser
import Foundation
import GrantLedgerEvents
import GrantLedgerLog

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Build a demo ledger from the bundled examples and tour it.",
        discussion: """
            Appends the event catalog's examples (EventSchemas/examples/valid.jsonl, bundled in \
            the binary) to a fresh ledger, reads one person back, re-sends the file, shows a bad \
            file rejected with nothing written, and verifies the hash chain. The demo ledger is \
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

        section("Go further")
        print("""
              grants events --db \(db) --type certificate.issued     # read by type (or --stream, --party, --from/--to)
              grants events --db \(db) --json                          # machine-readable
              grants verify --db \(db)                                 # after editing a byte of \(db), names the position
              EventSchemas/README.md                                   # every event type, its fields, its schema
            """)
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
