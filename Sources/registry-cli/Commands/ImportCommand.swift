import ArgumentParser
import Foundation
import Registry

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a CSV file of entities, certificates, resources or needs (one transaction).",
        discussion: """
            Re-running an import is safe: rows match existing entities by id, else NIP, else KRS, else REGON, \
            and identical rows are left alone. The delimiter (, ; tab) and the encoding (UTF-8, with or \
            without BOM, or Windows-1250 from Polish Excel) are detected unless given. A cell that \
            begins with ' and then =, +, -, @, TAB, CR or ' loses that ' (the guard export --excel and \
            rejects files put before cells a spreadsheet would run as formulas).

              registry import entities Examples/entities.csv
              registry import entities owes.csv --on-error skip --rejects owes-rejects.csv
              iconv -f utf-8 -t cp1250 x.csv | registry import entities - --encoding cp1250 --format json

            Exit codes: 0 when no row was rejected, 65 when any row was (written or not), 66 when the file is missing.
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "What the file holds: entities, certificates, resources or needs.") var target: ImportTarget
    @Argument(help: "The CSV file, or - for standard input.") var file: String
    @Option(help: "Field delimiter: , ; or tab (default: detected from the header).") var delimiter: String?
    @Option(help: "auto, utf-8 or cp1250 (default auto: UTF-8 when the bytes are valid UTF-8).") var encoding: EncodingChoice = .auto
    @Option(name: .customLong("map"), help: "Map a column to a field, e.g. --map \"Nr rejestru=krs\" (repeatable).") var mappings: [String] = []
    @Option(name: .customLong("on-error"), help: "abort (write nothing if any row is invalid) or skip (write the valid rows).") var onError: ErrorPolicy = .abort
    @Option(help: "With --on-error skip: write rejected rows here as CSV with an error column (guarded for Excel).") var rejects: String?
    @Flag(name: .customLong("dry-run"), help: "Validate and report what would change; write nothing.") var dryRun = false
    @OptionGroup var output: TextOrJSONOption

    func validate() throws {
        if let delimiter, Self.delimiterByte(delimiter) == nil {
            throw ValidationError("--delimiter must be one character: , ; tab or |")
        }
        for mapping in mappings where !mapping.contains("=") {
            throw ValidationError("--map takes SOURCE=FIELD, got \"\(mapping)\"")
        }
    }

    static func delimiterByte(_ text: String) -> UInt8? {
        switch text {
        case "tab", "\\t", "\t": return 9
        default:
            guard text.utf8.count == 1, let byte = text.utf8.first, byte != 34, byte != 10, byte != 13 else { return nil }
            return byte
        }
    }

    func run() throws {
        let registry = try global.open(.writeOrCreate)
        var map: [String: String] = [:]
        for mapping in mappings {
            let parts = mapping.split(separator: "=", maxSplits: 1).map(String.init)
            map[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        let options = ImportOptions(
            target: target, delimiter: delimiter.flatMap(Self.delimiterByte), encoding: encoding, mappings: map,
            onError: onError, rejectsPath: rejects, dryRun: dryRun, recordActions: output.format == .json)
        let progress = Progress()
        let report = try registry.importFile(file, options: options, progress: progress.show)
        progress.finish()
        if global.database.timing {
            Output.message("import: " + report.phases.map { String(format: "%@ %.2f s", $0.phase, $0.seconds) }
                .joined(separator: ", "))
        }
        output.print(json: { report.json }) {
            for warning in report.warnings { Output.message("warning: \(warning)") }
            for error in report.errors { Output.message("error: \(error)") }
            var summary = "\(report.file) (\(report.encoding), delimiter \"\(report.delimiter == "\t" ? "\\t" : report.delimiter)\"): "
                + "\(report.rows) rows, \(report.inserted) inserted, \(report.updated) updated, "
                + "\(report.unchanged) unchanged, \(report.rejected) rejected"
            if report.dryRun { summary += " (dry run: nothing written)" }
            else if report.rejected > 0 && onError == .abort { summary += " (nothing written: fix the rows above, or use --on-error skip)" }
            Output.message(summary)
        }
        if report.rejected > 0 {
            Output.flush()
            throw ExitCode(ExitCodes.dataError)
        }
    }
}

extension ImportTarget: ExpressibleByArgument {}
extension ErrorPolicy: ExpressibleByArgument {}
extension EncodingChoice: ExpressibleByArgument {}
