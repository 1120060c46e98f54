import ArgumentParser
import Foundation
import Registry

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export entities, certificates, resources, needs or the audit log (or all of them).",
        discussion: """
            CSV is RFC 4180 UTF-8; --excel writes what Polish Excel opens correctly on double-click \
            (; delimiter, UTF-8 BOM, CRLF). Dates are ISO-8601. An export re-imports into a fresh \
            registry with ids preserved.

            --excel files (like import's --rejects files) are safe to open in a spreadsheet: a text \
            cell that begins with =, +, -, @, TAB, CR or ' gets a leading ', so Excel shows \
            =HYPERLINK(...) instead of running it. Import removes that ' again, so such a file \
            re-imports exactly. Plain CSV, JSON and NDJSON hold the values exactly as stored (a \
            value that itself begins with ' and one of those characters re-imports exactly only \
            from --excel).

              registry export entities --excel -o pes.csv
              registry export all -o eksport/ --on 2025-12-31

            Entities are the world on --on (default today), active and closed, each in the version \
            in effect that day; every target is as the registry knew it at --recorded-at (default now).
            """
    )

    @OptionGroup var database: DatabaseOptions
    @Argument(help: "entities, certificates, resources, needs, audit or all.") var target: String
    @Option(help: "csv (default), json, ndjson or geojson.") var format: RecordFormat = .csv
    @Flag(help: "CSV for Polish Excel: ; delimiter, UTF-8 BOM, CRLF, formulas guarded with '.") var excel = false
    @OptionGroup var time: TimeOptions
    @Option(name: .shortAndLong, help: "Output file (a folder for `all`); default standard output.") var output: String?

    func validate() throws {
        guard target == "all" || ExportTarget(rawValue: target) != nil else {
            throw ValidationError("unknown export target \(target); use entities, certificates, resources, needs, audit or all")
        }
        if target == "all", output == nil { throw ValidationError("export all writes one file per target: give -o FOLDER") }
        if excel, format != .csv { throw ValidationError("--excel applies to CSV only") }
    }

    func run() throws {
        let registry = try database.openForReading()
        let moment = (day: try time.day, recordedAt: try time.knownAt)
        if target == "all", let folder = output {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw RegistryError.cannotCreate(path: folder, reason: error.localizedDescription)
            }
            for target in ExportTarget.allCases {
                let path = (folder as NSString).appendingPathComponent("\(target.rawValue).\(format.fileExtension)")
                try write(target, registry: registry, sink: try .file(path, protecting: registry.database.path), moment: moment)
                Output.message("wrote \(path)")
            }
            return
        }
        guard let target = ExportTarget(rawValue: target) else { return }
        let sink = try output.map { try OutputSink.file($0, protecting: registry.database.path) } ?? .standardOutput()
        try write(target, registry: registry, sink: sink, moment: moment)
    }

    private func write(
        _ target: ExportTarget, registry: Registry, sink: OutputSink, moment: (day: LocalDate?, recordedAt: String?)
    ) throws {
        let writer = try RecordWriter(
            sink: sink, format: format, columns: Registry.exportColumns(target), excel: excel)
        try registry.export(target, to: writer, on: moment.day, recordedAt: moment.recordedAt)
    }
}

extension RecordFormat: ExpressibleByArgument {
    var fileExtension: String { self == .geojson ? "geojson" : rawValue }
}
