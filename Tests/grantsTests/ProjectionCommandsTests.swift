import Foundation
import Testing

/// The commands that read projections, run on the event catalog's examples
/// (EventSchemas/examples/valid.jsonl, 37 events).
@Suite("grants projection commands")
struct ProjectionCommandsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let examples = root.appendingPathComponent("EventSchemas/examples/valid.jsonl").path

    /// Ids of the examples' entitlements.
    static let certificate = "XM-2023-187/(一)-c#certificate:S3502002024000123"
    static let referral3 = "XM-2023-187/(九)-b#referral:00000000-0000-4000-8000-000000000016"
    static let referral6 = "XM-2023-187/(九)-c#referral:00000000-0000-4000-8000-000000000016"
    /// Chen, the worker trained and certified in the examples, and the referred worker.
    static let chen = "35020319900101123X"
    static let referred = "620102199507071233"

    /// Two targets of 思明区 (one counted from events, one not) and a payment to Li that no
    /// entitlement explains.
    static let extras = [
        Sample.event(1001, stream: "target:T-SM-2024", type: "target.set", data: #"{"targetId":"T-SM-2024","clause":"XM-2023-187/tranche","metric":"training-person-times","scope":"district","unit":"思明区","periodStart":"2024-01-01","periodEnd":"2024-12-31","value":3}"#),
        Sample.event(1002, stream: "target:T-SM-2024-SHARE", type: "target.set", data: #"{"targetId":"T-SM-2024-SHARE","clause":"XM-2023-187/tranche","metric":"skilled-worker-share-percent","scope":"district","unit":"思明区","periodStart":"2024-01-01","periodEnd":"2024-12-31","value":30}"#),
        Sample.paymentToWorker(1003, person: Sample.li),
    ]

    /// A ledger holding the examples (and the extras: positions 38-40).
    static func ledger(extras: Bool = false) async throws -> LedgerDirectory {
        let directory = try await LedgerDirectory.initialised()
        let result = try await directory.grants("append", examples)
        guard result.status == 0 else { throw CLIFailure("append failed: \(result)") }
        if extras {
            try directory.write("extras.jsonl", lines: Self.extras)
            let more = try await directory.grants("append", "extras.jsonl")
            guard more.status == 0 else { throw CLIFailure("append failed: \(more)") }
        }
        return directory
    }

    static func objects(_ result: ProcessResult) throws -> [[String: Any]] {
        try result.stdoutLines.map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw CLIFailure("not a JSON object: \(line)")
            }
            return object
        }
    }

    static func id(_ object: [String: Any]) -> String? { (object["entitlement"] as? [String: Any])?["id"] as? String }

    // MARK: append

    @Test("append catches the projections up and says where they are")
    func appendCatchesUp() async throws {
        let directory = try await LedgerDirectory.initialised()
        let first = try await directory.grants("append", Self.examples)
        #expect(first.status == 0, "\(first)")
        #expect(first.stdoutLines.suffix(2).first == "Appended 37 events at positions 1-37.")
        #expect(first.stdoutLines.last?.wholeMatch(of: /projections: built, at position 37 \(\d+ scopes evaluated\)/) != nil, "\(first)")

        try directory.write("extras.jsonl", lines: Self.extras)
        let second = try await directory.grants("append", "extras.jsonl", "--json")
        #expect(second.status == 0, "\(second)")
        let report = try #require(try Self.objects(second).first)
        #expect(report["appended"] as? Int == 3)
        let projections = try #require(report["projections"] as? [String: Any])
        #expect(projections["updated"] as? Bool == true)
        #expect(projections["position"] as? Int == 40)
        #expect(projections["eventsApplied"] as? Int == 3)

        let again = try await directory.grants("append", "extras.jsonl")
        #expect(again.stdoutLines.last == "projections: at position 40 (0 scopes re-evaluated)", "\(again)")
    }

    @Test("""
        when the policies do not load, an append is refused (its clause ids cannot be checked); with \
        --allow-unknown-clauses it stands, and says why the projections were not updated
        """)
    func appendWithBrokenPolicies() async throws {
        let directory = try await LedgerDirectory.initialised()
        let policies = directory.path("policies")
        try FileManager.default.createDirectory(atPath: policies, withIntermediateDirectories: true)
        try "rules: [\n".write(toFile: policies + "/broken.yaml", atomically: true, encoding: .utf8)
        let unchecked = try await directory.grants("append", Self.examples, "--policies", policies)
        #expect(unchecked.status == 1, "\(unchecked)")
        #expect(unchecked.stderr.contains("Clause ids are checked against the policy catalog, which did not load, so nothing was appended"),
                "\(unchecked)")
        #expect(try await directory.eventObjects().isEmpty)

        let result = try await directory.grants("append", Self.examples, "--policies", policies, "--allow-unknown-clauses")
        #expect(result.status == 0, "\(result)")
        #expect(result.stdoutLines.last?.hasPrefix("projections: not updated: the policy catalog has 1 error (see `grants policies check`)") == true,
                "\(result)")
        #expect(try await directory.eventObjects().count == 37)
        // The next command with a catalog that loads builds them.
        let listed = try await directory.grants("entitlements")
        #expect(listed.status == 0, "\(listed)")
        #expect(listed.stdoutLines.last?.wholeMatch(of: /as of \d{4}-\d\d-\d\d, position 37 \(live projections\)/) != nil, "\(listed)")
        let refused = try await directory.grants("entitlements", "--policies", policies)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("the policy catalog has 1 error"))
        #expect(refused.stderr.contains("pass --policies with a directory that loads"))
    }

    // MARK: entitlements

    @Test("entitlements: a table with ids, clauses, masked payees, statuses, amounts, and totals")
    func entitlementsTable() async throws {
        let directory = try await Self.ledger()
        let result = try await directory.grants("entitlements")
        #expect(result.status == 0, "\(result)")
        let lines = result.stdoutLines
        try #require(lines.count == 7, "\(result)")
        #expect(lines[0].wholeMatch(of: /ID +CLAUSE +PAYEE +STATUS +AMOUNT +PAID +OUTSTANDING +EXCESS/) != nil, "\(lines[0])")
        let certificate = try #require(lines.first { $0.hasPrefix(Self.certificate) })
        #expect(certificate.contains("XM-2023-187/(一)-c  350203********123X  eligible"))
        #expect(certificate.hasSuffix("¥1,500.00  ¥1,500.00        ¥0.00   ¥0.00"))
        let referral = try #require(lines.first { $0.hasPrefix(Self.referral3) })
        // Its months would come after XM-2023-187 ended (2024-12-31): forfeited (releasedAfterEnd).
        #expect(referral.contains("91350200MA31XM002D  excluded"))
        #expect(lines.contains { $0.hasPrefix("XM-2023-187/(一)-a#class:XM-2024-0012/P") && $0.contains("52350203MJ0000001R  excluded") })
        #expect(lines[5] == "4 entitlements: granted ¥1,500.00, paid ¥1,500.00, outstanding ¥0.00, excess ¥0.00")
        #expect(lines[6].wholeMatch(of: /as of \d{4}-\d\d-\d\d, position 37 \(live projections\)/) != nil, "\(lines[6])")
        // Columns line up: every row puts its status where the header does.
        let statusColumn = try #require(lines[0].range(of: "STATUS")).lowerBound.utf16Offset(in: lines[0])
        #expect(TextWidth.column(of: "eligible", in: certificate) == statusColumn)
    }

    @Test("entitlements --json: one object per entitlement, amounts in fen")
    func entitlementsJSON() async throws {
        let directory = try await Self.ledger()
        let objects = try Self.objects(try await directory.grants("entitlements", "--json"))
        #expect(objects.count == 4)
        let certificate = try #require(objects.first { Self.id($0) == Self.certificate })
        let record = try #require(certificate["entitlement"] as? [String: Any])
        #expect(record["clause"] as? String == "XM-2023-187/(一)-c")
        #expect(record["status"] as? String == "eligible")
        #expect(record["amount"] as? Int == 150_000)
        #expect(certificate["paid"] as? Int == 150_000)
        #expect(certificate["outstanding"] as? Int == 0)
        #expect(certificate["disbursements"] as? [String] == ["XMCZ-2024-001234"])
        #expect((record["payeeID"] as? String)?.wholeMatch(of: /P[0-9a-f]{24}/) != nil, "people are pseudonyms in JSON")
        #expect(Set(objects.compactMap { ($0["entitlement"] as? [String: Any])?["status"] as? String })
                == ["eligible", "excluded"])
    }

    @Test("entitlements filter by status, clause, payee and person")
    func entitlementsFilters() async throws {
        let directory = try await Self.ledger()
        func ids(_ arguments: String...) async throws -> [String] {
            let result = try await Grants.run(["entitlements", "--json", "--db", directory.db] + arguments, in: directory.url)
            #expect(result.status == 0, "\(result)")
            return try Self.objects(result).compactMap(Self.id)
        }
        #expect(try await ids("--status", "eligible") == [Self.certificate])
        #expect(try await ids("--status", "excluded").filter { $0.hasPrefix("XM-2023-187/(九)") } == [Self.referral3, Self.referral6])
        #expect(try await ids("--status", "awaiting-evidence").isEmpty)
        #expect(try await ids("--clause", "XM-2023-187/(九)-c") == [Self.referral6])
        #expect(try await ids("--payee", "91350200MA31XM002D") == [Self.referral3, Self.referral6])
        #expect(try await ids("--payee", Self.chen) == [Self.certificate])
        #expect(try await ids("--person", Self.referred) == [Self.referral3, Self.referral6])
        #expect(try await ids("--person", Self.chen).count == 2, "paid to Chen, or about Chen")
        #expect(try await ids("--person", Self.referred, "--position", "37") == [Self.referral3, Self.referral6])
        #expect(try await ids("--status", "capped").isEmpty)
        let none = try await directory.grants("entitlements", "--status", "capped")
        #expect(none.stdoutLines.first == "No entitlements match.")
    }

    // MARK: payouts

    @Test("payouts: each tranche with what is paid, when due, its state and what releases it")
    func payouts() async throws {
        let directory = try await Self.ledger()
        let result = try await directory.grants("payouts")
        #expect(result.status == 0, "\(result)")
        let lines = result.stdoutLines
        #expect(lines.first?.wholeMatch(of: /ENTITLEMENT +CLAUSE +PAYEE +TRANCHE +AMOUNT +PAID +DUE +STATE +RELEASED BY/) != nil)
        let whole = try #require(lines.first { $0.hasPrefix(Self.certificate) })
        #expect(whole.wholeMatch(of: /.*350203\*{8}123X +whole +¥1,500\.00 +¥1,500\.00 +2024-05-20 +paid +the entitlement itself \(XM-2023-187\/\(一\)-c\)/) != nil, "\(whole)")
        let waiting = try #require(lines.first { $0.hasPrefix(Self.referral3) })
        #expect(waiting.wholeMatch(of: /.*after 3 months +¥1,000\.00 +¥0\.00 +– +forfeited +3 consecutive months with the same employer/) != nil, "\(waiting)")
        #expect(lines.contains("3 tranches: ¥3,500.00, paid ¥1,500.00, unpaid ¥2,000.00"))

        let due = try await directory.grants("payouts", "--due-by", "2030-01-01")
        #expect(due.stdoutLines.first == "Nothing is due by 2030-01-01 and unpaid.")
        let json = try Self.objects(try await directory.grants("payouts", "--json", "--person", Self.referred))
        #expect(json.map { $0["label"] as? String } == ["after 3 months", "after 6 months"])
        #expect(json.allSatisfy { $0["amount"] as? Int == 100_000 && $0["state"] as? String == "forfeited" })
        let bad = try await directory.grants("payouts", "--due-by", "soon")
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--due-by soon: write a date as YYYY-MM-DD"))
    }

    // MARK: performance

    @Test("performance: targets with achieved and the ratio to two decimals; unit and period filters")
    func performance() async throws {
        let directory = try await Self.ledger(extras: true)
        let result = try await directory.grants("performance")
        #expect(result.status == 0, "\(result)")
        let lines = result.stdoutLines
        #expect(lines.first?.wholeMatch(of: /TARGET +UNIT +METRIC +PERIOD +TARGET VALUE +ACHIEVED +RATIO/) != nil)
        #expect(lines.contains { $0.wholeMatch(of: /JJ-2019-79-A2-RSJ-2020 +人社局 +training-person-times +2020-01-01\.\.2020-12-31 +500 +0 +0\.00%/) != nil }, "\(result)")
        #expect(lines.contains { $0.wholeMatch(of: /T-SM-2024 +思明区 +training-person-times +2024-01-01\.\.2024-12-31 +3 +1 +33\.33%/) != nil }, "\(result)")
        #expect(lines.contains { $0.wholeMatch(of: /T-SM-2024-SHARE +思明区 +skilled-worker-share-percent +.* +30 +not counted from events +–/) != nil }, "\(result)")
        #expect(lines.contains("3 targets"))

        func targets(_ arguments: String...) async throws -> [String] {
            let result = try await Grants.run(["performance", "--json", "--db", directory.db] + arguments, in: directory.url)
            #expect(result.status == 0, "\(result)")
            return try Self.objects(result).compactMap { $0["targetID"] as? String }
        }
        #expect(try await targets("--district", "人社局") == ["JJ-2019-79-A2-RSJ-2020"])
        #expect(try await targets("--district", "思明区", "--period", "2024").sorted() == ["T-SM-2024", "T-SM-2024-SHARE"])
        #expect(try await targets("--period", "2019-2020") == ["JJ-2019-79-A2-RSJ-2020"])
        #expect(try await targets("--period", "2020-12-31..2024-01-01").count == 3)
        #expect(try await targets("--period", "2021-01-01..2021-12-31").isEmpty)
        let json = try Self.objects(try await directory.grants("performance", "--json", "--target", "T-SM-2024"))
        #expect(json.first?["achieved"] as? Int == 1)
        #expect(json.first?["ratioBasisPoints"] as? Int == 3333)

        let counted = try await directory.grants("performance", "--target", "T-SM-2024", "--events")
        #expect(counted.status == 0, "\(counted)")
        #expect(counted.stdoutLines.contains { $0.wholeMatch(of: /\ +17 +00000000-0000-4000-8000-000000000017 +training\.completed +2024-04-26/) != nil }, "\(counted)")
        #expect(counted.stdoutLines.last?.hasPrefix("1 event counted toward T-SM-2024; as of ") == true)
    }

    @Test("performance: a bad --period or --events without --target is a usage error naming what to give",
          arguments: [["--period", "abc"], ["--period", "2027-2025"], ["--period", "2021-01-01..2021-13-01"], ["--events"]])
    func performanceUsage(arguments: [String]) async throws {
        let directory = try await LedgerDirectory.initialised()
        let result = try await Grants.run(["performance", "--db", directory.db] + arguments, in: directory.url)
        #expect(result.status == 64, "\(result)")
        if arguments[0] == "--period" {
            #expect(result.stderr.contains("--period \(arguments[1]): give a year (2025), years (2025-2027) or dates (2021-01-01..2021-12-31)"))
        } else {
            #expect(result.stderr.contains("give --target ID as well"))
        }
    }

    // MARK: funds, findings

    @Test("funds: allocation, available, disbursed and remaining")
    func funds() async throws {
        let directory = try await Self.ledger()
        let result = try await directory.grants("funds")
        #expect(result.status == 0, "\(result)")
        #expect(result.stdoutLines.first?.wholeMatch(of: /FUND +CLAUSE +RECIPIENT +TARGET +ALLOCATED +PRE-ALLOCATED +EARNED +FORFEITED +AVAILABLE +DISBURSED +REMAINING/) != nil)
        #expect(result.stdoutLines.contains { $0.wholeMatch(of: /XM-2023-187-F03-HJ +XM-2023-187\/\(三\) +火炬高新区管委会 +XM-2023-187-T03-HJ +¥14,000,000\.00 .* ¥0\.00 +¥14,000,000\.00/) != nil }, "\(result)")
        let json = try Self.objects(try await directory.grants("funds", "--json"))
        #expect(json.count == 1)
        #expect(json.first?["allocated"] as? Int == 1_400_000_000)
        #expect(json.first?["remaining"] as? Int == 1_400_000_000)
    }

    @Test("findings: a payment with no entitlement, a clawback of a payment the log lacks, and the clawbacks; exit 0")
    func findings() async throws {
        let directory = try await Self.ledger()
        let clean = try await directory.grants("findings")
        #expect(clean.status == 0, "\(clean)")
        // The examples' clawback recovers a payment that is not among them.
        #expect(clean.stdoutLines.contains { $0.wholeMatch(of: /\ +unknown-payment +XM-2023-187\/\(一\)-a +51350200MJ1000002T +– +¥32,000\.00 +– +XMCZ-2024-004512 +clawback XM-ZH-2025-0007 .*/) != nil }, "\(clean)")
        #expect(clean.stdoutLines.contains("  1 finding, ¥32,000.00 in all"))
        #expect(clean.stdoutLines.contains { $0.wholeMatch(of: /\ +XM-ZH-2025-0007 +2025-11-25 +XM-2023-187\/\(一\)-a +51350200MJ1000002T +¥32,000\.00 +¥20,000\.00 +¥12,000\.00 +XMCZ-2024-004512 +fraud/) != nil }, "\(clean)")

        try directory.write("extras.jsonl", lines: Self.extras)
        #expect(try await directory.grants("append", "extras.jsonl").status == 0)
        let result = try await directory.grants("findings")
        #expect(result.status == 0, "\(result)")
        #expect(result.stdoutLines.contains { $0.wholeMatch(of: /\ +no-entitlement +XM-2023-187\/\(一\)-a +350205\*{8}2013 +– +¥1,500\.00 +– +D1003 +no entitlement under .*/) != nil }, "\(result)")
        #expect(result.stdoutLines.contains("  2 findings, ¥33,500.00 in all"))
        let json = try Self.objects(try await directory.grants("findings", "--json"))
        #expect(json.map { $0["record"] as? String } == ["finding", "finding", "clawback"])
        #expect(json.map { $0["kind"] as? String } == ["no-entitlement", "unknown-payment", nil])
        #expect(json[0]["amount"] as? Int == 150_000)
        #expect(json[0]["disbursements"] as? [String] == ["D1003"])
        #expect(json[2]["outstanding"] as? Int == 1_200_000)
    }

    // MARK: timeline, explain

    @Test("timeline: a person's events in business-time order, then entitlements and payouts; --position shows fewer")
    func timeline() async throws {
        let directory = try await Self.ledger()
        let result = try await directory.grants("timeline", Self.chen)
        #expect(result.status == 0, "\(result)")
        let lines = result.stdoutLines
        #expect(lines.first?.wholeMatch(of: /Timeline of 350203\*{8}123X: as of \d{4}-\d\d-\d\d, position 37 \(live projections\)/) != nil, "\(result)")
        #expect(lines[1].wholeMatch(of: /DATE +RECORDED AT +# +TYPE +STREAM +DATA/) != nil)
        let dates = lines.compactMap { $0.firstMatch(of: /^(\d{4}-\d\d-\d\d)  \d{4}-/).map { String($0.1) } }
        #expect(dates.count == 11)
        #expect(dates == dates.sorted())
        #expect(lines[2].contains("person.registered") && lines[2].contains("person:350203********123X"))
        #expect(lines.contains("11 events"))
        #expect(lines.contains("Entitlements:") && lines.contains("Payouts:"))
        #expect(lines.contains { $0.hasPrefix("  " + Self.certificate) && $0.contains("eligible") })

        let earlier = try await directory.grants("timeline", Self.chen, "--position", "20")
        #expect(earlier.status == 0, "\(earlier)")
        #expect(earlier.stdoutLines.first?.hasSuffix("position 20 (snapshot for --position 20)") == true)
        #expect(earlier.stdoutLines.contains("6 events"))
        #expect(!earlier.stdout.contains(Self.certificate), "the certificate comes at position 22")

        let json = try Self.objects(try await directory.grants("timeline", Self.chen, "--position", "20", "--json"))
        let events = try #require(json.first?["events"] as? [[String: Any]])
        #expect(events.compactMap { $0["position"] as? Int } == [3, 15, 17, 18, 19, 20])
    }

    @Test("explain: clause, payee, status, tranches, facts, parameters, arithmetic, readings and payments")
    func explain() async throws {
        let directory = try await Self.ledger()
        let result = try await directory.grants("explain", Self.certificate)
        #expect(result.status == 0, "\(result)")
        let lines = result.stdoutLines
        #expect(lines.first == Self.certificate)
        #expect(lines.contains("  clause   XM-2023-187/(一)-c  Certificate subsidy for workers (vocational qualification or skill level)"))
        #expect(lines.contains("  payee    worker 350203********123X"))
        #expect(lines.contains("  status   eligible"))
        #expect(lines.contains("  amount   ¥1,500.00"))
        for section in ["Tranches:", "Facts:", "Parameters:", "Arithmetic:", "Readings:", "Payments:"] {
            #expect(lines.contains(section), "missing \(section)")
        }
        #expect(lines.contains { $0.wholeMatch(of: /\ \ 00000000-0000-4000-8000-000000000022 +certificate\.issued +2024-05-20 +certificate/) != nil })
        #expect(lines.contains("  - decision range: at least ¥500.00 and at most ¥3,000.00"))
        #expect(lines.contains { $0.hasPrefix("  - decided ¥1,500.00 by 厦门市人力资源和社会保障局") })
        #expect(lines.contains("  paid ¥1,500.00, outstanding ¥0.00, excess ¥0.00"))
        #expect(lines.contains("  disbursements: XMCZ-2024-001234"))

        let refused = try await directory.grants("explain", Self.referral3, "--as-of", "2024-12-31")
        #expect(refused.status == 0, "\(refused)")
        #expect(refused.stdoutLines.contains("  status   awaiting-evidence"))
        #expect(refused.stdoutLines.contains("Refusal:"))
        #expect(refused.stdoutLines.last?.hasPrefix("as of 2024-12-31, position 37 (snapshot for --as-of 2024-12-31)") == true)

        let json = try Self.objects(try await directory.grants("explain", Self.certificate, "--json"))
        #expect(json.count == 1)
        #expect(Self.id(json[0]) == Self.certificate)
        #expect((json[0]["schedule"] as? [[String: Any]])?.first?["state"] as? String == "paid")
    }

    @Test("explain of an unknown id is an error, exit 1, saying what an id looks like")
    func explainUnknown() async throws {
        let directory = try await Self.ledger()
        let result = try await directory.grants("explain", "nosuch")
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains(#"no entitlement "nosuch": ids look like CLAUSE#KEY (see the id column of `grants entitlements`)"#))
    }

    // MARK: rebuild, moments

    @Test("rebuild twice prints the same digests; a moment's digests differ and leave the live ones")
    func rebuild() async throws {
        let directory = try await Self.ledger()
        let first = try await directory.grants("rebuild")
        let second = try await directory.grants("rebuild")
        #expect(first.status == 0, "\(first)")
        #expect(second.status == 0, "\(second)")
        let digests = first.stdoutLines.dropLast()
        #expect(digests.map { String($0.prefix { $0 != " " }) } == ["entitlements", "payments", "performance", "funds"])
        #expect(digests.allSatisfy { $0.wholeMatch(of: /[a-z]+ +[0-9a-f]{64}/) != nil }, "\(first)")
        #expect(first.stdoutLines.last?.wholeMatch(of: /position 37, as of \d{4}-\d\d-\d\d, \d+ scopes evaluated/) != nil, "\(first)")
        #expect(digests == second.stdoutLines.dropLast())

        let snapshot = try await directory.grants("rebuild", "--position", "37")
        #expect(snapshot.status == 0, "\(snapshot)")
        #expect(snapshot.stdoutLines.dropLast() == digests, "the snapshot of the head is the live projections")
        let earlier = try await directory.grants("rebuild", "--position", "20", "--json")
        let objects = try Self.objects(earlier)
        #expect(objects.map { $0["projection"] as? String } == ["entitlements", "payments", "performance", "funds"])
        #expect(objects.allSatisfy { $0["position"] as? Int == 20 && $0["live"] as? Bool == false })
        let live = try Self.objects(try await directory.grants("rebuild", "--json"))
        #expect(objects.first?["digest"] as? String != live.first?["digest"] as? String)
        #expect(live.map { $0["digest"] as? String } == digests.map { String($0.split(separator: " ").last!) })
    }

    @Test("--known-at before anything was recorded sees no events")
    func knownAt() async throws {
        let directory = try await Self.ledger()
        let result = try await directory.grants("entitlements", "--known-at", "2020-01-01T00:00:00Z")
        #expect(result.status == 0, "\(result)")
        #expect(result.stdoutLines == [
            "No entitlements match.", "as of 2020-01-01, position 0 (snapshot for --known-at 2020-01-01T00:00:00.000Z)",
        ])
    }

    @Test("a bad moment is a usage error naming the option and what to give", arguments: [
        (["--as-of", "2024-13-01"], "--as-of 2024-13-01: write a date as YYYY-MM-DD"),
        (["--known-at", "yesterday"], "--known-at yesterday: write a UTC time as YYYY-MM-DDTHH:MM:SSZ"),
        (["--position", "-1"], "--position -1: give a log position, 0 or more"),
        (["--position", "abc"], "The value 'abc' is invalid for '--position <n>'"),
    ])
    func badMoment(arguments: [String], message: String) async throws {
        let directory = try await LedgerDirectory.initialised()
        for command in [["entitlements"], ["payouts"], ["performance"], ["funds"], ["findings"], ["rebuild"], ["timeline", Self.chen],
                        ["explain", "x"]] {
            let result = try await Grants.run(command + arguments + ["--db", directory.db], in: directory.url)
            #expect(result.status == 64, "\(command): \(result)")
            #expect(result.stderr.contains(message), "\(command): \(result)")
        }
    }

    @Test("a position past the head is an error naming the range to give")
    func positionPastHead() async throws {
        let directory = try await Self.ledger()
        let result = try await directory.grants("timeline", Self.chen, "--position", "99")
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("--position 99 is past the last event (37): give a position from 0 to 37"))
    }

    @Test("an organisation is not a person for --person")
    func personMustBeAPerson() async throws {
        let directory = try await Self.ledger()
        let result = try await directory.grants("entitlements", "--person", Sample.company)
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("--person \(Sample.company) is an organisation: give a person's resident ID or pseudonym"))
    }
}

/// Display columns, as a terminal counts them (CJK characters take two).
enum TextWidth {
    static func width(_ text: Substring) -> Int {
        text.unicodeScalars.reduce(0) { $0 + ((0x2E80...0x9FFF).contains($1.value) || (0xFF00...0xFF60).contains($1.value) ? 2 : 1) }
    }

    /// The display column where `needle` starts in `line`.
    static func column(of needle: String, in line: String) -> Int? {
        line.range(of: needle).map { width(line[..<$0.lowerBound]) }
    }
}
