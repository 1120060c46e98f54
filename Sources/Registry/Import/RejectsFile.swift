/// The rows an import skipped, as CSV: the original columns plus `error`, ready to fix and re-import.
/// It is meant to be opened in Excel, so its cells are guarded against formulas (`SpreadsheetCell`)
/// in a way the next import undoes: each cell re-imports as it imported.
struct RejectsFile {
    private var writer: CSVWriter
    let path: String

    /// `header` is the file's, trimmed and unguarded as the import read it.
    init(path: String, protecting registryPath: String, header: [String], delimiter: UInt8) throws {
        self.path = path
        // A BOM so Excel opens the UTF-8 file correctly; the registry's reader skips it.
        writer = try CSVWriter(path: path, protecting: registryPath, delimiter: delimiter, lineEnding: "\r\n",
                               byteOrderMark: true)
        try writer.write((header + ["error"]).map(SpreadsheetCell.guarded))
    }

    /// `fields` are the record's cells as read (neither trimmed nor unguarded).
    mutating func write(_ fields: [String], error: String) throws {
        try writer.write(fields.map(SpreadsheetCell.reguarded) + [SpreadsheetCell.guarded(error)])
    }

    /// Flushes the file to disk (see `OutputSink.sync`).
    mutating func sync() throws {
        try writer.sync()
    }

    mutating func close() throws {
        try writer.close()
    }
}
