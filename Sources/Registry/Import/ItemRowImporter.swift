/// Upserts resources or needs: a row matches by `id`, else by entity + category + description, so
/// re-importing a file changes nothing.
struct ItemRowImporter<Item: ImportedItem>: RowImporter {
    let registry: Registry

    static var schema: ImportSchema {
        ImportSchema(
            target: Item.importTarget,
            fields: EntityReference.fields.merging(Item.importAliases) { $1 },
            requiredFields: [EntityReference.required, ["category"], ["description"]],
            ignoredColumns: ["version", "name", "entity_name"])
    }

    mutating func apply(_ row: ImportRow, context: ChangeContext) throws -> RowOutcome {
        let kind = Item.kind
        let entityID = try EntityReference.resolve(row, in: registry)
        let category = try registry.checkCategory(row["category"] ?? "", of: Item.self)
        let description = row["description"] ?? ""
        let store = registry.items(Item.self)
        // A row with an id matches only by it: an id naming nothing adds an item with that id.
        let existing = try ImportIDs.id(row).map { try store.item(id: $0) }
            ?? store.first(entityID: entityID, category: category, description: description)
        guard let existing else {
            var item: Item = try registry.insertItem(
                entity: entityID, category: category, description: description, cells: { row[$0] },
                id: try ImportIDs.id(row), context: context)
            if let end = try ImportIDs.date(row, kind.endColumn) {
                let ended = item.ended(on: end)
                try store.save(ended, change: kind.endChange, before: item, context: context)
                item = ended
            }
            return RowOutcome(action: "insert", id: item.record.id)
        }
        var candidate = try existing.importing(row)
        candidate.record.version += 1
        candidate.record.entityID = entityID
        candidate.record.category = category
        candidate.record.description = description
        candidate.record.start = try ImportIDs.date(row, kind.startColumn) ?? existing.record.start
        if row[kind.endColumn] != nil { candidate.record.end = try ImportIDs.date(row, kind.endColumn) }
        let id = existing.record.id
        if candidate.values == existing.values { return RowOutcome(action: "unchanged", id: id) }
        let change = existing.record.end == nil && candidate.record.end != nil ? kind.endChange : "update"
        try store.save(candidate, change: change, before: existing, context: context)
        return RowOutcome(action: "update", id: id)
    }
}
