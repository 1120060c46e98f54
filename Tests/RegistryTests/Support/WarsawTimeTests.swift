import Foundation
import Testing
@testable import Registry
import SQLiteStore

/// Polish days computed by the EU rule, without the machine's time-zone files (`WarsawTime`).
@Suite("Polish days")
struct WarsawTimeTests {
    /// Microseconds since 1970-01-01T00:00:00Z of a stamp `YYYY-MM-DDTHH:MM:SS.ffffffZ`.
    static func micros(_ stamp: String) throws -> Int64 {
        let day = try #require(LocalDate(iso: String(stamp.prefix(10))))
        let fields = stamp.dropFirst(11).dropLast().split(whereSeparator: { $0 == ":" || $0 == "." }).compactMap { Int64($0) }
        try #require(fields.count == 4)
        return (Int64(day.daysSinceEpoch) * 86_400 + fields[0] * 3600 + fields[1] * 60 + fields[2]) * 1_000_000 + fields[3]
    }

    static func date(_ text: String) throws -> LocalDate {
        try #require(LocalDate(iso: text))
    }

    /// The transition Sundays: summer time from the March one, winter time from the October one.
    static let transitions = [
        ("2024-03-31", "2024-10-27"), ("2025-03-30", "2025-10-26"), ("2026-03-29", "2026-10-25"),
    ]

    @Test("instants around the changes of time and the ends of days fall on the Polish day", arguments: [
        // The changes themselves (01:00 UTC) happen inside a day.
        ("2026-03-29T00:59:59.999999Z", "2026-03-29"), ("2026-03-29T01:00:00.000000Z", "2026-03-29"),
        ("2026-10-25T00:59:59.999999Z", "2026-10-25"), ("2026-10-25T01:00:00.000000Z", "2026-10-25"),
        ("2025-03-30T00:59:59.999999Z", "2025-03-30"), ("2025-03-30T01:00:00.000000Z", "2025-03-30"),
        ("2025-10-26T00:59:59.999999Z", "2025-10-26"), ("2025-10-26T01:00:00.000000Z", "2025-10-26"),
        ("2024-03-31T00:59:59.999999Z", "2024-03-31"), ("2024-10-27T01:00:00.000000Z", "2024-10-27"),
        // Winter: a day ends at 23:00 UTC.
        ("2026-01-15T22:59:59.999999Z", "2026-01-15"), ("2026-01-15T23:00:00.000000Z", "2026-01-16"),
        ("2026-01-15T22:00:00.000000Z", "2026-01-15"), ("2025-12-31T23:00:00.000000Z", "2026-01-01"),
        ("2025-12-31T22:59:59.999999Z", "2025-12-31"), ("2024-02-28T23:30:00.000000Z", "2024-02-29"),
        // Summer: at 22:00 UTC.
        ("2026-07-15T21:59:59.999999Z", "2026-07-15"), ("2026-07-15T22:00:00.000000Z", "2026-07-16"),
        ("2026-06-30T22:30:00.000000Z", "2026-07-01"), ("2026-07-15T23:00:00.000000Z", "2026-07-16"),
        // The day before the March Sunday ends in winter time, the Sunday (23 hours) in summer time.
        ("2026-03-28T22:59:59.999999Z", "2026-03-28"), ("2026-03-28T23:00:00.000000Z", "2026-03-29"),
        ("2026-03-29T21:59:59.999999Z", "2026-03-29"), ("2026-03-29T22:00:00.000000Z", "2026-03-30"),
        // The day before the October Sunday ends in summer time, the Sunday (25 hours) in winter time.
        ("2026-10-24T21:59:59.999999Z", "2026-10-24"), ("2026-10-24T22:00:00.000000Z", "2026-10-25"),
        ("2026-10-25T22:00:00.000000Z", "2026-10-25"), ("2026-10-25T22:59:59.999999Z", "2026-10-25"),
        ("2026-10-25T23:00:00.000000Z", "2026-10-26"),
        ("2024-10-26T21:59:59.999999Z", "2024-10-26"), ("2024-10-27T22:30:00.000000Z", "2024-10-27"),
        ("2025-03-29T23:00:00.000000Z", "2025-03-30"), ("2025-03-30T22:00:00.000000Z", "2025-03-31"),
    ])
    func days(_ stamp: String, _ day: String) throws {
        #expect(WarsawTime.day(ofStamp: stamp)?.description == day)
        let instant = Date(timeIntervalSince1970: Double(try Self.micros(stamp)) / 1_000_000)
        #expect(WarsawTime.day(at: instant).description == day)
        #expect(LocalDate.today(now: instant).description == day)
    }

    /// Days with the stamps of their first and last microseconds (`TimestampTests` reads them too).
    static let boundaries = [
        // Winter (UTC+1): a day runs from 23:00 UTC the day before to 23:00 UTC.
        ("2026-01-15", "2026-01-14T23:00:00.000000Z", "2026-01-15T22:59:59.999999Z"),
        ("2026-11-22", "2026-11-21T23:00:00.000000Z", "2026-11-22T22:59:59.999999Z"),
        ("2026-01-01", "2025-12-31T23:00:00.000000Z", "2026-01-01T22:59:59.999999Z"),
        ("2025-12-31", "2025-12-30T23:00:00.000000Z", "2025-12-31T22:59:59.999999Z"),
        ("2024-02-29", "2024-02-28T23:00:00.000000Z", "2024-02-29T22:59:59.999999Z"),
        ("2000-02-29", "2000-02-28T23:00:00.000000Z", "2000-02-29T22:59:59.999999Z"),
        // Summer (UTC+2): from 22:00 UTC the day before to 22:00 UTC.
        ("2026-07-15", "2026-07-14T22:00:00.000000Z", "2026-07-15T21:59:59.999999Z"),
        ("2026-04-30", "2026-04-29T22:00:00.000000Z", "2026-04-30T21:59:59.999999Z"),
        // Around the changes: the March Sunday lasts 23 hours, the October one 25.
        ("2026-03-28", "2026-03-27T23:00:00.000000Z", "2026-03-28T22:59:59.999999Z"),
        ("2026-03-29", "2026-03-28T23:00:00.000000Z", "2026-03-29T21:59:59.999999Z"),
        ("2026-03-30", "2026-03-29T22:00:00.000000Z", "2026-03-30T21:59:59.999999Z"),
        ("2026-10-24", "2026-10-23T22:00:00.000000Z", "2026-10-24T21:59:59.999999Z"),
        ("2026-10-25", "2026-10-24T22:00:00.000000Z", "2026-10-25T22:59:59.999999Z"),
        ("2026-10-26", "2026-10-25T23:00:00.000000Z", "2026-10-26T22:59:59.999999Z"),
        ("2025-03-30", "2025-03-29T23:00:00.000000Z", "2025-03-30T21:59:59.999999Z"),
        ("2024-10-27", "2024-10-26T22:00:00.000000Z", "2024-10-27T22:59:59.999999Z"),
    ]

    @Test("a day starts at Polish midnight and ends a microsecond before the next", arguments: boundaries)
    func bounds(_ day: String, _ start: String, _ end: String) throws {
        let date = try Self.date(day)
        #expect(WarsawTime.start(of: date) == start)
        #expect(WarsawTime.end(of: date) == end)
    }

    @Test("every day of 2020–2030 starts and ends on itself, lasts 24 hours but on the two Sundays, and the next follows")
    func roundTrips() throws {
        let sundays = Set(Self.transitions.map(\.0) + Self.transitions.map(\.1)
                          + ["2020-03-29", "2020-10-25", "2027-03-28", "2027-10-31", "2030-03-31", "2030-10-27"])
        var (short, long) = ([String](), [String]())
        var day = try Self.date("2020-01-01")
        while day.year <= 2030 {
            let start = WarsawTime.start(of: day), end = WarsawTime.end(of: day)
            #expect(WarsawTime.day(ofStamp: start) == day, "\(day) starts at \(start)")
            #expect(WarsawTime.day(ofStamp: end) == day, "\(day) ends at \(end)")
            let after = try Self.micros(end) + 1
            #expect(WarsawTime.day(ofStamp: Timestamp.format(micros: after)) == day.adding(days: 1))
            #expect(WarsawTime.day(ofStamp: Timestamp.format(micros: try Self.micros(start) - 1)) == day.adding(days: -1))
            #expect(WarsawTime.start(of: day.adding(days: 1)) == Timestamp.format(micros: after))
            switch after - (try Self.micros(start)) {
            case 24 * 3_600_000_000: break
            case 23 * 3_600_000_000: short.append(day.description)
            case 25 * 3_600_000_000: long.append(day.description)
            default: Issue.record("\(day) lasts from \(start) to \(end)")
            }
            day = day.adding(days: 1)
        }
        // Each year one 23-hour day in March and one 25-hour day in October, on the last Sundays.
        #expect(short.count == 11 && long.count == 11)
        #expect(short.allSatisfy { $0.dropFirst(4).hasPrefix("-03-") && $0 >= String($0.prefix(5)) + "03-25" })
        #expect(long.allSatisfy { $0.dropFirst(4).hasPrefix("-10-") && $0 >= String($0.prefix(5)) + "10-25" })
        #expect(sundays.isSubset(of: Set(short + long)))
        for sunday in short + long {
            let date = try Self.date(sunday)
            // 1970-01-01 was a Thursday.
            #expect((date.daysSinceEpoch + 4) % 7 == 0, "\(sunday) is a Sunday")
        }
    }

    @Test("agrees with the machine's Europe/Warsaw zone over 2000–2037",
          .enabled(if: TimeZone(identifier: "Europe/Warsaw") != nil, "the machine has no Europe/Warsaw zone"))
    func machineZone() throws {
        let zone = try #require(TimeZone(identifier: "Europe/Warsaw"))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        var generator = SeededGenerator(state: 1996)
        let from = try Self.micros("2000-01-01T00:00:00.000000Z") / 1_000_000
        let to = try Self.micros("2038-01-01T00:00:00.000000Z") / 1_000_000
        var seconds = (0..<20_000).map { _ in Int64.random(in: from..<to, using: &generator) }
        // And a few hours either side of every change of time, where a mistake would show.
        for year in 2000...2037 {
            for month in [3, 10] {
                let lastDay = try #require(LocalDate(year: year, month: month, day: 31))
                let sunday = lastDay.adding(days: -((lastDay.daysSinceEpoch + 4) % 7))
                let change = Int64(sunday.daysSinceEpoch) * 86_400 + 3600
                seconds += (0..<40).map { _ in change + Int64.random(in: -30 * 3600...30 * 3600, using: &generator) }
            }
        }
        for second in seconds {
            let instant = Date(timeIntervalSince1970: Double(second))
            let parts = calendar.dateComponents([.year, .month, .day], from: instant)
            let expected = try #require(LocalDate(year: parts.year ?? 0, month: parts.month ?? 0, day: parts.day ?? 0))
            #expect(WarsawTime.day(at: instant) == expected, "\(Timestamp.format(instant))")
            #expect(WarsawTime.day(ofStamp: Timestamp.format(instant)) == expected, "\(Timestamp.format(instant))")
        }
    }

    @Test("the SQL expression gives the same day as day(ofStamp:)")
    func sqlAgrees() throws {
        var stamps = [String]()
        // Every hour, and the last microsecond before it, two days either side of each change.
        for (march, october) in Self.transitions {
            for sunday in [march, october] {
                let change = try Self.micros(sunday + "T01:00:00.000000Z")
                for hour in Int64(-48)...48 {
                    let instant = change + hour * 3_600_000_000
                    stamps += [Timestamp.format(micros: instant), Timestamp.format(micros: instant - 1)]
                }
            }
        }
        var generator = SeededGenerator(state: 2040)
        let from = try Self.micros("2000-01-01T00:00:00.000000Z")
        let to = try Self.micros("2041-01-01T00:00:00.000000Z")
        stamps += (0..<20_000).map { _ in Timestamp.format(micros: Int64.random(in: from..<to, using: &generator)) }

        let directory = TemporaryDirectory()
        let database = try Database(path: directory.file("days.sqlite"), access: .readWriteCreate)
        try database.execute("CREATE TABLE stamps (stamp TEXT NOT NULL)")
        let insert = try database.prepare("INSERT INTO stamps VALUES (?1)")
        // One transaction: a commit per row would sync the file 20,000 times.
        try database.execute("BEGIN")
        for stamp in stamps { try insert.execute([.text(stamp)]) }
        try database.execute("COMMIT")
        let days = try database.rows("SELECT stamp, \(WarsawTime.sqlDay(of: "stamp")) FROM stamps") { row in
            (row.text(at: 0) ?? "", row.text(at: 1) ?? "")
        }
        #expect(days.count == stamps.count)
        for (stamp, day) in days {
            #expect(WarsawTime.day(ofStamp: stamp)?.description == day, "\(stamp)")
        }
    }

    @Test("a stamp with any other shape has no day", arguments: [
        "", "2026-07-15", "2026-07-15T10:00:00", "2026-07-15T10:00:00.000000", "2026-07-15 10:00:00.000000Z",
        "2026-07-15T24:00:00.000000Z", "2026-07-15T10:60:00.000000Z", "2026-07-15T10:00:60.000000Z",
        "2026-02-29T10:00:00.000000Z", "2026-13-01T10:00:00.000000Z", "2026-07-15T10:00:00.Z", "2026-07-15T10:00:00.00a000Z",
        "2026-07-15T10:00:00+02:00", "2026/07/15T10:00:00.000000Z", "2026-07-15T10:00:00.0000000000Z", "0999-07-15T10:00:00.000000Z",
    ])
    func notStamps(_ stamp: String) {
        #expect(WarsawTime.day(ofStamp: stamp) == nil)
    }

    @Test("shorter stamps, with seconds or a fraction, are read the same way", arguments: [
        ("2026-07-15T22:00:00Z", "2026-07-16"), ("2026-07-15T21:59:59.9Z", "2026-07-15"),
        ("2026-01-15T22:59:59.999999999Z", "2026-01-15"), ("2026-01-15T23:00:00.000Z", "2026-01-16"),
    ])
    func shorterStamps(_ stamp: String, _ day: String) {
        #expect(WarsawTime.day(ofStamp: stamp)?.description == day)
    }

    @Test("instants far outside the registry's years still give a day")
    func farInstants() {
        #expect(WarsawTime.day(at: Date(timeIntervalSince1970: 0)).description == "1970-01-01")
        #expect(WarsawTime.day(at: Date(timeIntervalSince1970: -3600)).description == "1970-01-01")
        #expect(WarsawTime.day(at: Date(timeIntervalSince1970: -3601)).description == "1969-12-31")
        // 4001-07-01 22:30 UTC is 00:30 in summer time: the rule holds in any year.
        #expect(WarsawTime.day(at: Date(timeIntervalSince1970: 64_107_930_600)).description == "4001-07-02")
        #expect(WarsawTime.day(at: .distantFuture).description == "4001-01-01")
        #expect(WarsawTime.day(at: Date(timeIntervalSince1970: .nan)).description == "1970-01-01")
    }
}
