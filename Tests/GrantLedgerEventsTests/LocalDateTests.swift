import Foundation
import SyntheticCity
import Testing

@testable import GrantLedgerEvents

@Suite struct LocalDateTests {
    @Test(arguments: ["2024-02-29", "2000-02-29", "2023-12-31", "0001-01-01", "9999-12-31", "1970-01-01"])
    func parsesAndPrintsValidDates(text: String) throws {
        #expect(try #require(LocalDate(text)).description == text)
    }

    @Test(arguments: [
        "2023-02-29", "1900-02-29", "2024-04-31", "2024-13-01", "2024-00-10", "2024-01-00", "0000-01-01",
        "2024-1-05", "2024/01/05", "20240105", "2024-01-05T00:00:00", " 2024-01-05", "２０２４-01-05", "",
    ])
    func rejectsInvalidDates(text: String) {
        #expect(LocalDate(text) == nil)
    }

    @Test(arguments: [
        ("2024-02-30", "2024-02-30 does not exist: 2024-02 has 29 days"), ("2023-02-29", "2023-02-29 does not exist: 2023-02 has 28 days"),
        ("2024-04-31", "2024-04-31 does not exist: 2024-04 has 30 days"), ("2024-13-01", "2024-13-01 does not exist: there is no month 13"),
        ("2024-00-10", "2024-00-10 does not exist: there is no month 00"), ("0000-01-01", "0000-01-01 does not exist: years run from 0001 to 9999"),
    ])
    func saysWhyADayDoesNotExist(text: String, why: String) {
        #expect(LocalDate.missingDay(text) == why)
    }

    @Test(arguments: ["2024-02-29", "2024/02/30", "2024-2-30", "24-02-30", ""])
    func leavesDatesAndOtherShapesToTheOtherMessage(text: String) {
        #expect(LocalDate.missingDay(text) == nil)
    }

    @Test(arguments: [(2024, true), (2000, true), (2023, false), (1900, false), (2100, false), (2400, true)])
    func knowsLeapYears(year: Int, leap: Bool) {
        #expect(LocalDate.isLeap(year) == leap)
        #expect(LocalDate.daysIn(month: 2, year: year) == (leap ? 29 : 28))
    }

    @Test func countsDaysFromTheEpoch() throws {
        #expect(try #require(LocalDate("1970-01-01")).daysSinceEpoch == 0)
        #expect(try #require(LocalDate("1970-01-02")).daysSinceEpoch == 1)
        #expect(try #require(LocalDate("1969-12-31")).daysSinceEpoch == -1)
        #expect(try #require(LocalDate("2000-03-01")).daysSinceEpoch == 11_017)
        #expect(try #require(LocalDate("2024-05-20")).daysSinceEpoch == 19_863)
    }

    @Test func roundTripsDaysSinceEpochAcrossCenturies() throws {
        var previous: LocalDate?
        for days in stride(from: -200_000, through: 200_000, by: 37) {
            let date = LocalDate(daysSinceEpoch: days)
            #expect(date.daysSinceEpoch == days)
            #expect(LocalDate(year: date.year, month: date.month, day: date.day) == date)
            if let previous { #expect(previous < date) }
            previous = date
        }
    }

    @Test func addsDaysAcrossMonthAndYearEnds() throws {
        let date = try #require(LocalDate("2024-02-28"))
        #expect(date.adding(days: 1).description == "2024-02-29")
        #expect(date.adding(days: 2).description == "2024-03-01")
        #expect(date.adding(days: 308).description == "2025-01-01")
        #expect(date.adding(days: -59).description == "2023-12-31")
    }

    @Test func ordersDates() throws {
        let dates = try ["2024-05-20", "2020-11-20", "2024-05-06", "2019-12-20"].map { try #require(LocalDate($0)) }
        #expect(dates.sorted().map(\.description) == ["2019-12-20", "2020-11-20", "2024-05-06", "2024-05-20"])
        #expect(try #require(LocalDate("2024-01-31")) < #require(LocalDate("2024-02-01")))
    }

    @Test func parsesMonths() throws {
        let month = try #require(YearMonth("2024-02"))
        #expect(month.description == "2024-02")
        #expect(month.firstDay.description == "2024-02-01")
        #expect(month.lastDay.description == "2024-02-29")
        #expect(try #require(YearMonth("2023-02")).lastDay.description == "2023-02-28")
        #expect(month.adding(months: 11).description == "2025-01")
        #expect(month.adding(months: -2).description == "2023-12")
        #expect(try #require(LocalDate("2024-06-30")).yearMonth == YearMonth("2024-06"))
        for bad in ["2024-13", "2024-00", "2024-6", "2024/06", "2024-06-01", "0000-01", ""] {
            #expect(YearMonth(bad) == nil, "\(bad)")
        }
    }

    @Test func ordersMonthsByOrdinal() throws {
        let a = try #require(YearMonth("2023-12")), b = try #require(YearMonth("2024-01"))
        #expect(a < b)
        #expect(b.ordinal - a.ordinal == 1)
        #expect(YearMonth(ordinal: b.ordinal) == b)
    }
}

/// Timestamps are parsed by hand, in place; Foundation's ISO 8601 formatter is the reference.
@Suite struct TimestampParsingTests {
    /// Foundation's reading of the two forms the log writes, with the same limits (UTC, years 1 to 9999).
    static func reference(_ text: String) -> Int64? {
        if let date = LocalDate(text) { return Int64(date.daysSinceEpoch) * 86_400_000 }
        let utf8 = Array(text.utf8)
        guard utf8.count == 20 || utf8.count == 24, utf8.allSatisfy({ $0 < 0x80 }), text.hasSuffix("Z"),
              let year = Int(text.prefix(4)), year >= 1 else { return nil }
        // Foundation switches to the Julian calendar before 1582; the log's dates are proleptic Gregorian.
        if year < 1600 { return Timestamp(text)?.millisecondsSinceEpoch }
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = utf8.count == 24 ? [.withInternetDateTime, .withFractionalSeconds] : [.withInternetDateTime]
        guard let date = formatter.date(from: text), formatter.string(from: date) == text else { return nil }
        return Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    @Test func agreesWithFoundationOnValidAndMangledTimes() {
        // Seeded, so that every run checks the same 15,000 times.
        var generator = SplitMix64(seed: 20_261_206)
        let valid = ["2026-11-21T19:41:29.123Z", "2024-02-29T23:59:59.999Z", "1970-01-01T00:00:00Z", "2000-03-01T12:00:00.000Z", "2025-12-31"]
        let alphabet = Array("0123456789-:TZ.x ".utf8)
        var checked = 0
        for base in valid {
            #expect(Timestamp(base)?.millisecondsSinceEpoch == Self.reference(base), "\(base)")
            for _ in 0..<3_000 {
                var bytes = Array(base.utf8)
                for _ in 0..<Int.random(in: 1...2, using: &generator) {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] = alphabet.randomElement(using: &generator)!
                }
                let text = String(decoding: bytes, as: UTF8.self)
                #expect(Timestamp(text)?.millisecondsSinceEpoch == Self.reference(text), "\(text)")
                checked += 1
            }
        }
        #expect(checked == 15_000)
    }
}

