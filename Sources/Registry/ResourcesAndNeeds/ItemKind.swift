/// What differs between resources and needs beyond their own details: where they are stored, their
/// vocabulary, and the words for their start and end.
struct ItemKind: Sendable {
    let table: VersionedTable
    /// The kind's own columns, between the description and the days.
    let detailColumns: [String]
    /// The vocabulary's table, e.g. `resource_categories`.
    let categoryTable: String
    /// The columns of the start and end days, e.g. `recorded_on` and `withdrawn_on`.
    let startColumn: String
    let endColumn: String
    /// The change that ends an item, e.g. `withdraw`.
    let endChange: String
    /// As in "it was recorded", "it was already withdrawn".
    let started: String
    let ended: String
    /// How a listing is ordered.
    let listOrder: String

    /// `objectType` names the audit object and the tables: `resource` → `resources`,
    /// `resource_versions` (keyed by `resource_id`), `resource_categories`.
    init(objectType: String, detailColumns: [String], days: (start: String, end: String), endChange: String,
         words: (started: String, ended: String), listOrder: String) {
        table = VersionedTable(
            table: objectType + "s", versions: objectType + "_versions", idColumn: objectType + "_id",
            columns: ["entity_id", "category", "description"] + detailColumns + [days.start, days.end],
            objectType: objectType)
        self.detailColumns = detailColumns
        categoryTable = objectType + "_categories"
        (startColumn, endColumn) = days
        self.endChange = endChange
        (started, ended) = words
        self.listOrder = listOrder
    }
}
