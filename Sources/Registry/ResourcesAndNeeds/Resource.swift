import SQLiteStore

/// Something an entity offers (zasób): a service, premises, equipment, staff…
public struct Resource: RecordedItem, Equatable {
    /// Id, version, entity, category, description; read through as `resource.id` and so on.
    public internal(set) var record: ItemRecord
    public let quantity: Double?
    public let unit: String?

    /// The day the resource was recorded as available.
    public var recordedOn: LocalDate { record.start }
    /// The day it stopped being available; nil while it is.
    public var withdrawnOn: LocalDate? { record.end }
    /// True when the resource was available on `day`.
    public func isAvailable(on day: LocalDate) -> Bool { record.holds(on: day) }
    /// The resource as a JSON object with snake_case keys.
    public var json: JSONValue { itemJSON }
}

extension Resource: EntityItem {
    static let kind = ItemKind(
        objectType: "resource", detailColumns: ["quantity", "unit"], days: ("recorded_on", "withdrawn_on"),
        endChange: "withdraw", words: ("recorded", "withdrawn"), listOrder: "entity_id, category, recorded_on, id")

    var details: [SQLValue] { [SQLValue(quantity), SQLValue(unit)] }

    init(record: ItemRecord, row: Statement, at offset: Int32) {
        self.init(record: record, quantity: row.double(at: offset), unit: row.text(at: offset + 1))
    }

    init(record: ItemRecord, cells: (String) -> String?) throws {
        self.init(record: record, quantity: try cells("quantity").flatMap { try Registry.quantity($0) },
                  unit: Registry.optional(cells("unit")))
    }
}
