import ArgumentParser
import Registry

/// `--on DAY`: the registry as it stood at the end of a past day.
struct DayOption: ParsableArguments {
    @Option(help: "The registry's state on this day (default today).") var on: DateArgument?

    func validate() throws {
        try refusing { try on?.check("on") }
    }

    var day: LocalDate? {
        get throws { try on?.date }
    }
}
