import ArgumentParser
import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerService

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the hash chain and name the first position altered, removed or reordered.",
        discussion: """
            Recomputes every event's hash from its stored bytes and the hash before it. Keep the \
            head it prints: passing it back later as --anchor POSITION:HASH proves that nothing up \
            to that position has been rewritten since, even by someone who recomputed the chain.
            Exit status: 0 only for an intact log.
            """)

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
        let report = try await ledger.open().verify(anchors: anchor.compactMap(Anchor.init))
        if output.json {
            print(CanonicalJSON.string(report.json))
        } else if let problem = report.problem {
            print("NOT INTACT: \(problem).")
            print("Events 1-\(report.eventsChecked) check out; the first bad position is \(problem.position).")
        } else if let head = report.head {
            print("Intact: \(report.eventsChecked) events, hashes chained from position 1 to \(head.position).")
            print("Head: \(head.position):\(RecordedEvent.hex(head.hash))")
        } else {
            print("Intact: the ledger is empty.")
        }
        if !report.isIntact { throw ExitCode.failure }
    }
}
