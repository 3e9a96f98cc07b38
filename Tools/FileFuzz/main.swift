// grants-file-fuzz: damages copies of a small ledger file at random and runs the commands an
// auditor runs on a file handed to them (verify, events, the projections' reads, rebuild) on
// each. No stored byte may crash a command: each must answer or refuse. A crash stops this
// program; the input that caused it is the last one written to DIR/current, and
// `--from K --inputs 1` replays it.
//
//     swift run -c release grants-file-fuzz --inputs 100000 [--seed 1] [--dir DIR]
//
// Two kinds of damage, half the inputs each:
// - bytes: a few random bytes of one page overwritten, a whole page zeroed, or the file cut
//   short, on the ledger as written;
// - values: one to three stored values set to NULL, a number, a real, text, bytes or invalid
//   UTF-8, in any column of any table, on a copy whose NOT NULL constraints and append-only
//   triggers were removed first (as anyone with the sqlite3 shell can).
import Foundation
import GRDB
import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerPolicy
import GrantLedgerProjections
import GrantLedgerService
import SyntheticCity

struct Options {
    var inputs = 1_000
    var seed: UInt64 = 1
    var from = 0
    var directory = NSTemporaryDirectory() + "grants-file-fuzz"

    init(_ arguments: [String]) throws {
        var iterator = arguments.dropFirst().makeIterator()
        while let flag = iterator.next() {
            guard let value = iterator.next() else { throw FuzzError("\(flag) needs a value") }
            switch flag {
            case "--inputs": inputs = try Self.number(flag, value)
            case "--from": from = try Self.number(flag, value)
            case "--seed": seed = UInt64(try Self.number(flag, value))
            case "--dir": directory = value
            default: throw FuzzError("unknown option \(flag): use --inputs N, --from K, --seed S, --dir DIR")
            }
        }
    }

    static func number(_ flag: String, _ value: String) throws -> Int {
        guard let number = Int(value), number >= 0 else { throw FuzzError("\(flag) \(value): give a whole number") }
        return number
    }
}

struct FuzzError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// What one command did with one damaged file.
enum Outcome: Hashable, Comparable {
    case answered
    /// Refused in the ledger's words (a `LogError`, `LedgerError` or the like).
    case refused(String)
    /// Refused with an error the ledger has no words for: worth a look, though not a crash.
    case unworded(String)
}

@main
struct FileFuzz {
    static func main() async {
        do {
            try await run(try Options(CommandLine.arguments))
        } catch {
            FileHandle.standardError.write(Data("grants-file-fuzz: \(error)\n".utf8))
            exit(2)
        }
    }

    static func run(_ options: Options) async throws {
        let files = FileManager.default
        try? files.removeItem(atPath: options.directory)
        try files.createDirectory(atPath: options.directory, withIntermediateDirectories: true)
        let catalog = try PolicyCatalog.bundled()
        let template = options.directory + "/template.sqlite", loosened = options.directory + "/loosened.sqlite"
        let key = options.directory + "/template.key"
        try await makeTemplate(at: template, key: key, catalog: catalog)
        try makeLoosened(from: template, at: loosened)
        let pristineBytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: template)))
        let loosenedBytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: loosened)))
        let columns = try tableColumns(loosened)
        print("template: \(pristineBytes.count / 4096) pages, \(columns.count) tables; inputs \(options.from)..<\(options.from + options.inputs), seed \(options.seed)")

        var outcomes: [String: [Outcome: Int]] = [:]
        let started = Date()
        let target = options.directory + "/input.sqlite"
        for index in options.from..<(options.from + options.inputs) {
            var random = SplitMix64(seed: options.seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(index))
            try "\(index)\n".write(toFile: options.directory + "/current", atomically: false, encoding: .utf8)
            for suffix in ["", "-wal", "-shm"] { try? files.removeItem(atPath: target + suffix) }
            if random.next() % 2 == 0 {
                try damageBytes(pristineBytes, into: target, &random)
            } else {
                try Data(loosenedBytes).write(to: URL(fileURLWithPath: target))
                try damageValues(target, columns: columns, &random)
            }
            for (command, outcome) in await runCommands(on: target, key: key, catalog: catalog) {
                outcomes[command, default: [:]][outcome, default: 0] += 1
            }
            if (index - options.from + 1) % 5_000 == 0 {
                print("\(index - options.from + 1) inputs, \(Int(Date().timeIntervalSince(started))) s")
            }
        }
        let seconds = Date().timeIntervalSince(started)
        print("\(options.inputs) damaged files, no crash, in \(Int(seconds)) s (\(Int(Double(options.inputs) / max(seconds, 0.001)))/s)")
        for (command, counts) in outcomes.sorted(by: { $0.key < $1.key }) {
            let answered = counts[.answered] ?? 0
            let refused = counts.filter { if case .refused = $0.key { true } else { false } }.values.reduce(0, +)
            print("  \(command): \(answered) answered, \(refused) refused in the ledger's words")
            for (outcome, count) in counts.sorted(by: { $0.key < $1.key }) {
                if case .unworded(let type) = outcome { print("    \(count)× unworded \(type), e.g. \(examples[type] ?? "")") }
            }
        }
    }

    // MARK: The ledger every input starts from

    static func makeTemplate(at path: String, key: String, catalog: PolicyCatalog) async throws {
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("EventSchemas/examples/valid.jsonl").path
        let ledger = try await Ledger.create(LedgerConfiguration(databasePath: path, keyFile: key, policies: .catalog(catalog)))
        _ = try await ledger.append(Array(try JSONLinesReader(path: examples)))
        _ = try ledger.entitlements()
        _ = try ledger.findings()
    }

    /// The template with its NOT NULL constraints and append-only triggers removed, so that
    /// any column can hold anything.
    static func makeLoosened(from template: String, at path: String) throws {
        try FileManager.default.copyItem(atPath: template, toPath: path)
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in
            for name in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger'") {
                try db.execute(sql: "DROP TRIGGER \(name.quotedDatabaseIdentifier)")
            }
            try db.execute(sql: "PRAGMA writable_schema = ON")
            try db.execute(sql: "UPDATE sqlite_master SET sql = replace(sql, 'NOT NULL', '') WHERE type = 'table'")
            try db.execute(sql: "PRAGMA writable_schema = OFF")
            try db.execute(sql: "PRAGMA journal_mode = DELETE")
        }
    }

    static func tableColumns(_ path: String) throws -> [(table: String, columns: [String])] {
        try DatabaseQueue(path: path).read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
                .map { table in (table, try db.columns(in: table).map(\.name)) }
        }
    }

    // MARK: Damage

    static func damageBytes(_ bytes: [UInt8], into path: String, _ random: inout SplitMix64) throws {
        var bytes = bytes
        let pages = bytes.count / 4096
        let page = Int(random.next() % UInt64(pages))
        switch random.next() % 4 {
        case 0:
            bytes = Array(bytes.prefix(Int(random.next() % UInt64(bytes.count))))
        case 1:
            for i in page * 4096..<(page + 1) * 4096 { bytes[i] = 0 }
        default:
            for _ in 0..<(1 + random.next() % 16) {
                bytes[page * 4096 + Int(random.next() % 4096)] = UInt8(truncatingIfNeeded: random.next())
            }
        }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    static func damageValues(_ path: String, columns: [(table: String, columns: [String])], _ random: inout SplitMix64) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in
            for _ in 0..<(1 + random.next() % 3) {
                let (table, names) = columns[Int(random.next() % UInt64(columns.count))]
                let column = names[Int(random.next() % UInt64(names.count))]
                let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table.quotedDatabaseIdentifier)") ?? 0
                guard count > 0 else { continue }
                let offset = Int(random.next() % UInt64(count))
                let value = strangeValue(&random)
                let quoted = column.quotedDatabaseIdentifier
                // One row, by the value its column holds (every table can be addressed so,
                // WITHOUT ROWID ones included); rows sharing that value change together.
                try? db.execute(
                    sql: "UPDATE OR IGNORE \(table.quotedDatabaseIdentifier) SET \(quoted) = \(value) WHERE \(quoted) IS (SELECT \(quoted) FROM \(table.quotedDatabaseIdentifier) LIMIT 1 OFFSET \(offset))")
            }
        }
    }

    /// An SQL literal for a value no column of a ledger expects.
    static func strangeValue(_ random: inout SplitMix64) -> String {
        switch random.next() % 10 {
        case 0, 1: "NULL"
        case 2: "\(Int64(bitPattern: random.next()))"
        case 3: ["0", "-1", "1", "9223372036854775807", "-9223372036854775808"][Int(random.next() % 5)]
        case 4: "1.5e300"
        case 5: "''"
        case 6: "'\(["x", "2024-02-30", "0000", "null", "{}", "[]", "{\"a\":", "P0"][Int(random.next() % 8)])'"
        case 7: "CAST(X'\(hex(&random, count: Int(random.next() % 40)))' AS TEXT)"
        case 8: "X'\(hex(&random, count: Int(random.next() % 40)))'"
        default: "'\(String(repeating: "长", count: Int(random.next() % 5000)))'"
        }
    }

    static func hex(_ random: inout SplitMix64, count: Int) -> String {
        (0..<count).map { _ in String(format: "%02x", UInt8(truncatingIfNeeded: random.next())) }.joined()
    }

    // MARK: The commands

    static func runCommands(on path: String, key: String, catalog: PolicyCatalog) async -> [(String, Outcome)] {
        let configuration = LedgerConfiguration(databasePath: path, keyFile: key, policies: .catalog(catalog), clauses: .shapeOnly)
        let ledger: Ledger
        do {
            ledger = try await Ledger.open(configuration)
        } catch {
            return [("open", outcome(error))]
        }
        var results: [(String, Outcome)] = [("open", .answered)]
        func record(_ command: String, _ body: () async throws -> Void) async {
            do { try await body(); results.append((command, .answered)) } catch { results.append((command, outcome(error))) }
        }
        await record("verify") { _ = try await ledger.verify() }
        await record("events") { for try await _ in ledger.log.events(EventQuery()) {} }
        let standing = ledger.readingProjectionsAsTheyStand()
        await record("read projections") {
            _ = try standing.entitlements()
            _ = try standing.payouts()
            _ = try standing.funds()
            _ = try standing.findings()
            _ = try standing.performance()
        }
        await record("rebuild") { _ = try ledger.rebuild() }
        return results
    }

    /// The first message of each kind of unworded error.
    nonisolated(unsafe) static var examples: [String: String] = [:]

    static func outcome(_ error: any Error) -> Outcome {
        let error = LogError.translating(error)
        switch error {
        case is LogError, is LedgerError, is ProjectionError: return .refused(String(describing: type(of: error)))
        default:
            let type = String(describing: Swift.type(of: error))
            if examples[type] == nil { examples[type] = String(String(describing: error).prefix(240)) }
            return .unworded(type)
        }
    }
}
