import ArgumentParser
import Foundation
import GrantLedgerEvents
import SyntheticCity

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes the synthetic city as JSON Lines, ready for `grants append`.
///
///     swift build -c release --product grants-city
///     .build/release/grants-city --people 100000 --months 26 --seed 42 --output city.jsonl
struct CityGenerator: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grants-city",
        abstract: "Write a deterministic synthetic city (Xiamen, Jinjiang, Binjiang) as JSON Lines of event submissions.",
        discussion: """
            The same seed, people and months give the same bytes (--events N: the first N lines of \
            them). Every line is a submission that `grants append` accepts. Progress (every million \
            events) and the final rate go to standard error.
            """)

    @Option(help: "People in the city (default: 10000, or without end when --events is given).") var people: Int?
    @Option(help: "Months of stories in each place, from its first month (Xiamen 2023-09, Jinjiang 2020-01, Binjiang 2023-03).")
    var months = SyntheticCity.defaultMonths
    @Option(help: "Seed of the city.") var seed: UInt64 = 42
    @Option(help: "Stop after this many events.") var events: Int?
    @Option(name: .shortAndLong, help: "File to write (default: standard output).") var output: String?
    @Flag(help: "No progress lines, only the final one.") var quiet = false

    func validate() throws {
        if let people, people < 0 { throw ValidationError("--people must be 0 or more") }
        if months < 1 { throw ValidationError("--months must be at least 1") }
        if let events, events < 0 { throw ValidationError("--events must be 0 or more") }
    }

    func run() throws {
        let city = SyntheticCity(seed: seed, people: people ?? (events == nil ? 10_000 : nil), months: months)
        let path = output ?? "-"
        var out = try Output(path: path)
        var generator = city.makeIterator()
        let limit = events ?? .max
        let start = ContinuousClock.now
        var written = 0, bytes = 0
        var nextReport = 1_000_000
        while written < limit, let line = generator.next() {
            out.write(line)
            bytes += line.count + 1
            written += 1
            if written == nextReport {
                nextReport += 1_000_000
                if !quiet {
                    let seconds = (ContinuousClock.now - start).seconds
                    report("\(grouped(written)) events, \(grouped(generator.peopleStarted)) people, \(megabytes(bytes)) MB, \(String(format: "%.1f", seconds)) s")
                }
            }
        }
        try out.close()
        let seconds = max((ContinuousClock.now - start).seconds, 1e-9)
        let rate = grouped(Int(Double(written) / seconds))
        let throughput = String(format: "%.1f", Double(bytes) / 1_000_000 / seconds)
        let destination = path == "-" ? "standard output" : path
        report("wrote \(grouped(written)) events of \(grouped(generator.peopleStarted)) people (\(months) months, seed \(seed)) to "
            + "\(destination): \(megabytes(bytes)) MB in \(String(format: "%.1f", seconds)) s, \(rate) events/s, \(throughput) MB/s")
    }

    private func report(_ line: String) {
        FileHandle.standardError.write(Data("grants-city: \(line)\n".utf8))
    }
}

/// A file descriptor written through a 4 MiB buffer.
struct Output {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private let fd: Int32
    private let path: String
    private var buffer: [UInt8] = []
    private var failure: Failure?
    private static let capacity = 4 << 20

    init(path: String) throws {
        self.path = path
        if path == "-" {
            fd = STDOUT_FILENO
        } else {
            fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard fd >= 0 else { throw Failure(description: "cannot write \(path): \(String(cString: strerror(errno)))") }
        }
        buffer.reserveCapacity(Self.capacity + 64 * 1024)
    }

    mutating func write(_ line: [UInt8]) {
        buffer.append(contentsOf: line)
        buffer.append(0x0A)
        if buffer.count >= Self.capacity { flush() }
    }

    private mutating func flush() {
        guard failure == nil else { return buffer.removeAll(keepingCapacity: true) }
        buffer.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = Failure(description: "cannot write \(path): \(String(cString: strerror(errno)))")
                    return
                }
                offset += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    mutating func close() throws {
        flush()
        if fd != STDOUT_FILENO, Glibc.close(fd) != 0, failure == nil {
            failure = Failure(description: "cannot close \(path): \(String(cString: strerror(errno)))")
        }
        if let failure { throw failure }
    }
}

/// 1234567 → "1,234,567".
func grouped(_ n: Int) -> String {
    let digits = Array(String(n.magnitude))
    var out = ""
    for (i, digit) in digits.enumerated() {
        if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(digit)
    }
    return (n < 0 ? "-" : "") + out
}

func megabytes(_ bytes: Int) -> String { String(format: "%.1f", Double(bytes) / 1_000_000) }

extension Duration {
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}

CityGenerator.main()
