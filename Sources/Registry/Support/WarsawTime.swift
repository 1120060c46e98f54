import Foundation

/// Polish calendar days (Europe/Warsaw): the day a recorded instant falls on, and the instants a
/// day starts and ends at. Every "day" the registry speaks of is a Polish day.
///
/// Computed by the EU rule, not from the machine's time-zone files (which may be missing or old):
/// UTC+1, and UTC+2 from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of
/// October. The rule is applied to every year: Poland has followed it since 1996, and the registry
/// records no earlier instants (valid-time dates before then are days, never instants).
public enum WarsawTime {
    /// The Polish day at the instant `date`.
    public static func day(at date: Date) -> LocalDate {
        // Clamped so that no instant, however absurd, traps the conversion to an integer.
        let interval = date.timeIntervalSince1970
        let seconds = interval.isFinite ? Int64(min(max(interval, -1e14), 1e14).rounded(.down)) : 0
        let days = Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
        let hour = Int(seconds - Int64(days) * 86_400) / 3600
        return day(utcDays: days, hour: hour)
    }

    /// The Polish day of a recorded-time stamp (`YYYY-MM-DDTHH:MM:SS.ffffffZ`); nil if it is not one.
    ///
    /// Runs per imported row: the fixed-width bytes are read directly, without Foundation.
    public static func day(ofStamp stamp: String) -> LocalDate? {
        var stamp = stamp
        return stamp.withUTF8 { day(ofStampBytes: $0) }
    }

    /// The stamp of the first microsecond of the Polish day `day` (in UTC).
    public static func start(of day: LocalDate) -> String {
        let offset: Int64 = isSummer(atStartOf: day) ? 2 : 1
        return Timestamp.format(micros: (Int64(day.daysSinceEpoch) * 86_400 - offset * 3600) * 1_000_000)
    }

    /// The stamp of the last microsecond of the Polish day `day` (in UTC): one microsecond before
    /// the next day starts, so a day of 23 or 25 hours (the transition Sundays) ends where it should.
    public static func end(of day: LocalDate) -> String {
        let next = day.adding(days: 1)
        let offset: Int64 = isSummer(atStartOf: next) ? 2 : 1
        return Timestamp.format(micros: (Int64(next.daysSinceEpoch) * 86_400 - offset * 3600) * 1_000_000 - 1)
    }

    /// An SQL expression giving the Polish day (`YYYY-MM-DD`) of the stamp in `column`.
    static func sqlDay(of column: String) -> String {
        // Summer time (UTC+2) runs from 01:00 UTC on the last Sunday of March to 01:00 UTC on the
        // last Sunday of October: `date(Y-03-25, 'weekday 0')` is that Sunday.
        """
        date(substr(\(column), 1, 19), CASE WHEN substr(\(column), 1, 19) >= date(substr(\(column), 1, 4) || '-03-25', 'weekday 0') || 'T01:00:00' \
        AND substr(\(column), 1, 19) < date(substr(\(column), 1, 4) || '-10-25', 'weekday 0') || 'T01:00:00' \
        THEN '+2 hours' ELSE '+1 hours' END)
        """
    }

    /// The Polish day at `hour` (UTC) of the UTC day `utcDays` (days since 1970-01-01).
    private static func day(utcDays: Int, hour: Int) -> LocalDate {
        // Polish time is UTC+1 or UTC+2, and never changes after 01:00 UTC: before 22:00 UTC it is
        // the same day, from 23:00 UTC the next, and at 22:xx the next only in summer time, which
        // holds at 22:00 UTC from the last Sunday of March up to the day before the last of October.
        var next = hour >= 23
        if hour == 22 {
            let (summerStart, summerEnd) = lastSundays(year: LocalDate(daysSinceEpoch: utcDays).year)
            next = utcDays >= summerStart && utcDays < summerEnd
        }
        return LocalDate(daysSinceEpoch: next ? utcDays + 1 : utcDays)
    }

    /// Whether Polish midnight starting `day` is in summer time: the change happens at 02:00 or
    /// 03:00 local time on a Sunday, so the Sunday in March starts in winter time and the one in
    /// October in summer time.
    private static func isSummer(atStartOf day: LocalDate) -> Bool {
        let (summerStart, summerEnd) = lastSundays(year: day.year)
        let days = day.daysSinceEpoch
        return days > summerStart && days <= summerEnd
    }

    /// The last Sundays of March and of October in `year`, as days since 1970-01-01.
    private static func lastSundays(year: Int) -> (march: Int, october: Int) {
        // The Gregorian calendar repeats every 400 years (146,097 days, a whole number of weeks):
        // any year is folded into 2000–2399, where `LocalDate` is always valid, and shifted back.
        let cycles = (year >= 2000 ? year - 2000 : year - 2399) / 400
        let march31 = (LocalDate(year: year - cycles * 400, month: 3, day: 31)?.daysSinceEpoch ?? 0) + cycles * 146_097
        let october31 = march31 + 214
        // 1970-01-01 was a Thursday: (days + 4) mod 7 is the weekday, 0 being Sunday.
        func weekday(_ days: Int) -> Int { ((days + 4) % 7 + 7) % 7 }
        return (march31 - weekday(march31), october31 - weekday(october31))
    }

    /// `day(ofStamp:)` on the stamp's UTF-8 bytes: `YYYY-MM-DDTHH:MM:SS`, then `Z` or a fraction
    /// of one to nine digits and `Z`.
    private static func day(ofStampBytes bytes: UnsafeBufferPointer<UInt8>) -> LocalDate? {
        guard bytes.count >= 20, bytes.count <= 30, bytes[bytes.count - 1] == UInt8(ascii: "Z") else { return nil }
        func number(_ from: Int, _ width: Int) -> Int? {
            var value = 0
            for index in from..<(from + width) {
                let digit = Int(bytes[index]) - Int(UInt8(ascii: "0"))
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        func separator(_ index: Int, _ character: Unicode.Scalar) -> Bool { bytes[index] == UInt8(ascii: character) }
        guard separator(4, "-"), separator(7, "-"), separator(10, "T"), separator(13, ":"), separator(16, ":"),
              let year = number(0, 4), let month = number(5, 2), let dayOfMonth = number(8, 2),
              let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
              hour < 24, minute < 60, second < 60,
              let date = LocalDate(year: year, month: month, day: dayOfMonth)
        else { return nil }
        if bytes.count > 20 {
            guard separator(19, "."), bytes.count > 21, number(20, bytes.count - 21) != nil else { return nil }
        }
        return day(utcDays: date.daysSinceEpoch, hour: hour)
    }
}
