import SQLiteStore

/// Something an entity offers (zasób): a service, premises, equipment, staff…
public struct Resource: Equatable, Sendable {
    public let id: String
    public let version: Int
    public let entityID: String
    /// A code from the resource vocabulary, e.g. `uslugi-gastronomiczne`.
    public let category: String
    public let description: String
    public let quantity: Double?
    public let unit: String?
    /// The day the resource was recorded as available.
    public let recordedOn: LocalDate
    /// The day it stopped being available; nil while it is.
    public let withdrawnOn: LocalDate?

    /// True when the resource was available on `day`.
    public func isAvailable(on day: LocalDate) -> Bool {
        recordedOn <= day && (withdrawnOn.map { day < $0 } ?? true)
    }

    /// The resource as a JSON object with snake_case keys.
    public var json: JSONValue {
        .object([
            "id": .string(id), "version": .int(version), "entity_id": .string(entityID),
            "category": .string(category), "description": .string(description), "quantity": .double(quantity),
            "unit": .string(unit), "recorded_on": .string(recordedOn.description),
            "withdrawn_on": .string(withdrawnOn?.description),
        ])
    }

    static let table = VersionedTable(
        table: "resources", versions: "resource_versions", idColumn: "resource_id",
        columns: ["entity_id", "category", "description", "quantity", "unit", "recorded_on", "withdrawn_on"],
        objectType: "resource")

    var values: [SQLValue] {
        [.text(entityID), .text(category), .text(description), SQLValue(quantity), SQLValue(unit),
         .text(recordedOn.description), SQLValue(withdrawnOn?.description)]
    }

    static let selectColumns = "id, version, entity_id, category, description, quantity, unit, recorded_on, withdrawn_on"

    static func from(_ row: Statement) -> Resource {
        Resource(
            id: row.text(at: 0) ?? "", version: row.int(at: 1) ?? 0, entityID: row.text(at: 2) ?? "",
            category: row.text(at: 3) ?? "", description: row.text(at: 4) ?? "", quantity: row.double(at: 5),
            unit: row.text(at: 6), recordedOn: row.text(at: 7).flatMap { LocalDate(iso: $0) } ?? LocalDate(daysSinceEpoch: 0),
            withdrawnOn: row.text(at: 8).flatMap { LocalDate(iso: $0) })
    }
}
