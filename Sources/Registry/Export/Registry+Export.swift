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
        case .resources: return ["id"] + Resource.kind.table.columns
        case .needs: return ["id"] + Need.kind.table.columns
        case .certificates: return CertificateExport.columns
        case .audit:
            return AuditLog.columns
        }
    }

    /// Writes `target` to `writer` (created with `exportColumns(target)`). Entities: the world on
    /// `on` (today) as known at `recordedAt` (now), active and closed. Resources, needs,
    /// certificate events and the audit log: every record as known at `recordedAt`.
    public func export(_ target: ExportTarget, to writer: RecordWriter, on: LocalDate? = nil, recordedAt: String? = nil) throws {
        switch target {
        case .entities:
            var query = EntityQuery()
            query.status = .all
            query.on = on
            query.recordedAt = recordedAt
            query.sort = .added
            try self.query(query, to: writer)
        case .resources:
            try items(Resource.self).forEachExportRow(recordedBy: recordedAt) { try writer.writeRow(of: $0) }
        case .needs:
            try items(Need.self).forEachExportRow(recordedBy: recordedAt) { try writer.writeRow(of: $0) }
        case .certificates:
            try CertificateExport.write(self, recordedAt: recordedAt, to: writer)
        case .audit:
            try AuditLog.forEachEntry(database, recordedBy: recordedAt) { try writer.writeRow(of: $0) }
        }
        try writer.finish()
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

    static func write(_ registry: Registry, recordedAt: String?, to writer: RecordWriter) throws {
        try registry.certificates.forEachExportRow(recordedBy: recordedAt) { try writer.writeRow(of: $0) }
    }
}
