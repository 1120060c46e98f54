import Foundation

/// Polish calendar days (Europe/Warsaw): the day a recorded instant falls on, and the instants a
/// day starts and ends at. Every "day" the registry speaks of is a Polish day.
public enum WarsawTime {
    /// The Polish day at the instant `date`.
    public static func day(at date: Date) -> LocalDate {
        let zone = TimeZone(identifier: "Europe/Warsaw") ?? TimeZone(secondsFromGMT: 3600) ?? .current
        let seconds = Int((date.timeIntervalSince1970 + Double(zone.secondsFromGMT(for: date))).rounded(.down))
        return LocalDate(daysSinceEpoch: seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
    }

    /// The Polish day of a recorded-time stamp (`YYYY-MM-DDTHH:MM:SS.ffffffZ`); nil if it is not one.
    public static func day(ofStamp stamp: String) -> LocalDate? {
        guard stamp.count >= 20, let day = LocalDate(iso: String(stamp.prefix(10))) else { return nil }
        let time = stamp.dropFirst(11).prefix(8).split(separator: ":").compactMap { Int($0) }
        guard time.count == 3 else { return nil }
        let seconds = Double(day.daysSinceEpoch) * 86_400 + Double(time[0] * 3600 + time[1] * 60 + time[2])
        return Self.day(at: Date(timeIntervalSince1970: seconds))
    }

    /// The stamp of the first microsecond of the Polish day `day` (in UTC).
    public static func start(of day: LocalDate) -> String {
        // Stub: replaced by a computation without time-zone files.
        day.description + "T00:00:00.000000Z"
    }

    /// The stamp of the last microsecond of the Polish day `day` (in UTC).
    public static func end(of day: LocalDate) -> String {
        // Stub: replaced by a computation without time-zone files.
        day.description + "T23:59:59.999999Z"
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
}
