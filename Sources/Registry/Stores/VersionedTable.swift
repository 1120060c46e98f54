import SQLiteStore

/// A table of current rows paired with an append-only table of versions: the one way the registry
/// keeps versioned facts (entities, resources, needs). Writing a version and reading the rows as
/// recorded by a time are written here once; the stores name their tables with one of these.
struct VersionedTable {
    /// Where the current version of a row is kept.
    enum Layout {
        /// Every version, the current one too, is a row of the versions table (resources, needs).
        case everyVersion
        /// The current version is only the row of the current table, with its own bookkeeping;
        /// the versions table keeps the superseded ones (entities: see `EntityStore`).
        case currentRowPlusSuperseded
    }

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
    var layout: Layout = .everyVersion
    /// Columns of both tables selected after the bookkeeping of the current-row layout.
    var trailingColumns: [String] = []

    /// The rows as recorded by the time bound to the parameter `cutoff` (e.g. `?4`): for each
    /// object the newest version recorded by then (none: the registry did not know it yet).
    ///
    /// Selects `id`, `version` and `columns`; with the current-row layout also `created_at` and
    /// the version's recorded time as `updated_at`, the current table's own columns.
    func recorded(cutoff: String) -> String {
        let state = columns.map { "v." + $0 }.joined(separator: ", ")
        let owner = layout == .everyVersion ? "v.\(idColumn)" : "e.id"
        let newest = """
            v.version = (SELECT max(x.version) FROM \(versions) x
                                 WHERE x.\(idColumn) = \(owner) AND x.recorded_at <= \(cutoff))
            """
        switch layout {
        case .everyVersion:
            return """
                (SELECT v.\(idColumn) AS id, v.version, \(state)
                 FROM \(versions) v
                 WHERE \(newest))
                """
        case .currentRowPlusSuperseded:
            // A row whose current version was recorded by then is that version; otherwise it is
            // the newest superseded version recorded by then.
            let trailing = trailingColumns.map { ", " + $0 }.joined()
            let trailingVersion = trailingColumns.map { ", v." + $0 }.joined()
            return """
                (SELECT id, version, \(columns.joined(separator: ", ")), created_at, updated_at\(trailing)
                 FROM \(table) WHERE updated_at <= \(cutoff)
                 UNION ALL
                 SELECT v.\(idColumn), v.version, \(state), e.created_at, v.recorded_at\(trailingVersion)
                 FROM \(table) e JOIN \(versions) v ON v.\(idColumn) = e.id
                 WHERE e.updated_at > \(cutoff)
                   AND \(newest))
                """
        }
    }

    /// Writes version `version` of object `id` with `values` (one per column), records it in the
    /// versions table and appends an audit entry `<objectType>.<change>` (every-version layout).
    func save(
        _ database: Database, audit: AuditLog, id: String, version: Int, values: [SQLValue], change: String,
        before: JSONValue?, after: JSONValue, context: ChangeContext
    ) throws {
        precondition(layout == .everyVersion && values.count == columns.count)
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

    /// The current rows (`id` and `columns`), or with `cutoff` bound to `?1` the rows as recorded
    /// by then, ordered by their first three columns and id (an export).
    func currentOrRecorded(asOf cutoff: String?) -> (sql: String, values: [SQLValue]) {
        let list = columns.joined(separator: ", ")
        guard let cutoff else { return ("SELECT id, \(list) FROM \(table) ORDER BY 2, 3, 4, 1", []) }
        return ("SELECT id, \(list) FROM \(recorded(cutoff: "?1")) ORDER BY 2, 3, 4, 1", [.text(cutoff)])
    }
}
