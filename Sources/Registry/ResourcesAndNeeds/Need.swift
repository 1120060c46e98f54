import SQLiteStore

/// Something an entity lacks (potrzeba): training, advice, funding, premises…
public struct Need: Equatable, Sendable {
    public let id: String
    public let version: Int
    public let entityID: String
    /// A code from the need vocabulary, e.g. `szkolenia`.
    public let category: String
    public let description: String
    /// 1 (most urgent) to 3.
    public let priority: Int
    public let reportedOn: LocalDate
    /// The day the need was met; nil while it is open.
    public let metOn: LocalDate?

    /// True when the need was open on `day`.
    public func isOpen(on day: LocalDate) -> Bool {
        reportedOn <= day && (metOn.map { day < $0 } ?? true)
    }

    /// The need as a JSON object with snake_case keys.
    public var json: JSONValue {
        .object([
            "id": .string(id), "version": .int(version), "entity_id": .string(entityID),
            "category": .string(category), "description": .string(description), "priority": .int(priority),
            "reported_on": .string(reportedOn.description), "met_on": .string(metOn?.description),
        ])
    }

    static let table = VersionedTable(
        table: "needs", versions: "need_versions", idColumn: "need_id",
        columns: ["entity_id", "category", "description", "priority", "reported_on", "met_on"],
        objectType: "need")

    var values: [SQLValue] {
        [.text(entityID), .text(category), .text(description), .integer(Int64(priority)),
         .text(reportedOn.description), SQLValue(metOn?.description)]
    }

    static let selectColumns = "id, version, entity_id, category, description, priority, reported_on, met_on"

    static func from(_ row: Statement) -> Need {
        Need(
            id: row.text(at: 0) ?? "", version: row.int(at: 1) ?? 0, entityID: row.text(at: 2) ?? "",
            category: row.text(at: 3) ?? "", description: row.text(at: 4) ?? "", priority: row.int(at: 5) ?? 3,
            reportedOn: row.text(at: 6).flatMap { LocalDate(iso: $0) } ?? LocalDate(daysSinceEpoch: 0),
            metOn: row.text(at: 7).flatMap { LocalDate(iso: $0) })
    }
}
