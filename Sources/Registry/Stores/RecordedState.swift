/// "What the registry said by the end of a day": the latest version of each row recorded by a
/// cutoff time. Queries, exports, the map and change reports read past states this way, so "as of
/// a day" means the same thing everywhere (`VersionedTable.recorded(cutoff:)` writes the SQL).
enum RecordedState {
    /// The cutoff for `day`: everything recorded by the end of that Polish day.
    static func cutoff(_ day: LocalDate) -> String {
        WarsawTime.end(of: day)
    }

    /// Entities with `EntityTable.columns`, as recorded by the bound `cutoff` parameter.
    static func entities(cutoff: String) -> String {
        EntityTable.versioned.recorded(cutoff: cutoff)
    }
}
