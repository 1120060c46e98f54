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

    func items<Item: EntityItem>(_ type: Item.Type) -> ItemStore<Item> {
        ItemStore(database: database, audit: audit)
    }

    // MARK: Vocabularies

    /// The resource categories (zasoby), by code.
    public func resourceCategories() throws -> [Category] {
        try items(Resource.self).categories()
    }

    /// The need categories (potrzeby), by code.
    public func needCategories() throws -> [Category] {
        try items(Need.self).categories()
    }

    /// Extends the resource or need vocabulary with a new category.
    public func addCategory(_ code: String, name: String, forNeeds: Bool) throws {
        if forNeeds {
            try addCategory(code, name: name, to: items(Need.self))
        } else {
            try addCategory(code, name: name, to: items(Resource.self))
        }
    }

    private func addCategory<Item>(_ code: String, name: String, to store: ItemStore<Item>) throws {
        guard code.range(of: "^[a-z0-9]+(-[a-z0-9]+)*$", options: .regularExpression) != nil else {
            throw RegistryError.invalidValue(field: "category", value: code, rule: "must be lower-case letters, digits and dashes, e.g. uslugi-opiekuncze")
        }
        try write { context in
            if try store.hasCategory(code) {
                throw RegistryError.conflict(field: "category", value: code, existing: "the vocabulary")
            }
            try store.insertCategory(code, name: name)
            let objectType = Item.kind.table.objectType + "_category"
            try audit.append(
                recordedAt: context.recordedAt, actor: context.actor, action: objectType + ".add",
                objectType: objectType, objectID: code, before: nil,
                after: .object(["code": .string(code), "name": .string(name)]), batchID: nil)
        }
    }

    /// The category `code` as the vocabulary of `Item` holds it (trimmed, lower case).
    func checkCategory<Item: EntityItem>(_ code: String, of type: Item.Type) throws -> String {
        let folded = code.trimmed.lowercased()
        let store = items(type)
        guard try store.hasCategory(folded) else {
            let known = try store.categories().map(\.code)
            throw RegistryError.invalidValue(
                field: "category", value: code, rule: "is not in the vocabulary; use one of: \(known.joined(separator: ", "))")
        }
        return folded
    }

    // MARK: Resources and needs alike

    /// Records a new item of the entity `entity` (id, NIP, REGON or KRS) in its own transaction.
    private func addItem<Item: EntityItem>(
        entity: String, category: String, description: String, cells: [String: String?]
    ) throws -> Item {
        try write { context in
            try insertItem(entity: entity, category: category, description: description, cells: { cells[$0] ?? nil },
                           id: nil, context: context)
        }
    }

    /// Records a new item of the entity `entity` (id, NIP, REGON or KRS); its own details are read
    /// from `cells` by column name.
    func insertItem<Item: EntityItem>(
        entity: String, category: String, description: String, cells: (String) -> String?, id: String?,
        context: ChangeContext
    ) throws -> Item {
        let record = ItemRecord(
            id: id ?? Identifier.make(at: clock.date()), version: 1, entityID: try resolveEntity(entity),
            category: try checkCategory(category, of: Item.self),
            description: try required(description, field: "description"), start: today, end: nil)
        var item = try Item(record: record, cells: cells)
        let start = Item.kind.startColumn
        if let day = try cells(start).flatMap(Self.optional).map({ try LocalDate.parse($0, field: start) }) {
            item.record.start = day
        }
        try items(Item.self).save(item, change: "add", before: nil, context: context)
        return item
    }

    /// Records that the item `id` ended on `date` (default today): a resource withdrawn, a need met.
    func endItem<Item: EntityItem>(_ id: String, on date: LocalDate?, _ type: Item.Type) throws -> Item {
        try write { context in
            let current: Item = try item(id)
            let day = date ?? today
            let kind = Item.kind
            if let ended = current.record.end {
                throw RegistryError.invalidValue(
                    field: kind.endColumn, value: day.description,
                    rule: "\(kind.table.objectType) \(id) was already \(kind.ended) on \(ended)")
            }
            if day < current.record.start {
                throw RegistryError.invalidValue(
                    field: kind.endColumn, value: day.description,
                    rule: "is before the day it was \(kind.started) (\(current.record.start))")
            }
            let updated = current.ended(on: day)
            try items(Item.self).save(updated, change: kind.endChange, before: current, context: context)
            return updated
        }
    }

    /// The item with `id`.
    func item<Item: EntityItem>(_ id: String) throws -> Item {
        guard let item = try items(Item.self).item(id: id.lowercased()) else {
            throw RegistryError.notFound(kind: Item.kind.table.objectType, reference: id)
        }
        return item
    }

    /// Items as known at `recordedAt` (now), optionally of one entity and one category: those held
    /// on `day` (today) by an entity existing that day, or with `everyItem` all of them.
    func items<Item: EntityItem>(
        entity: String?, category: String?, everyItem: Bool, on day: LocalDate?, recordedAt: String?
    ) throws -> [Item] {
        let entityID = try entity.map { try resolveEntity($0) }
        return try items(Item.self).items(
            entityID: entityID, category: category, everyItem: everyItem, on: day ?? today, cutoff: recordedAt)
    }

    // MARK: Resources

    /// Records a resource of the entity `entity` (id, NIP, REGON or KRS).
    @discardableResult
    public func addResource(
        entity: String, category: String, description: String, quantity: String? = nil, unit: String? = nil,
        recordedOn: String? = nil
    ) throws -> Resource {
        try addItem(entity: entity, category: category, description: description,
                    cells: ["quantity": quantity, "unit": unit, "recorded_on": recordedOn])
    }

    /// Records that a resource stopped being available on `date` (default today).
    @discardableResult
    public func withdrawResource(_ id: String, on date: LocalDate? = nil) throws -> Resource {
        try endItem(id, on: date, Resource.self)
    }

    /// The resource with `id`.
    public func resource(_ id: String) throws -> Resource {
        try item(id)
    }

    /// Resources as known at `recordedAt` (now), optionally of one entity and one category: those
    /// available on `day` (today) at an entity existing that day, or with `includeWithdrawn` every one.
    public func resources(
        entity: String? = nil, category: String? = nil, includeWithdrawn: Bool = false, on day: LocalDate? = nil,
        recordedAt: String? = nil
    ) throws -> [Resource] {
        try items(entity: entity, category: category, everyItem: includeWithdrawn, on: day, recordedAt: recordedAt)
    }

    // MARK: Needs

    /// Records a need of the entity `entity` (id, NIP, REGON or KRS).
    @discardableResult
    public func addNeed(
        entity: String, category: String, description: String, priority: String? = nil, reportedOn: String? = nil
    ) throws -> Need {
        try addItem(entity: entity, category: category, description: description,
                    cells: ["priority": priority, "reported_on": reportedOn])
    }

    /// Records that a need was met on `date` (default today).
    @discardableResult
    public func closeNeed(_ id: String, on date: LocalDate? = nil) throws -> Need {
        try endItem(id, on: date, Need.self)
    }

    /// The need with `id`.
    public func need(_ id: String) throws -> Need {
        try item(id)
    }

    /// Needs as known at `recordedAt` (now), optionally of one entity and one category: those open
    /// on `day` (today) at an entity existing that day, or with `includeMet` every one.
    public func needs(
        entity: String? = nil, category: String? = nil, includeMet: Bool = false, on day: LocalDate? = nil,
        recordedAt: String? = nil
    ) throws -> [Need] {
        try items(entity: entity, category: category, everyItem: includeMet, on: day, recordedAt: recordedAt)
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
