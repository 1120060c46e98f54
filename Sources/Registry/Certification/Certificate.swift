/// A certificate as the registry knows it at some time: identity, holder, scheme and derived state.
public struct Certificate: Equatable, Sendable {
    public let id: String
    public let entityID: String
    public let scheme: String
    /// Validity as the events set it (after corrections).
    public let validFrom: LocalDate?
    public let validTo: LocalDate?
    /// The state on `stateDay`.
    public let state: CertificateState
    public let stateDay: LocalDate
    /// The latest decision number, issuer and scope the events carry.
    public let decisionNo: String?
    public let issuer: String?
    public let scope: String?

    /// The certificate as a JSON object with snake_case keys.
    public var json: JSONValue {
        .object([
            "id": .string(id), "entity_id": .string(entityID), "scheme": .string(scheme),
            "valid_from": .string(validFrom?.description), "valid_to": .string(validTo?.description),
            "state": .string(state.rawValue), "state_on": .string(stateDay.description),
            "decision_no": .string(decisionNo), "issuer": .string(issuer), "scope": .string(scope),
        ])
    }

    init(id: String, entityID: String, scheme: String, timeline: CertificateTimeline, on day: LocalDate) {
        self.id = id
        self.entityID = entityID
        self.scheme = scheme
        let validity = timeline.validity()
        validFrom = validity.from
        validTo = validity.to
        state = timeline.state(on: day)
        stateDay = day
        decisionNo = timeline.events.last { $0.decisionNo != nil }?.decisionNo
        issuer = timeline.events.last { $0.issuer != nil }?.issuer
        scope = timeline.scope
    }
}

/// A holder of a certificate on a day.
public struct Holder: Equatable, Sendable {
    public let entityID: String
    public let name: String
    public let nip: String?
    public let teryt: String?
    public let certificate: Certificate

    /// The row as JSON: entity_id, name, nip, teryt, certificate_id, scheme, valid_from, valid_to, issuer, scope.
    public var json: JSONValue {
        .object([
            "entity_id": .string(entityID), "name": .string(name), "nip": .string(nip), "teryt": .string(teryt),
            "certificate_id": .string(certificate.id), "scheme": .string(certificate.scheme),
            "valid_from": .string(certificate.validFrom?.description), "valid_to": .string(certificate.validTo?.description),
            "decision_no": .string(certificate.decisionNo), "issuer": .string(certificate.issuer),
            "scope": .string(certificate.scope),
        ])
    }

    /// Column order for CSV and tables.
    public static let columns = ["entity_id", "name", "nip", "teryt", "certificate_id", "scheme", "valid_from", "valid_to",
                                 "decision_no", "issuer", "scope"]
}

/// A certificate with every event ever recorded for it, superseded ones included.
public struct CertificateHistory: Sendable {
    public let certificate: Certificate
    public let events: [CertificateEvent]
    /// Ids of events a later correction superseded.
    public let superseded: Set<String>

    /// The history as JSON: the certificate and its events in recorded order.
    public var json: JSONValue {
        guard case var .object(object) = certificate.json else { return certificate.json }
        object["events"] = .array(events.map { event in
            guard case var .object(fields) = event.json else { return event.json }
            fields["superseded"] = .bool(superseded.contains(event.id))
            return .object(fields)
        })
        return .object(object)
    }
}
