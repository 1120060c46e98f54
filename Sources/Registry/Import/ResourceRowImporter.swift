/// Upserts resources: a row matches by `id`, else by entity + category + description, so
/// re-importing a file changes nothing.
struct ResourceRowImporter: RowImporter {
    let registry: Registry

    static let schema = ImportSchema(
        target: .resources,
        fields: EntityReference.fields.merging([
            "id": ["id zasobu", "resource_id"],
            "category": ["kategoria", "rodzaj zasobu"],
            "description": ["opis", "zasób", "zasob"],
            "quantity": ["ilość", "liczba"],
            "unit": ["jednostka", "j.m."],
            "recorded_on": ["data wpisu", "od", "dostępny od"],
            "withdrawn_on": ["data wycofania", "do", "wycofany"],
        ]) { $1 },
        requiredFields: [EntityReference.required, ["category"], ["description"]],
        ignoredColumns: ["version", "name", "entity_name"])

    mutating func apply(_ row: ImportRow, context: ChangeContext) throws -> RowOutcome {
        let entityID = try EntityReference.resolve(row, in: registry)
        let category = try registry.checkCategory(row["category"] ?? "", forNeeds: false)
        let description = row["description"] ?? ""
        let existing = try existingResource(row, entityID: entityID, category: category, description: description)
        guard let existing else {
            var resource = try registry.insertResource(
                entity: entityID, category: category, description: description, quantity: row["quantity"],
                unit: row["unit"], recordedOn: row["recorded_on"], id: try ImportIDs.id(row), context: context)
            if let withdrawn = try ImportIDs.date(row, "withdrawn_on") {
                resource = try save(resource, withdrawnOn: withdrawn, change: "withdraw", context: context)
            }
            return RowOutcome(action: "insert", id: resource.id)
        }
        let candidate = Resource(
            id: existing.id, version: existing.version + 1, entityID: entityID, category: category,
            description: description,
            quantity: try row["quantity"].map { try Registry.quantity($0) } ?? existing.quantity,
            unit: row["unit"].map(Registry.optional) ?? existing.unit,
            recordedOn: try ImportIDs.date(row, "recorded_on") ?? existing.recordedOn,
            withdrawnOn: row["withdrawn_on"] == nil ? existing.withdrawnOn : try ImportIDs.date(row, "withdrawn_on"))
        if candidate.values == existing.values { return RowOutcome(action: "unchanged", id: existing.id) }
        let change = existing.withdrawnOn == nil && candidate.withdrawnOn != nil ? "withdraw" : "update"
        try Resource.table.save(
            registry.database, audit: registry.audit, id: existing.id, version: candidate.version,
            values: candidate.values, change: change, before: existing.json, after: candidate.json, context: context)
        return RowOutcome(action: "update", id: existing.id)
    }

    private func save(_ resource: Resource, withdrawnOn: LocalDate, change: String, context: ChangeContext) throws -> Resource {
        let updated = Resource(
            id: resource.id, version: resource.version + 1, entityID: resource.entityID, category: resource.category,
            description: resource.description, quantity: resource.quantity, unit: resource.unit,
            recordedOn: resource.recordedOn, withdrawnOn: withdrawnOn)
        try Resource.table.save(
            registry.database, audit: registry.audit, id: resource.id, version: updated.version, values: updated.values,
            change: change, before: resource.json, after: updated.json, context: context)
        return updated
    }

    private func existingResource(_ row: ImportRow, entityID: String, category: String, description: String) throws -> Resource? {
        if let id = try ImportIDs.id(row) {
            return try registry.database.first(
                "SELECT \(Resource.selectColumns) FROM resources WHERE id = ?", [.text(id)], Resource.from)
        }
        return try registry.database.first(
            "SELECT \(Resource.selectColumns) FROM resources WHERE entity_id = ? AND category = ? AND description = ? ORDER BY created_at LIMIT 1",
            [.text(entityID), .text(category), .text(description)], Resource.from)
    }
}
