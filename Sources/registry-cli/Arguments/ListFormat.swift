import ArgumentParser
import Registry

/// Output formats for commands that list rows.
enum ListFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json
}

/// `--format` for commands that list rows of one kind.
struct ListFormatOption: ParsableArguments {
    @Option(help: "table, csv or json.") var format: ListFormat = .table

    /// Prints `objects` in the chosen format, the given columns in a table or CSV.
    func print(_ objects: [JSONValue], columns: [String]) {
        Output.rows(objects, columns: columns, format: format)
    }
}
