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

    static let selectColumns = """
        id, certificate_id, event, effective_on, valid_from, valid_to, decision_no, decided_on, issuer, scope, reason,
        corrects, recorded_at, actor, batch_id
        """

    static func from(_ row: Statement) -> CertificateEvent {
        func date(_ index: Int32) -> LocalDate? { row.text(at: index).flatMap { LocalDate(iso: $0) } }
        return CertificateEvent(
            id: row.text(at: 0) ?? "", certificateID: row.text(at: 1) ?? "",
            type: CertificateEventType(rawValue: row.text(at: 2) ?? "") ?? .corrected,
            effectiveOn: date(3) ?? LocalDate(daysSinceEpoch: 0), validFrom: date(4), validTo: date(5),
            decisionNo: row.text(at: 6), decidedOn: date(7), issuer: row.text(at: 8), scope: row.text(at: 9),
            reason: row.text(at: 10), corrects: row.text(at: 11), recordedAt: row.text(at: 12) ?? "",
            actor: row.text(at: 13) ?? "", batchID: row.text(at: 14))
    }
}
