import Foundation
import GrantLedgerEvents
import GrantLedgerLog
@testable import GrantLedgerPostgres
import NIOCore
import PostgresNIO
import Testing

/// The rows the log on PostgreSQL sends by `COPY … FROM STDIN` (``CopyRows``): the server's own
/// parser is the reference.
@Suite("COPY rows")
struct CopyRowsTests {
    @Test("text, NULL, integers and bytea in PostgreSQL's text format")
    func format() {
        var rows = CopyRows(capacity: 0)
        rows.text("a\\b\tc\nd\re 中")
        rows.text(nil as String?)
        rows.integer(-42)
        rows.bytea([0x00, 0xAB, 0xFF])
        rows.endRow()
        rows.text("")
        rows.endRow()
        let written = String(decoding: rows.buffer.readableBytesView, as: UTF8.self)
        #expect(written == "a\\\\b\\tc\\nd\\re 中\t\\N\t-42\t\\\\x00abff\n\n")
        #expect(rows.count == 2)
    }

    /// Text the format gives a meaning to, on its own and inside other text.
    static let awkward = [
        "", "\\", "\\\\", "\\N", "\\.", ".", "\\x41", "\\041", "tab\there", "line\nbreak", "carriage\rreturn",
        "\t\n\r\\", "引号\"和反斜杠\\", "emoji 🧾", "trailing backslash \\", "\\t is not a tab",
    ]

    @Test("what the server reads back is what was written", .enabled(if: TestPostgres.location != nil, "needs GRANTLEDGER_TEST_POSTGRES"))
    func roundTrip() async throws {
        let location = try TestPostgres.freshLocation()
        let storage = try await PostgresEventStorage(location: location, create: true, maximumConnections: 1)
        defer { storage.close() }
        var rows = CopyRows(capacity: 0)
        var expected: [(Int64, String?, [UInt8])] = []
        for (n, text) in (Self.awkward.map(Optional.some) + [nil]).enumerated() {
            let bytes = Array((text ?? "null").utf8) + [UInt8(n), 0x00, 0x5C]
            rows.integer(Int64(n))
            rows.text(text)
            rows.bytea(bytes)
            rows.endRow()
            expected.append((Int64(n), text, bytes))
        }
        let read = try await storage.client.withConnection { connection in
            try await connection.query("SELECT set_config('search_path', \("\"\(location.schema)\""), false)", logger: Logger(label: "test"))
            try await connection.query("CREATE TABLE copied (n BIGINT PRIMARY KEY, t TEXT, b BYTEA NOT NULL)", logger: Logger(label: "test"))
            try await connection.copyFrom(table: "copied", columns: ["n", "t", "b"], logger: Logger(label: "test")) { writer in
                try await writer.write(rows.buffer)
            }
            var read: [(Int64, String?, [UInt8])] = []
            for try await (n, t, b) in try await connection.query("SELECT n, t, b FROM copied ORDER BY n", logger: Logger(label: "test"))
                .decode((Int64, String?, ByteBuffer).self)
            {
                read.append((n, t, Array(b.readableBytesView)))
            }
            return read
        }
        #expect(read.count == expected.count)
        for (got, want) in zip(read, expected) {
            #expect(got.0 == want.0 && got.1 == want.1 && got.2 == want.2, "row \(want.0): \(got) is not \(want)")
        }
    }

    @Test("events whose text holds backslashes are stored as they were sent, in one statement and by COPY, and their chain verifies",
          .enabled(if: TestPostgres.location != nil, "needs GRANTLEDGER_TEST_POSTGRES"))
    func eventsWithBackslashes() async throws {
        let reason = #"退票 \"O\\Brien\" \\N \\. \\x41 \u00e9"#
        func reversal(_ n: Int, _ disbursement: String) -> String {
            Sample.event(n, stream: "disbursement:\(disbursement)", type: "disbursement.reversed",
                         data: #"{"disbursementId":"\#(disbursement)","amount":100,"reason":"\#(reason)"}"#)
        }
        // One event: a small chunk, stored in one statement. Then a chunk large enough for COPY.
        let single = [reversal(1, "D1")]
        let file = ChunkBoundaryTests.certificates(PostgresAccess.copyFrom, from: 2) + [reversal(PostgresAccess.copyFrom + 2, "D2")]
        var stored: [[RecordedEvent]] = []
        for backend in [Backend.inMemoryQueue, .postgres] {
            let log = try await backend.makeLedger().log()
            try await log.appendAccepted(single)
            try await log.appendAccepted(file)
            stored.append(try await log.allEvents())
            #expect(try await log.verify().isIntact, "\(backend)")
        }
        try #require(stored.count == 2 && stored[1].count == 2 + PostgresAccess.copyFrom)
        for event in [stored[1][0], stored[1][PostgresAccess.copyFrom + 1]] {
            #expect(String(decoding: event.data, as: UTF8.self).contains(#"\"O\\Brien\" \\N"#))
        }
        #expect(stored[0] == stored[1])
    }
}
