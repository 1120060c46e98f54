import Foundation

/// One data record of a CSV file.
public struct CSVRecord: Sendable {
    /// 1 for the first record after the header.
    public var number: Int
    /// The physical line the record starts on (1-based).
    public var line: Int
    /// The fields, unquoted but not trimmed.
    public var fields: [String]
}

/// A streaming, byte-level RFC 4180 reader: quoted fields with delimiters, doubled quotes and
/// newlines; CRLF, LF or a lone CR; UTF-8 (BOM or not) or Windows-1250; strict about malformed
/// input and bounded in memory (fields over 1 MB, records over 10,000 columns and records over
/// 16 MB are refused).
///
/// Problems are reported as `RegistryError.invalidRecord` naming the record (0 is the header) and
/// the physical line the record starts on; when the defect itself is on a later line of a
/// multi-line record, the message says which. CRLF, LF and a lone CR each end one physical line,
/// inside quoted fields too.
public final class CSVReader {
    /// Largest field accepted, in bytes.
    public static let maximumFieldBytes = 1 << 20
    /// Most columns a record may have.
    public static let maximumColumns = 10_000
    /// Largest record accepted, in bytes (all its fields together).
    public static let maximumRecordBytes = 16 << 20

    /// The encoding used (what `auto` chose).
    public let encoding: TextEncoding
    /// The delimiter used (what detection chose).
    public private(set) var delimiter: UInt8 = 44
    /// The first record, cells trimmed.
    public private(set) var header: [String] = []
    /// Bytes consumed so far, for progress.
    public var bytesRead: Int { consumedBefore + position }
    /// The file's size, when known.
    public let totalBytes: Int?

    private let source: Source
    /// What errors call the file: its path, or the name it was given ("standard input").
    let name: String
    private var buffer: [UInt8] = []
    private var position = 0
    private var consumedBefore = 0
    private var atEnd = false
    private var line = 1
    /// The record being read: 0 while reading the header, then 1, 2, 3…
    private var recordNumber = -1
    /// The physical line the record being read starts on.
    private var recordLine = 1
    private var validator = Codepage.UTF8Validator()
    private let validateAsWeGo: Bool
    /// Fields of the last record: records of a file have the same count, so the array is allocated once per record.
    private var expectedFields = 16

    private enum Source {
        case file(ChunkReader)
        case memory
    }

    /// Reads the file at `path`, called `name` in errors (the path when nil); nil `delimiter` detects it from the header.
    public convenience init(path: String, name: String? = nil, delimiter: UInt8? = nil, encoding: EncodingChoice = .auto) throws {
        let name = name ?? path
        guard let handle = FileHandle(forReadingAtPath: path) else {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
                throw RegistryError.io(path: name, message: isDirectory.boolValue ? "is a directory" : "cannot be read (permissions?)")
            }
            throw RegistryError.fileNotFound(path: name)
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue
        var chosen: TextEncoding
        switch encoding {
        case .utf8: chosen = .utf8
        case .cp1250: chosen = .cp1250
        case .auto: chosen = try Self.detectEncoding(path: path, name: name)
        }
        try self.init(source: .file(ChunkReader(handle, path: name)), initial: [], name: name, size: size,
                      delimiter: delimiter, encoding: chosen, validate: encoding == .utf8)
    }

    /// Reads CSV from memory (tests, bundled files).
    public convenience init(data: Data, delimiter: UInt8? = nil, encoding: EncodingChoice = .auto, name: String = "input") throws {
        let bytes = [UInt8](data)
        var chosen: TextEncoding
        switch encoding {
        case .utf8: chosen = .utf8
        case .cp1250: chosen = .cp1250
        case .auto:
            var validator = Codepage.UTF8Validator()
            bytes.withUnsafeBufferPointer { validator.feed($0) }
            validator.finish()
            chosen = validator.invalidOffset == nil ? .utf8 : .cp1250
        }
        try self.init(source: .memory, initial: bytes, name: name, size: bytes.count, delimiter: delimiter,
                      encoding: chosen, validate: encoding == .utf8)
    }

    private init(source: Source, initial: [UInt8], name: String, size: Int?, delimiter: UInt8?, encoding: TextEncoding,
                 validate: Bool) throws {
        self.source = source
        self.name = name
        self.totalBytes = size
        self.encoding = encoding
        self.validateAsWeGo = validate && encoding == .utf8
        buffer = initial
        atEnd = { if case .memory = source { return true } else { return false } }()
        try fill(minimum: 3)
        if buffer.count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF {
            position = 3
        }
        // Skip blank lines before the header.
        try skipLineBreaks()
        if position >= buffer.count {
            throw RegistryError.malformedFile(path: name, line: 1, message: "the file is empty")
        }
        self.delimiter = try delimiter ?? detectDelimiter()
        // The header is record 0: a problem in it is reported as such.
        guard let first = try readRecord() else {
            throw RegistryError.malformedFile(path: name, line: 1, message: "the file is empty")
        }
        header = first.fields.map { $0.trimmed }
    }

    /// Scans the whole file for UTF-8 validity (streaming): `auto` needs the answer before decoding.
    private static func detectEncoding(path: String, name: String) throws -> TextEncoding {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw RegistryError.fileNotFound(path: name) }
        var validator = Codepage.UTF8Validator()
        let chunks = ChunkReader(handle, path: name)
        while case let chunk = try chunks.next(), !chunk.isEmpty {
            validator.feed(chunk)
            if validator.invalidOffset != nil { return .cp1250 }
        }
        validator.finish()
        return validator.invalidOffset == nil ? .utf8 : .cp1250
    }

    /// Makes sure at least `minimum` unread bytes are buffered, unless the input ends first.
    @inline(__always)
    private func fill(minimum: Int) throws {
        // Called for every field: the common case (enough bytes buffered) costs one comparison.
        if buffer.count - position < minimum, !atEnd { try refill(minimum: minimum) }
    }

    private func refill(minimum: Int) throws {
        while buffer.count - position < minimum, !atEnd {
            guard case let .file(chunks) = source else { atEnd = true; return }
            let chunk = try chunks.next()
            if chunk.isEmpty { atEnd = true; return }
            if position > 0 {
                consumedBefore += position
                buffer.removeFirst(position)
                position = 0
            }
            // The buffer keeps its capacity: no allocation per chunk.
            buffer.append(contentsOf: chunk)
        }
    }

    /// Counts `,` `;` and tab outside quotes on the first line; the most frequent wins (`,` when none).
    private func detectDelimiter() throws -> UInt8 {
        var counts: [UInt8: Int] = [44: 0, 59: 0, 9: 0]
        // Counted from `position`: a refill moves the unread bytes to the front of the buffer.
        var offset = 0
        var quoted = false
        while true {
            if position + offset >= buffer.count {
                if atEnd || offset > Self.maximumFieldBytes * 2 { break }
                try fill(minimum: offset + 1)
                if position + offset >= buffer.count { break }
            }
            let byte = buffer[position + offset]
            if byte == 34 { quoted.toggle() }
            else if !quoted, byte == 10 || byte == 13 { break }
            else if !quoted, counts[byte] != nil { counts[byte, default: 0] += 1 }
            offset += 1
        }
        let best = counts.max { ($0.value, $0.key == 44 ? 1 : 0) < ($1.value, $1.key == 44 ? 1 : 0) }
        return (best?.value ?? 0) > 0 ? (best?.key ?? 44) : 44
    }

    /// The next data record, or nil at the end of the file.
    public func next() throws -> CSVRecord? {
        try readRecord()
    }

    /// A problem with the record being read, reported on the line the record starts on; `at` names
    /// the physical line of the defect when that is a later line of a multi-line record.
    private func problem(_ message: String, at defectLine: Int? = nil) -> RegistryError {
        var text = message
        if let defectLine, defectLine != recordLine { text += " (on line \(defectLine))" }
        return .invalidRecord(RecordProblem(record: recordNumber, line: recordLine, message: text))
    }

    /// Skips blank lines (CRLF, LF or a lone CR each end one), counting them.
    private func skipLineBreaks() throws {
        while true {
            try fill(minimum: 2)
            guard position < buffer.count else { return }
            let byte = buffer[position]
            if byte == 10 { line += 1; position += 1; continue }
            if byte == 13 {
                position += 1
                if position < buffer.count, buffer[position] == 10 { position += 1 }
                line += 1
                continue
            }
            return
        }
    }

    private func readRecord() throws -> CSVRecord? {
        // Skip blank lines between records.
        try skipLineBreaks()
        guard position < buffer.count else { return nil }
        recordNumber += 1
        let startLine = line
        recordLine = startLine
        var fields: [String] = []
        fields.reserveCapacity(expectedFields)
        var fieldBytes: [UInt8] = []
        var recordBytes = 0
        while true {
            // One field.
            try fill(minimum: 1)
            var quoted = false
            let fieldLine = line
            fieldBytes.removeAll(keepingCapacity: true)
            if position < buffer.count, buffer[position] == 34 {
                quoted = true
                position += 1
                let openedOn = line
                // The byte before the current one, so a CRLF split between two reads counts once.
                var previous: UInt8 = 34
                scan: while true {
                    if position >= buffer.count {
                        try fill(minimum: 1)
                        if position >= buffer.count {
                            throw problem("unclosed quote: the quoted field opened on line \(openedOn) never ends")
                        }
                    }
                    // Copy the run up to the next quote in one go.
                    let start = position
                    let run = buffer.withUnsafeBufferPointer { Self.scanQuoted($0, from: start, previous: previous) }
                    position = run.end
                    line += run.lineBreaks
                    previous = run.previous
                    fieldBytes.append(contentsOf: buffer[start..<position])
                    if fieldBytes.count > Self.maximumFieldBytes {
                        throw problem("field longer than 1 MB (\(Self.maximumFieldBytes) bytes)")
                    }
                    guard position < buffer.count else { continue scan }
                    if buffer[position] == 0 { throw problem("NUL byte in the file", at: line) }
                    // A quote: either doubled (a literal quote) or the end of the field.
                    try fill(minimum: 2)
                    if position + 1 < buffer.count, buffer[position + 1] == 34 {
                        fieldBytes.append(34)
                        previous = 34
                        position += 2
                        continue scan
                    }
                    position += 1
                    break scan
                }
                fields.append(try fieldBytes.withUnsafeBufferPointer { try field($0, line: fieldLine, recordBytes: &recordBytes) })
            } else {
                var start = position
                while true {
                    if position >= buffer.count {
                        // Keep what this buffer holds of the field before refilling moves the bytes.
                        fieldBytes.append(contentsOf: buffer[start..<position])
                        try fill(minimum: 1)
                        start = position
                        if position >= buffer.count { break }
                        continue
                    }
                    // To the field's end, or a byte it may not hold, or the end of what is buffered.
                    let from = position
                    position = buffer.withUnsafeBufferPointer { Self.scanUnquoted($0, from: from, delimiter: delimiter) }
                    // The length only grows, so checking it here refuses what checking every byte did.
                    if fieldBytes.count + position - start > Self.maximumFieldBytes {
                        throw problem("field longer than 1 MB (\(Self.maximumFieldBytes) bytes)")
                    }
                    if position >= buffer.count { continue }
                    let byte = buffer[position]
                    if byte == delimiter || byte == 10 || byte == 13 { break }
                    if byte == 34 {
                        throw problem("quote inside an unquoted field (a field with quotes must be quoted as a whole)", at: line)
                    }
                    throw problem("NUL byte in the file", at: line)
                }
                if fieldBytes.isEmpty {
                    // The whole field is in the buffer (nearly always): decoded from there, not copied first.
                    let (from, to) = (start, position)
                    fields.append(try buffer.withUnsafeBufferPointer {
                        try field(UnsafeBufferPointer(rebasing: $0[from..<to]), line: fieldLine, recordBytes: &recordBytes)
                    })
                } else {
                    fieldBytes.append(contentsOf: buffer[start..<position])
                    fields.append(try fieldBytes.withUnsafeBufferPointer { try field($0, line: fieldLine, recordBytes: &recordBytes) })
                }
            }
            if fields.count > Self.maximumColumns {
                throw problem("record has more than \(Self.maximumColumns) columns")
            }
            // After a field: a delimiter, the end of the record, or (after a closing quote) an error.
            try fill(minimum: 2)
            if position >= buffer.count { return finished(fields, line: startLine) }
            let byte = buffer[position]
            if byte == delimiter {
                position += 1
                // Two bytes, so a CRLF right after the delimiter is seen whole even across a read.
                try fill(minimum: 2)
                if position >= buffer.count || buffer[position] == 10 || buffer[position] == 13 {
                    fields.append("")
                    if position >= buffer.count { return finished(fields, line: startLine) }
                } else {
                    continue
                }
            }
            if buffer[position] == 10 || buffer[position] == 13 {
                if buffer[position] == 13, position + 1 < buffer.count, buffer[position + 1] == 10 { position += 1 }
                position += 1
                line += 1
                return finished(fields, line: startLine)
            }
            if quoted {
                throw problem("unexpected text after a closing quote (a quote inside a quoted field must be doubled)", at: line)
            }
        }
    }

    /// A field's text, its length added to its record's (a record over the limit is refused).
    private func field(_ bytes: UnsafeBufferPointer<UInt8>, line: Int, recordBytes: inout Int) throws -> String {
        recordBytes += bytes.count
        if recordBytes > Self.maximumRecordBytes {
            throw problem("record longer than 16 MB (\(Self.maximumRecordBytes) bytes)")
        }
        return try decode(bytes, line: line)
    }

    /// The index of the first delimiter, line break, quote or NUL at or after `start`, or the end.
    /// (The byte loops run over the buffer's memory rather than the reader's array: per byte, that
    /// is a comparison instead of an access check, a bounds check and a comparison.)
    private static func scanUnquoted(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, delimiter: UInt8) -> Int {
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            if byte == delimiter || byte == 10 || byte == 13 || byte == 34 || byte == 0 { return index }
            index += 1
        }
        return index
    }

    /// Inside quotes: the index of the first quote or NUL at or after `start` (or the end), the
    /// line breaks before it (CRLF, LF or a lone CR, each once, with `previous` the byte before
    /// `start`), and the last byte passed.
    private static func scanQuoted(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, previous: UInt8)
        -> (end: Int, lineBreaks: Int, previous: UInt8) {
        var index = start
        var lineBreaks = 0
        var previous = previous
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 34 || byte == 0 { break }
            if byte == 13 || (byte == 10 && previous != 13) { lineBreaks += 1 }
            previous = byte
            index += 1
        }
        return (index, lineBreaks, previous)
    }

    private func finished(_ fields: [String], line: Int) -> CSVRecord {
        expectedFields = fields.count
        return CSVRecord(number: recordNumber, line: line, fields: fields)
    }

    /// Decodes a field that starts on physical line `line`.
    private func decode(_ pointer: UnsafeBufferPointer<UInt8>, line: Int) throws -> String {
        /// The physical line of the byte at `offset` in the field.
        func physicalLine(at offset: Int) -> Int {
            var result = line
            var previous: UInt8 = 0
            for byte in pointer[..<offset] {
                if byte == 13 || (byte == 10 && previous != 13) { result += 1 }
                previous = byte
            }
            return result
        }
        switch encoding {
        case .utf8:
            if validateAsWeGo {
                var check = Codepage.UTF8Validator()
                check.feed(pointer)
                check.finish()
                if let offset = check.invalidOffset {
                    throw problem(
                        String(format: "invalid UTF-8 (byte 0x%02X); if the file comes from Excel, try --encoding cp1250", pointer[offset]),
                        at: physicalLine(at: offset))
                }
            }
            return String(decoding: pointer, as: UTF8.self)
        case .cp1250:
            switch Codepage.decodeCP1250(pointer) {
            case let .success(text): return text
            case let .failure(undefined):
                throw problem(String(format: "byte 0x%02X is not a Windows-1250 character; is the file UTF-8? try --encoding utf-8", undefined.byte),
                              at: physicalLine(at: undefined.offset))
            }
        }
    }
}
