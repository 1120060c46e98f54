import ArgumentParser
import Registry

struct TerytCommand: ParsableCommand {
    static let configuration = CommandConfiguration.group(
        "teryt", abstract: "The TERYT (GUS TERC) dictionary of voivodeships, counties and communes.",
        subcommands: [Import.self, Find.self])

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load a newer official TERC edition (WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA).",
            discussion: """
                New units are added, renamed ones get a new version, units missing from the edition are \
                marked abolished; nothing is deleted.

                  registry teryt import TERC_Urzedowy_2025-01-01.csv
                """
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The TERC CSV file from GUS.") var file: String

        func run() throws {
            let registry = try global.open(.writeOrCreate)
            let report = try registry.importTeryt(from: file)
            Output.message("TERC edition \(report.edition): \(report.units) units, \(report.added) added, "
                + "\(report.renamed) changed, \(report.abolished) abolished, \(report.unchanged) unchanged")
        }
    }

    struct Find: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Find TERYT units by name (case and Polish diacritics ignored).",
            discussion: """
                  registry teryt find "Łódź"
                  registry teryt find bolesławiec --level gmina
                """
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "A unit name or its beginning.") var name: String
        @Option(help: "Only units of this level: wojewodztwo, powiat, gmina or czesc.") var level: String?
        @OptionGroup var output: TextOrJSONOption

        func validate() throws {
            try refusing { _ = try wanted }
        }

        /// The level asked for; its message predates argument-parser's own for a bad value.
        private var wanted: TerytUnit.Level? {
            get throws {
                guard let level else { return nil }
                guard let parsed = TerytUnit.Level(rawValue: level) else {
                    throw RegistryError.usage("--level must be one of: wojewodztwo, powiat, gmina, czesc")
                }
                return parsed
            }
        }

        func run() throws {
            let registry = try global.open(.read)
            let matches = try registry.findTeryt(name: name, level: try wanted)
            if matches.isEmpty { throw RegistryError.notFound(kind: "TERYT unit", reference: name) }
            output.print(json: { .array(matches.map(\.json)) }) {
                Output.table(["code", "name", "type", "county", "voivodeship"], matches.map {
                    [$0.unit.code, $0.unit.name, $0.unit.unitType, $0.county ?? "", $0.voivodeship ?? ""]
                })
            }
        }
    }
}
