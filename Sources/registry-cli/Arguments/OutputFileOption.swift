import ArgumentParser
import Registry

/// `-o FILE` for commands that write one document.
struct OutputFileOption: ParsableArguments {
    @Option(name: .shortAndLong, help: "Output file; default standard output.") var output: String?

    /// Writes `text` to the file (never over the registry's own files), or to standard output.
    func write(_ text: String, registry: Registry) throws {
        try Output.document(text, to: output, registry: registry)
    }
}
