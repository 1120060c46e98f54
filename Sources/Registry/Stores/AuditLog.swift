import Crypto
import Foundation
import SQLiteStore

/// Appends to and verifies the hash-chained audit log.
///
/// Appends happen inside the caller's write transaction, which holds SQLite's write lock, so the
/// chain head read at the first append stays valid until the transaction ends; it is kept in memory
/// with the connection's `transactionEpoch`, which moves on when a transaction ends or a savepoint
/// rolls back (say, a rejected row's audit entry), and the head is then read again.
final class AuditLog {
    static let genesisHash = String(repeating: "0", count: 64)
    /// The columns of `audit_log`, in order: what `entry(from:)` reads and an export writes.
    static let columns = [
        "seq", "recorded_at", "actor", "action", "object_type", "object_id", "before", "after", "batch_id",
        "prev_hash", "hash",
    ]
    private static let selectList = columns.joined(separator: ", ")
    private unowned let database: Database
    private var head: (epoch: UInt64, seq: Int, hash: String)?

    init(database: Database) {
        self.database = database
    }

    /// Appends one entry and returns its sequence number.
    @discardableResult
    func append(
        recordedAt: String, actor: String, action: String, objectType: String, objectID: String?,
        before: JSONValue?, after: JSONValue?, batchID: String?
    ) throws -> Int {
        try append(recordedAt: recordedAt, actor: actor, action: action, objectType: objectType, objectID: objectID,
                   beforeText: before?.canonical, afterText: after?.canonical, batchID: batchID)
    }

    /// Appends one entry whose states are already canonical JSON text.
    @discardableResult
    func append(
        recordedAt: String, actor: String, action: String, objectType: String, objectID: String?,
        beforeText: String?, afterText: String?, batchID: String?
    ) throws -> Int {
        // Read before the INSERT: one outside a transaction commits, and moves the epoch on.
        let epoch = database.transactionEpoch
        let previous = try currentHead()
        let seq = previous.seq + 1
        let hash = AuditEntry.computeHash(
            seq: seq, recordedAt: recordedAt, actor: actor, action: action, objectType: objectType,
            objectID: objectID, before: beforeText, after: afterText, batchID: batchID, prevHash: previous.hash)
        try database.run(
            """
            INSERT INTO audit_log (seq, recorded_at, actor, action, object_type, object_id, before, after, batch_id, prev_hash, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [.integer(Int64(seq)), .text(recordedAt), .text(actor), .text(action), .text(objectType),
             SQLValue(objectID), SQLValue(beforeText), SQLValue(afterText), SQLValue(batchID),
             .text(previous.hash), .text(hash)])
        head = (epoch, seq, hash)
        return seq
    }

    private func currentHead() throws -> (seq: Int, hash: String) {
        let epoch = database.transactionEpoch
        if let head, head.epoch == epoch { return (head.seq, head.hash) }
        let stored = try database.first("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1") {
            (seq: $0.int(at: 0) ?? 0, hash: $0.text(at: 1) ?? "")
        }
        let value = stored ?? (0, Self.genesisHash)
        head = (epoch, value.seq, value.hash)
        return value
    }

    /// The result of recomputing the chain.
    struct Verification: Sendable {
        let entries: Int
        let headHash: String
        /// The first entry that does not match, and why; nil when the chain is intact.
        let firstProblem: (seq: Int, reason: String)?
    }

    /// Recomputes every hash from the first entry on and reports the first that does not match.
    static func verify(_ database: Database) throws -> Verification {
        var expectedSeq = 1
        var previousHash = genesisHash
        var problem: (Int, String)?
        let statement = try database.prepare(
            "SELECT \(selectList) FROM audit_log ORDER BY seq")
        var count = 0
        try statement.forEachRow { row in
            guard problem == nil else { return }
            count += 1
            let entry = entry(from: row)
            if entry.seq != expectedSeq {
                problem = (entry.seq, "sequence jumps from \(expectedSeq - 1) to \(entry.seq): entries are missing")
                return
            }
            if entry.prevHash != previousHash {
                problem = (entry.seq, "prev_hash does not match the hash of entry \(entry.seq - 1)")
                return
            }
            let recomputed = AuditEntry.computeHash(
                seq: entry.seq, recordedAt: entry.recordedAt, actor: entry.actor, action: entry.action,
                objectType: entry.objectType, objectID: entry.objectID, before: entry.before,
                after: entry.after, batchID: entry.batchID, prevHash: entry.prevHash)
            if recomputed != entry.hash {
                problem = (entry.seq, "content does not match its hash (the entry was altered after it was written)")
                return
            }
            previousHash = entry.hash
            expectedSeq += 1
        }
        // The chain covers each import batch's digest; the digest covers the versions it wrote.
        if let data = try BatchDigest.verify(database), problem.map({ data.seq < $0.0 }) ?? true {
            problem = data
        }
        return Verification(entries: count, headHash: previousHash, firstProblem: problem)
    }

    static func entry(from row: Statement) -> AuditEntry {
        AuditEntry(
            seq: row.int(at: 0) ?? 0, recordedAt: row.text(at: 1) ?? "", actor: row.text(at: 2) ?? "",
            action: row.text(at: 3) ?? "", objectType: row.text(at: 4) ?? "", objectID: row.text(at: 5),
            before: row.text(at: 6), after: row.text(at: 7), batchID: row.text(at: 8),
            prevHash: row.text(at: 9) ?? "", hash: row.text(at: 10) ?? "")
    }

    /// The import batches whose audit entry carries a digest of their entity versions, by seq:
    /// the entry's seq, the batch, the digest and how many versions it covers.
    static func versionDigests(_ database: Database) throws -> [(seq: Int, batch: String, digest: String, count: Int)] {
        try database.rows(
            """
            SELECT seq, object_id, json_extract(after, '$.versions_sha256'), json_extract(after, '$.versions')
            FROM audit_log
            WHERE action = 'import.entities' AND json_extract(after, '$.versions_sha256') IS NOT NULL
            ORDER BY seq
            """) { (seq: $0.int(at: 0) ?? 0, batch: $0.text(at: 1) ?? "", digest: $0.text(at: 2) ?? "", count: $0.int(at: 3) ?? 0) }
    }

    /// Audit entries matching `filter`, oldest first; an entity's id also finds its certificates'
    /// entries and those of the import batches that wrote its versions.
    static func entries(_ database: Database, _ filter: AuditFilter) throws -> [AuditEntry] {
        try database.prepare(
            """
            SELECT \(selectList)
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
              entry)
    }

    /// Every entry (`columns`), recorded by `cutoff` (nil: all), by seq.
    static func forEachEntry(_ database: Database, recordedBy cutoff: String?, _ body: (Statement) throws -> Void) throws {
        try database.prepare(
            "SELECT \(selectList) FROM audit_log WHERE (?1 IS NULL OR recorded_at <= ?1) ORDER BY seq"
        ).forEachRow([SQLValue(cutoff)], body)
    }

    /// When the newest entry was recorded (nil: the log is empty).
    static func lastRecordedAt(_ database: Database) throws -> String? {
        try database.scalarText("SELECT recorded_at FROM audit_log ORDER BY seq DESC LIMIT 1")
    }
}
