/// What every item of an entity has, whether a resource or a need: its identity and version, the
/// entity, a category from the kind's vocabulary, a description and the days it held.
public struct ItemRecord: Equatable, Sendable {
    public let id: String
    /// 1 when added, +1 on every recorded change.
    public internal(set) var version: Int
    public internal(set) var entityID: String
    /// A code from the kind's vocabulary, e.g. `uslugi-gastronomiczne` or `szkolenia`.
    public internal(set) var category: String
    public internal(set) var description: String
    /// The day it was recorded (a resource) or reported (a need).
    public internal(set) var start: LocalDate
    /// The day it was withdrawn (a resource) or met (a need); nil while it holds.
    public internal(set) var end: LocalDate?

    /// True when it held on `day`: started by then and not yet ended.
    public func holds(on day: LocalDate) -> Bool {
        start <= day && (end.map { day < $0 } ?? true)
    }
}
