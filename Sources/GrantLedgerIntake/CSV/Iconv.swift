#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A conversion descriptor of the system's iconv, from one encoding to UTF-8.
///
/// On Linux iconv is part of the C library. On macOS it lives in libiconv, which a Swift
/// package does not link by default (and this target has no linker settings), so the three
/// functions are looked up in it at run time.
final class IconvConverter {
    typealias OpenFunction = @convention(c) (UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> UnsafeMutableRawPointer?
    typealias ConvertFunction = @convention(c) (
        UnsafeMutableRawPointer?,
        UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, UnsafeMutablePointer<Int>?,
        UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, UnsafeMutablePointer<Int>?
    ) -> Int
    typealias CloseFunction = @convention(c) (UnsafeMutableRawPointer?) -> Int32

    private struct Functions: @unchecked Sendable {
        let open: OpenFunction
        let convert: ConvertFunction
        let close: CloseFunction
    }

    private static let functions: Functions? = {
        #if canImport(Darwin)
        let library = ["/usr/lib/libiconv.2.dylib", "/usr/lib/libiconv.dylib", "libiconv.dylib"].lazy
            .compactMap { dlopen($0, RTLD_LAZY | RTLD_LOCAL) }.first
        guard let library,
              let open = dlsym(library, "iconv_open"),
              let convert = dlsym(library, "iconv"),
              let close = dlsym(library, "iconv_close")
        else { return nil }
        return Functions(
            open: unsafeBitCast(open, to: OpenFunction.self),
            convert: unsafeBitCast(convert, to: ConvertFunction.self),
            close: unsafeBitCast(close, to: CloseFunction.self)
        )
        #else
        return Functions(open: iconv_open, convert: iconv, close: iconv_close)
        #endif
    }()

    private let functions: Functions
    private let descriptor: UnsafeMutableRawPointer

    /// A converter from `encoding` to UTF-8, or `nil` when the system's iconv does not know it.
    init?(from encoding: String) {
        guard let functions = Self.functions,
              let descriptor = functions.open("UTF-8", encoding),
              descriptor != UnsafeMutableRawPointer(bitPattern: -1)
        else { return nil }
        self.functions = functions
        self.descriptor = descriptor
    }

    deinit { _ = functions.close(descriptor) }

    enum Outcome {
        /// All the input was converted.
        case done
        /// The output space ran out.
        case outputFull
        /// The input ends inside a multibyte sequence (iconv's EINVAL).
        case incomplete
        /// The input starts with a sequence that is not valid in the encoding (EILSEQ).
        case invalid
    }

    /// Converts from `input` into `output`, advancing both pointers and counts past what was
    /// consumed and produced, until the input is used up or a problem stops it.
    func convert(
        input: inout UnsafeMutablePointer<UInt8>, inputCount: inout Int,
        output: inout UnsafeMutablePointer<UInt8>, outputCount: inout Int
    ) -> Outcome {
        var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutablePointer(OpaquePointer(input))
        var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutablePointer(OpaquePointer(output))
        let result = functions.convert(descriptor, &inPointer, &inputCount, &outPointer, &outputCount)
        let code = errno
        input = UnsafeMutablePointer(OpaquePointer(inPointer!))
        output = UnsafeMutablePointer(OpaquePointer(outPointer!))
        if result != -1 { return .done }
        switch code {
        case E2BIG: return .outputFull
        case EINVAL: return .incomplete
        default: return .invalid
        }
    }
}
