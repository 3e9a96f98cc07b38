import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Two `grants serve` instances on one PostgreSQL ledger: both take appends at once, exactly
/// one keeps the projections current (the catch-up lease), and when it is killed the other
/// takes the lease over and catches up what was appended meanwhile.
@Suite("grants serve: two instances on one PostgreSQL ledger",
       .enabled(if: ProcessInfo.processInfo.environment["GRANTLEDGER_TEST_POSTGRES"].map { !$0.isEmpty } ?? false,
                "needs GRANTLEDGER_TEST_POSTGRES"))
struct ServeInstancesTests {
    @Test("both append at once, gapless; one holds the catch-up lease; killed, the other takes it and catches up")
    func twoInstances() async throws {
        let directory = try LedgerDirectory()
        let url = PostgresCommandTests.url(ledger: "serve_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16))
        let key = directory.path("city.key")
        let made = try await directory.grants("init", "--db", url, "--key-file", key, db: false)
        #expect(made.status == 0, "\(made)")
        let created = try await directory.grants("tokens", "create", "--role", "intake", "--db", url, "--key-file", key, db: false)
        let token = try #require(created.stdoutLines.first, "\(created)")

        var servers: [(process: RunningGrants, base: URL)] = []
        defer { for server in servers where server.process.isRunning { server.process.kill() } }
        for _ in 0..<2 {
            let port = try ServeShutdownTests.freePort()
            let process = try Grants.start(["serve", "--db", url, "--key-file", key, "--host", "127.0.0.1", "--port", "\(port)"], in: directory.url)
            let base = try #require(URL(string: "http://127.0.0.1:\(port)"))
            servers.append((process, base))
            try await ServeShutdownTests.waitUntilServing(base, process)
        }

        let session = URLSession(configuration: .ephemeral)
        // Both at once: every event appended, each once, positions 1…n with no gap.
        let (a, b) = (servers[0].base, servers[1].base)
        async let first = Self.append(1_000_000, 300, via: a, token: token)
        async let second = Self.append(2_000_000, 300, via: b, token: token)
        let positions = try await first + second
        #expect(positions.count == 600)
        #expect(positions.sorted() == Array(1...600))

        // Exactly one instance holds the lease.
        let holders = try await Self.waitForOneHolder(servers.map(\.base), session: session)
        let holder = try #require(holders.firstIndex(of: true))
        let other = 1 - holder
        #expect(try await Self.caughtUp(servers[holder].base, to: 600, session: session))

        // The holder dies without a word; the other takes the lease and catches up what comes next.
        servers[holder].process.kill(signal: SIGKILL)
        _ = try await servers[holder].process.wait(timeout: .seconds(30))
        let more = try await Self.append(3_000_000, 100, via: servers[other].base, token: token)
        #expect(more.sorted() == Array(601...700))
        #expect(try await Self.caughtUp(servers[other].base, to: 700, session: session), "the surviving instance took over the catch-up")
        #expect(try await Self.metric("grants_catchup_lease_held", servers[other].base, session: session) == 1)

        let verified = try await directory.grants("verify", "--db", url, "--key-file", key, "--projections", db: false)
        #expect(verified.status == 0, "\(verified)")
        #expect(verified.stdoutLines.first == "Intact: 700 events, hashes chained from position 1 to 700.", "\(verified)")
        #expect(verified.stdoutLines.last?.hasPrefix("Projections intact") == true, "\(verified)")

        servers[other].process.kill(signal: SIGTERM)
        let stopped = try await servers[other].process.wait(timeout: .seconds(60))
        #expect(stopped.status == 0, "\(stopped)")
    }

    /// Appends events `first..<first + count` through `base`, five a request; returns the positions acknowledged.
    static func append(_ first: Int, _ count: Int, via base: URL, token: String) async throws -> [Int] {
        let session = URLSession(configuration: .ephemeral)
        var positions: [Int] = []
        for start in stride(from: first, to: first + count, by: 5) {
            var request = URLRequest(url: base.appendingPathComponent("v1/events"))
            request.httpMethod = "POST"
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
            request.setValue("application/x-ndjson", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data((start..<start + 5).map { Sample.reversal($0) }.joined(separator: "\n").utf8)
            let (data, response) = try await session.data(for: request)
            let status = (response as? HTTPURLResponse)?.statusCode
            guard status == 200 else { throw CLIFailure("append answered \(status ?? 0): \(String(decoding: data, as: UTF8.self))") }
            let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            positions += (object?["results"] as? [[String: Any]] ?? []).compactMap { $0["position"] as? Int }
        }
        return positions
    }

    /// A gauge's value from `/metrics`, nil while it is not there.
    static func metric(_ name: String, _ base: URL, session: URLSession) async throws -> Int? {
        let (data, _) = try await session.data(from: base.appendingPathComponent("metrics"))
        let line = String(decoding: data, as: UTF8.self).split(separator: "\n").first { $0.hasPrefix(name + " ") }
        return line.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) }.map { Int($0) }
    }

    /// Each instance's lease gauge, once every instance has reported one and exactly one holds it.
    static func waitForOneHolder(_ bases: [URL], session: URLSession) async throws -> [Bool] {
        var held: [Int?] = []
        for _ in 0..<300 {
            held = []
            for base in bases { held.append(try await metric("grants_catchup_lease_held", base, session: session)) }
            if held.allSatisfy({ $0 != nil }), held.filter({ $0 == 1 }).count == 1 { return held.map { $0 == 1 } }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CLIFailure("no single holder of the catch-up lease: \(held)")
    }

    /// Whether the projections reach `position` within 60 s, as an instance's `/metrics` says.
    static func caughtUp(_ base: URL, to position: Int, session: URLSession) async throws -> Bool {
        for _ in 0..<600 {
            if try await metric("grants_projection_checkpoint_position", base, session: session) == position { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }
}
