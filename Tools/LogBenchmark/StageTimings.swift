import Crypto
import GrantLedgerEvents
import GrantLedgerLog

/// Times each stage of appending and reading on its own, in memory, so that a slow stage
/// shows up by name: `grants-log-bench --stages`.
enum StageTimings {
    static func run(count: Int, seed: UInt64) throws {
        var generator = SyntheticEvents(seed: seed, people: max(1, count / 20))
        let lines = (0..<count).map { _ in generator.next().line }
        let catalog = EventCatalog.standard
        let pseudonymizer = try Pseudonymizer(key: Array(repeating: 7, count: 32))
        var sink = 0

        func stage(_ name: String, _ body: () throws -> Void) rethrows {
            let start = ContinuousClock.now
            try body()
            let elapsed = (ContinuousClock.now - start).seconds
            print("  \(name.padding(toLength: 34, withPad: " ", startingAt: 0)) \(String(format: "%7.2f", elapsed * 1e6 / Double(count))) µs/event")
        }

        print("Stages, \(count) events:")
        var values: [JSONValue] = []
        try stage("parse JSON") { values = try lines.map { try JSONParser.parse($0) } }
        var submissions: [EventSubmission] = []
        stage("validate envelope + data") {
            submissions = values.compactMap { try? EventSubmission.parse($0, catalog: catalog).get() }
        }
        var stored: [JSONObject] = []
        stage("pseudonymise (HMAC) + parties") {
            stored = submissions.map { s in
                catalog.definition(type: s.type, version: s.schemaVersion)!
                    .separatingPersonalData(s.data) { pseudonymizer.pseudonym(for: $0) }.data
            }
        }
        var encoded: [[UInt8]] = []
        stage("canonical JSON") { encoded = stored.map { CanonicalJSON.encode(.object($0)) } }
        stage("SHA-256 chain") {
            var previous = HashChain.genesis
            for (i, data) in encoded.enumerated() {
                let s = submissions[i]
                let event = RecordedEvent(
                    position: Int64(i + 1), eventID: s.eventID, streamID: s.streamID, streamVersion: 1, type: s.type,
                    schemaVersion: s.schemaVersion, occurredAt: s.occurredAt,
                    recordedAt: Timestamp(millisecondsSinceEpoch: 0), actor: s.actor, source: s.source,
                    correlationID: nil, causationID: nil, data: data, hash: [])
                previous = HashChain.hash(of: event, previous: previous)
            }
            sink &+= Int(previous[0])
        }
        try stage("read: parse stored data") { values = try encoded.map { try JSONParser.parse($0) } }
        try stage("read: decode typed payload") {
            for (i, value) in values.enumerated() {
                let payload = try catalog.decode(type: submissions[i].type, version: submissions[i].schemaVersion,
                    data: value.objectValue!)
                sink &+= payload is EmploymentMonthRecorded ? 1 : 0
            }
        }
        try stage("read: decode from canonical bytes") {
            for (i, data) in encoded.enumerated() {
                let payload = try catalog.decode(type: submissions[i].type, version: submissions[i].schemaVersion,
                    canonicalData: data)
                sink &+= payload is EmploymentMonthRecorded ? 1 : 0
            }
        }
        print("  (checksum \(sink % 10))")
    }
}
