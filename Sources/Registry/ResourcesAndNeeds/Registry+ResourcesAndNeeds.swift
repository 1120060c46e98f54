import Foundation
import SQLiteStore

/// A category of the resource or need vocabulary.
public struct Category: Equatable, Sendable {
    public let code: String
    public let name: String
}

extension Registry {
    /// Today in Poland, by the registry's clock.
    public var today: LocalDate { LocalDate.today(now: clock.date()) }

    // MARK: Vocabularies

    /// The resource categories (zasoby), by code.
    public func resourceCategories() throws -> [Category] {
        try database.rows("SELECT code, name FROM resource_categories ORDER BY code") {
            Category(code: $0.text(at: 0) ?? "", name: $0.text(at: 1) ?? "")
        }
    }

    /// The need categories (potrzeby), by code.
    public func needCategories() throws -> [Category] {
        try database.rows("SELECT code, name FROM need_categories ORDER BY code") {
            Category(code: $0.text(at: 0) ?? "", name: $0.text(at: 1) ?? "")
        }
    }

    /// Extends the resource or need vocabulary with a new category.
    public func addCategory(_ code: String, name: String, forNeeds: Bool) throws {
        guard code.range(of: "^[a-z0-9]+(-[a-z0-9]+)*$", options: .regularExpression) != nil else {
            throw RegistryError.invalidValue(field: "category", value: code, rule: "must be lower-case letters, digits and dashes, e.g. uslugi-opiekuncze")
        }
        let table = forNeeds ? "need_categories" : "resource_categories"
        try write { context in
            if try database.scalarInt("SELECT count(*) FROM \(table) WHERE code = ?", [.text(code)]) ?? 0 > 0 {
                throw RegistryError.conflict(field: "category", value: code, existing: "the vocabulary")
            }
            try database.run("INSERT INTO \(table) (code, name) VALUES (?, ?)", [.text(code), .text(name)])
            try audit.append(
                recordedAt: context.recordedAt, actor: context.actor, action: forNeeds ? "need_category.add" : "resource_category.add",
                objectType: forNeeds ? "need_category" : "resource_category", objectID: code, before: nil,
                after: .object(["code": .string(code), "name": .string(name)]), batchID: nil)
        }
    }

    func checkCategory(_ code: String, forNeeds: Bool) throws -> String {
        let table = forNeeds ? "need_categories" : "resource_categories"
        let folded = code.trimmed.lowercased()
        guard try database.scalarInt("SELECT count(*) FROM \(table) WHERE code = ?", [.text(folded)]) ?? 0 > 0 else {
            let known = try database.rows("SELECT code FROM \(table) ORDER BY code") { $0.text(at: 0) ?? "" }
            throw RegistryError.invalidValue(
                field: "category", value: code, rule: "is not in the vocabulary; use one of: \(known.joined(separator: ", "))")
        }
        return folded
    }

    // MARK: Resources

    /// Records a resource of the entity `entity` (id, NIP, REGON or KRS).
    @discardableResult
    public func addResource(
        entity: String, category: String, description: String, quantity: String? = nil, unit: String? = nil,
        recordedOn: String? = nil
    ) throws -> Resource {
        try write { context in
            try insertResource(
                entity: entity, category: category, description: description, quantity: quantity, unit: unit,
                recordedOn: recordedOn, id: nil, context: context)
        }
    }

    func insertResource(
        entity: String, category: String, description: String, quantity: String?, unit: String?,
        recordedOn: String?, id: String?, context: ChangeContext
    ) throws -> Resource {
        let resource = Resource(
            id: id ?? Identifier.make(at: clock.date()), version: 1, entityID: try resolveEntity(entity),
            category: try checkCategory(category, forNeeds: false),
            description: try required(description, field: "description"),
            quantity: try quantity.flatMap { try Self.quantity($0) }, unit: Self.optional(unit),
            recordedOn: try recordedOn.flatMap(Self.optional).map { try LocalDate.parse($0, field: "recorded_on") } ?? today,
            withdrawnOn: nil)
        try Resource.table.save(
            database, audit: audit, id: resource.id, version: 1, values: resource.values, change: "add",
            before: nil, after: resource.json, context: context)
        return resource
    }

    /// Records that a resource stopped being available on `date` (default today).
    @discardableResult
    public func withdrawResource(_ id: String, on date: LocalDate? = nil) throws -> Resource {
        try write { context in
            let current = try resource(id)
            let day = date ?? today
            if let withdrawn = current.withdrawnOn {
                throw RegistryError.invalidValue(field: "withdrawn_on", value: day.description, rule: "resource \(id) was already withdrawn on \(withdrawn)")
            }
            if day < current.recordedOn {
                throw RegistryError.invalidValue(field: "withdrawn_on", value: day.description, rule: "is before the day it was recorded (\(current.recordedOn))")
            }
            let updated = Resource(
                id: current.id, version: current.version + 1, entityID: current.entityID, category: current.category,
                description: current.description, quantity: current.quantity, unit: current.unit,
                recordedOn: current.recordedOn, withdrawnOn: day)
            try Resource.table.save(
                database, audit: audit, id: id, version: updated.version, values: updated.values, change: "withdraw",
                before: current.json, after: updated.json, context: context)
            return updated
        }
    }

    /// The resource with `id`.
    public func resource(_ id: String) throws -> Resource {
        guard let resource = try database.first(
            "SELECT \(Resource.selectColumns) FROM resources WHERE id = ?", [.text(id.lowercased())], Resource.from)
        else { throw RegistryError.notFound(kind: "resource", reference: id) }
        return resource
    }

    /// Resources, optionally of one entity and one category; withdrawn ones only when asked.
    public func resources(entity: String? = nil, category: String? = nil, includeWithdrawn: Bool = false) throws -> [Resource] {
        let entityID = try entity.map { try resolveEntity($0) }
        return try database.rows(
            """
            SELECT \(Resource.selectColumns) FROM resources
            WHERE (?1 IS NULL OR entity_id = ?1) AND (?2 IS NULL OR category = ?2) AND (?3 OR withdrawn_on IS NULL)
            ORDER BY entity_id, category, recorded_on, id
            """, [SQLValue(entityID), SQLValue(category), .integer(includeWithdrawn ? 1 : 0)], Resource.from)
    }

    // MARK: Needs

    /// Records a need of the entity `entity` (id, NIP, REGON or KRS).
    @discardableResult
    public func addNeed(
        entity: String, category: String, description: String, priority: String? = nil, reportedOn: String? = nil
    ) throws -> Need {
        try write { context in
            try insertNeed(entity: entity, category: category, description: description, priority: priority,
                           reportedOn: reportedOn, id: nil, context: context)
        }
    }

    func insertNeed(
        entity: String, category: String, description: String, priority: String?, reportedOn: String?, id: String?,
        context: ChangeContext
    ) throws -> Need {
        let need = Need(
            id: id ?? Identifier.make(at: clock.date()), version: 1, entityID: try resolveEntity(entity),
            category: try checkCategory(category, forNeeds: true),
            description: try required(description, field: "description"),
            priority: try priority.flatMap(Self.optional).map(Self.priority) ?? 2,
            reportedOn: try reportedOn.flatMap(Self.optional).map { try LocalDate.parse($0, field: "reported_on") } ?? today,
            metOn: nil)
        try Need.table.save(
            database, audit: audit, id: need.id, version: 1, values: need.values, change: "add",
            before: nil, after: need.json, context: context)
        return need
    }

    /// Records that a need was met on `date` (default today).
    @discardableResult
    public func closeNeed(_ id: String, on date: LocalDate? = nil) throws -> Need {
        try write { context in
            let current = try need(id)
            let day = date ?? today
            if let met = current.metOn {
                throw RegistryError.invalidValue(field: "met_on", value: day.description, rule: "need \(id) was already closed on \(met)")
            }
            if day < current.reportedOn {
                throw RegistryError.invalidValue(field: "met_on", value: day.description, rule: "is before the day it was reported (\(current.reportedOn))")
            }
            let updated = Need(
                id: current.id, version: current.version + 1, entityID: current.entityID, category: current.category,
                description: current.description, priority: current.priority, reportedOn: current.reportedOn, metOn: day)
            try Need.table.save(
                database, audit: audit, id: id, version: updated.version, values: updated.values, change: "close",
                before: current.json, after: updated.json, context: context)
            return updated
        }
    }

    /// The need with `id`.
    public func need(_ id: String) throws -> Need {
        guard let need = try database.first(
            "SELECT \(Need.selectColumns) FROM needs WHERE id = ?", [.text(id.lowercased())], Need.from)
        else { throw RegistryError.notFound(kind: "need", reference: id) }
        return need
    }

    /// Needs, optionally of one entity and one category; met ones only when asked.
    public func needs(entity: String? = nil, category: String? = nil, includeMet: Bool = false) throws -> [Need] {
        let entityID = try entity.map { try resolveEntity($0) }
        return try database.rows(
            """
            SELECT \(Need.selectColumns) FROM needs
            WHERE (?1 IS NULL OR entity_id = ?1) AND (?2 IS NULL OR category = ?2) AND (?3 OR met_on IS NULL)
            ORDER BY entity_id, priority, reported_on, id
            """, [SQLValue(entityID), SQLValue(category), .integer(includeMet ? 1 : 0)], Need.from)
    }

    // MARK: Validation

    private func required(_ text: String, field: String) throws -> String {
        guard let value = Self.optional(text) else {
            throw RegistryError.invalidValue(field: field, value: text, rule: "is required")
        }
        return value
    }

    static func optional(_ text: String?) -> String? {
        guard let trimmed = text?.trimmed, !trimmed.isEmpty else { return nil }
        return trimmed
    }

    static func quantity(_ text: String) throws -> Double? {
        guard let trimmed = optional(text) else { return nil }
        guard let number = Double(trimmed.replacingOccurrences(of: ",", with: ".")), number.isFinite, number >= 0 else {
            throw RegistryError.invalidValue(field: "quantity", value: text, rule: "must be a number of 0 or more")
        }
        return number
    }

    static func priority(_ text: String) throws -> Int {
        guard let number = Int(text), (1...3).contains(number) else {
            throw RegistryError.invalidValue(field: "priority", value: text, rule: "must be 1 (most urgent), 2 or 3")
        }
        return number
    }
}
