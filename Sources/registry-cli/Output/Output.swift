import Foundation
import Registry

/// Results go to stdout, messages to stderr, so pipes and `jq` see only data.
enum Output {
    private nonisolated(unsafe) static var buffer: [UInt8] = []

    /// Writes `text` and a newline to stdout (buffered; flushed at exit and when large); control
    /// characters in it are shown escaped (`TerminalText`), its line breaks kept.
    static func line(_ text: String = "") {
        buffer.append(contentsOf: TerminalText.escapedKeepingLineBreaks(text).utf8)
        buffer.append(10)
        if buffer.count >= 1 << 16 { flush() }
    }

    static func flush() {
        guard !buffer.isEmpty else { return }
        buffer.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress else { return }
            var offset = 0
            while offset < bytes.count {
                let written = write(1, base + offset, bytes.count - offset)
                if written <= 0 { break }
                offset += written
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes a message line to stderr, control characters escaped (values in messages come
    /// from files and the registry).
    static func message(_ text: String) {
        flush()
        FileHandle.standardError.write(Data((TerminalText.escapedKeepingLineBreaks(text) + "\n").utf8))
    }

    /// Prints an error as one line, naming the options it is about, plus a hint where one helps.
    static func error(_ error: RegistryError) {
        message("registry: error: \(OptionNames.naming(error))")
        if let hint = hint(for: error) { message("hint: \(hint)") }
    }

    private static func hint(for error: RegistryError) -> String? {
        switch error {
        case .fileNotFound(let path) where path.hasSuffix(".sqlite"):
            return "create a registry with `registry init --db \(path)`, or point --db / $REGISTRY_DB at an existing one"
        case .busy:
            return "another registry command is writing; try again when it has finished"
        default:
            return nil
        }
    }

    /// Prints JSON objects as a table, CSV (the given columns) or a JSON array.
    static func rows(_ objects: [JSONValue], columns: [String], format: ListFormat) {
        if format == .json {
            line(JSONValue.array(objects).pretty)
            return
        }
        let rows = objects.map { object -> [String] in
            guard case let .object(members) = object else { return [] }
            return columns.map { key in
                switch members[key] ?? .null {
                case .null: return ""
                case let .string(text): return text
                case let other: return other.canonical
                }
            }
        }
        format == .csv ? csv(columns, rows) : table(columns, rows)
    }

    /// Prints rows as RFC 4180 CSV (comma, LF) for scripts and spreadsheets.
    static func csv(_ header: [String], _ rows: [[String]]) {
        buffer.append(contentsOf: csvText(header, rows).utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    /// Rows as RFC 4180 CSV text (comma, LF).
    static func csvText(_ header: [String], _ rows: [[String]]) -> String {
        func field(_ text: String) -> String {
            guard text.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        var text = header.map(field).joined(separator: ",") + "\n"
        for row in rows { text += row.map(field).joined(separator: ",") + "\n" }
        return text
    }

    /// Prints rows as aligned columns for people.
    static func table(_ header: [String], _ rows: [[String]]) {
        buffer.append(contentsOf: tableText(header, rows).utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    /// Rows as aligned columns, a dashed rule under the header; control characters in cells are
    /// shown escaped (`TerminalText`).
    static func tableText(_ header: [String], _ rows: [[String]]) -> String {
        let header = header.map(TerminalText.escaped)
        let rows = rows.map { $0.map(TerminalText.escaped) }
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        func render(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        var text = render(header) + "\n" + render(widths.map { String(repeating: "-", count: $0) }) + "\n"
        for row in rows { text += render(row) + "\n" }
        return text
    }

    /// Prints rows as aligned columns as they come, for results of any size: the widths come from the
    /// header and the first `sampleSize` rows (or as many as hold `sampleBytes` of text, so a few huge
    /// values cannot fill memory), which are held until then; every later row is printed
    /// at once with those widths (a longer cell overflows its column rather than being cut), so memory
    /// stays flat. Every cell, the header's too, is shown through `TerminalText.escaped`.
    struct StreamingTable {
        static let defaultSampleSize = 1_000
        static let sampleBytes = 16 << 20
        private let sampleSize: Int
        private var widths: [Int]
        private var held: [[String]] = []
        private var heldBytes = 0
        private var header: [String]?

        init(header: [String], sampleSize: Int = defaultSampleSize) {
            let escaped = header.map(TerminalText.escaped)
            self.header = escaped
            self.sampleSize = sampleSize
            widths = escaped.map(\.count)
        }

        mutating func add(_ cells: [String]) {
            let escaped = cells.map(TerminalText.escaped)
            guard header != nil else {
                Output.line(render(escaped))
                return
            }
            for (index, cell) in escaped.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
            held.append(escaped)
            heldBytes += escaped.reduce(0) { $0 + $1.utf8.count }
            if held.count >= sampleSize || heldBytes >= Self.sampleBytes { printHeld() }
        }

        /// Prints what is still held (the whole table when it has fewer than `sampleSize` rows).
        mutating func finish() {
            if header != nil { printHeld() }
        }

        private mutating func printHeld() {
            guard let header else { return }
            Output.line(render(header))
            Output.line(render(widths.map { String(repeating: "-", count: $0) }))
            for row in held { Output.line(render(row)) }
            held = []
            self.header = nil
        }

        private func render(_ cells: [String]) -> String {
            var line = ""
            for (index, cell) in cells.enumerated() {
                if index > 0 { line += "  " }
                line += cell
                guard index < cells.count - 1, index < widths.count else { continue }
                let length = cell.count
                if length < widths[index] { line += String(repeating: " ", count: widths[index] - length) }
            }
            return line
        }
    }

    /// Writes a whole document to `path` (never over the registry's own files), or to stdout when nil.
    static func document(_ text: String, to path: String?, registry: Registry) throws {
        guard let path else {
            buffer.append(contentsOf: text.utf8)
            flush()
            return
        }
        let sink = try OutputSink.file(path, protecting: registry.database.path)
        try sink.write(text)
        try sink.finish()
        message("wrote \(path)")
    }
}
