import ArgumentParser
import Registry

/// Output formats for commands that show one object or a short list.
enum TextOrJSON: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// `--format text|json` for commands that show one object or a short list.
struct TextOrJSONOption: ParsableArguments {
    @Option(help: "text or json.") var format: TextOrJSON = .text

    /// Prints `json()` as an indented JSON document with --format json, else runs `text`.
    func print(json: () -> JSONValue, text: () throws -> Void) rethrows {
        if format == .json {
            Output.line(json().pretty)
        } else {
            try text()
        }
    }
}
