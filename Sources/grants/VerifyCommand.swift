import ArgumentParser
import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerService

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the hash chain and name the first position altered, removed or reordered.",
        discussion: """
            Recomputes every event's hash from its stored bytes and the hash before it, then checks \
            the tables beside the events against them: the party index (`events --party`), any trace \
            of a position past the last, and, with the ledger's key, every record of personal data. \
            Keep the head it prints: passing it back later as --anchor POSITION:HASH proves that \
            nothing up to that position has been rewritten since, even by someone who recomputed \
            the chain; --against BACKUP then names the first position that changed. With --projections, the live projections are compared with a rebuild in memory.
            Exit status: 0 only for an intact log (and, with --projections, intact projections).
            """)

    @Option(name: .long, help: "A checkpoint file from `grants checkpoint`; may be repeated.")
    var checkpoint: [String] = []

    @Option(name: .long, help: "The public key (64 hex digits) every checkpoint must be signed with.")
    var checkpointKey: String?

    @Option(name: .long, help: "An earlier copy of the ledger (a backup): name the first position where the log differs from it.")
    var against: String?

    @Flag(name: .long, help: "Also compare the live projections with projections rebuilt in memory from the log.")
    var projections = false

    @Option(name: .long, help: "A position and hash recorded earlier (POSITION:HASH); may be repeated.")
    var anchor: [String] = []

    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        for text in anchor where Anchor(text) == nil {
            throw ValidationError("--anchor \(text): write the position, a colon and the 64-digit hash that `grants verify` printed")
        }
    }

    func run() async throws {
        let checkpoints = try checkpoint.map(ProofFile.checkpoint(at:))
        if let checkpointKey {
            for (path, signed) in zip(checkpoint, checkpoints) where Hex.string(signed.publicKey) != checkpointKey.lowercased() {
                throw CommandError("\(path) is signed with key \(Hex.string(signed.publicKey)), not the --checkpoint-key given: it is not the bureau's checkpoint")
            }
        }
        let opened = try await ledger.open()
        let report = try await opened.verify(anchors: anchor.compactMap(Anchor.init), checkpoints: checkpoints, againstCopy: against)
        let projectionReport = projections && report.isIntact ? try opened.verifyProjections() : nil
        if output.json {
            var json = report.json
            if let projectionReport, case .object(var object) = json {
                object["projections"] = projectionReport.json
                json = .object(object)
            }
            print(CanonicalJSON.string(json))
        } else {
            print(Self.describe(report))
            if let projectionReport { print(Self.describe(projectionReport)) }
        }
        if !report.isIntact || projectionReport?.isIntact == false { throw ExitCode.failure }
    }

    static func describe(_ report: VerificationReport) -> String {
        if let problem = report.problem {
            let checked = switch problem {
            case .anchorMismatch(let p), .checkpointMismatch(let p, _):
                "The chain recomputes from position 1, but not to what was signed or anchored at \(p)."
            case .checkpointSignature: "Nothing was checked against a forged checkpoint."
            default: switch problem.position {
            case 0: "The events check out; the \(problem.table) table does not."
            case 1: "The first bad position is 1."
            default: "Events 1-\(problem.position - 1) check out; the first bad position is \(problem.position)."
            }
            }
            return "NOT INTACT: \(problem).\n\(checked)"
        }
        func count(_ n: Int64, _ one: String, _ many: String) -> String { "\(n) \(n == 1 ? one : many)" }
        let personal = report.personalRecordsChecked.map {
            count($0, "record of personal data opens with the key and matches its pseudonym",
                  "records of personal data open with the key and match their pseudonyms")
        } ?? "personal data not checked (no key: pass --key-file to check it)"
        let signed = switch report.checkpointsChecked {
        case 0: ""
        case 1: "; the checkpoint matches"
        case let n: "; \(n) checkpoints match, each extending the one before"
        }
        guard let head = report.head else {
            return (report.personalRecordsChecked ?? 0) == 0 ? "Intact: the ledger is empty." : "Intact: the ledger is empty; \(personal)."
        }
        return """
            Intact: \(report.eventsChecked) events, hashes chained from position 1 to \(head.position).
            Beside them: \(count(report.partyRowsChecked, "party index row matches", "party index rows match")) the events; \(personal)\(signed).
            Head: \(head.position):\(RecordedEvent.hex(head.hash))
            """
    }

    static func describe(_ report: ProjectionVerification) -> String {
        guard let position = report.position else { return "Projections: never built, nothing to compare." }
        let moment = "position \(position)\(report.asOf.map { ", as of \($0)" } ?? "")"
        if report.isIntact { return "Projections intact: the live rows equal a rebuild at \(moment)." }
        var lines: [String] = []
        if !report.differing.isEmpty {
            lines.append("PROJECTIONS NOT INTACT: \(report.differing.joined(separator: ", ")) differ from a rebuild at \(moment): their rows were changed outside GrantLedger. `grants rebuild` makes them again from the log.")
        }
        if !report.outOfStep.isEmpty {
            lines.append("PROJECTIONS NOT INTACT: \(report.outOfStep.joined(separator: ", ")) stand at another position than the rest. `grants rebuild` brings them together.")
        }
        return lines.joined(separator: "\n")
    }
}
