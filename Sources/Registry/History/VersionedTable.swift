import SQLiteStore

/// A table whose current rows may change, paired with an append-only table of every version
/// (resources/resource_versions, needs/need_versions): one place writes both and the audit entry.
struct VersionedTable {
    /// e.g. `resources`.
    let table: String
    /// e.g. `resource_versions`.
    let versions: String
    /// The versions table's column naming the object, e.g. `resource_id`.
    let idColumn: String
    /// The state columns shared by both tables, in order (without id, version and bookkeeping).
    let columns: [String]
    /// Audit object type, e.g. `resource`.
    let objectType: String

    /// Writes version `version` of object `id` with `values` (one per column), records it in the
    /// versions table and appends an audit entry `<objectType>.<change>`.
    func save(
        _ database: Database, audit: AuditLog, id: String, version: Int, values: [SQLValue], change: String,
        before: JSONValue?, after: JSONValue, context: ChangeContext
    ) throws {
        precondition(values.count == columns.count)
        let list = columns.joined(separator: ", ")
        let marks = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        if version == 1 {
            try database.run(
                "INSERT INTO \(table) (id, version, \(list), created_at, updated_at) VALUES (?, ?, \(marks), ?, ?)",
                [.text(id), .integer(Int64(version))] + values + [.text(context.recordedAt), .text(context.recordedAt)])
        } else {
            let assignments = columns.map { "\($0) = ?" }.joined(separator: ", ")
            try database.run(
                "UPDATE \(table) SET version = ?, \(assignments), updated_at = ? WHERE id = ?",
                [.integer(Int64(version))] + values + [.text(context.recordedAt), .text(id)])
        }
        try database.run(
            """
            INSERT INTO \(versions) (\(idColumn), version, change, recorded_at, actor, batch_id, \(list))
            VALUES (?, ?, ?, ?, ?, ?, \(marks))
            """,
            [.text(id), .integer(Int64(version)), .text(change), .text(context.recordedAt), .text(context.actor),
             SQLValue(context.batchID)] + values)
        try audit.append(
            recordedAt: context.recordedAt, actor: context.actor, action: "\(objectType).\(change)",
            objectType: objectType, objectID: id, before: before, after: after, batchID: context.batchID)
    }
}
