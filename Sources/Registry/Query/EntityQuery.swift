/// Filters for `registry query`; every one is optional and they combine with AND.
public struct EntityQuery: Sendable {
    /// Which entities by status.
    public enum Status: String, Sendable, CaseIterable {
        case active, closed, all
    }

    /// Result order.
    public enum Sort: String, Sendable, CaseIterable {
        case name, founded, kind
        /// The order entities were added to this registry (a plain table scan: what exports use).
        case added
    }

    public var kinds: [EntityKind] = []
    /// A TERYT prefix: 2 digits (voivodeship), 4 (county) or 6–7 (commune).
    public var region: String?
    /// A unit name, resolved through the TERYT dictionary to a prefix.
    public var regionName: String?
    public var status: Status = .active
    /// Holds a valid certificate of this scheme on `on` (or today), as known at `recordedAt`.
    public var holds: String?
    /// A PKD prefix such as `56` or `56.29`.
    public var pkd: String?
    public var foundedFrom: LocalDate?
    public var foundedTo: LocalDate?
    /// Full-text search words (prefixes match; diacritics ignored).
    public var text: String?
    public var nip: String?
    public var regon: String?
    public var krs: String?
    /// The day in the world (today when nil): entities as they were then, with that day's status.
    public var on: LocalDate?
    /// The moment of the registry's knowledge (a recorded-time stamp; now when nil).
    public var recordedAt: String?
    public var limit: Int?
    public var sort: Sort = .name

    public init() {}
}
