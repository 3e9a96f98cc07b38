/// A calendar date with no time zone (ISO 8601 `YYYY-MM-DD`): the business date a fact took
/// effect. Ordering and arithmetic are on the proleptic Gregorian calendar.
public struct LocalDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...LocalDate.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        (self.year, self.month, self.day) = (year, month, day)
    }

    /// Parses exactly `YYYY-MM-DD`.
    public init?(_ text: String) {
        var text = text
        guard let date = text.withUTF8(LocalDate.parse) else { return nil }
        self = date
    }

    /// For text of the `YYYY-MM-DD` shape that is not a day of the calendar (2024-02-30), what
    /// is wrong with it, in words for whoever wrote it; nil for a date, or for text of another shape.
    public static func missingDay(_ text: String) -> String? {
        let b = Array(text.utf8)
        guard LocalDate(text) == nil, b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
              let y = number(b[0..<4]), let m = number(b[5..<7]), number(b[8..<10]) != nil
        else { return nil }
        guard (1...9999).contains(y) else { return "\(text) does not exist: years run from 0001 to 9999" }
        guard (1...12).contains(m) else { return "\(text) does not exist: there is no month \(b[5] == UInt8(ascii: "0") ? "0" : "")\(m)" }
        return "\(text) does not exist: \(YearMonth(year: y, month: m)!) has \(daysIn(month: m, year: y)) days"
    }

    /// Exactly `YYYY-MM-DD` in UTF-8, read in place.
    static func parse(_ b: UnsafeBufferPointer<UInt8>) -> LocalDate? {
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
            let y = number(b[0..<4]), let m = number(b[5..<7]), let d = number(b[8..<10])
        else { return nil }
        return LocalDate(year: y, month: m, day: d)
    }

    static func number(_ bytes: some Collection<UInt8>) -> Int? {
        var value = 0
        for byte in bytes {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    public static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 (negative before).
    public var daysSinceEpoch: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    public init(daysSinceEpoch z0: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        (year, month, day) = (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    public func adding(days: Int) -> LocalDate { LocalDate(daysSinceEpoch: daysSinceEpoch + days) }

    public var yearMonth: YearMonth { YearMonth(year: year, month: month)! }

    public var description: String {
        // Written digit by digit: dates are formatted several times for every event appended.
        String(unsafeUninitializedCapacity: 10) { out in
            DigitWriter.write(year, width: 4, into: out, at: 0)
            out[4] = UInt8(ascii: "-")
            DigitWriter.write(month, width: 2, into: out, at: 5)
            out[7] = UInt8(ascii: "-")
            DigitWriter.write(day, width: 2, into: out, at: 8)
            return 10
        }
    }

    public static func < (a: LocalDate, b: LocalDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = LocalDate(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                debugDescription: "\"\(text)\" is not a date (YYYY-MM-DD)"))
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A calendar month (ISO 8601 `YYYY-MM`): the unit of employment and contribution records.
public struct YearMonth: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    public init?(year: Int, month: Int) {
        guard (1...9999).contains(year), (1...12).contains(month) else { return nil }
        (self.year, self.month) = (year, month)
    }

    public init?(_ text: String) {
        let b = Array(text.utf8)
        guard b.count == 7, b[4] == UInt8(ascii: "-"),
            let y = LocalDate.number(b[0..<4]), let m = LocalDate.number(b[5..<7])
        else { return nil }
        self.init(year: y, month: m)
    }

    /// Months since January of year 0; consecutive months differ by one.
    public var ordinal: Int { year * 12 + month - 1 }

    public init(ordinal: Int) { (year, month) = (ordinal / 12, ordinal % 12 + 1) }

    public func adding(months: Int) -> YearMonth { YearMonth(ordinal: ordinal + months) }

    public var firstDay: LocalDate { LocalDate(year: year, month: month, day: 1)! }
    public var lastDay: LocalDate { LocalDate(year: year, month: month, day: LocalDate.daysIn(month: month, year: year))! }

    public var description: String {
        let y = String(year), m = String(month)
        return String(repeating: "0", count: max(0, 4 - y.count)) + y + "-" + (m.count == 1 ? "0" + m : m)
    }

    public static func < (a: YearMonth, b: YearMonth) -> Bool { a.ordinal < b.ordinal }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = YearMonth(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                debugDescription: "\"\(text)\" is not a month (YYYY-MM)"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// Writes zero-padded decimal numbers into a byte buffer.
enum DigitWriter {
    @inline(__always)
    static func write(_ value: Int, width: Int, into out: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        var v = value
        for i in stride(from: offset + width - 1, through: offset, by: -1) {
            out[i] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: v % 10)
            v /= 10
        }
    }
}
