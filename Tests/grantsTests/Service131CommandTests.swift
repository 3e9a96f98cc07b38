import Foundation
import Testing

/// `grants performance` and the "131" service (XM-2023-188/4), through the real binary.
@Suite("grants performance: the 131 service")
struct Service131CommandTests {
    /// Zhang (思明区) served in full; Li (思明区, a graduate) given guidance and one referral;
    /// a third person in 湖里区 given nothing; a 100% target for 思明区 in 2024.
    static let other = "330108199803040019"

    static func event(_ n: Int, _ type: String, stream: String, on day: String, _ data: String) -> String {
        #"{"eventId":"\#(Sample.eventID(2000 + n))","streamId":"\#(stream)","type":"\#(type)","schemaVersion":1,"occurredAt":"\#(day)","actor":"case-worker-7","source":"cli-tests","data":\#(data)}"#
    }

    static func lines() -> [String] {
        var lines: [String] = []
        func add(_ type: String, _ person: String, on day: String, _ data: String) {
            lines.append(event(lines.count + 1, type, stream: "person:\(person)", on: day, data))
        }
        for (person, place, group) in [(Sample.zhang, "思明区", "registered-unemployed"), (Sample.li, "350203", "graduate-within-two-years"),
                                       (other, "湖里区", "registered-unemployed")] {
            add("person.registered", person, on: "2024-01-02", #"{"person":"\#(person)","registeredIn":"\#(place)"}"#)
            add("person.group-joined", person, on: "2024-01-02", #"{"person":"\#(person)","group":"\#(group)","since":"2024-01-02"}"#)
        }
        func contact(_ person: String, _ service: String, on day: String) {
            add("job-service.contacted", person, on: day, #"{"person":"\#(person)","service":"\#(service)"}"#)
        }
        contact(Sample.zhang, "career-guidance", on: "2024-02-01")
        for day in ["2024-02-05", "2024-02-10", "2024-02-15"] { contact(Sample.zhang, "job-referral", on: day) }
        contact(Sample.zhang, "training-offer", on: "2024-03-01")
        contact(Sample.li, "career-guidance", on: "2024-02-01")
        contact(Sample.li, "job-referral", on: "2024-02-05")
        lines.append(event(100, "target.set", stream: "target:T-131-SM-2024", on: "2024-01-01",
            #"{"targetId":"T-131-SM-2024","clause":"XM-2023-188/4","metric":"service-131-completeness-percent","scope":"district","unit":"思明区","periodStart":"2024-01-01","periodEnd":"2024-12-31","value":100}"#))
        return lines
    }

    static func ledger() async throws -> LedgerDirectory {
        let directory = try await LedgerDirectory.initialised()
        try directory.write("131.jsonl", lines: lines())
        let result = try await directory.grants("append", "131.jsonl")
        guard result.status == 0 else { throw CLIFailure("append failed: \(result)") }
        return directory
    }

    @Test("the 131 target reports achieved and ratio from the count, and a 131 line per district and period follows the targets")
    func table() async throws {
        let directory = try await Self.ledger()
        let result = try await directory.grants("performance")
        #expect(result.status == 0, "\(result)")
        let lines = result.stdoutLines
        #expect(lines.contains { $0.wholeMatch(of: /T-131-SM-2024 +思明区 +service-131-completeness-percent +2024-01-01\.\.2024-12-31 +100 +50 \(1 of 2\) +50\.00%/) != nil }, "\(result)")
        #expect(!result.stdout.contains("not counted from events"))
        #expect(lines.contains { $0.wholeMatch(of: /UNIT +PERIOD +APPLICABLE +SERVED IN FULL +COMPLETENESS +TARGET +RATIO/) != nil }, "\(result)")
        #expect(lines.contains { $0.wholeMatch(of: /思明区 +2024-01-01\.\.2024-12-31 +2 +1 +50\.00% +T-131-SM-2024 \(100%\) +50\.00%/) != nil }, "\(result)")
        #expect(lines.contains { $0.wholeMatch(of: /湖里区 +2024-01-01\.\.2024-12-31 +1 +0 +0\.00% +– +–/) != nil }, "\(result)")
        #expect(lines.contains { $0.wholeMatch(of: /厦门市 +2024-01-01\.\.2024-12-31 +3 +1 +33\.33% +– +–/) != nil }, "\(result)")

        let only = try await directory.grants("performance", "--service-131", "--district", "湖里区", "--period", "2024")
        #expect(only.status == 0, "\(only)")
        #expect(!only.stdout.contains("T-131-SM-2024"))
        #expect(only.stdoutLines.filter { $0.hasPrefix("湖里区") || $0.hasPrefix("思明区") || $0.hasPrefix("厦门市") }.count == 1, "\(only)")
    }

    @Test("--json: the target with achieved, ratio and its counts; one service-131 record per district and period")
    func json() async throws {
        let directory = try await Self.ledger()
        let objects = try ProjectionCommandsTests.objects(try await directory.grants("performance", "--json"))
        let target = try #require(objects.first { $0["targetID"] as? String == "T-131-SM-2024" })
        #expect(target["achieved"] as? Int == 50 && target["ratioBasisPoints"] as? Int == 5000)
        #expect(target["applicable"] as? Int == 2 && target["completed"] as? Int == 1)
        let lines = objects.filter { $0["record"] as? String == "service-131" }
        #expect(lines.map { $0["unit"] as? String } == ["思明区", "湖里区", "厦门市"])
        let siming = try #require(lines.first)
        #expect(siming["applicable"] as? Int == 2 && siming["completed"] as? Int == 1 && siming["completenessBasisPoints"] as? Int == 5000)
        #expect(siming["periodStart"] as? String == "2024-01-01" && siming["target"] as? String == "T-131-SM-2024")
        #expect(lines.last?["completenessBasisPoints"] as? Int == 3333)
    }

    @Test("--missing lists who still misses which part, IDs masked; it needs --period")
    func missing() async throws {
        let directory = try await Self.ledger()
        let result = try await directory.grants("performance", "--service-131", "--district", "思明区", "--period", "2024", "--missing")
        #expect(result.status == 0, "\(result)")
        #expect(result.stdoutLines.first?.wholeMatch(of: /PERSON +DISTRICT +GROUPS +MISSING/) != nil, "\(result)")
        #expect(result.stdoutLines.contains { $0.wholeMatch(of: /350205\*{8}2013 +思明区 +graduate-within-two-years +referrals 1\/3, training-or-internship 0\/1/) != nil }, "\(result)")
        #expect(!result.stdout.contains("350203********123X"), "Zhang is served in full")
        #expect(result.stdoutLines.contains { $0.hasPrefix("1 person in 思明区 still missing a part") }, "\(result)")

        let everyone = try ProjectionCommandsTests.objects(try await directory.grants("performance", "--missing", "--period", "2024", "--json"))
        #expect(everyone.map { $0["shown"] as? String }.sorted { ($0 ?? "") < ($1 ?? "") } == ["330108********0019", "350205********2013"])
        let other = try #require(everyone.first { $0["shown"] as? String == "330108********0019" })
        #expect(other["missing"] as? [String] == ["guidance 0/1", "referrals 0/3", "training-or-internship 0/1"])
        #expect(other["unit"] as? String == "湖里区" && (other["person"] as? String)?.hasPrefix("P") == true)

        let usage = try await directory.grants("performance", "--missing")
        #expect(usage.status == 64 && usage.stderr.contains("give --period as well"), "\(usage)")
    }
}
