/// An 18-character unified social credit code (统一社会信用代码, GB 32100-2015), which
/// identifies enterprises, training institutions, agencies, parks, communities and government
/// departments alike.
public struct CreditCode: Sendable, Hashable, CustomStringConvertible {
    public let code: String

    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        case wrongLength(Int)
        case badCharacter(position: Int)
        case badCheckCharacter

        public var description: String {
            switch self {
            case .wrongLength(let n):
                "a unified social credit code has 18 characters, this one has \(n)"
            case .badCharacter(let position):
                "character \(position) of a unified social credit code must be a digit or an upper-case letter other than I, O, S, V, Z"
            case .badCheckCharacter:
                "the check character (GB 32100) does not match: a character was probably mistyped"
            }
        }
    }

    static let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY".utf8)
    /// The value of each byte in the alphabet, -1 for bytes outside it.
    private static let valueOf: [Int8] = (0..<256).map { byte in
        alphabet.firstIndex(of: UInt8(byte)).map { Int8($0) } ?? -1
    }
    private static let weights = (0..<17).map { i in (0..<i).reduce(1) { acc, _ in acc * 3 % 31 } }

    public init(validating text: String) throws(Problem) {
        let bytes = Array(text.utf8)
        guard bytes.count == 18 else { throw .wrongLength(text.count) }
        var sum = 0
        var check = 0
        for (i, byte) in bytes.enumerated() {
            let v = Int(Self.valueOf[Int(byte)])
            guard v >= 0 else { throw .badCharacter(position: i + 1) }
            if i < 17 { sum += v * Self.weights[i] } else { check = v }
        }
        guard check == (31 - sum % 31) % 31 else { throw .badCheckCharacter }
        code = text
    }

    static func checkValue(_ first17: ArraySlice<Int>) -> Int {
        let sum = zip(first17, weights).reduce(0) { $0 + $1.0 * $1.1 }
        return (31 - sum % 31) % 31
    }

    /// Completes 17 characters with their check character (for test data and the generator).
    public static func withCheckCharacter(_ first17: String) -> String? {
        let bytes = Array(first17.utf8)
        guard bytes.count == 17 else { return nil }
        let values = bytes.compactMap { alphabet.firstIndex(of: $0) }
        guard values.count == 17 else { return nil }
        return first17 + String(decoding: [alphabet[checkValue(values[...])]], as: UTF8.self)
    }

    public static func isValid(_ text: String) -> Bool { (try? CreditCode(validating: text)) != nil }

    public var description: String { code }
}

extension ResidentID {
    /// Completes 17 digits with their GB 11643 check character (for test data and the generator).
    public static func withCheckCharacter(_ first17: String) -> String? {
        let digits = first17.utf8.map { Int($0) - 48 }
        guard digits.count == 17, digits.allSatisfy({ (0...9).contains($0) }) else { return nil }
        let sum = zip(digits, weights).reduce(0) { $0 + $1.0 * $1.1 }
        return first17 + String(decoding: [checkCharacters[sum % 11]], as: UTF8.self)
    }
}
