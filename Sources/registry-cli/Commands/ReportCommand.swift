import ArgumentParser
import Registry

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration.group(
        "report", abstract: "Reports built from the registry's history.",
        subcommands: [Changes.self])

    struct Changes: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Counts per kind on two days with the difference, and the entities behind it.",
            discussion: """
                Compares the world on --from and on --to, as the registry knew it at --recorded-at (default \
                now): an entity appears, closes, moves or changes kind on the days its records give, however \
                late they were entered. Lists the entities that appeared, closed, changed kind, or (with \
                --region) moved in or out, each with its place, and those registered without a founding date.
                --recorded-at reproduces a report as it was first sent.

                  registry report changes --from 2026-06-30 --to 2026-09-30 --region 14
                  registry report changes --from 2026-01-01 --to 2026-12-31 --level powiat --format html -o raport.html
                  registry report changes --from 2026-06-30 --to 2026-09-30 --recorded-at 2026-10-05
                """
        )

        @OptionGroup var database: DatabaseOptions
        @Option(help: "The first day.") var from: DateArgument
        @Option(help: "The second day (default today).") var to: DateArgument?
        @OptionGroup var area: RegionOption
        @OptionGroup var knowledge: RecordedAtOption
        @Option(help: "Also count per unit at this level: wojewodztwo, powiat or gmina.") var level: MapLevel?
        @Option(help: "text (default), csv, json or html.") var format: ReportFormat = .text
        @OptionGroup var destination: OutputFileOption

        func validate() throws {
            if format == .table { throw ValidationError("report formats are text, csv, json and html") }
            try refusing {
                try to?.check("to")
                try from.check("from")
            }
        }

        func run() throws {
            let registry = try database.openForReading()
            let report = try database.timed("report") {
                try registry.changeReport(
                    from: try from.date, to: try to?.date ?? registry.today, region: area.region, level: level,
                    recordedAt: try knowledge.knownAt)
            }
            let text: String
            switch format {
            case .json: text = report.json.pretty + "\n"
            case .csv: text = Self.csv(report)
            case .html: text = report.html(regionName: try report.region.flatMap(registry.unitName))
            case .text, .table: text = Self.text(report, regionName: try report.region.flatMap(registry.unitName))
            }
            try destination.write(text, registry: registry)
        }

        private static func text(_ report: ChangeReport, regionName: String?) -> String {
            var text = "Changes from \(report.from) to \(report.to)"
            if let region = report.region { text += " in \(regionName ?? region) (\(region))" }
            if let recordedAt = report.recordedAt { text += ", as recorded by \(recordedAt)" }
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
            if !report.withoutFoundingDate.isEmpty {
                text += "\nRegistered without a founding date (\(report.withoutFoundingDate.count)), counted from the day first recorded:\n"
                text += report.withoutFoundingDate.map { "  " + TerminalText.escaped($0.line) }.joined(separator: "\n") + "\n"
            }
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
            rows += report.withoutFoundingDate.map {
                ["without_founding_date", $0.teryt ?? "", $0.name, $0.kind, "", "", "", "", $0.place, $0.id]
            }
            return Output.csvText(
                ["section", "code", "name", "kind", "previous_kind", "from", "to", "difference", "place", "id"], rows)
        }
    }
}
