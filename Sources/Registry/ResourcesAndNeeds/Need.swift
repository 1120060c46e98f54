import SQLiteStore

/// Something an entity lacks (potrzeba): training, advice, funding, premises…
public struct Need: RecordedItem, Equatable {
    /// Id, version, entity, category, description; read through as `need.id` and so on.
    public internal(set) var record: ItemRecord
    /// 1 (most urgent) to 3.
    public let priority: Int

    public var reportedOn: LocalDate { record.start }
    /// The day the need was met; nil while it is open.
    public var metOn: LocalDate? { record.end }
    /// True when the need was open on `day`.
    public func isOpen(on day: LocalDate) -> Bool { record.holds(on: day) }
    /// The need as a JSON object with snake_case keys.
    public var json: JSONValue { itemJSON }
}

extension Need: EntityItem {
    static let kind = ItemKind(
        objectType: "need", detailColumns: ["priority"], days: ("reported_on", "met_on"), endChange: "close",
        words: ("reported", "closed"), listOrder: "entity_id, priority, reported_on, id")

    var details: [SQLValue] { [.integer(Int64(priority))] }

    init(record: ItemRecord, row: Statement, at offset: Int32) {
        self.init(record: record, priority: row.int(at: offset) ?? 3)
    }

    init(record: ItemRecord, cells: (String) -> String?) throws {
        self.init(record: record, priority: try cells("priority").flatMap(Registry.optional).map(Registry.priority) ?? 2)
    }
}
