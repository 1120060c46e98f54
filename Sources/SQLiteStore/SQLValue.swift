/// A value bound to, or read from, an SQL statement: one of SQLite's five storage classes.
///
/// ```swift
/// try database.run("INSERT INTO t (name, n, note) VALUES (?, ?, ?)", ["Kraków", 2, SQLValue(nil as String?)])
/// ```
public enum SQLValue: Equatable, Sendable {
    /// SQL NULL.
    case null
    /// A 64-bit signed integer.
    case integer(Int64)
    /// A 64-bit floating-point number.
    case real(Double)
    /// UTF-8 text (it may hold NUL characters: it is bound with its length).
    case text(String)
    /// Bytes.
    case blob([UInt8])

    /// `.null` for nil, otherwise `.text`.
    public init(_ text: String?) {
        self = text.map { .text($0) } ?? .null
    }

    /// `.null` for nil, otherwise `.integer`.
    public init(_ number: Int?) {
        self = number.map { .integer(Int64($0)) } ?? .null
    }

    /// `.null` for nil, otherwise `.real`.
    public init(_ number: Double?) {
        self = number.map { .real($0) } ?? .null
    }

    /// The value as text, as `sqlite3` would print it; nil for NULL.
    public var text: String? {
        switch self {
        case .null: return nil
        case let .integer(value): return String(value)
        case let .real(value): return String(value)
        case let .text(value): return value
        case let .blob(bytes): return String(decoding: bytes, as: UTF8.self)
        }
    }
}

extension SQLValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(nilLiteral: ()) { self = .null }
}
