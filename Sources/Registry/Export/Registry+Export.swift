import SQLiteStore

/// What `registry export` can write.
public enum ExportTarget: String, Sendable, CaseIterable {
    case entities, certificates, resources, needs, audit
}

extension Registry {
    /// The columns of an export target, in order (stable; documented in README).
    public static func exportColumns(_ target: ExportTarget) -> [String] {
        switch target {
        case .entities: return EntityColumns.all
        case .resources: return ["id", "entity_id"] + Resource.table.columns.dropFirst()
        case .needs: return ["id", "entity_id"] + Need.table.columns.dropFirst()
        case .certificates: return CertificateExport.columns
        case .audit:
            return ["seq", "recorded_at", "actor", "action", "object_type", "object_id", "before", "after", "batch_id",
                    "prev_hash", "hash"]
        }
    }

    /// Writes `target` to `writer` (created with `exportColumns(target)`), as of the end of day `on` when given.
    public func export(_ target: ExportTarget, to writer: RecordWriter, on: LocalDate? = nil) throws {
        switch target {
        case .entities:
            var query = EntityQuery()
            query.status = .all
            query.on = on
            query.sort = .added
            try self.query(query, to: writer)
        case .resources:
            try exportVersioned(Resource.table, on: on, to: writer)
        case .needs:
            try exportVersioned(Need.table, on: on, to: writer)
        case .certificates:
            try CertificateExport.write(self, on: on, to: writer)
        case .audit:
            let cutoff = on.map(RecordedState.cutoff)
            try database.prepare(
                "SELECT seq, recorded_at, actor, action, object_type, object_id, before, after, batch_id, prev_hash, hash FROM audit_log WHERE (?1 IS NULL OR recorded_at <= ?1) ORDER BY seq"
            ).forEachRow([SQLValue(cutoff)]) { try writer.writeRow(of: $0) }
        }
        try writer.finish()
    }

    /// Current rows, or the latest version of each recorded by the end of `on`.
    /// Ordered by entity, category, description, id (columns 2, 3, 4 and 1 of both selects).
    private func exportVersioned(_ table: VersionedTable, on: LocalDate?, to writer: RecordWriter) throws {
        let columns = table.columns.joined(separator: ", ")
        let sql: String
        var values: [SQLValue] = []
        if let on {
            values.append(.text(RecordedState.cutoff(on)))
            sql = """
                SELECT v.\(table.idColumn), \(table.columns.map { "v." + $0 }.joined(separator: ", "))
                FROM \(table.versions) v
                WHERE v.version = (SELECT max(x.version) FROM \(table.versions) x
                                   WHERE x.\(table.idColumn) = v.\(table.idColumn) AND x.recorded_at <= ?1)
                ORDER BY 2, 3, 4, 1
                """
        } else {
            sql = "SELECT id, \(columns) FROM \(table.table) ORDER BY 2, 3, 4, 1"
        }
        try database.prepare(sql).forEachRow(values) { try writer.writeRow(of: $0) }
    }

}

extension SQLValue {
    /// The value as JSON (text as strings, numbers as numbers, NULL as null).
    public var json: JSONValue {
        switch self {
        case .null: return .null
        case let .integer(number): return .int(Int(number))
        case let .real(number): return .double(number)
        case let .text(text): return .string(text)
        case let .blob(bytes): return .string(String(decoding: bytes, as: UTF8.self))
        }
    }
}

/// Certificate events as rows: one per event, with the certificate and its holder, so a registry's
/// certificates can be re-imported with their ids and full timelines.
enum CertificateExport {
    static let columns = [
        "certificate_id", "entity_id", "nip", "krs", "scheme", "event_id", "event", "effective_on", "valid_from",
        "valid_to", "decision_no", "decided_on", "issuer", "scope", "reason", "corrects",
    ]

    static func write(_ registry: Registry, on: LocalDate?, to writer: RecordWriter) throws {
        let cutoff = on.map(RecordedState.cutoff)
        try registry.database.prepare(
            """
            SELECT c.id, c.entity_id, e.nip, e.krs, c.scheme_code, ev.id, ev.event, ev.effective_on, ev.valid_from,
                   ev.valid_to, ev.decision_no, ev.decided_on, ev.issuer, ev.scope, ev.reason, ev.corrects
            FROM certificate_events ev
            JOIN certificates c ON c.id = ev.certificate_id
            JOIN entities e ON e.id = c.entity_id
            WHERE (?1 IS NULL OR ev.recorded_at <= ?1)
            ORDER BY c.id, ev.id
            """
        ).forEachRow([SQLValue(cutoff)]) { try writer.writeRow(of: $0) }
    }
}
