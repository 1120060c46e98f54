import Foundation

/// A calendar date without time or zone (valid time in the registry: founding, decisions, validity).
public struct LocalDate: Hashable, Comparable, Sendable, CustomStringConvertible, LosslessStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// A date from its parts; nil unless it is a real calendar date in years 1000–9999.
    public init?(year: Int, month: Int, day: Int) {
        guard (1000...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= Timestamp.daysInMonth(year: year, month: month)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses exactly `YYYY-MM-DD`.
    public init?(iso text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              let year = Self.number(bytes[0..<4]), let month = Self.number(bytes[5..<7]),
              let day = Self.number(bytes[8..<10])
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    public init?(_ description: String) {
        self.init(iso: description)
    }

    /// The date `daysSinceEpoch` days after 1970-01-01.
    public init(daysSinceEpoch: Int) {
        let (year, month, day) = Timestamp.civilDate(fromDays: daysSinceEpoch)
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses ISO `YYYY-MM-DD` or the Polish `DD.MM.YYYY` Excel writes (also `D.M.YYYY`).
    public static func parse(_ text: String, field: String) throws -> LocalDate {
        let trimmed = text.trimmed
        let bytes = Array(trimmed.utf8)
        var parts: (Int, Int, Int)?
        if bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
           let year = number(bytes[0..<4]), let month = number(bytes[5..<7]), let day = number(bytes[8..<10]) {
            parts = (year, month, day)
        } else if let first = bytes.firstIndex(of: UInt8(ascii: ".")), let second = bytes[(first + 1)...].firstIndex(of: UInt8(ascii: ".")),
                  (1...2).contains(first), (1...2).contains(second - first - 1), bytes.count - second - 1 == 4,
                  let day = number(bytes[0..<first]), let month = number(bytes[(first + 1)..<second]),
                  let year = number(bytes[(second + 1)...]) {
            // DD.MM.YYYY as Polish Excel writes it (one-digit day and month too).
            parts = (year, month, day)
        }
        guard let (year, month, day) = parts else {
            throw RegistryError.invalidValue(field: field, value: trimmed, rule: "must be a date as YYYY-MM-DD or DD.MM.YYYY")
        }
        guard let date = LocalDate(year: year, month: month, day: day) else {
            throw RegistryError.invalidValue(field: field, value: trimmed, rule: "is not a real calendar date")
        }
        return date
    }

    private static func number<C: Collection>(_ bytes: C) -> Int? where C.Element == UInt8 {
        guard !bytes.isEmpty else { return nil }
        var value = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    /// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    public var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date `days` later (earlier when negative).
    public func adding(days: Int) -> LocalDate {
        LocalDate(daysSinceEpoch: daysSinceEpoch + days)
    }

    /// The date `months` later; the day is clamped to the month's end (Jan 31 + 1 month = Feb 28/29).
    public func adding(months: Int) -> LocalDate {
        let total = year * 12 + (month - 1) + months
        // Rounded down, so a total before year 0 still gives a month of 1–12.
        let newYear = total >= 0 ? total / 12 : (total - 11) / 12
        let newMonth = total - newYear * 12 + 1
        let newDay = min(day, Timestamp.daysInMonth(year: newYear, month: newMonth))
        return LocalDate(uncheckedYear: newYear, month: newMonth, day: newDay)
    }

    /// The date `years` later (Feb 29 becomes Feb 28 in a common year).
    public func adding(years: Int) -> LocalDate {
        adding(months: years * 12)
    }

    /// Today's date in Poland (Europe/Warsaw) at the instant `now` (see `WarsawTime`).
    public static func today(now: Date = Date()) -> LocalDate {
        WarsawTime.day(at: now)
    }

    private init(uncheckedYear year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// ISO `YYYY-MM-DD`.
    public var description: String {
        // YYYY-MM-DD is ten bytes, a small string: written directly (every imported row has dates).
        if (0...9999).contains(year), (1...12).contains(month), (1...31).contains(day) {
            return String(unsafeUninitializedCapacity: 10) { buffer in
                func put(_ value: Int, at offset: Int, width: Int) {
                    var rest = value
                    for index in stride(from: offset + width - 1, through: offset, by: -1) {
                        buffer[index] = UInt8(ascii: "0") + UInt8(rest % 10)
                        rest /= 10
                    }
                }
                put(year, at: 0, width: 4)
                put(month, at: 5, width: 2)
                put(day, at: 8, width: 2)
                (buffer[4], buffer[7]) = (UInt8(ascii: "-"), UInt8(ascii: "-"))
                return 10
            }
        }
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
    }
}
