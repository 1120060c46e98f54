/// Writes RFC 4180 CSV records to a file (rejects files; exports use `RecordWriter`).
public struct CSVWriter {
    private let sink: OutputSink
    private let delimiter: Unicode.Scalar
    private let lineEnding: String

    /// Creates `path`, which must not be the registry at `registryPath` or a companion of it;
    /// `;` + CRLF + BOM is what Polish Excel opens on double-click.
    public init(path: String, protecting registryPath: String, delimiter: UInt8 = 44, lineEnding: String = "\n",
                byteOrderMark: Bool = false) throws {
        sink = try OutputSink.file(path, protecting: registryPath)
        self.delimiter = Unicode.Scalar(delimiter)
        self.lineEnding = lineEnding
        if byteOrderMark { try sink.write(bytes: [0xEF, 0xBB, 0xBF]) }
    }

    /// Writes one record.
    public mutating func write(_ fields: [String]) throws {
        let separator = String(delimiter)
        // A lone empty field would make a blank line, which readers skip: quoted, it stays a record.
        if fields == [""] { return try sink.write("\"\"" + lineEnding) }
        try sink.write(fields.map { CSVField.quoted($0, delimiter: delimiter) }.joined(separator: separator) + lineEnding)
    }

    /// Writes out what is buffered and flushes it to disk, not yet in place.
    public mutating func sync() throws {
        try sink.sync()
    }

    /// Writes out what is buffered and puts the file in place.
    public mutating func close() throws {
        try sink.finish()
    }
}
