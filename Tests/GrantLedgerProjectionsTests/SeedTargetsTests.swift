import Foundation
import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerPolicy
@testable import GrantLedgerProjections
import Testing

/// Tools/data/seed-targets.jsonl: the targets of JJ-2019-79 and XM-2025-189 as events (issue #5).
@Suite("Seed targets")
struct SeedTargetsTests {
    /// One seed target's data, read back from its line.
    struct Target {
        let eventID, streamID, occurredAt, targetID, clause, metric, scope, unit, periodStart, periodEnd: String
        let value: Int64
        let fund: Int64?

        init(_ line: String) throws {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let data = try #require(object["data"] as? [String: Any])
            eventID = try #require(object["eventId"] as? String)
            streamID = try #require(object["streamId"] as? String)
            occurredAt = try #require(object["occurredAt"] as? String)
            targetID = try #require(data["targetId"] as? String)
            clause = try #require(data["clause"] as? String)
            metric = try #require(data["metric"] as? String)
            scope = try #require(data["scope"] as? String)
            unit = try #require(data["unit"] as? String)
            periodStart = try #require(data["periodStart"] as? String)
            periodEnd = try #require(data["periodEnd"] as? String)
            value = try #require((data["value"] as? NSNumber)?.int64Value)
            fund = (data["fund"] as? NSNumber)?.int64Value
        }
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let lines: [String] = {
        let text = try! String(contentsOf: root.appendingPathComponent("Tools/data/seed-targets.jsonl"), encoding: .utf8)
        return text.split(separator: "\n").map(String.init)
    }()
    static let targets: [Target] = lines.map { try! Target($0) }

    static func sum(_ targets: some Sequence<Target>, where include: (Target) -> Bool) -> Int64 {
        targets.filter(include).reduce(0) { $0 + $1.value }
    }

    @Test("the file appends cleanly to a fresh ledger, and again appends nothing")
    func appends() async throws {
        let ledger = try await TestLedger()
        let first = try await ledger.append(Self.lines)
        #expect(first.appended == 117)
        #expect(first.firstPosition == 1)
        let again = try await ledger.append(Self.lines)
        #expect(again.appended == 0)
        #expect(again.duplicates == 117)
        #expect(try ledger.projections.reader().performance().count == 117)
    }

    @Test("117 targets: 42 town, 69 department-year, 3 Jinjiang city, 3 Xiamen city")
    func counts() {
        let targets = Self.targets
        #expect(targets.count == 117)
        #expect(targets.filter { $0.clause == "JJ-2019-79/annex1" && $0.scope == "town" }.count == 42)
        #expect(Set(targets.filter { $0.scope == "town" }.map(\.unit)).count == 21)
        #expect(targets.filter { $0.clause == "JJ-2019-79/annex2" && $0.scope == "department" }.count == 69)
        #expect(Set(targets.filter { $0.scope == "department" }.map(\.unit)).count == 23)
        #expect(targets.filter { $0.scope == "city" && $0.unit == "晋江市" }.map(\.targetID).sorted()
            == ["JJ-2019-79-A1-TOTAL", "JJ-2019-79-GOAL-SKILLED-SHARE", "JJ-2019-79-GOAL-TRAINING"])
        #expect(targets.filter { $0.scope == "city" && $0.unit == "厦门市" }.map(\.metric).sorted()
            == ["new-high-skill-talents", "new-skilled-talents", "training-person-times"])
        #expect(Set(targets.map(\.targetID)).count == 117)
    }

    @Test("the figures add up as the documents print them: 12,000 + 8,000 = 20,000; 4,900 and 490万元 a year; 18,000 kept beside 20,000")
    func sums() throws {
        let targets = Self.targets
        let towns = targets.filter { $0.scope == "town" }
        #expect(Self.sum(towns) { $0.periodStart == "2019-01-01" && $0.periodEnd == "2020-12-31" } == 12_000)
        #expect(Self.sum(towns) { $0.periodStart == "2021-01-01" && $0.periodEnd == "2021-12-31" } == 8_000)
        #expect(Self.sum(towns) { _ in true } == 20_000)
        #expect(towns.allSatisfy { $0.fund == nil })
        let byID = Dictionary(uniqueKeysWithValues: targets.map { ($0.targetID, $0) })
        #expect(byID["JJ-2019-79-A1-TOTAL"]?.value == 20_000)
        #expect(byID["JJ-2019-79-GOAL-TRAINING"]?.value == 18_000)
        #expect(byID["JJ-2019-79-GOAL-SKILLED-SHARE"].map { "\($0.metric) \($0.value)" } == "skilled-worker-share-percent 25")
        #expect(byID["JJ-2019-79-A1-09-2019-2020"].map { "\($0.unit) \($0.value)" } == "陈埭镇 1100")
        #expect(byID["JJ-2019-79-A1-13-2021"].map { "\($0.unit) \($0.value)" } == "池店镇 750")

        let departments = targets.filter { $0.scope == "department" }
        for year in 2019...2021 {
            let ofYear = departments.filter { $0.periodStart == "\(year)-01-01" && $0.periodEnd == "\(year)-12-31" }
            #expect(ofYear.count == 23)
            #expect(Self.sum(ofYear) { _ in true } == 4_900)
            // 490万元 = 4,900,000 yuan = 490,000,000 fen.
            #expect(ofYear.reduce(0) { $0 + ($1.fund ?? 0) } == 490 * 10_000 * 100)
        }
        // The example's figures for 人社局 (EventSchemas/examples/valid.jsonl): 500 a year, 50万元.
        #expect(byID["JJ-2019-79-A2-01-2020"].map { "\($0.unit) \($0.value) \($0.fund ?? 0)" } == "人社局 500 50000000")
        #expect(byID["XM-2025-189-GOAL-TRAINING"]?.value == 90_000)
        #expect(byID["XM-2025-189-GOAL-SKILLED"]?.value == 60_000)
        #expect(byID["XM-2025-189-GOAL-HIGH-SKILL"]?.value == 21_000)
    }

    @Test("each target is in its document's catalog: the clause, the unit among its divisions, set on its issue date, in its stream")
    func catalog() throws {
        let catalog = TestLedger.bundled
        for target in Self.targets {
            let document = try #require(catalog.document(clause: target.clause), "\(target.targetID): \(target.clause)")
            #expect(document.divisions.contains(target.unit), "\(target.targetID): \(target.unit) is not a division of \(document.id)")
            #expect(target.occurredAt == document.inForce.from.description, "\(target.targetID)")
            #expect(target.streamID == "target:" + target.targetID)
        }
    }

    @Test("each event id is the UUID version 5 of \"target.set:\" + its target id")
    func eventIDs() {
        // Python: uuid.uuid5(uuid.NAMESPACE_DNS, 'python.org'), the Python documentation's example.
        #expect(UUID5.make(namespace: "6ba7b810-9dad-11d1-80b4-00c04fd430c8", name: "python.org") == "886313e1-3b8a-5372-9b90-0c9aee199e5d")
        for target in Self.targets {
            #expect(target.eventID == UUID5.make(namespace: UUID5.grantLedger, name: "target.set:" + target.targetID), "\(target.targetID)")
        }
    }

    @Test("trainings in a town, a department and Xiamen count toward the seed targets of that unit, period and metric")
    func performance() async throws {
        let ledger = try await TestLedger()
        try await ledger.append(Self.lines)
        var story = Story(base: 7)
        let institution = "52350203MJ0000001R"
        func filed(_ id: String, jurisdiction: String, division: String, department: String? = nil, level: String, on day: String) {
            var data: [String: Any] = [
                "classId": id, "organiser": institution, "kind": department == nil ? "employment-skills" : "department", "occupation": "电工",
                "level": level, "classHours": 80, "offlineHours": 80, "projectBased": false, "jurisdiction": jurisdiction, "division": division,
                "startDate": day, "endDate": day,
            ]
            if let department { data["department"] = department }
            story.event("class.filed", stream: "class:\(id)", on: day, data)
        }
        func trained(_ id: String, person n: Int, on day: String, level: String) async {
            let trainee = Story.resident(n)
            story.event("training.enrolled", stream: "class:\(id)", on: day, ["classId": id, "trainee": trainee])
            story.event("training.completed", stream: "class:\(id)", on: day, ["classId": id, "trainee": trainee, "attendedHours": 80])
            story.event("certificate.issued", stream: "certificate:C-\(id)-\(n)", on: day, [
                "certificateNumber": "C-\(id)-\(n)", "classId": id, "holder": trainee, "issuer": "鉴定中心", "kind": "skill-level",
                "level": level, "occupation": "电工",
            ])
        }
        // Three trainees in 陈埭镇 in 2020, one in 2021; two in a class of 人社局 in 2021; two in 思明区 in 2025.
        filed("JJ-CD-2020", jurisdiction: "350582", division: "陈埭镇", level: "L4", on: "2020-06-01")
        for n in 1...3 { await trained("JJ-CD-2020", person: n, on: "2020-06-30", level: "L4") }
        filed("JJ-CD-2021", jurisdiction: "350582", division: "陈埭镇", level: "L4", on: "2021-03-01")
        await trained("JJ-CD-2021", person: 4, on: "2021-03-31", level: "L4")
        filed("JJ-RSJ-2021", jurisdiction: "350582", division: "人社局", department: "人社局", level: "L5", on: "2021-05-01")
        for n in 5...6 { await trained("JJ-RSJ-2021", person: n, on: "2021-05-31", level: "L5") }
        filed("XM-SM-2025", jurisdiction: "350200", division: "思明区", level: "L3", on: "2025-10-08")
        await trained("XM-SM-2025", person: 7, on: "2025-11-20", level: "L3")
        await trained("XM-SM-2025", person: 8, on: "2025-11-20", level: "L4")
        try await ledger.append(story.lines)

        let reader = try ledger.projections.reader()
        let achieved = Dictionary(uniqueKeysWithValues: try reader.performance().map { ($0.targetID, $0.achieved) })
        #expect(achieved["JJ-2019-79-A1-09-2019-2020"] == 3)        // 陈埭镇, 2019-2020
        #expect(achieved["JJ-2019-79-A1-09-2021"] == 1)             // 陈埭镇, 2021
        #expect(achieved["JJ-2019-79-A1-13-2021"] == 0)             // 池店镇: nothing there
        #expect(achieved["JJ-2019-79-A2-01-2021"] == 2)             // 人社局, 2021
        #expect(achieved["JJ-2019-79-A2-01-2020"] == 0)
        #expect(achieved["JJ-2019-79-A2-02-2021"] == 0)             // 商务局
        #expect(achieved["JJ-2019-79-GOAL-TRAINING"] == 6)          // the city's 18,000 and 20,000 count the same trainings
        #expect(achieved["JJ-2019-79-A1-TOTAL"] == 6)
        #expect(achieved["JJ-2019-79-GOAL-SKILLED-SHARE"] == .some(nil), "a share is reported, not counted")
        #expect(achieved["XM-2025-189-GOAL-TRAINING"] == 2)
        #expect(achieved["XM-2025-189-GOAL-SKILLED"] == 2)
        #expect(achieved["XM-2025-189-GOAL-HIGH-SKILL"] == 1)       // L3 and above
        #expect(try reader.performance(unit: "陈埭镇").map(\.targetID) == ["JJ-2019-79-A1-09-2019-2020", "JJ-2019-79-A1-09-2021"])
        #expect(try reader.countedEvents(target: "JJ-2019-79-A2-01-2021").map(\.type) == ["training.completed", "training.completed"])
    }

    @Test("Sources/grants/SeedTargets.swift bundles exactly the file's lines (grants-schemas --check says the same in CI)")
    func bundled() throws {
        let swift = try String(contentsOf: Self.root.appendingPathComponent("Sources/grants/SeedTargets.swift"), encoding: .utf8)
        let bundled = swift.split(separator: "\n").compactMap { line -> String? in
            let text = line.trimmingCharacters(in: .whitespaces)
            guard text.hasPrefix("#"), text.hasSuffix("#,") else { return nil }
            let hashes = text.prefix { $0 == "#" }.count
            return String(text.dropFirst(hashes + 1).dropLast(hashes + 2))
        }
        #expect(bundled == Self.lines)
    }
}

/// Name-based UUIDs, version 5 (RFC 9562 §5.5): SHA-1 of the namespace's 16 bytes and the name's
/// UTF-8, truncated to 16 bytes, with the version and variant bits set. Written out here so the
/// test checks the file's ids without the code that made them.
enum UUID5 {
    static let grantLedger = "c4cc2d81-6bb8-4996-8fc5-d8b19d485f62"

    static func make(namespace: String, name: String) -> String {
        let namespaceBytes = UUID(uuidString: namespace).map { uuid in withUnsafeBytes(of: uuid.uuid) { Array($0) } } ?? []
        var bytes = Array(sha1(namespaceBytes + Array(name.utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        let groups = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { range in
            String(hex[hex.index(hex.startIndex, offsetBy: range.lowerBound)..<hex.index(hex.startIndex, offsetBy: range.upperBound)])
        }
        return groups.joined(separator: "-")
    }

    /// FIPS 180-4 SHA-1.
    static func sha1(_ message: [UInt8]) -> [UInt8] {
        var h: [UInt32] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0]
        var padded = message + [0x80]
        while padded.count % 64 != 56 { padded.append(0) }
        let bits = UInt64(message.count) * 8
        padded += (0..<8).reversed().map { UInt8(truncatingIfNeeded: bits >> (UInt64($0) * 8)) }
        for chunk in stride(from: 0, to: padded.count, by: 64) {
            var w = (0..<16).map { i in
                (0..<4).reduce(UInt32(0)) { $0 << 8 | UInt32(padded[chunk + i * 4 + $1]) }
            }
            for i in 16..<80 {
                let x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]
                w.append(x << 1 | x >> 31)
            }
            var (a, b, c, d, e) = (h[0], h[1], h[2], h[3], h[4])
            for i in 0..<80 {
                let (f, k): (UInt32, UInt32) = switch i {
                case 0..<20: ((b & c) | (~b & d), 0x5A82_7999)
                case 20..<40: (b ^ c ^ d, 0x6ED9_EBA1)
                case 40..<60: ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC)
                default: (b ^ c ^ d, 0xCA62_C1D6)
                }
                let temp = (a << 5 | a >> 27) &+ f &+ e &+ k &+ w[i]
                (e, d, c, b, a) = (d, c, b << 30 | b >> 2, a, temp)
            }
            h = zip(h, [a, b, c, d, e]).map { $0 &+ $1 }
        }
        return h.flatMap { word in (0..<4).reversed().map { UInt8(truncatingIfNeeded: word >> (UInt32($0) * 8)) } }
    }
}
