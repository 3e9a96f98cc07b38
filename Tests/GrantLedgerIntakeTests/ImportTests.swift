import Foundation
import GrantLedgerEvents
@testable import GrantLedgerIntake
import GrantLedgerLog
import GrantLedgerPolicy
import Testing

/// The repository's root, for the shipped mappings and their samples.
let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func shipped(_ name: String) -> String { repository.appendingPathComponent("Tools/mappings/\(name)").path }

/// A ledger file and a scratch directory for error files.
struct ImportLedger {
    let directory: URL
    let log: EventLog
    static let key = try! Pseudonymizer(key: Array(0..<32))
    /// The catalog `grants import` checks clause ids against.
    static let policies = try! PolicyCatalog.bundled()

    init() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("intake-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        log = try await EventLog(storage: try SQLiteEventStorage(path: directory.appendingPathComponent("ledger.sqlite").path, create: true),
                           pseudonymizer: Self.key, clauses: .registry(Self.policies))
    }

    func run(_ mapping: String, _ format: FeedFormat, _ sample: String, allOrNothing: Bool = false,
             encoding: TextEncoding? = nil, errors: String? = nil) async throws -> ImportReport {
        let loaded = try Mapping.load(path: shipped("\(mapping).yaml"))
        var options = ImportOptions(allOrNothing: allOrNothing, encoding: encoding)
        options.errorFile = errors.map { directory.appendingPathComponent($0).path }
        return try await Importer(log: log, mapping: loaded).run(format, path: sample, options: options)
    }

    func count(type: String? = nil) async throws -> Int {
        try await log.allEvents(EventQuery(type: type)).count
    }
}

@Suite("Importing the shipped feeds")
struct ShippedFeedTests {
    @Test("Each shipped mapping imports its sample, and importing it again appends nothing", arguments: [
        ("si-months", FeedFormat.csv, "samples/si-months.csv", 14, 0),
        ("portal-certificates", .csv, "samples/portal-certificates.csv", 6, 1),
        ("finance-payments", .csv, "samples/finance-payments.csv", 4, 0),
        ("agency-referrals", .csv, "samples/agency-referrals.csv", 3, 0),
        ("agency-referrals", .jsonl, "samples/agency-referrals.jsonl", 3, 0),
    ])
    func importsSample(mapping: String, format: FeedFormat, sample: String, appended: Int, skipped: Int) async throws {
        let ledger = try await ImportLedger()
        let first = try await ledger.run(mapping, format, shipped(sample))
        #expect(first.problems == [])
        #expect(first.counts.appended == appended)
        #expect(first.counts.skipped == skipped)
        #expect(first.isComplete)
        #expect(try await ledger.count() == appended)
        #expect(try await ledger.log.verify().isIntact)

        let again = try await ledger.run(mapping, format, shipped(sample))
        #expect(again.counts.appended == 0)
        #expect(again.counts.duplicates == appended)
        #expect(try await ledger.count() == appended)
    }

    @Test("The agency's list sent as CSV, then as JSON Lines, is the same three referrals")
    func overlappingFormats() async throws {
        let ledger = try await ImportLedger()
        #expect(try await ledger.run("agency-referrals", .csv, shipped("samples/agency-referrals.csv")).counts.appended == 3)
        let jsonl = try await ledger.run("agency-referrals", .jsonl, shipped("samples/agency-referrals.jsonl"))
        #expect(jsonl.counts.appended == 0)
        #expect(jsonl.counts.duplicates == 3)
    }

    @Test("The GB18030 portal export is read as GB18030; read as UTF-8, the header is refused with a hint")
    func gb18030() async throws {
        let ledger = try await ImportLedger()
        let report = try await ledger.run("portal-certificates", .csv, shipped("samples/portal-certificates.csv"))
        #expect(report.encoding == .gb18030)
        let event = try await #require(ledger.log.allEvents(EventQuery(type: "certificate.issued")).first)
        let data = try JSONParser.parse(event.data)
        #expect(data.objectValue?["occupation"] == "电工")
        #expect(data.objectValue?["issuer"] == "厦门市职业技能鉴定指导中心")
        #expect(data.objectValue?["level"] == "L4")

        let error = await #expect(throws: ImportError.self) {
            try await ledger.run("portal-certificates", .csv, shipped("samples/portal-certificates.csv"), encoding: .utf8)
        }
        #expect(error?.description.contains("gb18030") == true)
    }

    @Test("Rows become the events the catalog expects: codes, yuan as fen, dates in any shipped layout, payees")
    func mappedValues() async throws {
        let ledger = try await ImportLedger()
        _ = try await ledger.run("finance-payments", .csv, shipped("samples/finance-payments.csv"))
        let payments = try await ledger.log.allEvents(EventQuery(type: "disbursement.made"))
        let first = try JSONParser.parse(payments[0].data).objectValue!
        #expect(first["amount"] == .integer(100_000))  // "1,000.00" yuan
        #expect(first["clause"] == "XM-2023-187/(九)-b")
        #expect(first["payee"]?.objectValue?["kind"] == "agency")
        #expect(first["payee"]?.objectValue?["organisation"] == "91350200MA31XM002D")
        #expect(payments[0].occurredAt.description == "2024-04-12")
        let worker = try JSONParser.parse(payments[3].data).objectValue!
        #expect(worker["payee"]?.objectValue?["kind"] == "worker")
        #expect(Pseudonym.isPseudonym(worker["payee"]?.objectValue?["person"]?.stringValue ?? ""))

        _ = try await ledger.run("portal-certificates", .csv, shipped("samples/portal-certificates.csv"))
        let certificates = try await ledger.log.allEvents(EventQuery(type: "certificate.issued"))
        #expect(certificates.map(\.occurredAt.description) == ["2024-05-20", "2024-05-20", "2024-06-18", "2024-07-02", "2024-07-15", "2024-08-30"])
        // The id is the natural key's: anyone can check it (Python: uuid.uuid5(namespace, name)).
        #expect(certificates[0].eventID == "f8bb11db-d662-56ca-adfd-d1564de10801")
    }
}

@Suite("Bad rows")
struct BadRowTests {
    static let expectedSIProblems = [
        "line 5, column 2 (公民身份号码): \"350211********3021\" is not a valid resident ID (18 characters, GB 11643 check digit)",
        "line 6, column 7 (费款所属期): \"202413\" is not a real month (read as 2024-13 with the layout yyyyMM)",
        "line 7, column 8 (缴费状态): \"已退费\" is not one of the codes 已到账, 已缴费, 暂停缴费, 未缴费, 欠费 (add it to the mapping's code table if it is new)",
        "line 8, column 4 (单位统一社会信用代码): ",
        "line 9, column 11 (到账日期): \"2024-06-31\" is not a real date (read as 2024-6-31 with the layout yyyy-MM-dd)",
    ]

    @Test("A file with broken rows: each is reported exactly, the good rows are appended, the error file can be fixed and sent again")
    func brokenCSV() async throws {
        let ledger = try await ImportLedger()
        let report = try await ledger.run("si-months", .csv, shipped("samples/si-months-broken.csv"), errors: "broken.errors.csv")
        #expect(report.counts.rows == 11)
        #expect(report.counts.appended == 6)
        #expect(report.counts.badRows == 5)
        #expect(!report.isComplete)
        let described = report.problems.map(\.description)
        #expect(described.count == 5)
        for (got, expected) in zip(described, Self.expectedSIProblems) { #expect(got.hasPrefix(expected), "\(got)") }
        #expect(try await ledger.count() == 6)

        // The error file: the header with three columns added, then each bad row as sent.
        let errorPath = try #require(report.errorFile)
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: errorPath)))
        #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]))
        var reader = try CSVReader(bytes: bytes)
        let header = try reader.next()!.get().fields
        #expect(header.suffix(3) == ["原行号 line", "出错列 column", "错误原因 reason"])
        var rows: [[String]] = []
        while let row = reader.next() { rows.append(try row.get().fields) }
        #expect(rows.map { $0[header.count - 3] } == ["5", "6", "7", "8", "9"])
        #expect(rows[0][1] == "350211199706123021")
        #expect(rows[2][header.count - 2] == "column 8 (缴费状态)")

        // Fixing the rows in the error file and importing it appends them, and only them.
        var fixed = String(decoding: bytes, as: UTF8.self)
        fixed = fixed.replacingOccurrences(of: "350211199706123021", with: "350211199706123020")
            .replacingOccurrences(of: ",202413,", with: ",202401,").replacingOccurrences(of: "已退费", with: "已到账")
            .replacingOccurrences(of: "91350200MA31XM001B", with: "91350200MA31XM001A").replacingOccurrences(of: "2024-06-31", with: "2024-06-30")
        let fixedPath = ledger.directory.appendingPathComponent("fixed.csv").path
        try fixed.write(toFile: fixedPath, atomically: true, encoding: .utf8)
        let resent = try await ledger.run("si-months", .csv, fixedPath)
        #expect(resent.problems == [])
        #expect(resent.counts.appended == 5)
        #expect(try await ledger.count() == 11)

        // The broken file again, now clean in the ledger's eyes (its good rows are duplicates, its
        // bad rows fixed): the earlier error file, which no longer says anything true, goes.
        let cleanAgain = try await ledger.run("si-months", .csv, fixedPath, errors: "broken.errors.csv")
        #expect(cleanAgain.isComplete && cleanAgain.errorFile == nil)
        #expect(cleanAgain.removedErrorFile == errorPath)
        #expect(!FileManager.default.fileExists(atPath: errorPath))
        // A file at that path that no import wrote is left alone.
        try "notes,not an error file\n".write(toFile: errorPath, atomically: true, encoding: .utf8)
        let other = try await ledger.run("si-months", .csv, fixedPath, errors: "broken.errors.csv")
        #expect(other.removedErrorFile == nil)
        #expect(FileManager.default.fileExists(atPath: errorPath))
    }

    @Test("--all-or-nothing: one bad row and nothing is appended; every bad row is still reported")
    func allOrNothing() async throws {
        let ledger = try await ImportLedger()
        let report = try await ledger.run("si-months", .csv, shipped("samples/si-months-broken.csv"), allOrNothing: true, errors: "all.errors.csv")
        #expect(!report.committed)
        #expect(report.counts.badRows == 5)
        #expect(report.counts.appended == 0)
        #expect(try await ledger.count() == 0)
        #expect(report.errorFile != nil)

        let good = try await ledger.run("si-months", .csv, shipped("samples/si-months.csv"), allOrNothing: true)
        #expect(good.committed)
        #expect(good.counts.appended == 14)
    }

    @Test("JSON Lines: a line that is not JSON, a missing key and a bad value are each reported, the rest appended")
    func brokenJSONLines() async throws {
        let ledger = try await ImportLedger()
        let report = try await ledger.run("agency-referrals", .jsonl, shipped("samples/agency-referrals-broken.jsonl"), errors: "referrals.errors.jsonl")
        #expect(report.counts.appended == 1)
        #expect(report.problems.map(\.line) == [2, 3, 4, 5])
        #expect(report.problems[0].column == "是否首次来厦")
        #expect(report.problems[0].message.contains("\"也许\" is not yes or no"))
        #expect(report.problems[1].message.hasPrefix("is not JSON"))
        #expect(report.problems[2].column == "用工单位统一社会信用代码")
        #expect(report.problems[2].message.hasPrefix("is empty"))
        #expect(report.problems[3].message.contains("not a real date"))
        let lines = try String(contentsOfFile: try #require(report.errorFile), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines[0].contains(#""_line":2"#))
    }

    @Test("A corrected row under the same key is refused, naming what differs, and the rest of its batch is appended")
    func conflictingCorrection() async throws {
        let ledger = try await ImportLedger()
        _ = try await ledger.run("finance-payments", .csv, shipped("samples/finance-payments.csv"))
        let original = try String(contentsOfFile: shipped("samples/finance-payments.csv"), encoding: .utf8)
        let corrected = original.replacingOccurrences(of: "1,000.00", with: "1,200.00")
            + "XMCZ-2024-005001,XMGK-2024-080101,XM187-09B,劳务协作输送奖励（三个月）,劳务合作机构,,91350200MA31XM002D,厦门鹭安劳务合作有限公司,1000.00,,,XM-2024-JYBZ-01,2024-08-01\r\n"
        let path = ledger.directory.appendingPathComponent("corrected.csv").path
        try corrected.write(toFile: path, atomically: true, encoding: .utf8)
        let report = try await ledger.run("finance-payments", .csv, path)
        #expect(report.counts.appended == 1)
        #expect(report.counts.duplicates == 3)
        #expect(report.counts.badRows == 1)
        let problem = try #require(report.problems.first)
        #expect(problem.line == 2)
        #expect(problem.column == "拨付金额(元)")
        #expect(problem.message.contains("amount was 100000, this row says 120000"))
    }

    @Test("A header without a column the mapping reads stops the import before anything is appended")
    func missingColumn() async throws {
        let ledger = try await ImportLedger()
        let path = ledger.directory.appendingPathComponent("short.csv").path
        try "公民身份号码,费款所属期\n620102199608081238,202401\n".write(toFile: path, atomically: true, encoding: .utf8)
        let error = await #expect(throws: ImportError.self) { try await ledger.run("si-months", .csv, path) }
        #expect(error?.description.contains("the header lacks the columns 到账日期, 单位统一社会信用代码") == true)
        #expect(try await ledger.count() == 0)
    }
}

@Suite("Other delimiters")
struct DelimiterTests {
    @Test("a tab-separated feed's error file is tab-separated too, and imports through the same mapping once fixed")
    func tabSeparated() async throws {
        let ledger = try await ImportLedger()
        var yaml = try String(contentsOfFile: shipped("agency-referrals.yaml"), encoding: .utf8)
        yaml += "delimiter: tab\n"
        let mapping = try Mapping.parse(yaml, file: "referrals-tsv.yaml")
        let feed = ledger.directory.appendingPathComponent("referrals.tsv").path
        try """
            输送编号\t机构统一社会信用代码\t劳动者身份号码\t用工单位统一社会信用代码\t是否首次来厦\t输出地\t输送日期
            LW-1\t91350200MA31XM002D\t620102199608081238\t91350200MA31XM001A\t是\t甘肃省, 兰州市\t2024-01-05
            LW-2\t91350200MA31XM002D\t620102199507071233\t91350200MA31XM001A\t也许\t甘肃省, 兰州市\t2024-01-05

            """.write(toFile: feed, atomically: true, encoding: .utf8)
        var options = ImportOptions()
        options.errorFile = ledger.directory.appendingPathComponent("referrals.errors.tsv").path
        let report = try await Importer(log: ledger.log, mapping: mapping).run(.csv, path: feed, options: options)
        #expect(report.counts.appended == 1)
        #expect(report.problems.map(\.line) == [3])
        let errors = try #require(report.errorFile)
        let text = try String(contentsOfFile: errors, encoding: .utf8)
        #expect(text.split(separator: "\n")[1].hasPrefix("LW-2\t91350200MA31XM002D\t"))
        try text.replacingOccurrences(of: "\t也许\t", with: "\t否\t").write(toFile: errors, atomically: true, encoding: .utf8)
        let resent = try await Importer(log: ledger.log, mapping: mapping).run(.csv, path: errors)
        #expect(resent.problems == [])
        #expect(resent.counts.appended == 1)
    }
}
