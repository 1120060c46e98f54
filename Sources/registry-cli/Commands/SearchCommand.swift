import ArgumentParser
import Foundation
import Registry

struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Full-text search over names, places, notes and certificate scopes, best matches first.",
        discussion: """
            Words match as prefixes and Polish diacritics are ignored both ways: lodz, Lodz and Łódź find \
            the same rows; spoldz finds Spółdzielnia.

              registry search "spoldz lodz"
              registry search catering --kind spoldzielnia-socjalna --region 28 --format json
            """
    )

    @OptionGroup var database: DatabaseOptions
    @Argument(help: "Words to find.") var text: String
    @OptionGroup var kinds: KindOption
    @OptionGroup var area: RegionOption
    @OptionGroup var time: TimeOptions
    @Option(help: "At most this many rows, best first (default 100; 0 for every match).") var limit = 100
    @OptionGroup var output: EntityFormatOption

    func validate() throws {
        guard limit >= 0 else { throw ValidationError("--limit must be 0 (every match) or more") }
    }

    func run() throws {
        let registry = try database.openForReading()
        let limit: Int? = self.limit == 0 ? nil : self.limit
        var printer = try EntityPrinter(format: output.chosen, extraColumns: ["rank"])
        let kinds = try self.kinds.parsed
        let clock = OutputClock(enabled: database.timing)
        try database.timed("search", output: clock) {
            try registry.search(
                text, kinds: kinds, region: area.region, limit: limit, on: try time.day, recordedAt: try time.knownAt
            ) { entity, rank in
                try clock.measure { try printer.add(entity, extra: [.double((rank * 1000).rounded() / 1000)]) }
            }
        }
        try printer.finish()
    }
}
