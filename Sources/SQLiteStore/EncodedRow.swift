import CSQLite

/// SQL values encoded into one reusable byte buffer: a type tag, then the value (text and blobs
/// with their length first), so no two different rows encode alike.
///
/// One encoding can serve two purposes on a bulk-write path: a caller hashes it (its bytes are a
/// stable format: tag 0 NULL, 1 integer, 2 real, 3 text, 4 blob; numbers and lengths as 8 bytes,
/// little-endian), and `Statement.execute(_:)` binds the texts straight from it, so SQLite copies
/// no value into memory of its own and no text is walked twice.
///
/// ```swift
/// var row = EncodedRow()
/// row.append(text: "Kraków")
/// row.append(integer: 2)
/// try database.cached("INSERT INTO t (name, n) VALUES (?, ?)").execute(row)
/// ```
public struct EncodedRow {
    /// The encoded values.
    public private(set) var bytes: [UInt8] = []
    /// Where each value's tag is, in order.
    private var starts: [Int] = []

    /// An empty row whose buffer has room for `capacity` bytes before it grows.
    public init(capacity: Int = 512) {
        bytes.reserveCapacity(capacity)
        starts.reserveCapacity(32)
    }

    /// The number of values encoded.
    public var count: Int { starts.count }

    /// Empties the buffer, keeping its memory.
    public mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        starts.removeAll(keepingCapacity: true)
    }

    /// Appends `value`.
    public mutating func append(_ value: SQLValue) {
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
    public mutating func appendNull() {
        starts.append(bytes.count)
        bytes.append(0)
    }

    /// Appends an integer.
    public mutating func append(integer number: Int64) {
        starts.append(bytes.count)
        bytes.append(1)
        appendLittleEndian(UInt64(bitPattern: number))
    }

    /// Appends a real.
    public mutating func append(real number: Double) {
        starts.append(bytes.count)
        bytes.append(2)
        appendLittleEndian(number.bitPattern)
    }

    /// Appends a text.
    public mutating func append(text: String) {
        starts.append(bytes.count)
        var text = text  // withUTF8 reads a native string's own storage, without a copy
        text.withUTF8 { appendTextBytes($0) }
    }

    /// Appends a text that `write` puts straight into the buffer, given room for `capacity` bytes;
    /// it returns how many it wrote, or nil to give up, and then nothing is appended. Returns
    /// whether the text was appended. (A transformed text, say folded, then needs no String of its own.)
    public mutating func appendText(capacity: Int, writtenBy write: (UnsafeMutableBufferPointer<UInt8>) -> Int?) -> Bool {
        let tag = bytes.count
        bytes.append(3)
        appendLittleEndian(0)  // the length, written below
        let offset = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: capacity))
        let written = bytes.withUnsafeMutableBufferPointer { buffer in
            write(UnsafeMutableBufferPointer(rebasing: buffer[offset...]))
        }
        guard let written, written >= 0, written <= capacity else {
            bytes.removeLast(bytes.count - tag)
            return false
        }
        bytes.removeLast(capacity - written)
        withUnsafeBytes(of: UInt64(written).littleEndian) { length in
            bytes.replaceSubrange((tag + 1)..<(tag + 9), with: length)
        }
        starts.append(tag)
        return true
    }

    /// Appends a text, or NULL for nil.
    public mutating func append(text: String?) {
        if let text { append(text: text) } else { appendNull() }
    }

    /// Appends an integer, or NULL for nil.
    public mutating func append(integer number: Int?) {
        if let number { append(integer: Int64(number)) } else { appendNull() }
    }

    /// Appends a real, or NULL for nil.
    public mutating func append(real number: Double?) {
        if let number { append(real: number) } else { appendNull() }
    }

    private mutating func appendTextBytes(_ utf8: UnsafeBufferPointer<UInt8>) {
        bytes.append(3)
        appendLittleEndian(UInt64(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    /// Appends column `index` of the current row of `row`, as `append` would its value.
    public mutating func append(_ row: Statement, _ index: Int32) {
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
    public func withPrefix<R>(values valueCount: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
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
