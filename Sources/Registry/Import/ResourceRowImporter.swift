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

/// Cell parsing shared by the importers.
enum ImportIDs {
    /// The row's `id` cell as a registry id, when given.
    static func id(_ row: ImportRow) throws -> String? {
        guard let text = row.nonEmpty("id") else { return nil }
        guard Identifier.isIdentifier(text) else {
            throw RegistryError.invalidValue(field: "id", value: text, rule: "is not a registry id (UUID)")
        }
        return text.lowercased()
    }

    /// The row's date cell `field`, when not empty.
    static func date(_ row: ImportRow, _ field: String) throws -> LocalDate? {
        try row.nonEmpty(field).map { try LocalDate.parse($0, field: field) }
    }
}
