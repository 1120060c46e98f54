import SQLiteStore

/// What happens to a certificate.
public enum CertificateEventType: String, Sendable, CaseIterable, Codable {
    case granted, renewed, suspended, reinstated, revoked, corrected
}

/// One recorded event of a certificate, bitemporal: `effectiveOn` (and the validity dates) are valid
/// time, from the decision; `recordedAt` is when the registry learned it.
public struct CertificateEvent: Equatable, Sendable {
    public let id: String
    public let certificateID: String
    public let type: CertificateEventType
    /// The day the event takes effect.
    public let effectiveOn: LocalDate
    /// Start of validity (grants, and corrections of them).
    public let validFrom: LocalDate?
    /// End of validity (grants and renewals); nil for an open-ended status.
    public let validTo: LocalDate?
    public let decisionNo: String?
    public let decidedOn: LocalDate?
    public let issuer: String?
    public let scope: String?
    public let reason: String?
    /// For a correction: the event it supersedes.
    public let corrects: String?
    public let recordedAt: String
    public let actor: String
    public let batchID: String?

    /// The event as a JSON object with snake_case keys.
    public var json: JSONValue {
        .object([
            "id": .string(id), "certificate_id": .string(certificateID), "event": .string(type.rawValue),
            "effective_on": .string(effectiveOn.description), "valid_from": .string(validFrom?.description),
            "valid_to": .string(validTo?.description), "decision_no": .string(decisionNo),
            "decided_on": .string(decidedOn?.description), "issuer": .string(issuer), "scope": .string(scope),
            "reason": .string(reason), "corrects": .string(corrects), "recorded_at": .string(recordedAt),
            "actor": .string(actor), "batch_id": .string(batchID),
        ])
    }
}
