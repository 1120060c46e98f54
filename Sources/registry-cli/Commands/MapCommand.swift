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
            --on gives the map as the registry recorded it by the end of that day.

              registry map --level powiat --region 28
              registry map --level gmina --region 2862 --format html -o mapa.html
            """
    )

    @OptionGroup var database: DatabaseOptions
    @Option(help: "wojewodztwo, powiat (default) or gmina.") var level: MapLevel = .powiat
    @Option(help: "A TERYT prefix: 2 digits (voivodeship), 4 (county) or 7 (commune).") var region: String?
    @Option(help: "The map as it was on this day.") var on: String?
    @Option(help: "table (default), csv, json or html.") var format: ReportFormat = .table
    @Option(name: .shortAndLong, help: "Output file; default standard output.") var output: String?

    func validate() throws {
        if format == .text { throw ValidationError("map formats are table, csv, json and html") }
    }

    func run() throws {
        let registry = try database.openForReading()
        let map = try registry.map(level: level, region: region, on: try on.map { try LocalDate.parse($0, field: "on") })
        let text: String
        switch format {
        case .json: text = map.json.pretty + "\n"
        case .csv: text = Output.csvText(map.csvHeader, map.units.map(map.csvRow))
        case .html: text = map.html(regionName: try map.region.flatMap(registry.unitName))
        case .table, .text: text = Self.table(map)
        }
        try Output.document(text, to: output, registry: registry)
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
        text += "; without CIS or KIS: \(map.unitsWithoutCISOrKIS.count); with unmet needs: \(map.unitsWithUnmatchedNeeds.count)"
        if map.unplaced > 0 { text += "; entities without TERYT: \(map.unplaced)" }
        return text + "\n"
    }
}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Reports built from the registry's history.",
        subcommands: [Changes.self]
    )

    struct Changes: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Counts per kind on two days with the difference, and the entities behind it.",
            discussion: """
                Each day is the registry's state as recorded by the end of that day. Lists the entities that \
                appeared, closed, changed kind, or (with --region) moved in or out, each with its place.

                  registry report changes --from 2026-06-30 --to 2026-09-30 --region 14
                  registry report changes --from 2026-01-01 --to 2026-12-31 --level powiat --format html -o raport.html
                """
        )

        @OptionGroup var database: DatabaseOptions
        @Option(help: "The first day.") var from: String
        @Option(help: "The second day (default today).") var to: String?
        @Option(help: "A TERYT prefix to limit the report to.") var region: String?
        @Option(help: "Also count per unit at this level: wojewodztwo, powiat or gmina.") var level: MapLevel?
        @Option(help: "text (default), csv, json or html.") var format: ReportFormat = .text
        @Option(name: .shortAndLong, help: "Output file; default standard output.") var output: String?

        func validate() throws {
            if format == .table { throw ValidationError("report formats are text, csv, json and html") }
        }

        func run() throws {
            let registry = try database.openForReading()
            let to = try self.to.map { try LocalDate.parse($0, field: "to") } ?? registry.today
            let report = try registry.changeReport(
                from: try LocalDate.parse(from, field: "from"), to: to, region: region, level: level)
            let text: String
            switch format {
            case .json: text = report.json.pretty + "\n"
            case .csv: text = Self.csv(report)
            case .html: text = report.html(regionName: try report.region.flatMap(registry.unitName))
            case .text, .table: text = Self.text(report, regionName: try report.region.flatMap(registry.unitName))
            }
            try Output.document(text, to: output, registry: registry)
        }

        private static func text(_ report: ChangeReport, regionName: String?) -> String {
            var text = "Changes from \(report.from) to \(report.to)"
            if let region = report.region { text += " in \(regionName ?? region) (\(region))" }
            text += "\n\n" + Output.tableText(
                ["kind", report.from.description, report.to.description, "change"],
                report.kinds.map { [$0.kind, String($0.from), String($0.to), ChangeReport.signed($0.difference)] }
                    + [["total", String(report.totalFrom), String(report.totalTo),
                        ChangeReport.signed(report.totalTo - report.totalFrom)]])
            if report.level != nil {
                text += "\n" + Output.tableText(
                    ["code", "unit", report.from.description, report.to.description, "change"],
                    report.units.map { [$0.code, $0.name, String($0.from), String($0.to), ChangeReport.signed($0.to - $0.from)] })
            }
            text += "\n"
            text += report.changes.isEmpty ? "No entity appeared, closed, moved or changed kind.\n"
                // One line per change: a line break or escape sequence in a name is shown, not obeyed.
                : report.changes.map { TerminalText.escaped($0.line) }.joined(separator: "\n") + "\n"
            return text
        }

        /// One table for spreadsheets: a `section` column tells counts from entity changes.
        private static func csv(_ report: ChangeReport) -> String {
            var rows: [[String]] = report.kinds.map {
                ["kind", "", "", $0.kind, "", String($0.from), String($0.to), String($0.difference), "", ""]
            }
            rows += report.units.map {
                ["unit", $0.code, $0.name, "", "", String($0.from), String($0.to), String($0.to - $0.from), "", ""]
            }
            rows += report.changes.map {
                [$0.change.rawValue, $0.teryt ?? "", $0.name, $0.kind, $0.previousKind ?? "", "", "", "", $0.place, $0.id]
            }
            return Output.csvText(
                ["section", "code", "name", "kind", "previous_kind", "from", "to", "difference", "place", "id"], rows)
        }
    }
}
