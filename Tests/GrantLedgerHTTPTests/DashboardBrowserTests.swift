import Foundation
@testable import GrantLedgerHTTP
import GrantLedgerService
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// The dashboard in a real browser: the service on a loopback socket, headless Chromium logging
/// in through the login form and visiting every page (`Tools/dashboard/browse.py`).
///
/// How the browser logs in: Chromium is driven over the DevTools protocol on a pipe
/// (`--remote-debugging-pipe`), which Python's standard library can speak. The driver types the
/// token into the login form's password field and submits it, exactly as a person does; the
/// browser keeps the HttpOnly, SameSite=Strict cookie the service sets and sends it on every
/// page after. So the test exercises the one real login path: no token in a URL, no cookie
/// planted in a profile, and nothing in the product that exists only for tests. The token
/// reaches the driver on its standard input, not its arguments.
@Suite("Dashboard: headless Chromium")
struct DashboardBrowserTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Two more targets of 人社局 beside the examples' 2020 one, so that a unit has several bars.
    static let targets = [("2021", "600"), ("2022", "700")].enumerated().map { index, target in
        #"{"actor":"test:jj","data":{"clause":"JJ-2019-79/annex2","fund":50000000,"metric":"training-person-times","periodEnd":"\#(target.0)-12-31","periodStart":"\#(target.0)-01-01","scope":"department","targetId":"JJ-2019-79-A2-RSJ-\#(target.0)","unit":"人社局","value":\#(target.1)},"eventId":"00000000-0000-4000-8000-0000000002b\#(index)","expectedVersion":"none","occurredAt":"2019-12-21","schemaVersion":1,"source":"test","streamId":"target:JJ-2019-79-A2-RSJ-\#(target.0)","type":"target.set"}"#
    }.joined(separator: "\n")

    @Test("log in, load every page, check the target bars against /v1/performance, screenshot the targets page, log out")
    func browse() async throws {
        let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
        try #require(chromium != nil, "Chromium is not installed: install it with `apt-get install -y chromium` (the CI script does); this test needs a real browser")
        let served = try await ServedLedger.withPeople()
        #expect(try await served.ledger.append(ServedLedger.lines(Self.targets)).report.isComplete)
        let token = served.tokens[.auditor]!
        // The pages and the screenshot stay here after the run, to look at (replaced by the next run).
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("grants-dashboard-browser-test")
        try? FileManager.default.removeItem(at: out)
        let app = Application(router: try GrantsAPI.router(ledger: served.ledger), configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              services: [ProjectionCatchUp(ledger: served.ledger, interval: .milliseconds(20), logger: Logger(label: "test"))])
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let expected = try await client.execute(uri: "/v1/performance", method: .get, headers: bearer(token)) { response in
                (object(response.body)["targets"] as? [[String: Any]]) ?? []
            }
            #expect(expected.count == 3)
            let (status, output, errors) = try await Self.run(
                ["python3", Self.root.appendingPathComponent("Tools/dashboard/browse.py").path, "--base", "http://127.0.0.1:\(port)",
                 "--out", out.path, "--page", "targets=/targets", "--page", "payouts=/payouts", "--page", "findings=/findings",
                 "--page", "funds=/funds", "--person", People.siming, "--screenshot", "targets", "--chromium", chromium!],
                input: token + "\n")
            try #require(status == 0, "the browser driver failed: \(errors)")
            let summary = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: [String: String]] ?? [:]
            let titles = ["home": "看板 Dashboard", "targets": "目标进度 Targets", "payouts": "应发补贴 Payouts", "findings": "审计发现 Findings",
                          "funds": "资金拨付 Funds", "person": "个人查询 Person", "entitlement": "补贴说明 Entitlement", "logout": "登录 Log in"]
            for (page, title) in titles {
                #expect(summary[page]?["title"] == title + " · GrantLedger", "\(page): \(summary[page] ?? [:])")
            }
            #expect(summary["person"]?["url"]?.contains("/person/P") == true, "the look-up lands on the pseudonym's page")
            #expect(summary["logout"]?["url"]?.hasSuffix("/login") == true)

            let dom = try String(contentsOf: out.appendingPathComponent("targets.html"), encoding: .utf8)
            let bars = DashboardBars.parse(dom)
            #expect(bars.count == expected.count, "one bar per target")
            for target in expected {
                let id = target["targetID"] as? String ?? ""
                #expect(bars[id] == DashboardBars.Bar(achieved: (target["achieved"] as? Int).map(String.init) ?? "", value: String(target["value"] as? Int ?? -1)),
                        "\(id): \(String(describing: bars[id]))")
            }
            #expect(dom.contains("data-position="), "the moment the page rests on")
            let person = try String(contentsOf: out.appendingPathComponent("person.html"), encoding: .utf8)
            #expect(person.contains("350203********123X"))
            for page in titles.keys {
                let text = (try? String(contentsOf: out.appendingPathComponent(page + ".html"), encoding: .utf8)) ?? ""
                for id in People.residentIDs { #expect(!text.contains(id), "\(page): no resident ID in clear") }
            }
            let png = try Data(contentsOf: out.appendingPathComponent("targets.png"))
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 10_000, "a PNG screenshot of \(png.count) bytes")
        }
    }

    /// Runs a program to its end without holding a thread: its status, standard output and error.
    static func run(_ arguments: [String], input: String) async throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let (stdin, stdout, stderr) = (Pipe(), Pipe(), Pipe())
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        let collected = OutputBox()
        stdout.fileHandleForReading.readabilityHandler = { collected.append(out: $0.availableData) }
        stderr.fileHandleForReading.readabilityHandler = { collected.append(err: $0.availableData) }
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
                stdin.fileHandleForWriting.write(Data(input.utf8))
                try stdin.fileHandleForWriting.close()
            } catch {
                continuation.resume(throwing: error)
            }
        }
        stdout.fileHandleForReading.readabilityHandler = nil
        stderr.fileHandleForReading.readabilityHandler = nil
        collected.append(out: stdout.fileHandleForReading.readDataToEndOfFile())
        collected.append(err: stderr.fileHandleForReading.readDataToEndOfFile())
        return (status, collected.out, collected.err)
    }

    final class OutputBox: @unchecked Sendable {
        private let lock = NSLock()
        private var outData = Data(), errData = Data()
        func append(out data: Data) { lock.withLock { outData.append(data) } }
        func append(err data: Data) { lock.withLock { errData.append(data) } }
        var out: String { lock.withLock { String(decoding: outData, as: UTF8.self) } }
        var err: String { lock.withLock { String(decoding: errData, as: UTF8.self) } }
    }
}
