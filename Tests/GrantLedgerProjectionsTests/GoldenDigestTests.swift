import Foundation
import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerProjections
import SyntheticCity
import Testing

/// The projections' digests on synthetic cities of several seeds and sizes, pinned in
/// `Golden/digests.json`: the answers that faster projections (issue #14) must keep giving.
///
/// Each city is appended with a fixed recording clock (so the business date is fixed), then the
/// projections are rebuilt, and each projection's digest (SHA-256 of its rows in key order) is
/// compared with the pinned one. A change of the money (a fix to a rule) changes a digest on
/// purpose: pin again with `GRANTS_WRITE_GOLDEN=1 swift test --filter GoldenDigestTests` and say
/// in the commit which rows changed and why.
@Suite("Golden projection digests")
struct GoldenDigestTests {
    struct City: Sendable, CustomStringConvertible {
        let seed: UInt64
        let people: Int
        let months: Int
        var description: String { "seed \(seed), \(people) people, \(months) months" }
        var key: String { "seed-\(seed)-people-\(people)-months-\(months)" }
    }

    static let cities = [
        City(seed: 7, people: 150, months: 14),
        City(seed: 42, people: 300, months: 24),
        City(seed: 2026, people: 600, months: 36),
    ]

    static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/digests.json")

    /// The pinned digests: city key → projection → digest (and the events and position).
    static func pinned() throws -> [String: [String: String]] {
        guard let data = FileManager.default.contents(atPath: file.path),
              let object = try JSONSerialization.jsonObject(with: data) as? [String: [String: String]]
        else { return [:] }
        return object
    }

    static func digests(of city: City) async throws -> [String: String] {
        let lines = Array(SyntheticCity(seed: city.seed, people: city.people, months: city.months).lines)
        let ledger = try await TestLedger(clock: "2026-11-21T02:00:00.000Z")
        // Kept current batch by batch, as a service would, then rebuilt: the two must agree.
        for start in stride(from: 0, to: lines.count, by: 5_000) {
            try await ledger.append(Array(lines[start..<min(lines.count, start + 5_000)]))
            _ = try ledger.projections.catchUp()
        }
        let live = try ledger.projections.reader().digests()
        let report = try ledger.projections.rebuild()
        #expect(live.map(\.digest) == report.digests.map(\.digest), "\(city): the projections kept current differ from a rebuild")
        var digests = Dictionary(uniqueKeysWithValues: report.digests.map { ($0.name, $0.digest) })
        digests["_events"] = String(lines.count)
        digests["_position"] = String(report.position)
        digests["_asOf"] = report.asOf?.description ?? "none"
        return digests
    }

    @Test("a rebuild of each synthetic city gives the pinned digests", arguments: cities)
    func rebuildGivesPinnedDigests(city: City) async throws {
        let digests = try await Self.digests(of: city)
        if ProcessInfo.processInfo.environment["GRANTS_WRITE_GOLDEN"] == "1" {
            try await GoldenFile.shared.record(city.key, digests, to: Self.file)
            return
        }
        let pinned = try #require(try Self.pinned()[city.key], "no digests pinned for \(city): run with GRANTS_WRITE_GOLDEN=1")
        #expect(digests["_events"] == pinned["_events"], "the synthetic city itself changed")
        for name in Set(pinned.keys).union(digests.keys).sorted() {
            #expect(digests[name] == pinned[name], "\(city): \(name) differs from its pinned digest")
        }
    }
}

/// Writes the pinned digests, one city at a time, from tests running in parallel.
actor GoldenFile {
    static let shared = GoldenFile()

    func record(_ key: String, _ digests: [String: String], to file: URL) throws {
        var all = (try? GoldenDigestTests.pinned()) ?? [:]
        all[key] = digests
        let data = try JSONSerialization.data(withJSONObject: all, options: [.prettyPrinted, .sortedKeys])
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try (data + Data("\n".utf8)).write(to: file)
    }
}
