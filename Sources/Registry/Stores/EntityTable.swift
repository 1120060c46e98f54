/// The columns of `entities` and `entity_versions`, derived from `EntityField`: every statement
/// that selects or writes entity rows names them from here and reads them at these positions.
enum EntityTable {
    /// The two tables as one versioned table (see `EntityStore` for why the current row is apart).
    static let versioned = VersionedTable(
        table: "entities", versions: "entity_versions", idColumn: "entity_id", columns: stateColumns,
        objectType: "entity", layout: .currentRowPlusSuperseded, trailingColumns: ["effective_on"])

    /// A version's state: the fields users set, with the closing after `founded_on`.
    static let stateColumns: [String] = EntityField.allCases.flatMap { field in
        field == .foundedOn ? [field.rawValue, "closed_on", "close_reason"] : [field.rawValue]
    }

    /// What `EntityStore.entity(_:offset:)` reads, in order: id, version, the state, when the
    /// entity was first recorded and when this version was, and the day this version holds from.
    static let columns = ["id", "version"] + stateColumns + ["created_at", "updated_at", "effective_on"]

    /// `columns` as a select list, each prefixed by `alias` when given.
    static func selectList(alias: String? = nil) -> String {
        columns.map { column in alias.map { "\($0).\(column)" } ?? column }.joined(separator: ", ")
    }

    /// The position of the first column a statement selects after `columns` (a rowid, a rank, a day).
    static let next = Int32(columns.count)

    /// Where `field` stands in `columns`.
    static func position(_ field: EntityField) -> Int32 {
        Int32(2 + field.ordinal + (field.ordinal > EntityField.foundedOn.ordinal ? 2 : 0))
    }

    static let closedOnPosition = position(.foundedOn) + 1
    static let closeReasonPosition = position(.foundedOn) + 2
    static let createdAtPosition = Int32(2 + stateColumns.count)
    static let updatedAtPosition = createdAtPosition + 1
    static let effectiveOnPosition = createdAtPosition + 2

    /// A version's bookkeeping as `entity_versions` names it: which entity, which version, what
    /// changed, why, when it was recorded, who recorded it and in which import batch.
    static let bookkeepingColumns = ["entity_id", "version", "change", "reason", "recorded_at", "actor", "batch_id"]

    /// A version's columns as `v_entity_history` and the batch digest name them: bookkeeping, then state.
    static let versionColumns = bookkeepingColumns + stateColumns

    /// The `entities` column holding a `versionColumns` column of the current version.
    static func currentRowColumn(_ versionColumn: String) -> String {
        switch versionColumn {
        case "entity_id": return "id"
        case "recorded_at": return "updated_at"
        default: return versionColumn
        }
    }
}
