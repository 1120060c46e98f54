import CSQLite

/// A prepared statement: bind values, step through rows, read typed columns.
///
/// ```swift
/// let names = try database.cached("SELECT name FROM t WHERE n > ?").map([.integer(1)]) { $0.text(at: 0) }
/// ```
///
/// Reading columns straight from the statement (`text(at:)`, `int(at:)`, `withUTF8(at:_:)`) avoids
/// boxing each value as an `SQLValue`, which matters on bulk import and export paths; build
/// conveniences on top of them, not instead. Failures are thrown as `DatabaseError`.
public final class Statement {
    // The column readers and the text binder below are @inlinable, so the bulk paths in other
    // modules read and bind without a call per value.
    @usableFromInline let handle: OpaquePointer
    /// The SQL this statement was prepared from.
    public let sql: String
    private unowned let database: Database

    init(database: Database, sql: String) throws {
        var handle: OpaquePointer?
        let code = sqlite3_prepare_v3(database.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &handle, nil)
        guard code == SQLITE_OK, let handle else {
            throw database.error(code: code, sql: sql)
        }
        self.handle = handle
        self.sql = sql
        self.database = database
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// Clears bindings and rewinds, so the statement can run again.
    public func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// Binds `values` to the parameters in order (`?` or `?NNN`).
    public func bind(_ values: [SQLValue]) throws {
        for (offset, value) in values.enumerated() {
            try bind(value, at: Int32(offset + 1))
        }
    }

    /// Binds one value to the 1-based parameter `index`.
    public func bind(_ value: SQLValue, at index: Int32) throws {
        let code: Int32
        switch value {
        case .null: code = sqlite3_bind_null(handle, index)
        case let .integer(number): code = sqlite3_bind_int64(handle, index, number)
        case let .real(number): code = sqlite3_bind_double(handle, index, number)
        case let .text(text): code = Self.bindText(handle, index, text)
        case let .blob(bytes):
            code = bytes.withUnsafeBytes {
                sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), csqlite_transient())
            }
        }
        guard code == SQLITE_OK else { throw database.error(code: code, sql: sql) }
    }

    /// Binds text or NULL without boxing (the import fast path).
    @inlinable
    public func bind(_ text: String?, at index: Int32) {
        if let text {
            Self.bindText(handle, index, text)
        } else {
            sqlite3_bind_null(handle, index)
        }
    }

    /// Binds with an explicit byte length, so text holding a NUL is stored whole.
    @discardableResult @inlinable
    static func bindText(_ handle: OpaquePointer, _ index: Int32, _ text: String) -> Int32 {
        var text = text
        return text.withUTF8 { bytes in
            sqlite3_bind_text(handle, index, UnsafeRawPointer(bytes.baseAddress)?.assumingMemoryBound(to: CChar.self),
                              Int32(bytes.count), csqlite_transient())
        }
    }

    /// Advances to the next row; false when the statement is done.
    @discardableResult
    public func step() throws -> Bool {
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let error = database.error(code: code, sql: sql)
            sqlite3_reset(handle)
            throw error
        }
    }

    /// Binds `values`, runs to completion and resets.
    public func execute(_ values: [SQLValue] = []) throws {
        reset()
        try bind(values)
        defer { sqlite3_reset(handle) }
        while try step() {}
    }

    /// Binds `row`'s values in order (its texts without copying them), runs to completion and resets.
    public func execute(_ row: EncodedRow) throws {
        sqlite3_reset(handle)
        try row.withBindings(self) {
            defer { sqlite3_reset(handle) }
            while try step() {}
        }
    }

    /// The error for a failed bind of this statement.
    func bindError(_ code: Int32) -> DatabaseError {
        database.error(code: code, sql: sql)
    }

    /// The number of parameters the statement takes (the largest `?NNN` it uses).
    public var parameterCount: Int { Int(sqlite3_bind_parameter_count(handle)) }

    /// Binds `values` and calls `body` once per row; the statement is reset afterwards.
    public func forEachRow(_ values: [SQLValue] = [], _ body: (Statement) throws -> Void) throws {
        reset()
        try bind(values)
        defer { sqlite3_reset(handle) }
        while try step() {
            try body(self)
        }
    }

    /// Maps every row with `transform`.
    public func map<T>(_ values: [SQLValue] = [], _ transform: (Statement) throws -> T) throws -> [T] {
        var result: [T] = []
        try forEachRow(values) { result.append(try transform($0)) }
        return result
    }

    /// The first row mapped with `transform`, or nil when there is none.
    public func first<T>(_ values: [SQLValue] = [], _ transform: (Statement) throws -> T) throws -> T? {
        reset()
        try bind(values)
        defer { sqlite3_reset(handle) }
        return try step() ? transform(self) : nil
    }

    /// Number of result columns.
    public var columnCount: Int32 { sqlite3_column_count(handle) }

    /// Name of result column `index` (0-based).
    public func columnName(_ index: Int32) -> String {
        sqlite3_column_name(handle, index).map { String(cString: $0) } ?? ""
    }

    /// True when column `index` of the current row is NULL.
    @inlinable
    public func isNull(at index: Int32) -> Bool {
        sqlite3_column_type(handle, index) == SQLITE_NULL
    }

    /// Column `index` as text; nil for NULL.
    @inlinable
    public func text(at index: Int32) -> String? {
        guard let pointer = sqlite3_column_text(handle, index) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, index))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    /// Column `index`'s SQLite type (SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, SQLITE_BLOB, SQLITE_NULL).
    @inlinable
    public func type(at index: Int32) -> Int32 {
        sqlite3_column_type(handle, index)
    }

    /// Calls `body` with column `index`'s UTF-8 bytes, without copying them into a String
    /// (the export fast path); the bytes are valid only inside `body`.
    @inlinable
    public func withUTF8<T>(at index: Int32, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        let pointer = sqlite3_column_text(handle, index)
        let count = Int(sqlite3_column_bytes(handle, index))
        return try body(UnsafeBufferPointer(start: pointer, count: pointer == nil ? 0 : count))
    }

    /// Calls `body` with column `index`'s bytes as a blob, without copying them (valid only inside `body`).
    public func withBlob<T>(at index: Int32, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        let pointer = sqlite3_column_blob(handle, index)
        let count = Int(sqlite3_column_bytes(handle, index))
        return try body(UnsafeRawBufferPointer(start: pointer, count: pointer == nil ? 0 : count))
    }

    /// Column `index` as an integer; nil for NULL.
    @inlinable
    public func int(at index: Int32) -> Int? {
        isNull(at: index) ? nil : Int(sqlite3_column_int64(handle, index))
    }

    /// Column `index` as a double; nil for NULL.
    @inlinable
    public func double(at index: Int32) -> Double? {
        isNull(at: index) ? nil : sqlite3_column_double(handle, index)
    }

    /// Column `index` as a boxed value.
    public func value(at index: Int32) -> SQLValue {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, index))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, index))
        case SQLITE_TEXT: return .text(text(at: index) ?? "")
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(handle, index))
            guard count > 0, let pointer = sqlite3_column_blob(handle, index) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: pointer, count: count)))
        default: return .null
        }
    }

    /// True when the statement does not write to the database (sqlite3_stmt_readonly).
    public var isReadOnly: Bool { sqlite3_stmt_readonly(handle) != 0 }
}
