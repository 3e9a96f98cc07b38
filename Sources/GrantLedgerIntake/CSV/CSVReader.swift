/// Reads CSV records from a file, standard input or bytes in memory, streaming: the input is
/// read and decoded a chunk at a time, and only the record being read is held, so memory does
/// not grow with the file.
///
/// The format is RFC 4180: fields separated by the delimiter, records by `\n` or `\r\n`;
/// a field in double quotes may hold delimiters, quotes (written `""`) and line breaks. A
/// UTF-8 byte order mark at the start is dropped, and blank lines are skipped (but counted,
/// so line numbers stay those of the file). The last line need not end in a line break.
///
/// GB18030 input (also labelled GBK, GB2312 or CP936) is converted to UTF-8 by the system's
/// iconv before it is parsed.
///
/// Each element is a record or an error. A bad row does not stop the reader:
/// - a quote inside an unquoted field, or text after a closing quote: the rest of the line is
///   skipped and reading carries on with the next line;
/// - bytes that are not valid in the encoding: the record they are in is reported (by the line
///   and field of the first bad bytes) instead of returned;
/// - a quoted field still open at the end of the file (or longer than `maxRecordBytes`): it is
///   reported at the line where it started, and reading carries on with the line after that.
/// A failure to read the input itself is reported once, and then the sequence ends.
///
/// A reader is a single pass over its input; copies of it share that one pass.
public struct CSVReader: Sequence, IteratorProtocol {
    private let parser: CSVParser

    /// A reader of the file at `path`; `-` reads standard input.
    ///
    /// - Parameters:
    ///   - delimiter: the field separator, an ASCII character other than `"`, `\r` and `\n`
    ///     (`,` by default; `\t` for tab-separated files).
    ///   - chunkSize: how many bytes are read at a time.
    ///   - maxRecordBytes: the longest record accepted; longer ones are reported as errors.
    ///     It bounds the memory an unbalanced quote can make the reader hold.
    /// - Throws: `CSVInputError` if the file does not exist, is a directory or cannot be
    ///   opened, if the delimiter cannot be used, or if the system cannot convert the encoding.
    public init(
        path: String,
        encoding: TextEncoding = .utf8,
        delimiter: UInt8 = UInt8(ascii: ","),
        chunkSize: Int = 1 << 20,
        maxRecordBytes: Int = 1 << 24
    ) throws(CSVInputError) {
        try Self.check(delimiter: delimiter, path: path)
        let source = try ByteSource(path: path, chunkSize: Swift.max(1, chunkSize))
        let stream = try DecodingStream(source: source, encoding: encoding, path: path)
        parser = CSVParser(stream: stream, delimiter: delimiter, maxRecordBytes: Swift.max(1, maxRecordBytes))
    }

    /// A reader of `bytes` in memory, handed to the parser `chunkSize` bytes at a time just as
    /// a file would be.
    public init(
        bytes: [UInt8],
        encoding: TextEncoding = .utf8,
        delimiter: UInt8 = UInt8(ascii: ","),
        chunkSize: Int = 1 << 20,
        maxRecordBytes: Int = 1 << 24
    ) throws(CSVInputError) {
        let path = "<memory>"
        try Self.check(delimiter: delimiter, path: path)
        let source = ByteSource(bytes: bytes, chunkSize: Swift.max(1, chunkSize))
        let stream = try DecodingStream(source: source, encoding: encoding, path: path)
        parser = CSVParser(stream: stream, delimiter: delimiter, maxRecordBytes: Swift.max(1, maxRecordBytes))
    }

    /// The next record, an error for a row that could not be read, or `nil` at the end.
    public mutating func next() -> Result<CSVRecord, CSVError>? {
        parser.next()
    }

    private static func check(delimiter: UInt8, path: String) throws(CSVInputError) {
        guard delimiter < 0x80, delimiter != UInt8(ascii: "\""), delimiter != UInt8(ascii: "\n"),
              delimiter != UInt8(ascii: "\r")
        else {
            throw CSVInputError(
                path: path,
                reason: "the delimiter must be one ASCII character other than a double quote or a line break"
            )
        }
    }
}

/// Holds the parser, so that copies of a `CSVReader` share one pass over the input, and owns
/// its byte table.
final class CSVParser {
    private var core: CSVParserCore
    private let stops: UnsafeMutablePointer<UInt8>

    init(stream: DecodingStream, delimiter: UInt8, maxRecordBytes: Int) {
        stops = .allocate(capacity: 256)
        stops.initialize(repeating: 0, count: 256)
        CSVParserCore.fillStops(stops, delimiter: delimiter)
        core = CSVParserCore(stream: stream, delimiter: delimiter, maxRecordBytes: maxRecordBytes, stops: stops)
    }

    deinit { stops.deallocate() }

    func next() -> Result<CSVRecord, CSVError>? { core.next() }
}

/// The state machine behind `CSVReader`. It works on the decoded bytes in the stream's buffer
/// and makes a `String` only for each finished field. (A struct, so that its many small
/// state changes are not checked for exclusive access at run time, as a class's would be.)
struct CSVParserCore {
    private static let quote = UInt8(ascii: "\"")
    private static let lineFeed = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")
    private static let marker = DecodingStream.invalidMarker
    /// Flags in `stops`: the bytes that end a run of plain bytes in an unquoted field, and in
    /// a quoted one.
    private static let stopsUnquoted: UInt8 = 1
    private static let stopsQuoted: UInt8 = 2

    private enum State {
        /// At the start of a field (and of a record, when no field is finished yet).
        case fieldStart
        case unquoted
        case quoted
        /// Just after a quote inside a quoted field: the closing quote, or the first of `""`.
        case afterQuote
        /// After a closing quote and a `\r`: only `\n` may follow.
        case afterQuoteReturn
        /// After an error: skipping to the end of the line.
        case skipping
    }

    private enum Outcome {
        case record
        case blank
        case failure(CSVError)
        case end
    }

    private let stream: DecodingStream
    private let buffer: StreamBuffer
    private let delimiter: UInt8
    private let maxRecordBytes: Int
    /// Which bytes stop a scan (see `stopsUnquoted`), indexed by byte.
    private let stops: UnsafePointer<UInt8>
    // The buffer's storage, count and base, as of the last fill.
    private var bytes: UnsafeMutablePointer<UInt8>
    private var end = 0
    private var base = 0

    private var started = false
    private var finished = false
    /// The next byte to look at, in `buffer`.
    private var position = 0
    /// The physical line of the byte at `position`.
    private var line = 1

    // The record being read.
    private var state = State.fieldStart
    private var recordLine = 1
    private var recordStart = 0  // in the whole stream
    private var fields: [String] = []
    private var fieldCount = 0
    private var lastFieldQuoted = false
    /// The first structural error of the record.
    private var error: CSVError?
    /// Where the record's first invalid bytes are. Turned into an error when the record ends,
    /// because the run of invalid bytes may go on in the next chunk.
    private var invalidBytes: (position: Int, line: Int, column: Int)?
    private var hasError: Bool { error != nil || invalidBytes != nil }
    // The field being read, in `buffer`.
    private var fieldStart = 0
    private var fieldEnd = 0
    private var hasEscapedQuotes = false
    private var quoteLine = 0
    /// The first line feed inside the open quoted field, or -1: where reading resumes if the
    /// quote turns out never to close.
    private var firstLineFeedInQuotes = -1
    private var unescaped: [UInt8] = []

    init(stream: DecodingStream, delimiter: UInt8, maxRecordBytes: Int, stops: UnsafePointer<UInt8>) {
        self.stream = stream
        buffer = stream.buffer
        self.delimiter = delimiter
        self.maxRecordBytes = maxRecordBytes
        self.stops = stops
        bytes = stream.buffer.storage
    }

    static func fillStops(_ stops: UnsafeMutablePointer<UInt8>, delimiter: UInt8) {
        stops[Int(delimiter)] |= stopsUnquoted
        for byte in [lineFeed, quote, marker] {
            stops[Int(byte)] |= stopsUnquoted | stopsQuoted
        }
    }

    /// Takes in the buffer's state after it has changed.
    private mutating func sync() {
        bytes = buffer.storage
        end = buffer.count
        base = buffer.base
    }

    mutating func next() -> Result<CSVRecord, CSVError>? {
        guard !finished else { return nil }
        if !started {
            started = true
            if let failure = skipByteOrderMark() {
                finished = true
                return .failure(failure)
            }
        }
        while true {
            beginRecord()
            switch readRecord() {
            case .record:
                let record = CSVRecord(line: recordLine, fields: fields)
                fields = []
                fields.reserveCapacity(record.fields.count)
                return .success(record)
            case .blank:
                continue
            case .failure(let failure):
                return .failure(failure)
            case .end:
                finished = true
                return nil
            }
        }
    }

    private mutating func skipByteOrderMark() -> CSVError? {
        do {
            while buffer.count < 3, try stream.fill() {}
        } catch let failure {
            return readError(failure)
        }
        sync()
        if end >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            position = 3
        }
        return nil
    }

    private mutating func beginRecord() {
        state = .fieldStart
        recordLine = line
        recordStart = base + position
        fields.removeAll(keepingCapacity: true)
        fieldCount = 0
        error = nil
        invalidBytes = nil
    }

    // MARK: - The state machine

    private mutating func readRecord() -> Outcome {
        while true {
            let bytes = self.bytes
            let end = self.end
            switch state {
            case .fieldStart:
                guard position < end else {
                    if let outcome = refill() { return outcome }
                    continue
                }
                fieldStart = position
                if bytes[position] == Self.quote {
                    state = .quoted
                    quoteLine = line
                    firstLineFeedInQuotes = -1
                    hasEscapedQuotes = false
                    position += 1
                } else {
                    state = .unquoted
                }

            case .unquoted:
                var index = position
                while index < end, stops[Int(bytes[index])] & Self.stopsUnquoted == 0 { index += 1 }
                position = index
                guard index < end else {
                    if let outcome = refill() { return outcome }
                    continue
                }
                let byte = bytes[index]
                if byte == delimiter {
                    finishUnquotedField(end: index, atLineEnd: false)
                    position = index + 1
                    state = .fieldStart
                } else if byte == Self.lineFeed {
                    finishUnquotedField(end: index, atLineEnd: true)
                    position = index + 1
                    line += 1
                    return finishRecord()
                } else if byte == Self.quote {
                    fail(
                        "a double quote in the middle of an unquoted field; a field with quotes in it must be "
                            + "quoted as a whole, with each quote inside doubled (\"\")"
                    )
                } else {
                    noteInvalidBytes(at: index)
                    position = index + 1
                }

            case .quoted:
                var index = position
                while index < end, stops[Int(bytes[index])] & Self.stopsQuoted == 0 { index += 1 }
                position = index
                guard index < end else {
                    if let outcome = refill() { return outcome }
                    continue
                }
                let byte = bytes[index]
                position = index + 1
                if byte == Self.quote {
                    fieldEnd = index
                    state = .afterQuote
                } else if byte == Self.lineFeed {
                    if firstLineFeedInQuotes < 0 { firstLineFeedInQuotes = index }
                    line += 1
                } else {
                    noteInvalidBytes(at: index)
                }

            case .afterQuote:
                guard position < end else {
                    if let outcome = refill() { return outcome }
                    continue
                }
                let byte = bytes[position]
                if byte == Self.quote {
                    hasEscapedQuotes = true
                    position += 1
                    state = .quoted
                } else if byte == delimiter {
                    finishQuotedField()
                    position += 1
                    state = .fieldStart
                } else if byte == Self.lineFeed {
                    finishQuotedField()
                    position += 1
                    line += 1
                    return finishRecord()
                } else if byte == Self.carriageReturn {
                    position += 1
                    state = .afterQuoteReturn
                } else {
                    failAfterClosingQuote()
                }

            case .afterQuoteReturn:
                guard position < end else {
                    if let outcome = refill() { return outcome }
                    continue
                }
                if bytes[position] == Self.lineFeed {
                    finishQuotedField()
                    position += 1
                    line += 1
                    return finishRecord()
                }
                failAfterClosingQuote()

            case .skipping:
                var index = position
                while index < end, bytes[index] != Self.lineFeed { index += 1 }
                position = index
                guard index < end else {
                    if let outcome = refill() { return outcome }
                    continue
                }
                position = index + 1
                line += 1
                return .failure(recordError())
            }
        }
    }

    /// Gets more input when the buffer is used up. Returns `nil` to carry on, or what
    /// `readRecord` should return (at the end of the input, on a read error, or when the
    /// record has grown too long).
    private mutating func refill() -> Outcome? {
        if state != .skipping, base + position - recordStart > maxRecordBytes {
            if let outcome = recordTooLong() { return outcome }
        }
        // Keep only what the record still needs: the field being read.
        let keep = (state == .skipping || state == .fieldStart) ? position : fieldStart
        if keep > 0 {
            buffer.discard(keep)
            stream.forgetRuns(before: invalidBytes?.position ?? buffer.base)
            sync()
            position -= keep
            fieldStart -= keep
            fieldEnd -= keep
            if firstLineFeedInQuotes >= 0 { firstLineFeedInQuotes -= keep }
        }
        do {
            let filled = try stream.fill()
            sync()
            if filled { return nil }
        } catch let failure {
            finished = true
            return .failure(readError(failure))
        }
        return endOfInput()
    }

    /// The outcome when the input ends in the middle of a record.
    private mutating func endOfInput() -> Outcome {
        switch state {
        case .fieldStart:
            if fieldCount == 0 { return .end }
            appendField("", quoted: false)  // the empty last field of "a,b,"
            return finishRecord()
        case .unquoted:
            finishUnquotedField(end: end, atLineEnd: true)
            position = end
            return finishRecord()
        case .afterQuote, .afterQuoteReturn:
            finishQuotedField()
            position = end
            return finishRecord()
        case .quoted:
            return unclosedQuote("a quoted field is not closed before the end of the file; is a closing quote missing?")
        case .skipping:
            position = end
            return .failure(recordError())
        }
    }

    private mutating func recordTooLong() -> Outcome? {
        switch state {
        case .quoted, .afterQuote, .afterQuoteReturn:
            if firstLineFeedInQuotes >= 0 {
                return unclosedQuote(
                    "a quoted field is not closed within \(maxRecordBytes) bytes; is a closing quote missing?"
                )
            }
        default:
            break
        }
        if !hasError {
            error = CSVError(line: recordLine, column: nil, message: "the record is longer than \(maxRecordBytes) bytes")
        }
        state = .skipping
        return nil
    }

    /// Reports an open quote at the line it started on, and resumes reading at the line after
    /// it (or at the end, when the quote is on the last line).
    private mutating func unclosedQuote(_ message: String) -> Outcome {
        let failure = CSVError(line: quoteLine, column: fieldCount + 1, message: message)
        if firstLineFeedInQuotes >= 0 {
            position = firstLineFeedInQuotes + 1
            line = quoteLine + 1
        } else {
            position = end
        }
        return .failure(failure)
    }

    private mutating func finishRecord() -> Outcome {
        if hasError { return .failure(recordError()) }
        if fieldCount == 1, !lastFieldQuoted, fields[0].isEmpty { return .blank }
        return .record
    }

    // MARK: - Fields

    private mutating func finishUnquotedField(end: Int, atLineEnd: Bool) {
        var end = end
        if atLineEnd, end > fieldStart, bytes[end - 1] == Self.carriageReturn { end -= 1 }
        appendField(text(from: fieldStart, to: end), quoted: false)
    }

    private mutating func finishQuotedField() {
        let start = fieldStart + 1
        guard hasEscapedQuotes, !hasError else {
            appendField(text(from: start, to: fieldEnd), quoted: true)
            return
        }
        unescaped.removeAll(keepingCapacity: true)
        var index = start
        while index < fieldEnd {
            let byte = bytes[index]
            unescaped.append(byte)
            index += byte == Self.quote ? 2 : 1
        }
        appendField(String(decoding: unescaped, as: UTF8.self), quoted: true)
    }

    private func text(from start: Int, to end: Int) -> String {
        // A record with an error is not returned, so its fields need no text.
        guard !hasError, end > start else { return "" }
        return String(decoding: UnsafeBufferPointer(start: bytes + start, count: end - start), as: UTF8.self)
    }

    private mutating func appendField(_ text: String, quoted: Bool) {
        fields.append(text)
        fieldCount += 1
        lastFieldQuoted = quoted
    }

    // MARK: - Errors

    /// Records a structural error at the current line and field, and skips the rest of the line.
    private mutating func fail(_ message: String) {
        if !hasError { error = CSVError(line: line, column: fieldCount + 1, message: message) }
        state = .skipping
    }

    private mutating func failAfterClosingQuote() {
        fail("text after the closing quote of a quoted field; a quote inside a quoted field must be doubled (\"\")")
    }

    /// Notes the invalid bytes at `index` in `buffer`, unless the record already has an error.
    private mutating func noteInvalidBytes(at index: Int) {
        guard !hasError else { return }
        invalidBytes = (base + index, line, fieldCount + 1)
    }

    /// The error that the record is reported with.
    private func recordError() -> CSVError {
        if let error { return error }
        let (position, line, column) = invalidBytes!
        let run = stream.invalidRun(at: position)
        var listed = (run?.bytes ?? []).map(hex).joined(separator: " ")
        let length = run?.length ?? 1
        if length > InvalidRun.keptBytes { listed += " … (\(length) bytes)" }
        let what = length == 1 ? "byte \(listed) is" : "bytes \(listed) are"
        let encoding = stream.encoding
        let other = encoding.alternative
        let message = "\(what) not valid \(encoding.displayName); is the file \(other.displayName)?"
        return CSVError(line: line, column: column, message: message, otherEncoding: other)
    }

    private func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }

    private func readError(_ failure: ReadFailure) -> CSVError {
        CSVError(line: line, column: nil, message: "the input cannot be read: \(failure.reason)")
    }
}
