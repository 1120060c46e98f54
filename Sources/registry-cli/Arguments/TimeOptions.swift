import ArgumentParser
import Registry

/// `--on DAY --recorded-at TIME`: the world on a day, as the registry knew it at a moment. Every
/// reading command takes both (README, "Two kinds of time").
struct TimeOptions: ParsableArguments {
    @Option(help: "The day in the world (default today), as YYYY-MM-DD or DD.MM.YYYY.")
    var on: DateArgument?

    @OptionGroup var knowledge: RecordedAtOption

    func validate() throws {
        try refusing { try on?.check("on") }
    }

    /// The day asked about; nil for today.
    var day: LocalDate? {
        get throws { try on?.date }
    }

    /// The recorded-time stamp asked about; nil for now.
    var knownAt: String? {
        get throws { try knowledge.knownAt }
    }
}
