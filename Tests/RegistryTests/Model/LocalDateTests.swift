import Foundation
import Testing
@testable import Registry

@Suite("Dates")
struct LocalDateTests {
    @Test("ISO and Polish forms parse to the same date", arguments: ["2019-06-01", "01.06.2019", "1.6.2019", " 01.06.2019 "])
    func forms(_ text: String) throws {
        #expect(try LocalDate.parse(text, field: "d").description == "2019-06-01")
    }

    @Test("impossible dates are refused", arguments: ["2019-02-29", "31.02.2019", "2019-13-01", "1900-02-29", "2021-04-31", "00.01.2020"])
    func impossible(_ text: String) {
        #expect(throws: RegistryError.invalidValue(field: "founded_on", value: text, rule: "is not a real calendar date")) {
            try LocalDate.parse(text, field: "founded_on")
        }
    }

    @Test("leap days exist only in leap years", arguments: [("2020-02-29", true), ("2000-02-29", true), ("2100-02-29", false), ("2019-02-29", false)])
    func leap(_ text: String, _ valid: Bool) {
        #expect((LocalDate(iso: text) != nil) == valid)
    }

    @Test("unrecognised shapes", arguments: ["2019/06/01", "June 1, 2019", "20190601", "2019-6-1"])
    func shapes(_ text: String) {
        #expect(throws: RegistryError.invalidValue(field: "d", value: text, rule: "must be a date as YYYY-MM-DD or DD.MM.YYYY")) {
            try LocalDate.parse(text, field: "d")
        }
    }

    @Test("a year of validity from 2019-06-01 ends on 2020-05-31")
    func oneYear() throws {
        let start = try LocalDate.parse("2019-06-01", field: "d")
        #expect(start.adding(years: 1).adding(days: -1).description == "2020-05-31")
        #expect(start.adding(months: 12).adding(days: -1).description == "2020-05-31")
    }

    @Test("month arithmetic clamps to the month's end")
    func clamping() throws {
        #expect(try LocalDate.parse("2024-01-31", field: "d").adding(months: 1).description == "2024-02-29")
        #expect(try LocalDate.parse("2023-01-31", field: "d").adding(months: 1).description == "2023-02-28")
        #expect(try LocalDate.parse("2024-02-29", field: "d").adding(years: 1).description == "2025-02-28")
    }

    @Test("months counted back past year 0 give a real month (the total is rounded down)")
    func beforeYearZero() throws {
        let start = try #require(LocalDate(year: 1000, month: 1, day: 1))
        #expect(start.adding(months: -1).description == "0999-12-01")
        let early = start.adding(months: -12_005)  // 1000-01 less 1000 years and 5 months: year -1, month 8
        #expect((early.year, early.month, early.day) == (-1, 8, 1))
        #expect(early.adding(months: 12_005) == start)
        #expect(start.adding(months: -12_000).description == "0000-01-01")
    }

    @Test("day counts round-trip over four centuries")
    func dayCounts() {
        var day = LocalDate(daysSinceEpoch: -200_000)
        for offset in stride(from: -200_000, to: 200_000, by: 997) {
            day = LocalDate(daysSinceEpoch: offset)
            #expect(day.daysSinceEpoch == offset)
            #expect(LocalDate(iso: day.description) == day)
        }
        #expect(LocalDate(daysSinceEpoch: 0).description == "1970-01-01")
    }

    @Test("today is the calendar day in Warsaw")
    func today() throws {
        let lateUTC = try #require(ISO8601DateFormatter().date(from: "2026-06-30T22:30:00Z"))
        #expect(LocalDate.today(now: lateUTC).description == "2026-07-01")
        let winter = try #require(ISO8601DateFormatter().date(from: "2026-01-15T22:59:00Z"))
        #expect(LocalDate.today(now: winter).description == "2026-01-15")
    }
}
