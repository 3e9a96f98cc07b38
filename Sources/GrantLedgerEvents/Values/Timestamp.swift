/// A point in system time, in milliseconds since 1970-01-01T00:00:00Z: when the log recorded
/// an event. Written as ISO 8601 UTC with milliseconds, `2026-11-21T19:41:29.123Z`, so that
/// text order is time order.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let millisecondsSinceEpoch: Int64

    public init(millisecondsSinceEpoch: Int64) { self.millisecondsSinceEpoch = millisecondsSinceEpoch }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.mmm]Z`, or a bare date (its midnight UTC).
    public init?(_ text: String) {
        var text = text
        guard let time = text.withUTF8(Timestamp.parse) else { return nil }
        self = time
    }

    /// `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM:SS[.mmm]Z`, in UTF-8, read in place.
    private static func parse(_ b: UnsafeBufferPointer<UInt8>) -> Timestamp? {
        if let date = LocalDate.parse(b) { return Timestamp(millisecondsSinceEpoch: Int64(date.daysSinceEpoch) * 86_400_000) }
        guard b.count == 20 || b.count == 24, b[10] == UInt8(ascii: "T"), b.last == UInt8(ascii: "Z"),
            b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
            let date = LocalDate.parse(UnsafeBufferPointer(rebasing: b[0..<10])),
            let h = LocalDate.number(b[11..<13]), let m = LocalDate.number(b[14..<16]),
            let s = LocalDate.number(b[17..<19]), h < 24, m < 60, s < 60
        else { return nil }
        var millis = 0
        if b.count == 24 {
            guard b[19] == UInt8(ascii: "."), let ms = LocalDate.number(b[20..<23]) else { return nil }
            millis = ms
        }
        let seconds = Int64(date.daysSinceEpoch) * 86_400 + Int64(h * 3600 + m * 60 + s)
        return Timestamp(millisecondsSinceEpoch: seconds * 1000 + Int64(millis))
    }

    public var date: LocalDate {
        LocalDate(daysSinceEpoch: Int(millisecondsSinceEpoch.floorDiv(86_400_000)))
    }

    public var description: String {
        let ms = Int(millisecondsSinceEpoch.floorMod(86_400_000))
        let day = date
        return String(unsafeUninitializedCapacity: 24) { out in
            DigitWriter.write(day.year, width: 4, into: out, at: 0)
            out[4] = UInt8(ascii: "-")
            DigitWriter.write(day.month, width: 2, into: out, at: 5)
            out[7] = UInt8(ascii: "-")
            DigitWriter.write(day.day, width: 2, into: out, at: 8)
            out[10] = UInt8(ascii: "T")
            DigitWriter.write(ms / 3_600_000, width: 2, into: out, at: 11)
            out[13] = UInt8(ascii: ":")
            DigitWriter.write(ms / 60_000 % 60, width: 2, into: out, at: 14)
            out[16] = UInt8(ascii: ":")
            DigitWriter.write(ms / 1000 % 60, width: 2, into: out, at: 17)
            out[19] = UInt8(ascii: ".")
            DigitWriter.write(ms % 1000, width: 3, into: out, at: 20)
            out[23] = UInt8(ascii: "Z")
            return 24
        }
    }

    public static func < (a: Self, b: Self) -> Bool { a.millisecondsSinceEpoch < b.millisecondsSinceEpoch }
}

extension Int64 {
    fileprivate func floorDiv(_ d: Int64) -> Int64 { self >= 0 ? self / d : (self - d + 1) / d }
    fileprivate func floorMod(_ d: Int64) -> Int64 { self - floorDiv(d) * d }
}
