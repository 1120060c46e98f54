import SQLiteStore

/// Writes rows with fixed columns as they come, so memory stays flat for any result size.
public final class RecordWriter {
    private let sink: OutputSink
    private let format: RecordFormat
    private let columns: [String]
    private let delimiter: String
    private let lineEnding: String
    /// `--excel`: text cells Excel would run as formulas get a leading `'` (`SpreadsheetCell`).
    private let guardsFormulas: Bool
    private var count = 0
    private let lineEndingBytes: [UInt8]
    /// Reused for each CSV row (`writeRow`).
    private var rowBuffer: [UInt8] = []
    private var delimiterScalar: Unicode.Scalar { delimiter == ";" ? ";" : "," }

    /// A writer of `columns` to `sink`; `excel` selects the CSV dialect Polish Excel opens on
    /// double-click, with text cells that begin with `=`, `+`, `-`, `@`, TAB, CR or `'` prefixed
    /// with `'` so that Excel shows them rather than runs them (an import removes the prefix).
    public init(sink: OutputSink, format: RecordFormat, columns: [String], excel: Bool = false) throws {
        self.sink = sink
        self.format = format
        self.columns = columns
        self.delimiter = excel ? ";" : ","
        self.lineEnding = excel ? "\r\n" : "\n"
        self.lineEndingBytes = Array(lineEnding.utf8)
        self.guardsFormulas = excel
        switch format {
        case .csv:
            if excel { try sink.write(bytes: [0xEF, 0xBB, 0xBF]) }
            try sink.write(columns.map(csvField).joined(separator: delimiter) + lineEnding)
        case .json: try sink.write("[")
        case .ndjson: break
        case .geojson: try sink.write("{\"type\":\"FeatureCollection\",\"features\":[")
        }
    }

    /// Writes one row; `values` are in `columns` order.
    public func write(_ values: [JSONValue]) throws {
        switch format {
        case .csv:
            try sink.write(values.map(csvCell).joined(separator: delimiter) + lineEnding)
        case .json:
            try sink.write((count == 0 ? "\n" : ",\n") + object(values).canonical)
        case .ndjson:
            try sink.write(object(values).canonical + "\n")
        case .geojson:
            guard let latitude = number(values, "latitude"), let longitude = number(values, "longitude") else { return }
            let feature = JSONValue.object([
                "type": .string("Feature"),
                "geometry": .object(["type": .string("Point"), "coordinates": .array([.double(longitude), .double(latitude)])]),
                "properties": object(values),
            ])
            try sink.write((count == 0 ? "\n" : ",\n") + feature.canonical)
        }
        count += 1
    }

    /// Writes the current row of `statement` (its columns in `columns` order) without building values
    /// first: the CSV fast path, close to what `sqlite3 -csv` does. Other formats go through `write(_:)`.
    public func writeRow(of statement: Statement) throws {
        guard format == .csv else {
            try write((0..<Int32(columns.count)).map { statement.value(at: $0).json })
            return
        }
        // The row is built in a local buffer and handed to the sink once: appending byte by byte to
        // the sink's own buffer paid a dynamic exclusivity check per byte (a fifth of an export's time).
        var row: [UInt8] = []
        swap(&row, &rowBuffer)
        defer { swap(&row, &rowBuffer) }
        row.removeAll(keepingCapacity: true)
        let delimiterByte = UInt8(ascii: delimiterScalar)
        for index in 0..<Int32(columns.count) {
            if index > 0 { row.append(delimiterByte) }
            switch statement.type(at: index) {
            case 5:  // SQLITE_NULL
                continue
            case 1, 2:  // SQLITE_INTEGER, SQLITE_FLOAT: as JSON writes numbers, so formats agree (never guarded)
                row.append(contentsOf: Self.text(statement.value(at: index).json).utf8)
            default:
                statement.withUTF8(at: index) { bytes in
                    Self.appendField(bytes, delimiter: delimiterByte, guarded: guardsFormulas, to: &row)
                }
            }
        }
        row.append(contentsOf: lineEndingBytes)
        try row.withUnsafeBufferPointer { try sink.write($0) }
        count += 1
    }

    /// Appends a CSV field, quoted when it holds a quote, a line break or the delimiter, or starts
    /// or ends with a space; when `guarded`, with `SpreadsheetCell`'s prefix if it needs one.
    private static func appendField(
        _ bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8, guarded: Bool, to row: inout [UInt8]
    ) {
        let prefix = guarded && SpreadsheetCell.needsPrefix(bytes)
        var quote = false
        for byte in bytes where byte == 34 || byte == 10 || byte == 13 || byte == delimiter {
            quote = true
            break
        }
        if let first = bytes.first, first == 32 { quote = true }
        if let last = bytes.last, last == 32 { quote = true }
        guard quote else {
            if prefix { row.append(SpreadsheetCell.prefix) }
            return row.append(contentsOf: bytes)
        }
        row.append(34)
        if prefix { row.append(SpreadsheetCell.prefix) }
        for byte in bytes {
            if byte == 34 { row.append(34) }
            row.append(byte)
        }
        row.append(34)
    }

    /// Closes the array or collection and flushes.
    public func finish() throws {
        switch format {
        case .json: try sink.write(count == 0 ? "]\n" : "\n]\n")
        case .geojson: try sink.write(count == 0 ? "]}\n" : "\n]}\n")
        case .csv, .ndjson: break
        }
        try sink.finish()
    }

    private func object(_ values: [JSONValue]) -> JSONValue {
        var members: [String: JSONValue] = [:]
        for (column, value) in zip(columns, values) { members[column] = value }
        return .object(members)
    }

    private func number(_ values: [JSONValue], _ column: String) -> Double? {
        guard let index = columns.firstIndex(of: column), index < values.count else { return nil }
        switch values[index] {
        case let .double(value): return value
        case let .int(value): return Double(value)
        default: return nil
        }
    }

    /// A value as CSV text: empty for null, numbers as JSON writes them.
    static func text(_ value: JSONValue) -> String {
        switch value {
        case .null: return ""
        case let .string(text): return text
        case let .bool(flag): return flag ? "true" : "false"
        default: return value.canonical
        }
    }

    private func csvField(_ text: String) -> String {
        CSVField.quoted(guardsFormulas ? SpreadsheetCell.guarded(text) : text, delimiter: delimiterScalar)
    }

    /// A value as a CSV field. Numbers are never guarded: their text (`-1.5`, `-2e+30`) is a number
    /// to a spreadsheet, not a formula, and `writeRow` writes stored numbers the same way.
    private func csvCell(_ value: JSONValue) -> String {
        switch value {
        case .int, .double: return CSVField.quoted(Self.text(value), delimiter: delimiterScalar)
        default: return csvField(Self.text(value))
        }
    }
}
