import SQLiteStore

/// The outcome of `audit verify`.
public struct AuditVerification: Sendable, Equatable {
    /// Entries checked.
    public let entries: Int
    /// Hash of the last entry that verified; record it to detect a later truncation of the log.
    public let headHash: String
    /// The first entry that does not match; nil when the chain is intact.
    public let firstBadSeq: Int?
    /// Why that entry does not match.
    public let problem: String?

    /// True when every entry matches its hash and chain.
    public var isIntact: Bool { firstBadSeq == nil }
}

/// Which audit entries to list.
public struct AuditFilter: Sendable {
    public var objectID: String?
    public var since: String?
    public var actor: String?
    public var limit: Int?

    public init(objectID: String? = nil, since: String? = nil, actor: String? = nil, limit: Int? = nil) {
        self.objectID = objectID
        self.since = since
        self.actor = actor
        self.limit = limit
    }
}

extension Registry {
    /// Recomputes the audit log's hash chain.
    public func verifyAudit() throws -> AuditVerification {
        let result = try AuditLog.verify(database)
        return AuditVerification(
            entries: result.entries, headHash: result.headHash, firstBadSeq: result.firstProblem?.seq,
            problem: result.firstProblem?.reason)
    }

    /// Audit entries matching `filter`, oldest first.
    public func auditEntries(_ filter: AuditFilter) throws -> [AuditEntry] {
        try database.prepare(
            """
            SELECT seq, recorded_at, actor, action, object_type, object_id, before, after, batch_id, prev_hash, hash
            FROM audit_log
            WHERE (?1 IS NULL OR object_id = ?1 OR object_id IN (SELECT id FROM certificates WHERE entity_id = ?1)
                   OR (object_type = 'import_batch'
                       AND object_id IN (SELECT batch_id FROM entities WHERE id = ?1
                                         UNION SELECT batch_id FROM entity_versions WHERE entity_id = ?1)))
              AND (?2 IS NULL OR recorded_at >= ?2)
              AND (?3 IS NULL OR actor = ?3)
            ORDER BY seq
            LIMIT coalesce(?4, -1)
            """
        ).map([SQLValue(filter.objectID), SQLValue(filter.since), SQLValue(filter.actor), SQLValue(filter.limit)],
              AuditLog.entry)
    }
}
