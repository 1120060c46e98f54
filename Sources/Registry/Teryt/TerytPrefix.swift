/// A region given as the beginning of TERYT codes: 2 digits (voivodeship), 4 (county), 6 or 7
/// (commune), as queries, maps and reports take it.
///
/// ```swift
/// let county = try TerytPrefix("2862")   // Elbląg
/// ```
public struct TerytPrefix: Hashable, Sendable, CustomStringConvertible {
    /// The digits units' codes begin with: an urban-rural commune's code (type 3) becomes its 6 digits,
    /// so that its town and rural parts are included.
    public let digits: String

    /// Throws `invalidValue` (field `region`) for text that is not such a prefix.
    public init(_ code: String) throws {
        digits = try Registry.regionPrefix(code)
    }

    public var description: String { digits }
}
