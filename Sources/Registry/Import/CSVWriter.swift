/// Writes RFC 4180 CSV records to a file (rejects files; exports use `RecordWriter`).
public struct CSVWriter {
    private let sink: OutputSink
    private let delimiter: Unicode.Scalar
    private let lineEnding: String

    /// Creates `path`; `;` + CRLF + BOM is what Polish Excel opens on double-click.
    public init(path: String, delimiter: UInt8 = 44, lineEnding: String = "\n", byteOrderMark: Bool = false) throws {
        sink = try OutputSink.file(path)
        self.delimiter = Unicode.Scalar(delimiter)
        self.lineEnding = lineEnding
        if byteOrderMark { try sink.write(bytes: [0xEF, 0xBB, 0xBF]) }
    }

    /// Writes one record.
    public mutating func write(_ fields: [String]) throws {
        let separator = String(delimiter)
        try sink.write(fields.map { CSVField.quoted($0, delimiter: delimiter) }.joined(separator: separator) + lineEnding)
    }

    /// Flushes what is buffered.
    public mutating func close() throws {
        try sink.flush()
    }
}
