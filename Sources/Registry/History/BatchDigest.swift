import CSQLite
import Crypto
import SQLiteStore

/// The SHA-256 digest over every entity version an import batch wrote, kept in the batch's audit
/// entry (`versions_sha256`) so the hash chain covers each of those versions without an audit
/// entry per row: altering, adding or removing any of them breaks `audit verify`.
///
/// Each version is encoded from its SQL values in `columns` order (a type tag, then a length and
/// the bytes, so no two different rows encode alike) and hashed; the digest is SHA-256 over those
/// hashes, version 1s first in rowid order, then later versions by rowid and version. An import
/// inserts rows in rowid order and buffers only the updates' hashes; `verify` reads the same order.
struct BatchDigest {
    /// A version's columns, as `v_entity_history` names them.
    static let columns = EntityTable.versionColumns

    private var hasher = SHA256()
    private var updates: [(rowid: Int64, version: Int64, hash: SHA256.Digest)] = []
    private(set) var count = 0
    /// Reused for every version, so encoding one allocates nothing.
    private var encoding = EncodedRow()

    /// Adds a version written by the batch: `values` in `columns` order, for the entity at `rowid`.
    mutating func add(_ values: [SQLValue], rowid: Int64) {
        encoding.removeAll()
        for value in values { encoding.append(value) }
        let version: Int64
        if values.count > 1, case let .integer(number) = values[1] { version = number } else { version = 0 }
        add(encoded: encoding, rowid: rowid, version: version)
    }

    /// Lets `encode` write a version's values (`columns` first; more may follow) into a reused
    /// buffer and `write` bind and run them from it, and adds the version at the rowid `write` returns.
    mutating func record(
        version: Int64, encode: (inout EncodedRow) -> Void, write: (EncodedRow) throws -> Int64
    ) rethrows -> Int64 {
        encoding.removeAll()
        encode(&encoding)
        let rowid = try write(encoding)
        add(encoded: encoding, rowid: rowid, version: version)
        return rowid
    }

    /// Adds version `version` of the entity at `rowid`, whose first `columns.count` values are
    /// encoded in `row` (more may follow).
    mutating func add(encoded row: EncodedRow, rowid: Int64, version: Int64) {
        add(hash: row.withPrefix(values: Self.columns.count) { SHA256.hash(data: $0) }, rowid: rowid, version: version)
    }

    /// Adds a version read back from a statement whose first `columns.count` columns are `columns`.
    mutating func add(row: Statement, rowid: Int64) {
        encoding.removeAll()
        for index in 0..<Int32(Self.columns.count) { encoding.append(row, index) }
        add(encoded: encoding, rowid: rowid, version: Int64(row.int(at: 1) ?? 0))
    }

    private mutating func add(hash: SHA256.Digest, rowid: Int64, version: Int64) {
        count += 1
        if version == 1 {
            hash.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        } else {
            updates.append((rowid, version, hash))
        }
    }

    /// The digest as lower-case hex. New entities must have been added in rowid order.
    func finalize() -> String {
        var hasher = hasher
        for update in updates.sorted(by: { ($0.rowid, $0.version) < ($1.rowid, $1.version) }) {
            update.hash.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        }
        return hasher.finalize().hexString
    }
}

extension BatchDigest {
    /// Recomputes the digest of every import batch whose audit entry carries one; returns the
    /// first entry (lowest seq) whose versions no longer match it, with the reason.
    static func verify(_ database: Database) throws -> (seq: Int, reason: String)? {
        let entries = try AuditLog.versionDigests(database)
        guard !entries.isEmpty else { return nil }
        // One pass over the batches' versions, in each batch's digest order.
        var digests: [String: BatchDigest] = [:]
        try EntityStore.forEachVersion(in: database, batches: entries.map(\.batch)) { row, batch, rowid in
            digests[batch, default: BatchDigest()].add(row: row, rowid: rowid)
        }
        for entry in entries {
            let digest = digests[entry.batch] ?? BatchDigest()
            if digest.count != entry.count || digest.finalize() != entry.digest {
                return (entry.seq, "the \(entry.count) entity versions of import batch \(entry.batch) no longer match "
                    + "its digest (\(digest.count) found): an entity row or version was altered, added or removed")
            }
        }
        return nil
    }
}
