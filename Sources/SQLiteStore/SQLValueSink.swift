/// Takes a row's values one at a time, so one list of columns can fill either an array of
/// `SQLValue`s or an `EncodedRow` (the same bytes either way).
public protocol SQLValueSink {
    /// Appends a text, or NULL for nil.
    mutating func append(text: String?)
    /// Appends an integer, or NULL for nil.
    mutating func append(integer: Int?)
    /// Appends a real, or NULL for nil.
    mutating func append(real: Double?)
}

extension EncodedRow: SQLValueSink {}

extension Array: SQLValueSink where Element == SQLValue {
    public mutating func append(text: String?) { append(SQLValue(text)) }
    public mutating func append(integer: Int?) { append(SQLValue(integer)) }
    public mutating func append(real: Double?) { append(SQLValue(real)) }
}
