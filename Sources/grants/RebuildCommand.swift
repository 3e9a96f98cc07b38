import ArgumentParser
import Foundation
import GrantLedgerEvents
import GrantLedgerProjections
import GrantLedgerService

struct RebuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Rebuild the projections from the log and print each one's digest.",
        discussion: """
            The projections (entitlements, payments, performance, funds) are built afresh from \
            position 1 and swapped in for the live ones at once. A digest is the SHA-256 of a \
            projection's rows: two ledgers with the same events and policies give the same digests. \
            With --as-of, --known-at or --position, the projections for that moment are built in \
            memory instead, the live ones are left as they are, and their digests are printed.
            Exit status: 0 when the projections are built.
            """)

    @OptionGroup var moment: MomentOptions
    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var policies: PolicyOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let ledger = try await ledger.open(policies: policies)
        let moment = moment.moment
        let digests: [(name: String, digest: String)]
        let position: Int64
        let asOf: LocalDate?
        var scopes: Int?
        if moment.isNow {
            let progress = RebuildProgressLine()
            let report = try ledger.rebuild { progress.report($0) }
            progress.finish()
            (digests, position, asOf, scopes) = (report.digests, report.position, report.asOf, report.scopes)
        } else {
            let answer = try ledger.digests(at: moment)
            (digests, position, asOf) = (answer.value.map { ($0.projection, $0.digest) }, answer.position, answer.asOf)
        }
        if output.json {
            for (name, digest) in digests {
                try JSONLines.print(RebuildLine(projection: name, digest: digest, position: position,
                                                asOf: asOf?.description, live: moment.isNow))
            }
            return
        }
        let width = digests.map(\.name.count).max() ?? 0
        for (name, digest) in digests {
            print(name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + digest)
        }
        var summary = "position \(position), as of \(asOf?.description ?? "(no events)")"
        if let scopes { summary += ", \(scopes) scope\(scopes == 1 ? "" : "s") evaluated" }
        print(summary + (moment.isNow ? "" : " (snapshot in memory; the live projections are unchanged)"))
    }
}

struct RebuildLine: Encodable {
    let projection: String
    let digest: String
    let position: Int64
    let asOf: String?
    /// True when the live projections were rebuilt; false for a snapshot of a moment.
    let live: Bool
}

/// Progress on standard error, for rebuilds that take a while: nothing for the first two
/// seconds, then one line a second.
final class RebuildProgressLine: @unchecked Sendable {
    private let lock = NSLock()
    private let start = ContinuousClock.now
    private var lastPrinted: ContinuousClock.Instant?
    private var printed = false

    func report(_ progress: Projections.RebuildProgress) {
        lock.lock()
        defer { lock.unlock() }
        let now = ContinuousClock.now
        guard now - start >= .seconds(2) else { return }
        if let lastPrinted, now - lastPrinted < .seconds(1) { return }
        lastPrinted = now
        printed = true
        let what = progress.phase == .events ? "events applied" : "scopes evaluated"
        let percent = progress.total == 0 ? 100 : progress.done * 100 / progress.total
        FileHandle.standardError.write(Data("rebuild: \(progress.done) of \(progress.total) \(what) (\(percent)%)\n".utf8))
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if printed {
            let seconds = (ContinuousClock.now - start).components.seconds
            FileHandle.standardError.write(Data("rebuild: done in \(seconds) s\n".utf8))
        }
    }
}
