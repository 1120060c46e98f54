import SQLiteStore

/// Reads and writes one kind of entity item (resources or needs) and its vocabulary. Every version
/// is a row of the kind's versions table (`VersionedTable.save`).
struct ItemStore<Item: EntityItem> {
    let database: Database
    let audit: AuditLog

    private var kind: ItemKind { Item.kind }
    private var selectList: String { "id, version, " + kind.table.columns.joined(separator: ", ") }

    /// The item with `id` (lower case), or nil.
    func item(id: String) throws -> Item? {
        try database.first("SELECT \(selectList) FROM \(kind.table.table) WHERE id = ?", [.text(id)], Item.init(row:))
    }

    /// Items as known at `cutoff` (now when nil), optionally of one entity and one category: those
    /// held on `day` by an entity existing that day, or with `everyItem` all of them, whatever their dates.
    func items(entityID: String?, category: String?, everyItem: Bool, on day: LocalDate, cutoff: String?) throws -> [Item] {
        let source = cutoff == nil ? kind.table.table : kind.table.recorded(cutoff: "?5")
        let exists = EntityStates.source(day: "?4", cutoff: cutoff == nil ? nil : "?5", only: .id("i.entity_id"))
        return try database.rows(
            """
            SELECT \(selectList) FROM \(source) i
            WHERE (?1 IS NULL OR i.entity_id = ?1) AND (?2 IS NULL OR i.category = ?2)
              AND (?3 OR (i.\(kind.startColumn) <= ?4 AND (i.\(kind.endColumn) IS NULL OR i.\(kind.endColumn) > ?4)
                          AND EXISTS (SELECT 1 FROM \(exists))))
            ORDER BY \(kind.listOrder)
            """, [SQLValue(entityID), SQLValue(category), .integer(everyItem ? 1 : 0), .text(day.description)]
                + (cutoff.map { [.text($0)] } ?? []), Item.init(row:))
    }

    /// The first recorded item of the entity with this category and description (an import's match).
    func first(entityID: String, category: String, description: String) throws -> Item? {
        try database.first(
            """
            SELECT \(selectList) FROM \(kind.table.table)
            WHERE entity_id = ? AND category = ? AND description = ? ORDER BY created_at LIMIT 1
            """, [.text(entityID), .text(category), .text(description)], Item.init(row:))
    }

    /// Writes `item` as its current version, keeps the version and appends the audit entry.
    func save(_ item: Item, change: String, before: Item?, context: ChangeContext) throws {
        try kind.table.save(
            database, audit: audit, id: item.record.id, version: item.record.version, values: item.values, change: change,
            before: before?.itemJSON, after: item.itemJSON, context: context)
    }

    /// Calls `body` with each current row (`id` and `kind.table.columns`), or with `cutoff` each row
    /// as recorded by then, ordered by entity, category, description and id.
    func forEachExportRow(recordedBy cutoff: String?, _ body: (Statement) throws -> Void) throws {
        let (sql, values) = kind.table.currentOrRecorded(asOf: cutoff)
        try database.prepare(sql).forEachRow(values, body)
    }

    // MARK: Vocabulary

    /// The categories, by code.
    func categories() throws -> [Category] {
        try database.rows("SELECT code, name FROM \(kind.categoryTable) ORDER BY code") {
            Category(code: $0.text(at: 0) ?? "", name: $0.text(at: 1) ?? "")
        }
    }

    func hasCategory(_ code: String) throws -> Bool {
        try database.scalarInt("SELECT count(*) FROM \(kind.categoryTable) WHERE code = ?", [.text(code)]) ?? 0 > 0
    }

    func insertCategory(_ code: String, name: String) throws {
        try database.run("INSERT INTO \(kind.categoryTable) (code, name) VALUES (?, ?)", [.text(code), .text(name)])
    }
}
