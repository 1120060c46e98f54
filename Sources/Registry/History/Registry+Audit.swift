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
        try AuditLog.entries(database, filter)
    }
}
