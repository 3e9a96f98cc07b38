import Foundation
import GrantLedgerEvents
@testable import GrantLedgerProjections
import SyntheticCity
import Testing

/// The general guarantee: whatever order the facts are recorded in, the live projections
/// equal a fresh build after every batch.
@Suite struct RecordingOrderTests {
    /// A seeded generator (SplitMix64), so a failing order can be replayed.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// The same lines with each stream's own order kept (the envelope's versions follow it) and
    /// the streams interleaved at random.
    static func shuffled(_ lines: [String], seed: UInt64) -> [String] {
        var streams: [String: [String]] = [:]
        var names: [String] = []
        for line in lines {
            let object = try! JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            let stream = object["streamId"] as! String
            if streams[stream] == nil { names.append(stream) }
            streams[stream, default: []].append(line)
        }
        var rng = Seeded(state: seed)
        var next: [String: Int] = [:]
        var open = names
        var out: [String] = []
        while !open.isEmpty {
            let i = Int.random(in: 0..<open.count, using: &rng)
            let stream = open[i]
            out.append(streams[stream]![next[stream, default: 0]])
            next[stream, default: 0] += 1
            if next[stream]! == streams[stream]!.count { open.swapAt(i, open.count - 1); open.removeLast() }
        }
        return out
    }

    @Test("a small synthetic city appended in batches, in several recording orders: live projections equal a fresh build after each batch",
          arguments: [0, 1, 2] as [UInt64])
    func anyRecordingOrder(seed: UInt64) async throws {
        let city = Array(SyntheticCity(seed: 7, people: 150, months: 14).lines)
        let lines = seed == 0 ? city : Self.shuffled(city, seed: seed)
        let ledger = try await TestLedger(clock: "2026-11-21T02:00:00.000Z")
        let batch = max(1, lines.count / 5)
        for start in stride(from: 0, to: lines.count, by: batch) {
            try await ledger.append(Array(lines[start..<min(lines.count, start + batch)]))
            try PooledLimitTests.expectLiveEqualsRebuild(ledger, "seed \(seed), after line \(min(lines.count, start + batch)) of \(lines.count)")
        }
    }
}
