import ArgumentParser
import Registry

/// The value of a date option: YYYY-MM-DD or DD.MM.YYYY, read by the library's rules (`LocalDate.parse`).
///
/// Parsing it never fails: argument-parser would refuse a bad value in its own words with exit 64,
/// while the registry answers as the library does, naming the option
/// (`registry: error: on "2026-02-30": is not a real calendar date`, exit 65). Each command's
/// `validate()` calls `check(_:)` with the option's name, so that answer comes before anything is opened.
struct DateArgument: ExpressibleByArgument, Sendable {
    /// As typed: messages echo it.
    let text: String
    private let parsed: LocalDate?

    init(argument: String) {
        text = argument
        parsed = try? LocalDate.parse(argument, field: "date")
    }

    /// The date (`check(_:)` in `validate()` has refused any text that is not one).
    var date: LocalDate {
        get throws { try parsed ?? LocalDate.parse(text, field: "date") }
    }

    /// Throws the library's refusal of the text, naming the option `name` (as typed, without dashes).
    func check(_ name: String) throws {
        if parsed == nil { _ = try LocalDate.parse(text, field: name) }
    }
}
