import Foundation
import GrantLedgerEvents
import GrantLedgerLog
import SyntheticCity

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Small helpers, copied from Tools/LogBenchmark where they exist there (an executable target
// cannot import another).

/// Keeps a uniform sample of up to `capacity` items of a stream, deterministically.
struct Reservoir<T> {
    let capacity: Int
    private(set) var items: [T] = []
    private var seen = 0
    private var random: SplitMix64

    init(capacity: Int, seed: UInt64) {
        self.capacity = capacity
        random = SplitMix64(seed: seed)
    }

    mutating func offer(_ item: T) {
        seen += 1
        if items.count < capacity {
            items.append(item)
        } else {
            let slot = Int(random.next() % UInt64(seen))
            if slot < capacity { items[slot] = item }
        }
    }
}

/// The recording clock of the benchmark's ledgers: one fixed instant, so that the business
/// date the entitlements are evaluated on (and with it the digests) is the same on every run.
struct FixedClock: RecordingClock {
    static let instant = Timestamp("2025-12-31T02:00:00.000Z")!
    func now() -> Timestamp { Self.instant }
}

enum Format {
    /// 1234567 → "1,234,567".
    static func grouped(_ n: Int) -> String {
        var s = String(n.magnitude)
        var i = s.count - 3
        while i > 0 {
            s.insert(",", at: s.index(s.startIndex, offsetBy: i))
            i -= 3
        }
        return (n < 0 ? "-" : "") + s
    }

    static func rate(_ perSecond: Double) -> String { grouped(Int(perSecond.rounded())) + "/s" }
    static func seconds(_ s: Double) -> String { String(format: "%.1f s", s) }
    static func ms(_ value: Double) -> String { value < 10 ? String(format: "%.2f", value) : String(format: "%.0f", value) }
    static func percent(_ ratio: Double) -> String { String(format: ratio < 0.1 ? "%.1f%%" : "%.0f%%", ratio * 100) }
}

/// Percentiles of a set of durations, in milliseconds.
struct Latency: Codable {
    var count = 0
    var p50 = 0.0
    var p99 = 0.0
    var max = 0.0
    var mean = 0.0

    init() {}

    init(_ durations: [Duration]) {
        let sorted = durations.map { $0.seconds * 1000 }.sorted()
        guard !sorted.isEmpty else { return }
        count = sorted.count
        p50 = sorted[sorted.count / 2]
        p99 = sorted[Swift.min(sorted.count - 1, sorted.count * 99 / 100)]
        max = sorted.last!
        mean = sorted.reduce(0, +) / Double(sorted.count)
    }

    /// "p50 / p99 / max ms".
    var summary: String { "\(Format.ms(p50)) / \(Format.ms(p99)) / \(Format.ms(max)) ms" }
}

enum Memory {
    /// Peak resident set size (VmHWM) in MiB, from /proc/self/status.
    static func peakMiB() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kib = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
            return kib / 1024
        }
        return -1
    }
}

/// What the report says about the machine.
enum Machine {
    static var kernel: String {
        var name = utsname()
        uname(&name)
        return withUnsafeBytes(of: &name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }

    static var cpu: String {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = info.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
              let colon = line.firstIndex(of: ":")
        else { return "unknown CPU" }
        return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }

    /// The 1-minute load average: other work on the machine shows here.
    static var load: String {
        ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?").split(separator: " ").first.map(String.init) ?? "?"
    }

    static var memoryGiB: Double { Double(ProcessInfo.processInfo.physicalMemory) / 1_073_741_824 }

    static var summary: String {
        "\(ProcessInfo.processInfo.activeProcessorCount) cores (\(cpu)), \(one(memoryGiB)) GiB RAM, kernel \(kernel)"
    }
}

extension Duration {
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}

/// One decimal.
func one(_ value: Double) -> String { String(format: "%.1f", value) }

/// Writes a line to standard output at once, even when it is a pipe or a file (a child
/// process, nohup): every line of the benchmark goes through here, so none overtakes another.
func say(_ line: String = "") {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
