import ArgumentParser
import Registry

extension MapLevel: ExpressibleByArgument {}

/// Output formats for the map and reports.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case table, text, csv, json, html
}

struct MapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map",
        abstract: "The map of resources and needs per TERYT unit, with the gaps.",
        discussion: """
            Per unit at the level (every unit listed, empty ones too): active entities per kind, certificate \
            holders per scheme, open needs and resources per category; gaps are units with no CIS and no KIS, \
            and units with open needs no entity in the unit offers a resource of the same category for. \
            --on gives the world on that day (default today), --recorded-at as the registry knew it \
            then (default now): a map sent out last quarter is drawn again with both.

              registry map --level powiat --region 28
              registry map --level gmina --region 2862 --format html -o mapa.html
            """
    )

    @OptionGroup var database: DatabaseOptions
    @Option(help: "wojewodztwo, powiat (default) or gmina.") var level: MapLevel = .powiat
    @OptionGroup var area: RegionOption
    @OptionGroup var time: TimeOptions
    @Option(help: "table (default), csv, json or html.") var format: ReportFormat = .table
    @OptionGroup var destination: OutputFileOption

    func validate() throws {
        if format == .text { throw ValidationError("map formats are table, csv, json and html") }
    }

    func run() throws {
        let registry = try database.openForReading()
        let map = try database.timed("map") {
            try registry.map(level: level, region: area.region, on: try time.day, recordedAt: try time.knownAt)
        }
        let text: String
        switch format {
        case .json: text = map.json.pretty + "\n"
        case .csv: text = Output.csvText(map.csvHeader, map.units.map(map.csvRow))
        case .html: text = map.html(regionName: try map.region.flatMap(registry.unitName))
        case .table, .text: text = Self.table(map)
        }
        try destination.write(text, registry: registry)
    }

    /// Kinds with entities somewhere as columns, then the other counts and the gaps.
    private static func table(_ map: RegionalMap) -> String {
        let kinds = map.kinds.filter { kind in map.units.contains { ($0.entities[kind] ?? 0) > 0 } }
        let header = ["code", "unit", "entities"] + kinds + ["holders", "open needs", "resources", "gaps"]
        func row(_ unit: MapUnit) -> [String] {
            var gaps: [String] = []
            if unit.lacksCISAndKIS { gaps.append("no CIS/KIS") }
            if !unit.unmatchedNeeds.isEmpty { gaps.append("unmet: " + unit.unmatchedNeeds.joined(separator: ",")) }
            return [unit.code, unit.label, String(unit.entityCount)] + kinds.map { String(unit.entities[$0] ?? 0) }
                + [String(unit.holders.values.reduce(0, +)), String(unit.openNeedCount), String(unit.resourceCount),
                   gaps.joined(separator: "; ")]
        }
        let total = map.totals
        var text = Output.tableText(header, map.units.map(row) + [row(total).dropLast() + [""]])
        text += "\n\(map.level.rawValue) units: \(map.units.count), on \(map.on)"
        if let recordedAt = map.recordedAt { text += " as recorded by \(recordedAt)" }
        text += "; without CIS or KIS: \(map.unitsWithoutCISOrKIS.count); with unmet needs: \(map.unitsWithUnmatchedNeeds.count)"
        if map.unplaced > 0 { text += "; entities without TERYT: \(map.unplaced)" }
        return text + "\n"
    }
}
