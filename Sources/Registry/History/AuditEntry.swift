import Crypto
import Foundation

/// One entry of the audit log.
public struct AuditEntry: Sendable, Equatable {
    public let seq: Int
    public let recordedAt: String
    public let actor: String
    public let action: String
    public let objectType: String
    public let objectID: String?
    /// Canonical JSON of the object before the change (nil when it did not exist).
    public let before: String?
    /// Canonical JSON of the object after the change.
    public let after: String?
    public let batchID: String?
    public let prevHash: String
    public let hash: String

    /// The entry as a JSON object with snake_case keys.
    public var json: JSONValue {
        .object([
            "seq": .int(seq), "recorded_at": .string(recordedAt), "actor": .string(actor),
            "action": .string(action), "object_type": .string(objectType), "object_id": .string(objectID),
            "before": .string(before), "after": .string(after), "batch_id": .string(batchID),
            "prev_hash": .string(prevHash), "hash": .string(hash),
        ])
    }

    /// SHA-256 over the previous hash and the canonical JSON of every other field: editing any
    /// column of any entry, or removing one, breaks the chain from there on.
    static func computeHash(
        seq: Int, recordedAt: String, actor: String, action: String, objectType: String,
        objectID: String?, before: String?, after: String?, batchID: String?, prevHash: String
    ) -> String {
        // The canonical JSON of the fields (keys in sorted order), written straight into the hashed bytes.
        var buffer = JSONBuffer()
        buffer.bytes.reserveCapacity(80 + (before?.utf8.count ?? 0) * 5 / 4 + (after?.utf8.count ?? 0) * 5 / 4)
        buffer += prevHash + "\n{\"action\":"
        JSONValue.writeString(action, to: &buffer)
        buffer += ",\"actor\":"
        JSONValue.writeString(actor, to: &buffer)
        buffer += ",\"after\":"
        writeOptional(after, to: &buffer)
        buffer += ",\"batch_id\":"
        writeOptional(batchID, to: &buffer)
        buffer += ",\"before\":"
        writeOptional(before, to: &buffer)
        buffer += ",\"object_id\":"
        writeOptional(objectID, to: &buffer)
        buffer += ",\"object_type\":"
        JSONValue.writeString(objectType, to: &buffer)
        buffer += ",\"recorded_at\":"
        JSONValue.writeString(recordedAt, to: &buffer)
        buffer += ",\"seq\":" + String(seq) + "}"
        return SHA256.hash(data: buffer.bytes).hexString
    }

    private static func writeOptional(_ text: String?, to buffer: inout JSONBuffer) {
        if let text { JSONValue.writeString(text, to: &buffer) } else { buffer += "null" }
    }
}
