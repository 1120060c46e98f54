import ArgumentParser
import Foundation
import Registry

struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "List entities matching filters, now or as the registry stood on a past day.",
        discussion: """
            Filters combine with AND. Output is streamed (except the table), so any result size works.

              registry query --kind cis --kind kis --region 28
              registry query --region-name olsztyński --holds zakup-prospoleczny --format csv
              registry query --text "spółdz gastronom" --on 2025-12-31 --format json
            """
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var kinds: KindOption
    @OptionGroup var area: RegionOption
    @Option(name: .customLong("region-name"), help: "A voivodeship, county or commune name.") var regionName: String?
    @Option(help: "active (default), closed or all.") var status: EntityQuery.Status = .active
    @Option(help: "Holds a valid certificate of this scheme on --on (default today).") var holds: String?
    @Option(help: "PKD prefix, e.g. 56 or 56.29.") var pkd: String?
    @Option(name: .customLong("founded-from"), help: "Founded on or after.") var foundedFrom: DateArgument?
    @Option(name: .customLong("founded-to"), help: "Founded on or before.") var foundedTo: DateArgument?
    @Option(help: "Full-text words (prefixes, diacritics ignored).") var text: String?
    @Option(help: "Exact NIP.") var nip: String?
    @Option(help: "Exact REGON.") var regon: String?
    @Option(help: "Exact KRS.") var krs: String?
    @OptionGroup var time: TimeOptions
    @Option(help: "At most this many rows.") var limit: Int?
    @Option(help: "name (default), founded, kind or added.") var sort: EntityQuery.Sort = .name
    @OptionGroup var output: EntityFormatOption

    func validate() throws {
        try refusing {
            try foundedFrom?.check("founded-from")
            try foundedTo?.check("founded-to")
        }
    }

    func run() throws {
        let registry = try database.openForReading()
        var query = EntityQuery()
        query.kinds = try kinds.parsed
        query.region = area.region
        query.regionName = regionName
        query.status = status
        query.holds = holds
        query.pkd = pkd
        query.foundedFrom = try foundedFrom?.date
        query.foundedTo = try foundedTo?.date
        query.text = text
        query.nip = nip
        query.regon = regon
        query.krs = krs
        query.on = try time.day
        query.recordedAt = try time.knownAt
        query.limit = limit
        query.sort = sort
        let chosen = output.chosen
        guard let recordFormat = chosen.recordFormat else {
            var printer = try EntityPrinter(format: chosen)
            try database.timed("query") { try registry.query(query) { try printer.add($0) } }
            try printer.finish()
            return
        }
        // Rows go straight from SQLite to the output; --timing reports writing them apart.
        let writer = try RecordWriter(sink: .standardOutput(), format: recordFormat, columns: EntityColumns.all)
        let clock = OutputClock(enabled: database.timing)
        try database.timed("query", output: clock) {
            try registry.queryRows(query) { row in try clock.measure { try writer.writeRow(of: row) } }
        }
        try writer.finish()
    }
}

extension EntityQuery.Status: ExpressibleByArgument {}
extension EntityQuery.Sort: ExpressibleByArgument {}
