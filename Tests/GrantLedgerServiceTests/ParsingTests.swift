import GrantLedgerEvents
import GrantLedgerProjections
import GrantLedgerService
import Testing

@Suite("Periods and moments")
struct ParsingTests {
    @Test("periods: a year, years, dates", arguments: [
        ("2024", "2024-01-01", "2024-12-31"),
        ("2019-2021", "2019-01-01", "2021-12-31"),
        ("2021-03-01..2021-06-30", "2021-03-01", "2021-06-30"),
        ("2024-02-29..2024-02-29", "2024-02-29", "2024-02-29"),
    ])
    func periods(text: String, from: String, to: String) throws {
        let dates = try Period.parse(text)
        #expect(dates == LocalDate(from)!...LocalDate(to)!)
    }

    @Test("not periods: a month, years backwards, dates backwards, two digits, words", arguments: [
        "2024-03", "2021-2019", "2021-12-31..2021-01-01", "24", "0000", "this year", "2024..", "",
    ])
    func notPeriods(text: String) {
        #expect(Period.dates(text) == nil)
        let error = #expect(throws: LedgerError.self) { try Period.parse(text) }
        guard case .badPeriod(text)? = error else {
            Issue.record("expected badPeriod, got \(String(describing: error))")
            return
        }
    }

    @Test("moments from text: none is now; each part checked")
    func moments() throws {
        #expect(try Moment.parse(asOf: nil, knownAt: nil, position: nil).isNow)
        let moment = try Moment.parse(asOf: "2024-10-31", knownAt: "2024-09-30", position: 12)
        #expect(moment == Moment(asOf: LocalDate("2024-10-31"), knownAt: Timestamp("2024-09-30"), position: 12))
        let cases: [(String?, String?, Int64?, LedgerError.MomentProblem)] = [
            ("2024-13-01", nil, nil, .asOf("2024-13-01")),
            (nil, "yesterday", nil, .knownAt("yesterday")),
            (nil, nil, -1, .position(-1)),
        ]
        for (asOf, knownAt, position, problem) in cases {
            let error = #expect(throws: LedgerError.self) { try Moment.parse(asOf: asOf, knownAt: knownAt, position: position) }
            guard case .badMoment(let found)? = error, found == problem else {
                Issue.record("expected \(problem), got \(String(describing: error))")
                continue
            }
        }
    }
}
