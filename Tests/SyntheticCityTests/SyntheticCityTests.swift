import Dispatch
import GrantLedgerEvents
import SyntheticCity
import Testing

/// One event of the shared city, parsed and validated as the log validates it.
struct Line {
    let position: Int
    let bytes: [UInt8]
    let event: EventSubmission

    var type: String { event.type }
    var data: JSONObject { event.data }
    func string(_ key: String) -> String? { event.data[key]?.stringValue }
    func integer(_ key: String) -> Int64? { event.data[key]?.integerValue }
    func bool(_ key: String) -> Bool? { event.data[key]?.boolValue }
}

/// A city of 1,500 people over the default 26 months, generated and checked once for every
/// test here: every line is parsed and validated as the log validates it (`EventSubmission.parse`
/// against the standard catalog) and re-encoded canonically.
enum Shared {
    static let people = 1_500
    static let city = SyntheticCity(seed: 7, people: people)
    static let bytes: [[UInt8]] = Array(city)
    static let checked = check(bytes)
    static var lines: [Line] { checked.lines }
    /// What is wrong with a line, by line number: nothing, if the city is right.
    static var problems: [Int: String] { checked.problems }

    /// Checks the lines in four parts at once (the work of the tests is mostly here).
    static func check(_ bytes: [[UInt8]]) -> (lines: [Line], problems: [Int: String]) {
        let parts = 4, size = (bytes.count + parts - 1) / parts
        let results = UnsafeMutableBufferPointer<(lines: [Line], problems: [Int: String])>.allocate(capacity: parts)
        results.initialize(repeating: ([], [:]))
        defer { results.deinitialize().deallocate() }
        nonisolated(unsafe) let slots = results  // each part writes its own slot
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            slots[part] = check(bytes, Swift.min(bytes.count, part * size)..<Swift.min(bytes.count, (part + 1) * size))
        }
        return (results.flatMap(\.lines), results.reduce(into: [:]) { $0.merge($1.problems) { a, _ in a } })
    }

    static func check(_ bytes: [[UInt8]], _ range: Range<Int>) -> (lines: [Line], problems: [Int: String]) {
        var lines: [Line] = [], problems: [Int: String] = [:]
        for position in range {
            let value: JSONValue
            do { value = try JSONParser.parse(bytes[position]) } catch {
                problems[position + 1] = "\(error)"
                continue
            }
            if CanonicalJSON.encode(value) != bytes[position] { problems[position + 1] = "not canonical JSON" }
            switch EventSubmission.parse(value, catalog: .standard) {
            case .success(let event): lines.append(Line(position: position, bytes: bytes[position], event: event))
            case .failure(let invalid): problems[position + 1] = "\(invalid)"
            }
        }
        return (lines, problems)
    }

    static func of(_ type: String) -> [Line] { lines.filter { $0.type == type } }
}

@Suite struct SyntheticCityTests {
    // MARK: Determinism

    @Test func theSameSeedGivesTheSameBytesAndAnotherSeedOthers() {
        let a = Array(SyntheticCity(seed: 11, people: 150))
        let b = Array(SyntheticCity(seed: 11, people: 150))
        let c = Array(SyntheticCity(seed: 12, people: 150))
        #expect(a.count > 2_000)
        #expect(a == b)
        #expect(a != c)
        // Event ids too: the same seed, the same ids; another seed, other ids.
        let others = Set(c)
        #expect(a.filter(others.contains).count < a.count / 10)
        // The shared city, generated again, starts with the same lines.
        #expect(Array(Shared.city.prefix(1_000)) == Array(Shared.bytes.prefix(1_000)))
        // More months change the stories, not who the people are.
        #expect(SyntheticCity(seed: 11, people: 150, months: 12).resident(5) == SyntheticCity(seed: 11, people: 150).resident(5))
        #expect(Array(SyntheticCity(seed: 11, people: 150, months: 12)) != a)
    }

    // MARK: Every line is accepted

    @Test func everyLineIsAValidCanonicalSubmissionWithItsOwnEventID() throws {
        #expect(Shared.lines.count > 25_000)
        #expect(Shared.lines.count == Shared.bytes.count)
        #expect(Shared.problems.isEmpty, "\(Shared.problems.sorted { $0.key < $1.key }.prefix(5))")
        var ids: Set<String> = []
        let repeated = Shared.lines.filter { !ids.insert($0.event.eventID).inserted }
        #expect(repeated.isEmpty, "event ids repeated on lines \(repeated.prefix(5).map { $0.position + 1 })")
        // Money is integer fen (the catalog says so); no amount is zero.
        let amounts = Shared.lines.compactMap { $0.integer("amount") }
        #expect(!amounts.isEmpty && amounts.allSatisfy { $0 > 0 })
    }

    @Test func theSequenceEndsAndKnowsItsPeople() throws {
        let small = SyntheticCity(seed: 7, people: 120)
        var generator = small.makeIterator()
        var count = 0
        while generator.next() != nil { count += 1 }
        #expect(count > 1_000 && count == Array(small).count && generator.linesSent == count && generator.peopleStarted == 120)
        let registered = Set(Shared.of("person.registered").compactMap { $0.string("person") })
        #expect(registered.count == Shared.people)
        let residents = (0..<Shared.people).map(Shared.city.resident)
        #expect(Set(residents.map(\.residentID)) == registered)
        #expect(residents.allSatisfy { ResidentID.isValid($0.residentID) && !$0.name.isEmpty })
        let named = Dictionary(Shared.of("person.registered").compactMap { line in line.string("name").map { (line.string("person")!, $0) } },
                               uniquingKeysWith: { a, _ in a })
        #expect(residents.allSatisfy { named[$0.residentID] == $0.name })
    }

    @Test func smallAndEndlessCities() {
        // No people: the targets and funds alone.
        let empty = Array(SyntheticCity(seed: 1, people: 0).lines)
        #expect(!empty.isEmpty && empty.allSatisfy { $0.contains(#""type":"target.set""#) || $0.contains(#""type":"fund.allocated""#) })
        // Ten people live in all three places.
        let ten = SyntheticCity(seed: 1, people: 10)
        #expect(Set((0..<10).map { ten.resident($0).place }) == Set(SyntheticCity.Place.allCases))
        let tenLines = Array(ten.lines)
        for code in ["350200", "350582", "330108"] { #expect(tenLines.contains { $0.contains(#""jurisdiction":"\#(code)""#) }) }
        // Without a number of people the city goes on.
        #expect(Array(SyntheticCity(seed: 1).prefix(5_000)).count == 5_000)
    }

    // MARK: Places and time

    @Test func threePlacesInTheirSharesAndWindows() throws {
        var people: [SyntheticCity.Place: Int] = [:]
        for index in 0..<Shared.people { people[Shared.city.resident(index).place, default: 0] += 1 }
        #expect(people == [.xiamen: 750, .jinjiang: 450, .binjiang: 300])
        let insured = Dictionary(grouping: Shared.of("employment.month-recorded"), by: { $0.string("insuredIn")! })
        #expect(Set(insured.keys) == ["350200", "350582", "330108"])
        for place in SyntheticCity.Place.allCases {
            let window = Shared.city.window(of: place)
            #expect(insured[place.code]!.allSatisfy { window.contains($0.event.occurredAt) }, "\(place)")
        }
        #expect(Shared.city.window(of: .xiamen) == LocalDate("2023-09-01")!...LocalDate("2025-10-31")!)
        let short = SyntheticCity(seed: 3, people: 300, months: 6)
        let last = short.window(of: .binjiang).upperBound
        #expect(last == LocalDate("2023-08-31")!)
        let dates: [LocalDate] = Array(short).compactMap { bytes in
            guard let event = (try? JSONParser.parse(bytes))?.objectValue, event["data"]?.objectValue?["insuredIn"] == "330108" else { return nil }
            return event["occurredAt"]?.stringValue.flatMap(LocalDate.init)
        }
        let latest = dates.max()
        #expect(latest != nil && latest! <= last)
    }

    @Test func keyGroupsAndCertificateLevels() {
        let groups = Dictionary(grouping: Shared.of("person.group-joined"), by: { $0.string("group")! }).mapValues(\.count)
        for group in ["migrant-worker", "registered-unemployed", "employment-difficulty", "graduate-within-two-years", "veteran",
                      "poverty-household", "poverty-relieved", "zero-employment-family", "paired-region-origin", "local-hukou",
                      "local-hukou-student", "flexible-worker"] {
            #expect(groups[group, default: 0] > 0, "\(group)")
        }
        #expect(groups["migrant-worker"]! > groups["veteran"]!)
        let levels = Dictionary(grouping: Shared.of("certificate.issued").compactMap { $0.string("level") }, by: { $0 }).mapValues(\.count)
        // L1 (高级技师) is rare: one certificate in fifty or so.
        #expect(Set(levels.keys).isSuperset(of: ["L2", "L3", "L4", "L5"]))
        #expect(levels["L4"]! > levels["L3"]! && levels["L3"]! > levels["L2"]! && levels["L2"]! > levels["L1", default: 0])
        let kinds = Set(Shared.of("certificate.issued").compactMap { $0.string("kind") })
        #expect(kinds.isSuperset(of: ["skill-level", "training-pass", "special-operation", "special-ability", "enterprise-assessment", "vocational-qualification"]))
        #expect(Shared.of("class.filed").count == 3 * 25)  // one block of classes in each place
    }

    // MARK: Employment

    @Test func jobChangesWithAndWithoutGaps() throws {
        var spells: [String: [(start: YearMonth, end: YearMonth?)]] = [:]
        var ends: [String: YearMonth] = [:]
        for line in Shared.of("employment.ended") { ends[line.event.streamID] = line.event.occurredAt.yearMonth }
        for line in Shared.of("employment.started") {
            spells[line.string("employee")!, default: []].append((line.event.occurredAt.yearMonth, ends[line.event.streamID]))
        }
        let changers = spells.values.filter { $0.count > 1 }
        #expect(changers.count * 5 > spells.count)  // more than one in five changes jobs
        let gaps = changers.flatMap { spells in
            zip(spells, spells.dropFirst()).compactMap { previous, next in previous.end.map { next.start.ordinal - $0.ordinal - 1 } }
        }
        #expect(gaps.contains(0) && gaps.contains { $0 >= 1 } && gaps.contains { $0 >= 3 })
        #expect(gaps.allSatisfy { $0 >= 0 })
        // After a long gap some register as unemployed again.
        let registrations = Dictionary(grouping: Shared.of("person.registered"), by: { $0.string("person")! })
        #expect(registrations.values.contains { $0.count > 1 && $0.last!.string("registrationKind") == "unemployment" })
    }

    @Test func referralsSomeLastingSixMonthsSomeLeavingEarlier() throws {
        let referrals = Shared.of("referral.made")
        #expect(referrals.count > 30)
        var started: [String: LocalDate] = [:], ended: [String: LocalDate] = [:]
        for line in Shared.of("employment.started") { started[line.string("employee")! + line.string("employer")!] = line.event.occurredAt }
        for line in Shared.of("employment.ended") { ended[line.string("employee")! + line.string("employer")!] = line.event.occurredAt }
        var early = 0, lasting = 0
        for referral in referrals {
            let key = referral.string("worker")! + referral.string("employer")!
            let start = try #require(started[key])
            #expect(referral.event.occurredAt <= start)
            if let end = ended[key], end.yearMonth.ordinal - start.yearMonth.ordinal + 1 < 6 { early += 1 } else { lasting += 1 }
        }
        #expect(early > 3 && lasting > 3)
        let rewards = Dictionary(grouping: Shared.of("disbursement.made"), by: { $0.string("clause")! })
        #expect(rewards["XM-2023-187/(九)-b", default: []].count > rewards["XM-2023-187/(九)-c", default: []].count)
        #expect(!rewards["XM-2023-187/(九)-c", default: []].isEmpty)
        #expect(Shared.lines.contains { $0.type == "organisation.rated" && $0.string("rating") == "labour-cooperation-agency" })
    }

    // MARK: Applications, decisions, payments

    @Test func applicationsAreDecidedWithinTheirRangesApprovedRejectedAndPaid() throws {
        var submitted: [String: Line] = [:], approved: Set<String> = []
        for line in Shared.lines {
            guard let application = line.string("applicationId") else { continue }
            switch line.type {
            case "application.submitted": submitted[application] = line
            case "amount.decided", "application.approved", "application.rejected":
                #expect(submitted[application] != nil, "\(line.type) before its application")
                if line.type == "application.approved" { approved.insert(application) }
            case "disbursement.made": #expect(approved.contains(application), "paid before approval: \(application)")
            default: break
            }
        }
        let ranges: [String: ClosedRange<Int64>] = [
            "XM-2023-187/(一)-c": 50_000...300_000, "XM-2023-187/(二)-a": 400_000...600_000, "BJ-2023/(七)": 1...60_000,
        ]
        let decisions = Shared.of("amount.decided")
        #expect(decisions.count > 20)
        for decision in decisions {
            let range = try #require(ranges[decision.string("clause")!])
            #expect(range.contains(decision.integer("amount")!))
        }
        #expect(Set(decisions.map { $0.string("clause")! }).isSuperset(of: ["XM-2023-187/(一)-c", "BJ-2023/(七)"]))
        #expect(!Shared.of("application.rejected").isEmpty)
        #expect(Shared.of("application.approved").count > 5 * Shared.of("application.rejected").count / 2)
        let paid = Set(Shared.of("disbursement.made").map { $0.string("clause")! })
        for clause in ["XM-2023-187/(一)-a", "XM-2023-187/(一)-c", "XM-2023-187/(三)", "XM-2023-187/(六)-d", "JJ-2019-79/6.1",
                       "JJ-2019-79/6.2-b", "JJ-2019-79/6.7", "BJ-2023/(九)", "BJ-2023/(六)", "BJ-2023/(五)-b"] {
            #expect(paid.contains(clause), "\(clause)")
        }
    }

    @Test func aFewRevocationsWithClawbacksAndRecoveries() throws {
        var certificates: Set<String> = [], payments: [String: Int64] = [:], ordered: [String: Int64] = [:], recovered: [String: Int64] = [:]
        for line in Shared.lines {
            switch line.type {
            case "certificate.issued": certificates.insert(line.string("certificateNumber")!)
            case "certificate.revoked": #expect(certificates.contains(line.string("certificateNumber")!))
            case "disbursement.made": payments[line.string("disbursementId")!] = line.integer("amount")!
            case "clawback.ordered":
                let payment = try #require(payments[line.string("disbursementId")!])
                #expect(line.integer("amount")! <= payment)
                ordered[line.string("clawbackId")!] = line.integer("amount")!
            case "clawback.recovered": recovered[line.string("clawbackId")!, default: 0] += line.integer("amount")!
            default: break
            }
        }
        let revoked = Shared.of("certificate.revoked").count
        #expect(revoked > 2 && revoked * 25 < certificates.count)  // a few: under 4% of certificates
        #expect(Shared.of("clawback.ordered").contains { $0.string("reason") == "certificate-revoked" })
        #expect(!recovered.isEmpty && recovered.count < ordered.count)  // some not recovered yet
        #expect(recovered.allSatisfy { $0.value <= ordered[$0.key]! })
        #expect(Shared.of("disbursement.reversed").count >= 1)
    }

    @Test func lateCorrectionsRecordedLongAfterTheirBusinessDate() throws {
        var months: [String: Line] = [:]
        var lastOfStream: [String: Line] = [:]
        var corrections: [(original: Line, correction: Line, lastBefore: Line)] = []
        for line in Shared.of("employment.month-recorded") {
            let key = line.event.streamID + "|" + line.string("month")!
            if let original = months[key] {
                corrections.append((original, line, lastOfStream[line.event.streamID]!))
            }
            months[key] = line
            lastOfStream[line.event.streamID] = line
        }
        #expect(corrections.count > 10)
        for (original, correction, lastBefore) in corrections {
            #expect(original.bool("socialInsurancePaid") == true && correction.bool("socialInsurancePaid") == false)
            #expect(correction.event.occurredAt == original.event.occurredAt)
            // Sent after every other event of its job.
            #expect(correction.position > lastBefore.position)
        }
        // Most are sent more than a thousand lines after the month they correct.
        #expect(corrections.filter { $0.correction.position - $0.original.position > 1_000 }.count * 2 > corrections.count)
        // Most correct a month long past when they are recorded: months of the same job were recorded after it.
        #expect(corrections.filter { $0.lastBefore.event.occurredAt.yearMonth.ordinal - $0.correction.event.occurredAt.yearMonth.ordinal >= 3 }.count * 2
                > corrections.count)
        // Some referral rewards paid on a corrected month are ordered back, also late.
        #expect(Shared.of("clawback.ordered").contains { $0.string("reason") == "ineligible" })
    }

    // MARK: Binjiang

    @Test func binjiangsEventsAndPayments() throws {
        #expect(Shared.of("mentor.session-held").count > 3)
        #expect(Shared.of("student-service.delivered").count > 5)
        let awards = Set(Shared.of("award.granted").map { $0.string("award")! })
        #expect(awards.contains("mentor-award") || awards.contains("skills-contest"))
        let ratings = Set(Shared.of("organisation.rated").map { $0.string("rating")! })
        #expect(ratings.isSuperset(of: ["self-training-certified-enterprise", "filed-training-institution", "master-studio", "brand-pilot-enterprise"]))
        let paid = Set(Shared.of("disbursement.made").map { $0.string("clause")! })
        #expect(paid.isSuperset(of: ["BJ-2023/(五)-b", "BJ-2023/(六)", "BJ-2023/(七)", "BJ-2023/(九)", "BJ-2023/(十)-b", "BJ-2023/(十一)"]))
        let stable = Shared.of("application.submitted").filter { $0.string("clause") == "BJ-2023/(四)-a" }
        #expect(stable.count == 2)  // one Binjiang block, two years ended in the window
        let service = Shared.of("certificate.issued").filter { ["职业指导师", "企业人力资源管理师", "劳动关系协调员", "劳动保障协理员", "创业指导师"].contains($0.string("occupation")!) }
        #expect(!service.isEmpty)
        #expect(Shared.of("class.filed").contains { $0.string("kind") == "student-service" && $0.string("jurisdiction") == "330108" })
    }
}
