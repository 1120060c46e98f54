import Crypto
import Foundation

extension Registry {
    /// Imports `path` (`-` for standard input) as one transaction.
    ///
    /// With `.abort`, any invalid row means nothing is written and every bad row is reported; with
    /// `.skip`, valid rows are written and invalid ones go to `rejectsPath`. A dry run reports
    /// exactly what would change and writes nothing.
    public func importFile(
        _ path: String, options: ImportOptions, progress: ((ImportProgress) -> Void)? = nil
    ) throws -> ImportReport {
        // Standard input and pipes are spooled to a temporary file first: the encoding check and the
        // batch's SHA-256 both read the bytes before the rows do, and on threads of their own.
        let spool = try SpooledInput.ifNeeded(path)
        // The copy has no name: it lives while its descriptor is open, so until the import ends.
        defer { withExtendedLifetime(spool) {} }
        let source = spool?.path ?? path
        let name = spool?.name ?? path
        if let rejects = options.rejectsPath, let input = FileIdentity(path: source), FileIdentity(path: rejects) == input {
            throw RegistryError.cannotCreate(path: rejects, reason: "it is the file being imported; write the rejects elsewhere")
        }
        let digest = FileDigest.Background(path: source)  // while the reader checks the encoding
        let opened = Result { try CSVReader(path: source, name: name, delimiter: options.delimiter, encoding: options.encoding) }
        let sha256 = try digest.value()  // a file that cannot be read is reported by the digest first
        let reader = try opened.get()
        lastBulkLoadFallBack = nil
        func run<Importer: RowImporter>(
            _ importer: Importer, from reader: sending CSVReader, allowsFirstLoad: Bool = true
        ) throws -> ImportReport {
            var importer = importer
            return try runImport(reader: reader, path: path, sha256: sha256, options: options, importer: &importer,
                                 progress: progress, allowsFirstLoad: allowsFirstLoad)
        }
        switch options.target {
        case .entities:
            do {
                return try run(EntityRowImporter(registry: self, validator: try validator()), from: reader)
            } catch is BulkLoad.Rerun {
                // Rolled back; row by row, each row repeating an identifier is named.
                let reader = try CSVReader(path: source, name: name, delimiter: options.delimiter, encoding: options.encoding)
                return try run(EntityRowImporter(registry: self, validator: try validator()), from: reader,
                               allowsFirstLoad: false)
            }
        case .resources: return try run(ItemRowImporter<Resource>(registry: self), from: reader)
        case .needs: return try run(ItemRowImporter<Need>(registry: self), from: reader)
        case .certificates: return try run(CertificateRowImporter(registry: self), from: reader)
        }
    }

    /// Thrown inside the transaction to roll it back while still returning the report.
    private struct Rollback: Error {
        let report: ImportReport
    }

    private func runImport<Importer: RowImporter>(
        reader: sending CSVReader, path: String, sha256: String, options: ImportOptions, importer: inout Importer,
        progress: ((ImportProgress) -> Void)?, allowsFirstLoad: Bool = true
    ) throws -> ImportReport {
        let schema = Importer.schema
        // A header written by a rejects file is guarded like its cells.
        let header = reader.header.map { SpreadsheetCell.unguarded($0.trimmed) }
        let (fileName, totalBytes, delimiter) = (reader.name, reader.totalBytes, reader.delimiter)
        let map = try HeaderMap(header: header, schema: schema, mappings: options.mappings, fileName: fileName)
        var report = ImportReport(
            file: path, encoding: reader.encoding.rawValue,
            delimiter: String(UnicodeScalar(delimiter)), dryRun: options.dryRun)
        if !map.unknown.isEmpty {
            report.warnings.append("ignored columns: " + map.unknown.map { "\"\($0)\"" }.joined(separator: ", "))
        }
        var rejects = try options.rejectsPath.map { path in
            try RejectsFile(path: path, protecting: database.path, header: header, delimiter: delimiter)
        }
        var phases = PhaseClock()
        let load = try BulkLoad.plan(for: Importer.self, registry: self, fileBytes: totalBytes, dryRun: options.dryRun,
                                     allowsFirstLoad: allowsFirstLoad)
        defer { load.end() }
        // Reading starts now, while the transaction begins.
        let pipeline = RowPipeline(reader: reader, path: fileName, map: map, prepare: importer.preparer(for: map))
        defer { pipeline.stop() }
        do {
            report = try search.withDeferredIndexing { search in
                try write { context in
                    var context = context
                    let batchID = Identifier.make(at: clock.date())
                    context.batchID = batchID
                    var report = report
                    let batch = try ImportBatch.start(
                        database, id: batchID, target: schema.target.rawValue, fileName: Self.fileName(report),
                        sha256: sha256, encoding: report.encoding, delimiter: report.delimiter,
                        options: Self.optionsJSON(report, options).canonical, context: context)
                    try load.begin(&importer, search: search)
                    while let batch = try pipeline.next() {
                        for item in batch.records {
                            report.rows += 1
                            let outcome: RowOutcome
                            do {
                                let prepared = try item.result.get()
                                outcome = try load.apply(to: &importer) { importer in
                                    try apply(prepared, with: &importer, context: context)
                                }
                            } catch let error as RegistryError where error.isAboutTheRow {
                                // The row's savepoint was rolled back, possibly with audit entries, which
                                // moved the connection's transaction epoch: the audit log reads its head again.
                                let problem = Self.problem(error, record: item.record, line: item.line, map: map)
                                report.rejected += 1
                                report.errors.append(problem)
                                if options.recordActions {
                                    report.actions.append(.init(record: item.record, line: item.line, action: "reject", id: nil))
                                }
                                try rejects?.write(item.fields, error: problem.description)
                                continue
                            }
                            switch outcome.action {
                            case "insert": report.inserted += 1
                            case "update": report.updated += 1
                            default: report.unchanged += 1
                            }
                            if options.recordActions {
                                report.actions.append(.init(record: item.record, line: item.line, action: outcome.action, id: outcome.id))
                            }
                        }
                        if report.rows % 10_240 < batch.records.count {
                            progress?(ImportProgress(rows: report.rows, bytesRead: batch.bytesRead, totalBytes: totalBytes))
                        }
                        pipeline.recycle(consume batch)
                    }
                    progress?(ImportProgress(rows: report.rows, bytesRead: totalBytes ?? 0, totalBytes: totalBytes))
                    guard report.rows > 0 else {
                        // A header with no records is almost always a truncated or wrong file.
                        throw RegistryError.malformedFile(path: fileName, line: 2, message: "has a header but no records: nothing to import")
                    }
                    phases.end("rows")
                    try load.finish()
                    phases.end("indexes")
                    try search.write()
                    phases.end("full-text")
                    if options.dryRun || (options.onError == .abort && report.rejected > 0) {
                        throw Rollback(report: report)
                    }
                    report.batchID = batchID
                    try recordBatch(report, batch: batch, target: schema.target, sha256: sha256,
                                    options: options, summary: importer.auditSummary, context: context)
                    // On disk before the rows are committed, so that putting it in place after can hardly fail.
                    try rejects?.sync()
                    return report
                }
            }
            phases.end("audit and commit")
        } catch let rollback as Rollback {
            report = rollback.report
            phases.end("rollback")
        }
        report.phases = phases.phases
        try rejects?.close()
        return report
    }

    /// Writes one row, in a savepoint when the importer may refuse it half-way.
    private func apply<Importer: RowImporter>(
        _ prepared: Importer.Prepared, with importer: inout Importer, context: ChangeContext
    ) throws -> RowOutcome {
        guard Importer.needsSavepoint else { return try importer.apply(prepared, context: context) }
        // A row refused half-way leaves nothing behind, even with --on-error skip.
        return try database.savepoint("import_row") { try importer.apply(prepared, context: context) }
    }

    private static func optionsJSON(_ report: ImportReport, _ options: ImportOptions) -> JSONValue {
        .object([
            "delimiter": .string(report.delimiter), "encoding": .string(options.encoding.rawValue),
            "on_error": .string(options.onError.rawValue),
            "map": .object(options.mappings.mapValues { .string($0) }),
        ])
    }

    private static func fileName(_ report: ImportReport) -> String {
        report.file == "-" ? "-" : (report.file as NSString).lastPathComponent
    }

    /// Finishes the batch row with the counts and records the batch in the audit log.
    private func recordBatch(
        _ report: ImportReport, batch: ImportBatch, target: ImportTarget, sha256: String, options: ImportOptions,
        summary: [String: JSONValue], context: ChangeContext
    ) throws {
        let optionsJSON = Self.optionsJSON(report, options)
        let fileName = Self.fileName(report)
        try batch.finish(database, counts: ImportBatch.Counts(
            rows: report.rows, inserted: report.inserted, updated: report.updated, unchanged: report.unchanged,
            rejected: report.rejected), at: clock.timestamp())
        try audit.append(
            recordedAt: context.recordedAt, actor: context.actor, action: "import.\(target.rawValue)",
            objectType: "import_batch", objectID: batch.id, before: nil,
            after: .object([
                "file_name": .string(fileName), "file_sha256": .string(sha256), "rows": .int(report.rows),
                "inserted": .int(report.inserted), "updated": .int(report.updated),
                "unchanged": .int(report.unchanged), "rejected": .int(report.rejected), "options": optionsJSON,
            ].merging(summary) { first, _ in first }),
            batchID: batch.id)
    }

    /// Names the record, line, column (as the file's header says it), value and rule.
    private static func problem(_ error: RegistryError, record: Int, line: Int, map: HeaderMap) -> RecordProblem {
        switch error {
        case let .invalidRecord(problem):
            return problem
        case let .invalidValue(field, value, rule):
            return RecordProblem(record: record, line: line, column: map.columnName(of: field), value: value, message: rule)
        case let .conflict(field, value, existing):
            return RecordProblem(record: record, line: line, column: map.columnName(of: field), value: value,
                                 message: "already held by \(existing)")
        default:
            return RecordProblem(record: record, line: line, message: error.description)
        }
    }
}

extension RegistryError {
    /// True for problems with a row's content; false for failures of the database or the disk,
    /// which abort the whole import (nothing is written) rather than reject one row.
    var isAboutTheRow: Bool {
        switch self {
        case .sqlite, .io, .busy, .cannotCreate, .schemaBehind, .schemaNewer, .migrationChanged: return false
        default: return true
        }
    }
}
