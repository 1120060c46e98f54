import ArgumentParser
import Registry

/// `--on DAY --recorded-at TIME`: the world on a day, as the registry knew it at a moment. Every
/// reading command takes both (README, "Two kinds of time").
struct TimeOptions: ParsableArguments {
    @Option(help: "The day in the world (default today), as YYYY-MM-DD or DD.MM.YYYY.")
    var on: DateArgument?

    @Option(name: .customLong("recorded-at"),
            help: "As the registry knew it then (default now): a date (the end of that Polish day) or a time with Z or an offset.")
    var recordedAt: String?

    func validate() throws {
        try refusing {
            try on?.check("on")
            _ = try knownAt
        }
    }

    /// The day asked about; nil for today.
    var day: LocalDate? {
        get throws { try on?.date }
    }

    /// The recorded-time stamp asked about; nil for now.
    var knownAt: String? {
        get throws { try recordedAt.map { try Timestamp.parse($0, field: "recorded-at") } }
    }
}

/// `--recorded-at TIME` alone, for commands whose days are given otherwise (`report changes`).
struct RecordedAtOption: ParsableArguments {
    @Option(name: .customLong("recorded-at"),
            help: "As the registry knew it then (default now): a date (the end of that Polish day) or a time with Z or an offset.")
    var recordedAt: String?

    func validate() throws {
        try refusing { _ = try knownAt }
    }

    var knownAt: String? {
        get throws { try recordedAt.map { try Timestamp.parse($0, field: "recorded-at") } }
    }
}
