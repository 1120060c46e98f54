/// The rows an import skipped, as CSV: the original columns plus `error`, ready to fix and re-import.
struct RejectsFile {
    private var writer: CSVWriter
    let path: String

    init(path: String, protecting registryPath: String, header: [String], delimiter: UInt8) throws {
        self.path = path
        // A BOM so Excel opens the UTF-8 file correctly; the registry's reader skips it.
        writer = try CSVWriter(path: path, protecting: registryPath, delimiter: delimiter, lineEnding: "\r\n",
                               byteOrderMark: true)
        try writer.write(header + ["error"])
    }

    mutating func write(_ fields: [String], error: String) throws {
        try writer.write(fields + [error])
    }

    mutating func close() throws {
        try writer.close()
    }
}
