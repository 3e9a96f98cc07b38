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

/// `grants serve` stopped with SIGTERM while intake clients append: it answers what it took,
/// refuses nothing it acknowledged, checkpoints the projections and exits 0.
@Suite("grants serve: graceful shutdown")
struct ServeShutdownTests {
    @Test("SIGTERM in the middle of concurrent appends: every acknowledged event is in the log, the chain verifies, exit 0")
    func sigtermDuringAppends() async throws {
        let directory = try await LedgerDirectory.initialised()
        let created = try await directory.grants("tokens", "create", "--role", "intake")
        let token = try #require(created.stdoutLines.first)
        let port = try Self.freePort()
        let server = try Grants.start(["serve", "--db", directory.db, "--host", "127.0.0.1", "--port", "\(port)"], in: directory.url)
        defer { if server.isRunning { server.kill() } }
        let base = try #require(URL(string: "http://127.0.0.1:\(port)"))
        try await Self.waitUntilServing(base, server)

        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 30  // a request the stopping server never answers fails, never hangs
        let session = URLSession(configuration: configuration)
        let acknowledged = Acknowledged()
        let clients = 4, requestsPerClient = 500, eventsPerRequest = 5
        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in 0..<clients {
                group.addTask {
                    for request in 0..<requestsPerClient {
                        let first = 1_000_000 + (client * requestsPerClient + request) * eventsPerRequest
                        let body = (first..<first + eventsPerRequest).map { Sample.reversal($0) }.joined(separator: "\n")
                        var append = URLRequest(url: base.appendingPathComponent("v1/events"))
                        append.httpMethod = "POST"
                        append.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
                        append.setValue("application/x-ndjson", forHTTPHeaderField: "Content-Type")
                        append.httpBody = Data(body.utf8)
                        // Once the server has stopped, requests fail: the client stops too.
                        guard let reply = try? await session.data(for: append) else { return }
                        let (data, response) = reply
                        guard (response as? HTTPURLResponse)?.statusCode == 200 else { return }
                        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
                        let results = object?["results"] as? [[String: Any]] ?? []
                        await acknowledged.add(results.compactMap { $0["eventId"] as? String })
                    }
                }
            }
            group.addTask {
                // SIGTERM once the appends are well under way, with more still to send.
                let deadline = ContinuousClock.now.advanced(by: .seconds(60))
                while await acknowledged.count < 100, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
                server.kill(signal: SIGTERM)
                await acknowledged.markSignalled()
            }
            try await group.waitForAll()
        }

        let result = try await server.wait(timeout: .seconds(60))
        #expect(result.status == 0 && !result.killedBySignal, "\(result)")
        let acked = await acknowledged.ids
        let atSignal = await acknowledged.countAtSignal
        #expect(acked.count < clients * requestsPerClient * eventsPerRequest, "the signal came after every append had been answered")
        #expect(atSignal >= 100)

        let logged = Set(try await directory.eventObjects().compactMap { $0["eventId"] as? String })
        let missing = acked.subtracting(logged)
        #expect(missing.isEmpty, "\(missing.count) acknowledged events are not in the log, e.g. \(missing.sorted().prefix(3))")
        let verify = try await directory.grants("verify")
        #expect(verify.status == 0, "\(verify)")

        // Its log is JSON lines; the last batch was checkpointed at the head.
        let lines = result.stderr.split(separator: "\n").map(String.init)
        let objects = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(objects.count == lines.count, "lines that are not JSON: \(lines.filter { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) == nil }.prefix(3))")
        let checkpointed = objects.last { $0["message"] as? String == "projections checkpointed" }
        #expect(checkpointed?["position"] as? String == "\(logged.count)", "\(result.stderr.suffix(2000))")
        #expect(!result.stderr.contains(token))
    }

    /// A port nothing listens on now.
    static func freePort() throws -> Int {
        #if canImport(Glibc)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw CLIFailure("socket() failed") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        guard bound else { throw CLIFailure("bind() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Polls `/health` until it answers (the binary opens the ledger first).
    static func waitUntilServing(_ base: URL, _ server: RunningGrants) async throws {
        let session = URLSession(configuration: .ephemeral)
        for _ in 0..<300 {
            if let reply = try? await session.data(from: base.appendingPathComponent("health")),
                (reply.1 as? HTTPURLResponse)?.statusCode == 200
            {
                return
            }
            guard server.isRunning else { throw CLIFailure("grants serve exited: \(try await server.wait())") }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CLIFailure("grants serve did not answer /health within 30 s")
    }
}

/// The event ids the service acknowledged (HTTP 200), gathered from the clients.
private actor Acknowledged {
    private(set) var ids: Set<String> = []
    private(set) var countAtSignal = 0
    var count: Int { ids.count }
    func add(_ new: [String]) { ids.formUnion(new) }
    func markSignalled() { countAtSignal = ids.count }
}
