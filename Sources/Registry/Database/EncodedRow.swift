import CSQLite

/// SQL values encoded into one reusable byte buffer: a type tag, then the value (text and blobs
/// with their length first), so no two different rows encode alike.
///
/// One encoding serves two purposes on the import path: `BatchDigest` hashes it, and
/// `Statement.execute(_:)` binds the texts straight from it, so SQLite copies no value into
/// memory of its own and no text is walked twice.
struct EncodedRow {
    private(set) var bytes: [UInt8] = []
    /// Where each value's tag is, in order.
    private var starts: [Int] = []

    init(capacity: Int = 512) {
        bytes.reserveCapacity(capacity)
        starts.reserveCapacity(32)
    }

    /// The number of values encoded.
    var count: Int { starts.count }

    /// Empties the buffer, keeping its memory.
    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        starts.removeAll(keepingCapacity: true)
    }

    /// Appends `value`.
    mutating func append(_ value: SQLValue) {
        switch value {
        case .null:
            appendNull()
        case let .integer(number):
            append(integer: number)
        case let .real(number):
            append(real: number)
        case let .text(text):
            append(text: text)
        case let .blob(blob):
            starts.append(bytes.count)
            bytes.append(4)
            appendLittleEndian(UInt64(blob.count))
            bytes.append(contentsOf: blob)
        }
    }

    // The typed appends encode exactly as `append(_:)` does for the matching `SQLValue`; a hot
    // path uses them (through `SQLValueSink`) to skip building the values, and an array of them, first.

    /// Appends NULL.
    mutating func appendNull() {
        starts.append(bytes.count)
        bytes.append(0)
    }

    /// Appends an integer.
    mutating func append(integer number: Int64) {
        starts.append(bytes.count)
        bytes.append(1)
        appendLittleEndian(UInt64(bitPattern: number))
    }

    /// Appends a real.
    mutating func append(real number: Double) {
        starts.append(bytes.count)
        bytes.append(2)
        appendLittleEndian(number.bitPattern)
    }

    /// Appends a text.
    mutating func append(text: String) {
        starts.append(bytes.count)
        text.withUTF8Bytes { appendTextBytes($0) }
    }

    /// Appends `text` as the full-text index holds it (`TextFolding.searchText`), written straight
    /// into the buffer when the byte-level folding knows every scalar (no string is made for it).
    mutating func append(searchText text: String) {
        let tag = bytes.count
        let folded = text.withUTF8Bytes { source -> Bool in
            bytes.append(3)
            appendLittleEndian(0)  // the length, written below
            let offset = bytes.count
            bytes.append(contentsOf: repeatElement(0, count: source.count))
            let written = bytes.withUnsafeMutableBufferPointer { buffer in
                TextFolding.foldPolish(
                    source, into: UnsafeMutableBufferPointer(rebasing: buffer[offset...]), punctuation: .spaced)
            }
            guard let written else { return false }
            bytes.removeLast(source.count - written)
            withUnsafeBytes(of: UInt64(written).littleEndian) { length in
                bytes.replaceSubrange((tag + 1)..<(tag + 9), with: length)
            }
            return true
        }
        if folded {
            starts.append(tag)
        } else {
            bytes.removeLast(bytes.count - tag)
            append(text: TextFolding.searchTextScalars(text))
        }
    }

    /// Appends `text` as the full-text index holds it, or NULL for nil.
    mutating func append(searchText text: String?) {
        if let text { append(searchText: text) } else { appendNull() }
    }

    /// Appends a text, or NULL for nil.
    mutating func append(text: String?) {
        if let text { append(text: text) } else { appendNull() }
    }

    /// Appends an integer, or NULL for nil.
    mutating func append(integer number: Int?) {
        if let number { append(integer: Int64(number)) } else { appendNull() }
    }

    /// Appends a real, or NULL for nil.
    mutating func append(real number: Double?) {
        if let number { append(real: number) } else { appendNull() }
    }

    private mutating func appendTextBytes(_ utf8: UnsafeBufferPointer<UInt8>) {
        bytes.append(3)
        appendLittleEndian(UInt64(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    /// Appends column `index` of the current row of `row`, as `append` would its value.
    mutating func append(_ row: Statement, _ index: Int32) {
        switch row.type(at: index) {
        case SQLITE_NULL:
            append(.null)
        case SQLITE_INTEGER:
            append(.integer(Int64(sqlite3_column_int64(row.handle, index))))
        case SQLITE_FLOAT:
            append(.real(sqlite3_column_double(row.handle, index)))
        case SQLITE_BLOB:
            append(row.value(at: index))
        default:
            starts.append(bytes.count)
            row.withUTF8(at: index) { appendTextBytes($0) }
        }
    }

    /// Calls `body` with the bytes of the first `valueCount` values.
    func withPrefix<R>(values valueCount: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let end = valueCount < starts.count ? starts[valueCount] : bytes.count
        return try bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[..<end])) }
    }

    /// Binds every value to the parameters in order and calls `body` while the bound texts point
    /// into this buffer; the bindings are cleared before it returns.
    func withBindings<R>(_ statement: Statement, _ body: () throws -> R) throws -> R {
        try bytes.withUnsafeBufferPointer { buffer -> R in
            guard let base = buffer.baseAddress else { return try body() }
            defer { sqlite3_clear_bindings(statement.handle) }
            for (offset, start) in starts.enumerated() {
                let index = Int32(offset + 1)
                let code: Int32
                switch buffer[start] {
                case 0:
                    code = sqlite3_bind_null(statement.handle, index)
                case 1:
                    code = sqlite3_bind_int64(statement.handle, index, Int64(bitPattern: Self.readLittleEndian(base + start + 1)))
                case 2:
                    code = sqlite3_bind_double(statement.handle, index, Double(bitPattern: Self.readLittleEndian(base + start + 1)))
                case 3:
                    let length = Int32(truncatingIfNeeded: Self.readLittleEndian(base + start + 1))
                    code = UnsafeRawPointer(base + start + 9).withMemoryRebound(to: CChar.self, capacity: Int(length)) {
                        sqlite3_bind_text(statement.handle, index, $0, length, nil)  // nil: SQLITE_STATIC
                    }
                default:
                    let length = Int32(truncatingIfNeeded: Self.readLittleEndian(base + start + 1))
                    code = sqlite3_bind_blob(statement.handle, index, UnsafeRawPointer(base + start + 9), length, nil)
                }
                guard code == SQLITE_OK else { throw statement.bindError(code) }
            }
            return try body()
        }
    }

    private mutating func appendLittleEndian(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    private static func readLittleEndian(_ pointer: UnsafePointer<UInt8>) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(pointer).loadUnaligned(as: UInt64.self))
    }
}

/// Takes a row's values one at a time, so one list of columns can fill either an array of
/// `SQLValue`s or an `EncodedRow` (the same bytes either way).
protocol SQLValueSink {
    /// Appends a text, or NULL for nil.
    mutating func append(text: String?)
    /// Appends an integer, or NULL for nil.
    mutating func append(integer: Int?)
    /// Appends a real, or NULL for nil.
    mutating func append(real: Double?)
}

extension EncodedRow: SQLValueSink {}

extension Array: SQLValueSink where Element == SQLValue {
    mutating func append(text: String?) { append(SQLValue(text)) }
    mutating func append(integer: Int?) { append(SQLValue(integer)) }
    mutating func append(real: Double?) { append(SQLValue(real)) }
}
