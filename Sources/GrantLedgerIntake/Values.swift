import GrantLedgerEvents

/// A date or month layout as a feed writes it: `yyyy` four digits, `MM`/`dd` two digits,
/// `M`/`d` one or two, anything else literally (`yyyy年M月d日`, `yyyyMMdd`, `yyyy/M/d`).
/// A time of day after the date (`2024-06-30 00:00:00`, as spreadsheets export it) is ignored.
public struct DatePattern: Sendable, Hashable, CustomStringConvertible {
    enum Token: Hashable { case year, month(fixed: Bool), day(fixed: Bool), literal(Character) }

    public let description: String
    let tokens: [Token]
    var hasDay: Bool { tokens.contains { if case .day = $0 { true } else { false } } }
    var hasMonth: Bool { tokens.contains { if case .month = $0 { true } else { false } } }

    /// Nil unless the pattern has `yyyy` and `M`/`MM` once each, and `d`/`dd` at most once.
    public init?(_ text: String) {
        var tokens: [Token] = []
        let characters = Array(text)
        var index = 0
        func run(of character: Character) -> Int {
            var end = index
            while end < characters.count, characters[end] == character { end += 1 }
            return end - index
        }
        while index < characters.count {
            let character = characters[index]
            let length = character == "y" || character == "M" || character == "d" ? run(of: character) : 1
            switch (character, length) {
            case ("y", 4): tokens.append(.year)
            case ("M", 1), ("M", 2): tokens.append(.month(fixed: length == 2))
            case ("d", 1), ("d", 2): tokens.append(.day(fixed: length == 2))
            case ("y", _), ("M", _), ("d", _): return nil
            default: tokens.append(.literal(character))
            }
            index += length
        }
        let years = tokens.filter { $0 == .year }.count
        let months = tokens.filter { if case .month = $0 { true } else { false } }.count
        let days = tokens.filter { if case .day = $0 { true } else { false } }.count
        guard years == 1, months == 1, days <= 1 else { return nil }
        self.description = text
        self.tokens = tokens
    }

    /// Year, month and day (nil when the pattern has no day) of `text`, if it fits.
    func match(_ text: String) -> (year: Int, month: Int, day: Int?)? {
        var text = text
        return text.withUTF8 { bytes -> (year: Int, month: Int, day: Int?)? in
            var index = 0
            var year = 0, month = 0, day: Int?
            func digits(minimum: Int, maximum: Int) -> Int? {
                var value = 0, count = 0
                while count < maximum, index < bytes.count, (0x30...0x39).contains(bytes[index]) {
                    value = value * 10 + Int(bytes[index] - 0x30)
                    count += 1
                    index += 1
                }
                return count >= minimum ? value : nil
            }
            for token in tokens {
                switch token {
                case .year: guard let value = digits(minimum: 4, maximum: 4) else { return nil }; year = value
                case .month(let fixed): guard let value = digits(minimum: fixed ? 2 : 1, maximum: 2) else { return nil }; month = value
                case .day(let fixed): guard let value = digits(minimum: fixed ? 2 : 1, maximum: 2) else { return nil }; day = value
                case .literal(let literal):
                    for byte in literal.utf8 {
                        guard index < bytes.count, bytes[index] == byte else { return nil }
                        index += 1
                    }
                }
            }
            guard index == bytes.count || Self.isTimeOfDay(bytes[index...]) else { return nil }
            return (year, month, day)
        }
    }

    /// ` 00:00:00`, `T08:30`, ` 8:30:00.000`.
    static func isTimeOfDay(_ rest: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        guard let first = rest.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "T") else { return false }
        let time = rest.dropFirst()
        return !time.isEmpty && time.contains(UInt8(ascii: ":"))
            && time.allSatisfy { (0x30...0x39).contains($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") }
    }

    public static let defaultDates = ["yyyy-MM-dd", "yyyy-M-d", "yyyy/M/d", "yyyyMMdd", "yyyy.M.d", "yyyy年M月d日"].compactMap(DatePattern.init)
    public static let defaultMonths = ["yyyy-MM", "yyyy-M", "yyyy/M", "yyyyMM", "yyyy.M", "yyyy年M月"].compactMap(DatePattern.init)
}

/// Why a cell's text cannot be read as its field's type.
struct CellProblem: Error, ExpressibleByStringInterpolation {
    let message: String
    init(stringLiteral value: String) { message = value }
}

/// Turns the text of a cell into the JSON value an event field holds.
enum CellValue {
    /// Whitespace, including the ideographic space U+3000 that Chinese spreadsheets pad with
    /// and a stray byte order mark.
    static func trimmed(_ text: String) -> Substring {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isSpace($0) })!
        return Substring(scalars[first...last])
    }

    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF: true
        default: false
        }
    }

    static func date(_ text: String, patterns: [DatePattern]) -> Result<LocalDate, CellProblem> {
        for pattern in patterns {
            guard let (year, month, day) = pattern.match(text), let day else { continue }
            guard let date = LocalDate(year: year, month: month, day: day) else {
                return .failure("\"\(text)\" is not a real date (read as \(year)-\(month)-\(day) with the layout \(pattern))")
            }
            return .success(date)
        }
        return .failure("\"\(text)\" is not a date in the layout\(patterns.count == 1 ? "" : "s") \(patterns.map(\.description).joined(separator: ", "))")
    }

    static func month(_ text: String, patterns: [DatePattern]) -> Result<YearMonth, CellProblem> {
        for pattern in patterns {
            guard let (year, month, _) = pattern.match(text) else { continue }
            guard let value = YearMonth(year: year, month: month) else {
                return .failure("\"\(text)\" is not a real month (read as \(year)-\(month) with the layout \(pattern))")
            }
            return .success(value)
        }
        return .failure("\"\(text)\" is not a month in the layout\(patterns.count == 1 ? "" : "s") \(patterns.map(\.description).joined(separator: ", "))")
    }

    /// A whole number; thousands separators (`1,000`) are allowed.
    static func integer(_ text: String) -> Result<Int64, CellProblem> {
        let digits = text.replacingOccurrences(of: ",", with: "")
        guard let value = Int64(digits) else { return .failure("\"\(text)\" is not a whole number") }
        return .success(value)
    }

    /// Yuan with at most two decimals (`1000`, `1,000.5`, `1000.00`) as exact fen: never through
    /// floating point.
    static func fen(fromYuan text: String) -> Result<Int64, CellProblem> {
        var body = Substring(text.replacingOccurrences(of: ",", with: ""))
        if body.hasPrefix("¥") || body.hasPrefix("￥") { body = body.dropFirst() }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].allSatisfy({ $0.isASCII && $0.isNumber }),
              let yuan = Int64(parts[0]) else {
            return .failure("\"\(text)\" is not an amount in yuan (digits, optionally with up to two decimals: 1000 or 1000.50)")
        }
        var fen: Int64 = 0
        if parts.count == 2 {
            let decimals = parts[1]
            guard (1...2).contains(decimals.count), decimals.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                return .failure("\"\(text)\" has \(decimals.count > 2 ? "more than two decimals: an amount in yuan stops at fen" : "a malformed decimal part")")
            }
            fen = Int64(decimals)! * (decimals.count == 1 ? 10 : 1)
        }
        let (scaled, overflow) = yuan.multipliedReportingOverflow(by: 100)
        guard !overflow, scaled <= FieldType.maximumFen else { return .failure("\"\(text)\" is too large an amount") }
        return .success(scaled + fen)
    }

    static let trueWords: Set<String> = ["true", "1", "y", "yes", "是", "有"]
    static let falseWords: Set<String> = ["false", "0", "n", "no", "否", "无"]

    static func boolean(_ text: String) -> Result<Bool, CellProblem> {
        let word = text.lowercased()
        if trueWords.contains(word) { return .success(true) }
        if falseWords.contains(word) { return .success(false) }
        return .failure("\"\(text)\" is not yes or no (write 是/否, 1/0 or true/false, or give the mapping a code table)")
    }
}
