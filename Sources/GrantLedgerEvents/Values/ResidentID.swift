/// An 18-character resident identity number (公民身份号码, GB 11643-1999).
///
/// Validation checks the shape (17 digits and a check character `0`-`9` or `X`), a plausible
/// date of birth in positions 7-14, and the ISO 7064 MOD 11-2 check character. The full number
/// is never printed: ``description`` and ``masked`` show `350203********123X`.
public struct ResidentID: Sendable, Hashable, CustomStringConvertible {
    /// The number with a lower-case `x` normalised to `X`.
    public let digits: String

    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        case wrongLength(Int)
        case notDigits
        case fullWidthDigits
        case badBirthDate
        case badCheckDigit

        public var description: String {
            switch self {
            case .wrongLength(let n):
                "a resident ID has 18 characters, this one has \(n)"
            case .notDigits:
                "a resident ID is 17 digits followed by a digit or X"
            case .fullWidthDigits:
                "a resident ID is 17 digits followed by a digit or X, in ASCII: this one has full-width digits (０-９); convert them to 0-9"
            case .badBirthDate:
                "characters 7-14 of a resident ID are a date of birth (YYYYMMDD), and these are not"
            case .badCheckDigit:
                "the check character (GB 11643) does not match: a digit was probably mistyped"
            }
        }
    }

    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checkCharacters = Array("10X98765432".utf8)

    public init(validating text: String) throws(Problem) {
        let bytes = Array(text.utf8)
        // 18 characters that are not 18 ASCII bytes (full-width digits, say) are not digits.
        guard bytes.count == 18 else {
            guard text.count == 18 else { throw .wrongLength(text.count) }
            throw text.unicodeScalars.contains { (0xFF10...0xFF19).contains($0.value) } ? .fullWidthDigits : .notDigits
        }
        var sum = 0
        for i in 0..<17 {
            let d = Int(bytes[i]) - 48
            guard (0...9).contains(d) else { throw .notDigits }
            sum += d * Self.weights[i]
        }
        var last = bytes[17]
        if last == UInt8(ascii: "x") { last = UInt8(ascii: "X") }
        guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(last) || last == UInt8(ascii: "X") else {
            throw .notDigits
        }
        func number(_ range: Range<Int>) -> Int { range.reduce(0) { $0 * 10 + Int(bytes[$1]) - 48 } }
        let (year, month, day) = (number(6..<10), number(10..<12), number(12..<14))
        guard (1900...2100).contains(year), LocalDate(year: year, month: month, day: day) != nil else {
            throw .badBirthDate
        }
        guard Self.checkCharacters[sum % 11] == last else { throw .badCheckDigit }
        digits = String(decoding: bytes[0..<17] + [last], as: UTF8.self)
    }

    /// Whether `text` is a valid resident ID.
    public static func isValid(_ text: String) -> Bool { (try? ResidentID(validating: text)) != nil }

    /// The first six characters (the division code of registration) and the last four; the
    /// date of birth and sequence in between are hidden.
    public var masked: String { Self.mask(digits) }

    public var description: String { masked }

    /// Masks any text that might be a resident ID: keeps the first 6 and last 4 characters.
    public static func mask(_ text: String) -> String {
        guard text.count > 10 else { return String(repeating: "*", count: text.count) }
        return String(text.prefix(6)) + String(repeating: "*", count: text.count - 10) + String(text.suffix(4))
    }
}
