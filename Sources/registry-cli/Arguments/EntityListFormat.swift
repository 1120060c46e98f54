import ArgumentParser
import Foundation
import Registry

/// Output formats for entity listings.
enum EntityListFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json, ndjson, geojson

    /// The library's record format, for all but the table.
    var recordFormat: RecordFormat? {
        switch self {
        case .table: return nil
        case .csv: return .csv
        case .json: return .json
        case .ndjson: return .ndjson
        case .geojson: return .geojson
        }
    }

    /// The table when standard output is a terminal, else CSV for scripts.
    static var forStandardOutput: EntityListFormat { isatty(1) == 1 ? .table : .csv }
}

/// `--format` for commands that list entities: the table on a terminal, else CSV.
struct EntityFormatOption: ParsableArguments {
    @Option(help: "table (default on a terminal), csv, json, ndjson or geojson.") var format: EntityListFormat?

    var chosen: EntityListFormat { format ?? .forStandardOutput }
}
