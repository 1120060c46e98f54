/// Imports certificate events: a grant creates a certificate, other events apply to the certificate
/// named by `certificate_id` (else the entity's latest certificate of the scheme). An event the
/// registry already holds (same id, or same kind and day) is left alone, so re-imports change nothing.
struct CertificateRowImporter: RowImporter {
    let registry: Registry

    static let schema = ImportSchema(
        target: .certificates,
        // In the order `export certificates` writes the columns.
        fields: EntityReference.fields.merging([
            "certificate_id": ["id certyfikatu", "certyfikat", "certificate"],
            "scheme": ["schemat", "znak", "rodzaj certyfikatu", "status"],
            "event_id": ["id zdarzenia"],
            "event": ["zdarzenie", "czynność", "type"],
            "effective_on": ["data", "data zdarzenia", "obowiązuje od", "date"],
            "valid_from": ["ważny od", "wazny od", "od"],
            "valid_to": ["ważny do", "wazny do", "do"],
            "decision_no": ["numer decyzji", "nr decyzji", "numer licencji", "nr licencji", "decision"],
            "decided_on": ["data decyzji"],
            "issuer": ["wydający", "organ", "licencjodawca"],
            "scope": ["zakres", "produkty i usługi", "produkty", "usługi"],
            "reason": ["przyczyna", "uzasadnienie", "powód"],
            "corrects": ["koryguje", "poprawia"],
        ]) { $1 },
        requiredFields: [EntityReference.required, ["scheme"]],
        ignoredColumns: ["name", "entity_name", "superseded", "recorded_at", "actor"])

    private static let eventNames: [String: CertificateEventType] = {
        var table: [String: CertificateEventType] = [:]
        for type in CertificateEventType.allCases { table[type.rawValue] = type }
        for (name, type) in [("grant", .granted), ("przyznanie", .granted), ("nadanie", .granted), ("wpis", .granted),
                             ("renew", .renewed), ("przedluzenie", .renewed), ("odnowienie", .renewed),
                             ("suspend", .suspended), ("zawieszenie", .suspended),
                             ("reinstate", .reinstated), ("przywrocenie", .reinstated), ("odwieszenie", .reinstated),
                             ("revoke", .revoked), ("cofniecie", .revoked), ("odebranie", .revoked), ("utrata", .revoked),
                             ("wykreslenie", .revoked), ("correct", .corrected), ("korekta", .corrected)] as [(String, CertificateEventType)] {
            table[name] = type
        }
        return table
    }()

    mutating func apply(_ row: ImportRow, context: ChangeContext) throws -> RowOutcome {
        let entityID = try EntityReference.resolve(row, in: registry)
        let scheme = try registry.scheme(row["scheme"] ?? "").code
        let type = try row.nonEmpty("event").map { text in
            guard let type = Self.eventNames[TextFolding.fold(text)] else {
                throw RegistryError.invalidValue(
                    field: "event", value: text, rule: "unknown event; use granted, renewed, suspended, reinstated, revoked or corrected")
            }
            return type
        } ?? .granted
        let eventID = try row.nonEmpty("event_id").map { try Self.identifier($0, field: "event_id") }
        let certificateID = try row.nonEmpty("certificate_id").map { try Self.identifier($0, field: "certificate_id") }
        let store = registry.certificates
        if let eventID, try store.eventExists(eventID) {
            return RowOutcome(action: "unchanged", id: certificateID ?? eventID)
        }
        let details = CertificateDetails(
            validFrom: try ImportIDs.date(row, "valid_from"), validTo: try ImportIDs.date(row, "valid_to"),
            decisionNo: row.nonEmpty("decision_no"), decidedOn: try ImportIDs.date(row, "decided_on"),
            issuer: row.nonEmpty("issuer"), scope: row.nonEmpty("scope"), reason: row.nonEmpty("reason"))
        let effectiveOn = try ImportIDs.date(row, "effective_on")

        if type == .granted {
            var details = details
            details.validFrom = details.validFrom ?? effectiveOn
            if let certificateID, try store.exists(certificateID) {
                return RowOutcome(action: "unchanged", id: certificateID)
            }
            if let validFrom = details.validFrom, let same = try store.sameGrant(entityID: entityID, scheme: scheme, validFrom: validFrom) {
                return RowOutcome(action: "unchanged", id: same)
            }
            let certificate = try registry.insertGrant(
                entity: entityID, scheme: scheme, details: details, certificateID: certificateID, eventID: eventID, context: context)
            return RowOutcome(action: "insert", id: certificate.id)
        }

        let target = try certificateID ?? latestCertificate(entityID: entityID, scheme: scheme, in: store)
        let (owner, _, events) = try registry.certificateRecord(target)
        guard owner == entityID else {
            throw RegistryError.invalidValue(field: "certificate_id", value: target, rule: "belongs to another entity (\(owner))")
        }
        if type == .corrected {
            let corrects = try row.nonEmpty("corrects").map { try Self.identifier($0, field: "corrects") }
            let certificate = try registry.insertCorrection(
                target, event: corrects, effectiveOn: effectiveOn, details: details, eventID: eventID, context: context)
            return RowOutcome(action: "update", id: certificate.id)
        }
        guard let date = effectiveOn else {
            throw RegistryError.invalidValue(field: "effective_on", value: "", rule: "is required for a \(type.rawValue) event")
        }
        if events.contains(where: { $0.type == type && $0.effectiveOn == date }) {
            return RowOutcome(action: "unchanged", id: target)
        }
        let certificate = try registry.insertEvent(target, type, on: date, details: details, eventID: eventID, context: context)
        return RowOutcome(action: "update", id: certificate.id)
    }

    private static func identifier(_ text: String, field: String) throws -> String {
        guard Identifier.isIdentifier(text) else {
            throw RegistryError.invalidValue(field: field, value: text, rule: "is not a registry id (UUID)")
        }
        return text.lowercased()
    }

    private func latestCertificate(entityID: String, scheme: String, in store: CertificateStore) throws -> String {
        guard let id = try store.latest(entityID: entityID, scheme: scheme) else {
            throw RegistryError.invalidValue(field: "scheme", value: scheme, rule: "the entity holds no certificate of this scheme to apply the event to")
        }
        return id
    }
}
