import Foundation

/// Where the registry gets "now" from: recorded times are set by the registry, never by users,
/// and tests replace the clock to make bitemporal scenarios repeatable.
public struct Clock: Sendable {
    private let now: @Sendable () -> Date

    /// A clock reading `now`.
    public init(_ now: @escaping @Sendable () -> Date) {
        self.now = now
    }

    /// The system clock.
    public static let system = Clock { Date() }

    /// The current instant.
    public func date() -> Date { now() }

    /// The current instant as a recorded-time stamp, e.g. `2026-11-22T15:40:01.123456Z`.
    public func timestamp() -> String { Timestamp.format(now()) }
}

/// Recorded-time stamps: UTC, fixed width with microseconds, so text order is time order.
public enum Timestamp {
    /// Formats `date` as `YYYY-MM-DDTHH:MM:SS.ffffffZ`.
    public static func format(_ date: Date) -> String {
        format(micros: Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down)))
    }

    /// Formats an instant given in microseconds since 1970-01-01T00:00:00Z.
    static func format(micros: Int64) -> String {
        let seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
        let fraction = micros - seconds * 1_000_000
        let days = Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
        let secondOfDay = Int(seconds - Int64(days) * 86_400)
        let (year, month, day) = civilDate(fromDays: days)
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T"
            + pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2)
            + "." + pad(Int(fraction), 6) + "Z"
    }

    /// Compact UTC stamp for file names, e.g. `20261122T154001Z`.
    public static func compact(_ date: Date) -> String {
        let full = format(date)
        return full.prefix(19).filter { $0 != "-" && $0 != ":" } + "Z"
    }

    /// Which instant of a (Polish) day a bare date stands for.
    public enum DayBoundary: Sendable {
        /// The first microsecond: Polish midnight, 23:00 or 22:00 UTC the day before (for "since").
        case start
        /// The last microsecond, before the next Polish midnight (for "as known at").
        case end
    }

    /// Parses what users type for a recorded time: a date (a whole Polish day, `WarsawTime`) or an
    /// ISO timestamp (`2026-11-22T15:40`, `…:01`, `…:01.5`, with `Z` or an offset; without either
    /// it is UTC, like every stored stamp). Returns the canonical stamp.
    public static func parse(_ text: String, field: String, day: DayBoundary = .end) throws -> String {
        let trimmed = text.trimmed
        let refusal = RegistryError.invalidValue(
            field: field, value: text, rule: "must be a date (YYYY-MM-DD or DD.MM.YYYY, the end of that Polish day) or a time (YYYY-MM-DDTHH:MM[:SS] with Z or an offset)")
        if trimmed.count == 10, trimmed.dropFirst(4).first == "-" {
            _ = try validDate(trimmed, field: field, original: text)
            guard let local = LocalDate(iso: trimmed) else { throw refusal }
            return day == .end ? WarsawTime.end(of: local) : WarsawTime.start(of: local)
        }
        // The Polish DD.MM.YYYY every date option accepts (and Excel writes).
        if !trimmed.contains("T"), trimmed.contains(".") {
            let local = try LocalDate.parse(trimmed, field: field)
            return day == .end ? WarsawTime.end(of: local) : WarsawTime.start(of: local)
        }
        // The whole text must have this shape: a parser that stops early would take
        // `…T15:40:01Zjunk` for a time.
        let shape = /([0-9]{4}-[0-9]{2}-[0-9]{2})T([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,9}))?)?(Z|[+-][0-9]{2}:[0-9]{2})?/
        guard let match = trimmed.wholeMatch(of: shape),
              let hour = Int(match.2), let minute = Int(match.3), hour < 24, minute < 60
        else { throw refusal }
        let date = String(match.1)
        _ = try validDate(date, field: field, original: text)
        guard let local = LocalDate(iso: date) else { throw refusal }
        let second = match.4.flatMap { Int($0) } ?? 0
        guard second < 60 else { throw refusal }
        // Microseconds: further digits are dropped, as `format` drops them.
        let fraction = match.5.map { String($0.prefix(6)) } ?? ""
        let micros = Int64(fraction + String(repeating: "0", count: 6 - fraction.count)) ?? 0
        var offset = 0
        // Without a zone, the time is taken as UTC, like every stored stamp.
        if let zone = match.6, zone != "Z" {
            guard let hours = Int(zone.dropFirst().prefix(2)), let minutes = Int(zone.suffix(2)), hours < 24, minutes < 60
            else { throw refusal }
            offset = (hours * 3600 + minutes * 60) * (zone.hasPrefix("-") ? -1 : 1)
        }
        let seconds = Int64(local.daysSinceEpoch) * 86_400 + Int64(hour * 3600 + minute * 60 + second - offset)
        return format(micros: seconds * 1_000_000 + micros)
    }

    private static func validDate(_ text: String, field: String, original: String) throws -> String {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, (1...12).contains(parts[1]),
              parts[2] >= 1, parts[2] <= daysInMonth(year: parts[0], month: parts[1])
        else {
            throw RegistryError.invalidValue(field: field, value: original, rule: "is not a real calendar date")
        }
        return text
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 to (year, month, day), Howard Hinnant's civil_from_days.
    static func civilDate(fromDays days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
