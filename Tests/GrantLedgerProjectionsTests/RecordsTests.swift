import Foundation
@testable import GrantLedgerProjections
import Testing

/// The entitlement's detail JSON, written by hand, against Foundation's `JSONEncoder`: the
/// encoder the stored rows (and their digests) were first made with.
@Suite struct RecordsTests {
    /// RecordingOrderTests' seeded generator, so that a failure can be reproduced.
    typealias Random = RecordingOrderTests.Seeded

    /// Strings from every escaping case: control characters, quotes, backslashes, slashes,
    /// DEL, Chinese, emoji, and the line and paragraph separators.
    static let pieces: [String] = (0..<0x20).map { String(UnicodeScalar(UInt8($0))) } + [
        "\"", "\\", "/", "\u{7F}", "\u{2028}", "\u{2029}", "开班备案", "😀", "é", " ", "a", "Z", "0", "XM-2023-187/(一)-a", "{", "]", ":",
    ]

    static func string(_ random: inout Random) -> String {
        (0..<random.below(8)).map { _ in pieces[random.below(pieces.count)] }.joined()
    }

    static func record(_ random: inout Random) -> EntitlementRecord {
        func strings() -> [String] { (0..<random.below(4)).map { _ in string(&random) } }
        let facts = (0..<random.below(6)).map { _ in
            EntitlementRecord.CitationRecord(eventID: string(&random), type: string(&random), date: string(&random), role: string(&random))
        }
        let tranches = (0..<random.below(3)).map { _ in
            EntitlementRecord.TrancheRecord(label: string(&random), amount: Int64(bitPattern: random.next()) >> random.below(64),
                                            releasedBy: string(&random), dueDate: random.chance() ? string(&random) : nil, state: string(&random))
        }
        let refusal = random.chance() ? EntitlementRecord.RefusalRecord(clause: string(&random), reason: string(&random)) : nil
        return EntitlementRecord(
            id: "x", clause: "c", title: "t", payeeKind: "person", payeeID: "p", subject: nil, date: "2024-01-01", status: "eligible",
            amount: nil, rangeLow: nil, rangeHigh: nil, tranches: tranches,
            explanation: .init(facts: facts, parameters: strings(), arithmetic: strings(), readings: strings(), refusal: refusal))
    }

    @Test("the detail JSON is byte for byte what JSONEncoder with sorted keys and unescaped slashes writes, over 5,000 random records")
    func sameBytesAsFoundation() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var random = Random(state: 20_261_206)
        for _ in 0..<5_000 {
            let record = Self.record(&random)
            let reference = String(decoding: try encoder.encode(EntitlementRecord.Detail(tranches: record.tranches, explanation: record.explanation)),
                                   as: UTF8.self)
            #expect(record.detailJSON() == reference)
            guard record.detailJSON() == reference else { return }
        }
    }

    @Test("the detail JSON reads back as the record's tranches and explanation")
    func readsBack() throws {
        var random = Random(state: 7)
        for _ in 0..<500 {
            let record = Self.record(&random)
            let detail = try JSONDecoder().decode(EntitlementRecord.Detail.self, from: Data(record.detailJSON().utf8))
            #expect(detail.tranches == record.tranches)
            #expect(detail.explanation == record.explanation)
        }
    }
}

private extension RecordingOrderTests.Seeded {
    mutating func below(_ n: Int) -> Int { Int.random(in: 0..<n, using: &self) }
    mutating func chance() -> Bool { Bool.random(using: &self) }
}
