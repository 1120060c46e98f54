/// An entity item as an import file gives it: its target, its columns' header aliases, and its
/// own details read over the current ones.
protocol ImportedItem: EntityItem {
    static var importTarget: ImportTarget { get }
    /// Field name → header aliases (Polish and English), beyond `EntityReference.fields`.
    static var importAliases: [String: [String]] { get }
    /// This item with its own details as `row` gives them (a column the file lacks keeps its value).
    func importing(_ row: ImportRow) throws -> Self
}

extension Resource: ImportedItem {
    static let importTarget = ImportTarget.resources
    static let importAliases: [String: [String]] = [
        "id": ["id zasobu", "resource_id"],
        "category": ["kategoria", "rodzaj zasobu"],
        "description": ["opis", "zasób", "zasob"],
        "quantity": ["ilość", "liczba"],
        "unit": ["jednostka", "j.m."],
        "recorded_on": ["data wpisu", "od", "dostępny od"],
        "withdrawn_on": ["data wycofania", "do", "wycofany"],
    ]

    func importing(_ row: ImportRow) throws -> Resource {
        Resource(record: record, quantity: try row["quantity"].map { try Registry.quantity($0) } ?? quantity,
                 unit: row["unit"].map(Registry.optional) ?? unit)
    }
}

extension Need: ImportedItem {
    static let importTarget = ImportTarget.needs
    static let importAliases: [String: [String]] = [
        "id": ["id potrzeby", "need_id"],
        "category": ["kategoria", "rodzaj potrzeby"],
        "description": ["opis", "potrzeba"],
        "priority": ["priorytet", "pilność"],
        "reported_on": ["data zgłoszenia", "zgłoszono"],
        "met_on": ["data zaspokojenia", "zaspokojono", "zamknięto"],
    ]

    func importing(_ row: ImportRow) throws -> Need {
        Need(record: record, priority: try row.nonEmpty("priority").map(Registry.priority) ?? priority)
    }
}
