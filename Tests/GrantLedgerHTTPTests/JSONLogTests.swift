import Foundation
import GrantLedgerLog
import GrantLedgerService
@testable import GrantLedgerHTTP
import Hummingbird
import HummingbirdTesting
import Logging
import NIOConcurrencyHelpers
import Testing

/// Log lines captured from a ``JSONLogHandler``.
final class CapturedLog: Sendable {
    private let lines = NIOLockedValueBox<[String]>([])
    var text: String { lines.withLockedValue { $0.joined() } }
    var all: [String] { lines.withLockedValue { $0 } }

    func logger(level: Logger.Level = .info) -> Logger {
        Logger(label: "grants") { label in JSONLogHandler(label: label, level: level) { line in self.lines.withLockedValue { $0.append(line) } } }
    }

    /// Every line parsed by Foundation's JSON reader, which knows nothing of the handler.
    func objects(sourceLocation: SourceLocation = #_sourceLocation) -> [[String: Any]] {
        all.compactMap { line in
            guard line.hasSuffix("\n"), line.dropLast().firstIndex(of: "\n") == nil,
                let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
            else {
                Issue.record("not one JSON object on one line: \(line)", sourceLocation: sourceLocation)
                return nil
            }
            return object
        }
    }
}

@Suite("Operations: JSON logs")
struct JSONLogTests {
    @Test("each message is one JSON line that an independent reader parses: escapes, metadata, reserved keys")
    func lines() throws {
        let log = CapturedLog()
        var logger = log.logger(level: .debug)
        logger[metadataKey: "hb.request.id"] = "7f3a"
        logger.debug("quote \" backslash \\ newline \n tab \t bell \u{07} 汉字 \u{2028}", metadata: [
            "level": "shadowed", "count": .stringConvertible(3), "list": .array(["a", .dictionary(["k": "v"])]),
        ])
        logger.trace("below the level")
        let objects = log.objects()
        try #require(objects.count == 1)
        let line = objects[0]
        #expect(line["message"] as? String == "quote \" backslash \\ newline \n tab \t bell \u{07} 汉字 \u{2028}")
        #expect(line["level"] as? String == "debug")
        #expect(line["logger"] as? String == "grants")
        #expect(line["metadata.level"] as? String == "shadowed")
        #expect(line["count"] as? String == "3")
        #expect(line["requestId"] as? String == "7f3a")
        #expect(line["hb.request.id"] == nil)
        let list = line["list"] as? [Any]
        #expect(list?.first as? String == "a" && (list?.last as? [String: String]) == ["k": "v"])
        let time = try #require(line["time"] as? String)
        #expect(time.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/) != nil, "\(time)")
    }
}
