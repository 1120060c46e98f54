import ArgumentParser
import Registry

/// `--recorded-at TIME` alone, for commands whose days are given otherwise (`report changes`).
struct RecordedAtOption: ParsableArguments {
    @Option(name: .customLong("recorded-at"),
            help: "As the registry knew it then (default now): a date (the end of that Polish day) or a time with Z or an offset.")
    var recordedAt: String?

    func validate() throws {
        try refusing { _ = try knownAt }
    }

    /// The recorded-time stamp asked about; nil for now.
    var knownAt: String? {
        get throws { try recordedAt.map { try Timestamp.parse($0, field: "recorded-at") } }
    }
}
