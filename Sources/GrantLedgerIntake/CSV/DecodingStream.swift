/// A growable byte buffer that remembers where its first byte sits in the whole stream, so
/// that the consumed front can be dropped while positions stay comparable.
final class StreamBuffer {
    private(set) var storage: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    /// The number of bytes held, at `storage[0 ..< count]`.
    var count = 0
    /// The position in the whole stream of `storage[0]`.
    private(set) var base = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        storage = .allocate(capacity: self.capacity)
    }

    deinit { storage.deallocate() }

    /// Makes room for at least `additional` more bytes after `count`.
    func reserve(_ additional: Int) {
        let needed = count + additional
        guard needed > capacity else { return }
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newStorage = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newStorage.moveInitialize(from: storage, count: count)
        storage.deallocate()
        storage = newStorage
        capacity = newCapacity
    }

    /// Drops the first `prefix` bytes, moving the rest to the front.
    func discard(_ prefix: Int) {
        guard prefix > 0 else { return }
        let remaining = count - prefix
        if remaining > 0 { storage.update(from: storage + prefix, count: remaining) }
        count = remaining
        base += prefix
    }
}

/// A run of input bytes that are not valid in the input's encoding. In the decoded stream
/// each such byte is replaced by 0xFF, a byte that never occurs in UTF-8; the run keeps the
/// original bytes for the error message.
struct InvalidRun {
    /// Where the run starts in the decoded stream.
    var start: Int
    var length: Int
    /// The first few original bytes.
    var bytes: [UInt8]

    var end: Int { start + length }
    static let keptBytes = 8
}

/// The input decoded to UTF-8, chunk by chunk, appended to a `StreamBuffer`. Each invalid
/// byte becomes 0xFF and is recorded in an `InvalidRun`. A multibyte sequence cut by the end
/// of a chunk is carried over to the next one; at the end of the input it is invalid.
final class DecodingStream {
    /// The byte that stands for an invalid input byte in the decoded stream.
    static let invalidMarker: UInt8 = 0xFF

    let buffer: StreamBuffer
    let encoding: TextEncoding
    private let source: ByteSource
    private let converter: IconvConverter?
    /// Raw bytes waiting for conversion (only for encodings other than UTF-8).
    private let raw: StreamBuffer?
    /// The start of an incomplete UTF-8 sequence left from the previous chunk.
    private var carry: [UInt8] = []
    private(set) var atEnd = false
    private var runs: [InvalidRun] = []
    private var firstRun = 0

    init(source: ByteSource, encoding: TextEncoding, path: String) throws(CSVInputError) {
        self.source = source
        self.encoding = encoding
        switch encoding {
        case .utf8:
            converter = nil
            raw = nil
            buffer = StreamBuffer(capacity: source.chunkSize + 64)
        case .gb18030:
            guard let converter = IconvConverter(from: encoding.iconvName) else {
                throw CSVInputError(path: path, reason: "this system's iconv cannot convert from \(encoding.iconvName)")
            }
            self.converter = converter
            raw = StreamBuffer(capacity: source.chunkSize + 8)
            buffer = StreamBuffer(capacity: source.chunkSize * 2 + 64)
        }
    }

    /// Appends decoded bytes to the buffer: `true` when at least one was appended, `false`
    /// at the end of the input.
    func fill() throws(ReadFailure) -> Bool {
        let before = buffer.count
        while buffer.count == before && !atEnd {
            if let converter, let raw {
                try fillConverting(converter, raw)
            } else {
                try fillUTF8()
            }
        }
        return buffer.count > before
    }

    /// The invalid run that covers `position` in the decoded stream.
    func invalidRun(at position: Int) -> InvalidRun? {
        var low = firstRun
        var high = runs.count
        while low < high {
            let middle = (low + high) / 2
            if runs[middle].end <= position { low = middle + 1 } else { high = middle }
        }
        guard low < runs.count, runs[low].start <= position else { return nil }
        return runs[low]
    }

    /// Forgets the runs that end before `position` in the decoded stream.
    func forgetRuns(before position: Int) {
        while firstRun < runs.count, runs[firstRun].end <= position { firstRun += 1 }
        if firstRun == runs.count {
            runs.removeAll(keepingCapacity: true)
            firstRun = 0
        } else if firstRun > 64, firstRun * 2 > runs.count {
            runs.removeFirst(firstRun)
            firstRun = 0
        }
    }

    // MARK: - UTF-8

    private func fillUTF8() throws(ReadFailure) {
        buffer.reserve(carry.count + source.chunkSize)
        let start = buffer.count
        if !carry.isEmpty {
            carry.withUnsafeBufferPointer { buffer.storage.advanced(by: start).update(from: $0.baseAddress!, count: $0.count) }
            buffer.count += carry.count
            carry.removeAll(keepingCapacity: true)
        }
        let count = try source.read(into: buffer.storage + buffer.count)
        buffer.count += count
        if count == 0 { atEnd = true }
        let incomplete = validateUTF8(from: start, final: atEnd)
        if incomplete > 0 {
            carry.append(contentsOf: UnsafeBufferPointer(start: buffer.storage + buffer.count - incomplete, count: incomplete))
            buffer.count -= incomplete
        }
    }

    /// Checks `buffer[start ..< count]` as UTF-8, marking invalid bytes. Returns the length of
    /// an incomplete sequence at the end, which is left for the next chunk unless `final`.
    private func validateUTF8(from start: Int, final: Bool) -> Int {
        let bytes = buffer.storage
        let end = buffer.count
        var index = start
        while index < end {
            // Eight ASCII bytes at a time, the common case.
            while index + 8 <= end,
                  UnsafeRawPointer(bytes + index).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                index += 8
            }
            guard index < end else { break }
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            // The length of the sequence and the range of its second byte (Unicode table 3-7).
            let continuations: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: continuations = 1
            case 0xE0: continuations = 2; low = 0xA0
            case 0xED: continuations = 2; high = 0x9F
            case 0xE1...0xEF: continuations = 2
            case 0xF0: continuations = 3; low = 0x90
            case 0xF4: continuations = 3; high = 0x8F
            case 0xF1...0xF3: continuations = 3
            default:
                markInvalid(at: index, length: 1, original: bytes + index)
                index += 1
                continue
            }
            var valid = 1  // the lead and the continuation bytes seen valid so far
            while valid <= continuations {
                guard index + valid < end else {
                    if !final { return end - index }
                    break
                }
                let byte = bytes[index + valid]
                if valid == 1 ? (byte < low || byte > high) : (byte & 0xC0 != 0x80) { break }
                valid += 1
            }
            if valid > continuations {
                index += valid
            } else {
                // The maximal ill-formed subpart: the lead and the continuations that fitted.
                markInvalid(at: index, length: valid, original: bytes + index)
                index += valid
            }
        }
        return 0
    }

    /// Records `length` invalid bytes at `buffer[index]` (whose original values are at
    /// `original`, possibly the same place) and overwrites them with the marker.
    private func markInvalid(at index: Int, length: Int, original: UnsafePointer<UInt8>) {
        let position = buffer.base + index
        if let last = runs.indices.last, runs[last].end == position {
            let room = InvalidRun.keptBytes - runs[last].bytes.count
            if room > 0 { runs[last].bytes.append(contentsOf: UnsafeBufferPointer(start: original, count: min(room, length))) }
            runs[last].length += length
        } else {
            runs.append(InvalidRun(
                start: position, length: length,
                bytes: Array(UnsafeBufferPointer(start: original, count: min(InvalidRun.keptBytes, length)))
            ))
        }
        (buffer.storage + index).update(repeating: Self.invalidMarker, count: length)
    }

    // MARK: - Through iconv

    private func fillConverting(_ converter: IconvConverter, _ raw: StreamBuffer) throws(ReadFailure) {
        raw.reserve(source.chunkSize)
        let count = try source.read(into: raw.storage + raw.count)
        raw.count += count
        if count == 0 { atEnd = true }
        var input = raw.storage
        var inputCount = raw.count
        while inputCount > 0 {
            buffer.reserve(inputCount * 2 + 16)
            var output = buffer.storage + buffer.count
            var outputCount = buffer.capacity - buffer.count
            let outcome = converter.convert(input: &input, inputCount: &inputCount, output: &output, outputCount: &outputCount)
            buffer.count = output - buffer.storage
            switch outcome {
            case .done, .outputFull:
                continue
            case .incomplete:
                if atEnd { appendInvalid(input, count: inputCount); inputCount = 0 }
            case .invalid:
                appendInvalid(input, count: 1)
                input += 1
                inputCount -= 1
                continue
            }
            break
        }
        // Keep an incomplete sequence for the next chunk.
        if inputCount > 0 { raw.storage.update(from: input, count: inputCount) }
        raw.count = inputCount
    }

    private func appendInvalid(_ bytes: UnsafeMutablePointer<UInt8>, count: Int) {
        buffer.reserve(count)
        let index = buffer.count
        buffer.count += count
        markInvalid(at: index, length: count, original: bytes)
    }
}
