import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The raw bytes of an input, read a chunk at a time: a file, standard input, or an array in
/// memory (handed out in the same chunk sizes, so tests exercise the same chunk boundaries).
final class ByteSource {
    private enum Origin {
        case descriptor(Int32, owned: Bool)
        case memory([UInt8], position: Int)
    }

    private var origin: Origin
    let chunkSize: Int

    /// Opens `path` for reading; `-` is standard input.
    init(path: String, chunkSize: Int) throws(CSVInputError) {
        self.chunkSize = chunkSize
        if path == "-" {
            origin = .descriptor(STDIN_FILENO, owned: false)
            return
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CSVInputError(path: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else {
            throw CSVInputError(path: path, reason: "it is a directory, not a file")
        }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            let reason = code == EACCES ? "permission denied" : String(cString: strerror(code))
            throw CSVInputError(path: path, reason: reason)
        }
        origin = .descriptor(descriptor, owned: true)
    }

    init(bytes: [UInt8], chunkSize: Int) {
        self.chunkSize = chunkSize
        origin = .memory(bytes, position: 0)
    }

    deinit {
        if case .descriptor(let descriptor, owned: true) = origin { close(descriptor) }
    }

    /// Reads up to `chunkSize` bytes into `destination`; 0 at the end of the input.
    func read(into destination: UnsafeMutablePointer<UInt8>) throws(ReadFailure) -> Int {
        switch origin {
        case .descriptor(let descriptor, _):
            while true {
                #if canImport(Darwin)
                let count = Darwin.read(descriptor, destination, chunkSize)
                #elseif canImport(Glibc)
                let count = Glibc.read(descriptor, destination, chunkSize)
                #else
                let count = Musl.read(descriptor, destination, chunkSize)
                #endif
                if count >= 0 { return count }
                let code = errno
                if code == EINTR { continue }
                throw ReadFailure(reason: String(cString: strerror(code)))
            }
        case .memory(let bytes, let position):
            let count = min(chunkSize, bytes.count - position)
            guard count > 0 else { return 0 }
            bytes.withUnsafeBufferPointer { source in
                destination.update(from: source.baseAddress! + position, count: count)
            }
            origin = .memory(bytes, position: position + count)
            return count
        }
    }
}

/// The input could not be read (an I/O error, not a bad byte).
struct ReadFailure: Error {
    let reason: String
}
