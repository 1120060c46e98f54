/// "What the registry held at a moment": the latest version of each entity recorded by a cutoff
/// time, whatever day it is in effect (`VersionedTable.recorded(cutoff:)` writes the SQL). Its
/// founding and closing dates are the entity's life as known then (`EntityLifespan`); the world on
/// a day as known then is `EntityStates`.
enum RecordedState {
    /// Entities with `EntityTable.columns`, as recorded by the bound `cutoff` parameter.
    static func entities(cutoff: String) -> String {
        EntityTable.versioned.recorded(cutoff: cutoff)
    }
}
