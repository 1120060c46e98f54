/// Upserts needs: a row matches by `id`, else by entity + category + description.
struct NeedRowImporter: RowImporter {
    let registry: Registry

    static let schema = ImportSchema(
        target: .needs,
        fields: EntityReference.fields.merging([
            "id": ["id potrzeby", "need_id"],
            "category": ["kategoria", "rodzaj potrzeby"],
            "description": ["opis", "potrzeba"],
            "priority": ["priorytet", "pilność"],
            "reported_on": ["data zgłoszenia", "zgłoszono"],
            "met_on": ["data zaspokojenia", "zaspokojono", "zamknięto"],
        ]) { $1 },
        requiredFields: [EntityReference.required, ["category"], ["description"]],
        ignoredColumns: ["version", "name", "entity_name"])

    mutating func apply(_ row: ImportRow, context: ChangeContext) throws -> RowOutcome {
        let entityID = try EntityReference.resolve(row, in: registry)
        let category = try registry.checkCategory(row["category"] ?? "", forNeeds: true)
        let description = row["description"] ?? ""
        let existing: Need?
        if let id = try ImportIDs.id(row) {
            existing = try registry.database.first(
                "SELECT \(Need.selectColumns) FROM needs WHERE id = ?", [.text(id)], Need.from)
        } else {
            existing = try registry.database.first(
                "SELECT \(Need.selectColumns) FROM needs WHERE entity_id = ? AND category = ? AND description = ? ORDER BY created_at LIMIT 1",
                [.text(entityID), .text(category), .text(description)], Need.from)
        }
        guard let existing else {
            let need = try registry.insertNeed(
                entity: entityID, category: category, description: description, priority: row["priority"],
                reportedOn: row["reported_on"], id: try ImportIDs.id(row), context: context)
            if let met = try ImportIDs.date(row, "met_on") {
                let closed = Need(
                    id: need.id, version: 2, entityID: need.entityID, category: need.category,
                    description: need.description, priority: need.priority, reportedOn: need.reportedOn, metOn: met)
                try Need.table.save(
                    registry.database, audit: registry.audit, id: need.id, version: 2, values: closed.values,
                    change: "close", before: need.json, after: closed.json, context: context)
            }
            return RowOutcome(action: "insert", id: need.id)
        }
        let candidate = Need(
            id: existing.id, version: existing.version + 1, entityID: entityID, category: category,
            description: description,
            priority: try row.nonEmpty("priority").map(Registry.priority) ?? existing.priority,
            reportedOn: try ImportIDs.date(row, "reported_on") ?? existing.reportedOn,
            metOn: row["met_on"] == nil ? existing.metOn : try ImportIDs.date(row, "met_on"))
        if candidate.values == existing.values { return RowOutcome(action: "unchanged", id: existing.id) }
        let change = existing.metOn == nil && candidate.metOn != nil ? "close" : "update"
        try Need.table.save(
            registry.database, audit: registry.audit, id: existing.id, version: candidate.version,
            values: candidate.values, change: change, before: existing.json, after: candidate.json, context: context)
        return RowOutcome(action: "update", id: existing.id)
    }
}
