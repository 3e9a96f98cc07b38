import Foundation

/// Reads a JSON Lines file (or standard input) one line at a time, in 1 MiB chunks, so that
/// memory does not grow with the file. Blank lines are skipped but counted; a UTF-8 byte
/// order mark and `\r\n` line ends are accepted. A body already in memory (an HTTP request's)
/// is read the same way with ``init(bytes:)``.
public struct JSONLinesReader: Sequence, IteratorProtocol {
    /// Nil when the bytes were given whole.
    private let handle: FileHandle?
    private var buffer: [UInt8] = []
    private var start = 0
    private var lineNumber = 0
    private var atEnd = false
    private var firstChunk = true
    private static let chunkSize = 1 << 20

    public init(path: String) throws(LogError) {
        if path == "-" {
            handle = FileHandle.standardInput
            return
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw LogError.unreadableInput(path: path, reason: "no such file")
        }
        guard !isDirectory.boolValue, let handle = FileHandle(forReadingAtPath: path) else {
            throw LogError.unreadableInput(path: path, reason: isDirectory.boolValue ? "it is a directory" : "permission denied")
        }
        self.handle = handle
    }

    /// Reads lines from bytes already in memory.
    public init(bytes: [UInt8]) {
        handle = nil
        buffer = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        atEnd = true
        firstChunk = false
    }

    public mutating func next() -> SubmissionLine? {
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                var end = newline
                if end > start, buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                let line = Array(buffer[start..<end])
                start = newline + 1
                lineNumber += 1
                if isBlank(line) { continue }
                return SubmissionLine(number: lineNumber, bytes: line)
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                var line = Array(buffer[start...])
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                start = buffer.count
                lineNumber += 1
                if isBlank(line) { return nil }
                return SubmissionLine(number: lineNumber, bytes: line)
            }
            let chunk: Data?
            do {
                chunk = try handle?.read(upToCount: Self.chunkSize)
            } catch {
                // Not the end of the file: report it as a line that rejects the whole file.
                atEnd = true
                buffer.removeAll()
                start = 0
                lineNumber += 1
                return SubmissionLine(number: lineNumber, readError: String(describing: error))
            }
            buffer.removeSubrange(0..<start)
            start = 0
            if let chunk, !chunk.isEmpty {
                buffer.append(contentsOf: chunk)
                if firstChunk, buffer.starts(with: [0xEF, 0xBB, 0xBF]) { buffer.removeFirst(3) }
                firstChunk = false
            } else {
                atEnd = true
            }
        }
    }

    private func isBlank(_ line: [UInt8]) -> Bool {
        line.allSatisfy { $0 == 0x20 || $0 == 0x09 }
    }
}
