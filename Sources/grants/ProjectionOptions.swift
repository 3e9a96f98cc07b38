import ArgumentParser
import Foundation
import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerPolicy
import GrantLedgerProjections
import GrantLedgerService

/// `--as-of`, `--known-at` and `--position`: which state of the world a projection command
/// answers for. Shared by every command that reads projections.
struct MomentOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Judge on this business date (YYYY-MM-DD), on the facts dated up to it.", valueName: "date"))
    var asOf: String?

    @Option(name: .long, help: ArgumentHelp(
        "Use only what the log had recorded by this UTC time (YYYY-MM-DDTHH:MM:SSZ, or a date for its midnight UTC).",
        valueName: "time"))
    var knownAt: String?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(
        "Use only the events up to this log position (0 for none).", valueName: "n"))
    var position: Int64?

    /// The moment's own checks, worded with the option that failed them.
    func validate() throws {
        do {
            _ = try Moment.parse(asOf: asOf, knownAt: knownAt, position: position)
        } catch .badMoment(.asOf(let asOf)) {
            throw ValidationError("--as-of \(asOf): write a date as YYYY-MM-DD, e.g. 2024-12-31")
        } catch .badMoment(.knownAt(let knownAt)) {
            throw ValidationError(
                "--known-at \(knownAt): write a UTC time as YYYY-MM-DDTHH:MM:SSZ (e.g. 2024-09-30T08:00:00Z, milliseconds optional) or a date as YYYY-MM-DD")
        } catch .badMoment(.position(let position)) {
            throw ValidationError("--position \(position): give a log position, 0 or more (see `grants events`)")
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// The moment, once ``validate()`` has passed.
    var moment: Moment {
        Moment(asOf: asOf.flatMap(LocalDate.init), knownAt: knownAt.flatMap(Timestamp.init), position: position)
    }
}

/// A problem found while running, printed as `Error: …` with exit status 1.
struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The policy catalog did not load: say so, and how to find out why.
struct PolicyLoadFailure: Error, CustomStringConvertible {
    let error: PolicyCatalogError
    var description: String {
        "\(error)\nThe projections are evaluated with the policy catalog: fix it (see `grants policies check`) or pass --policies with a directory that loads."
    }
}

/// How people, amounts and the moment are shown in the projection commands' tables.
struct ProjectionDisplay {
    let ledger: Ledger
    /// Masked resident IDs already looked up, by pseudonym.
    private var masks: [String: String] = [:]

    init(ledger: Ledger) { self.ledger = ledger }

    /// A person as `350203********123X` (or their pseudonym once their personal data is
    /// erased); anyone else as their key.
    mutating func party(_ key: String) -> String {
        guard Pseudonym.isPseudonym(key) else { return key }
        if let known = masks[key] { return known }
        let shown = (try? ledger.maskedID(pseudonym: key)) ?? nil ?? key
        masks[key] = shown
        return shown
    }

    /// Every pseudonym inside `text` replaced by the person's masked ID.
    mutating func masking(_ text: String) -> String {
        guard text.contains("P") else { return text }
        var out = ""
        var rest = Substring(text)
        while let match = rest.firstMatch(of: /P[0-9a-f]{24}/) {
            out += rest[..<match.range.lowerBound]
            out += party(String(match.output))
            rest = rest[match.range.upperBound...]
        }
        return out + rest
    }

    static func fen(_ value: Int64) -> String { Fen(value).description }
    static func fen(_ value: Int64?) -> String { value.map { Fen($0).description } ?? "–" }

    /// `as of 2024-10-31, position 37 (live projections)`.
    static func moment<Value>(_ answer: Answer<Value>) -> String {
        let moment = answer.moment
        var line = "as of \(answer.asOf?.description ?? "(no events)"), position \(answer.position)"
        if moment.isNow {
            line += " (live projections)"
        } else {
            var given: [String] = []
            if let asOf = moment.asOf { given.append("--as-of \(asOf)") }
            if let knownAt = moment.knownAt { given.append("--known-at \(knownAt)") }
            if let position = moment.position { given.append("--position \(position)") }
            line += " (snapshot for \(given.joined(separator: " ")))"
        }
        return line
    }
}

/// Plain text tables: columns padded to the widest cell (CJK characters count double, as a
/// terminal shows them), amounts aligned right.
struct TextTable {
    enum Alignment { case left, right }
    let headers: [String]
    let alignments: [Alignment]
    var rows: [[String]] = []

    init(_ columns: [(String, Alignment)]) {
        headers = columns.map(\.0)
        alignments = columns.map(\.1)
    }

    mutating func append(_ row: [String]) { rows.append(row) }

    var lines: [String] {
        let all = [headers] + rows
        let widths = headers.indices.map { column in all.map { Self.width(of: $0[column]) }.max() ?? 0 }
        return all.map { row in
            var line = ""
            for (column, cell) in row.enumerated() {
                let pad = String(repeating: " ", count: widths[column] - Self.width(of: cell))
                if column > 0 { line += "  " }
                line += alignments[column] == .right ? pad + cell : cell + (column == row.count - 1 ? "" : pad)
            }
            return line
        }
    }

    func print() { for line in lines { Swift.print(line) } }

    /// Display width: East Asian wide and full-width characters take two columns.
    static func width(of text: String) -> Int {
        text.unicodeScalars.reduce(0) { width, scalar in
            switch scalar.value {
            case 0x0300...0x036F, 0x200B...0x200F: width
            case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
                 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD: width + 2
            default: width + 1
            }
        }
    }
}

/// One JSON object per line, keys sorted, for `--json`.
enum JSONLines {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func line(_ value: some Encodable) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func print(_ value: some Encodable) throws { Swift.print(try line(value)) }
}

/// An object with one more member, `record`, naming what it is (in output mixing kinds).
struct Tagged<Value: Encodable>: Encodable {
    let record: String
    let value: Value

    private enum Key: String, CodingKey { case record }

    func encode(to encoder: any Encoder) throws {
        try value.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(record, forKey: .record)
    }
}
