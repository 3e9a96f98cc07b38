/// An amount of money in fen (分, 1/100 yuan), the only unit GrantLedger computes in.
public struct Fen: Sendable, Hashable, Comparable, Codable, CustomStringConvertible,
    ExpressibleByIntegerLiteral, AdditiveArithmetic
{
    public var value: Int64

    public init(_ value: Int64) { self.value = value }
    public init(integerLiteral value: Int64) { self.value = value }
    public static func yuan(_ yuan: Int64) -> Fen { Fen(yuan * 100) }

    public static var zero: Fen { Fen(0) }
    public static func + (a: Fen, b: Fen) -> Fen { Fen(a.value + b.value) }
    public static func - (a: Fen, b: Fen) -> Fen { Fen(a.value - b.value) }
    public static func < (a: Fen, b: Fen) -> Bool { a.value < b.value }

    /// `¥1,234.50`-style rendering for people; machines get the integer.
    public var description: String { yuanText(symbol: "¥") }

    /// Yuan with two decimals and thousands separators, by integer arithmetic, after `symbol`
    /// and any minus sign: `-¥1,234.50`, or with no symbol `-1,234.50`.
    public func yuanText(symbol: String = "") -> String {
        let sign = value < 0 ? "-" : ""
        let magnitude = value.magnitude
        var yuan = String(magnitude / 100)
        var grouped = ""
        while yuan.count > 3 {
            grouped = "," + yuan.suffix(3) + grouped
            yuan.removeLast(3)
        }
        let cents = magnitude % 100
        return "\(sign)\(symbol)\(yuan)\(grouped).\(cents < 10 ? "0" : "")\(cents)"
    }

    public init(from decoder: any Decoder) throws { value = try decoder.singleValueContainer().decode(Int64.self) }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
