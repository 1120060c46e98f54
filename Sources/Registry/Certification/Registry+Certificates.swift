import Foundation
import SQLiteStore

/// The details a decision carries; which apply depends on the event.
public struct CertificateDetails: Sendable, Equatable {
    public var validFrom: LocalDate?
    public var validTo: LocalDate?
    public var decisionNo: String?
    public var decidedOn: LocalDate?
    public var issuer: String?
    public var scope: String?
    public var reason: String?

    public init(validFrom: LocalDate? = nil, validTo: LocalDate? = nil, decisionNo: String? = nil,
                decidedOn: LocalDate? = nil, issuer: String? = nil, scope: String? = nil, reason: String? = nil) {
        self.validFrom = validFrom
        self.validTo = validTo
        self.decisionNo = decisionNo
        self.decidedOn = decidedOn
        self.issuer = issuer
        self.scope = scope
        self.reason = reason
    }
}

extension Registry {
    // MARK: Schemes

    var certificates: CertificateStore { CertificateStore(database: database) }

    /// Every scheme, by code.
    public func schemes() throws -> [Scheme] {
        try certificates.schemes()
    }

    /// The scheme with `code`.
    public func scheme(_ code: String) throws -> Scheme {
        guard let scheme = try schemes().first(where: { $0.code == code }) else {
            let known = try schemes().map(\.code).joined(separator: ", ")
            throw RegistryError.invalidValue(field: "scheme", value: code, rule: "is not a known scheme; use one of: \(known)")
        }
        return scheme
    }

    /// Adds a scheme (a new mark, status or register).
    public func addScheme(_ scheme: Scheme) throws {
        guard scheme.code.range(of: "^[a-z0-9]+(-[a-z0-9]+)*$", options: .regularExpression) != nil else {
            throw RegistryError.invalidValue(field: "code", value: scheme.code, rule: "must be lower-case letters, digits and dashes")
        }
        guard !scheme.name.isEmpty else { throw RegistryError.invalidValue(field: "name", value: "", rule: "is required") }
        if let months = scheme.defaultValidityMonths, months <= 0 {
            throw RegistryError.invalidValue(field: "validity_months", value: String(months), rule: "must be at least 1")
        }
        try write { context in
            if try certificates.schemeExists(scheme.code) {
                throw RegistryError.conflict(field: "scheme", value: scheme.code, existing: "an existing scheme")
            }
            try certificates.insert(scheme, recordedAt: context.recordedAt)
            try audit.append(recordedAt: context.recordedAt, actor: context.actor, action: "scheme.add", objectType: "scheme",
                             objectID: scheme.code, before: nil, after: scheme.json, batchID: nil)
        }
    }

    // MARK: Events

    /// Grants a certificate of `scheme` to `entity`; derives the end of validity from the scheme when not given.
    @discardableResult
    public func grantCertificate(entity: String, scheme code: String, details: CertificateDetails) throws -> Certificate {
        try write { context in
            try insertGrant(entity: entity, scheme: code, details: details, certificateID: nil, eventID: nil, context: context)
        }
    }

    /// Records a renewal, suspension, reinstatement or revocation taking effect on `date`.
    @discardableResult
    public func recordCertificateEvent(
        _ certificateID: String, _ type: CertificateEventType, on date: LocalDate, details: CertificateDetails = CertificateDetails()
    ) throws -> Certificate {
        guard [.renewed, .suspended, .reinstated, .revoked].contains(type) else {
            throw RegistryError.usage("use grantCertificate or correctCertificate for \(type.rawValue)")
        }
        return try write { context in
            try insertEvent(certificateID, type, on: date, details: details, eventID: nil, context: context)
        }
    }

    /// Corrects a wrongly recorded event (by default the latest one): a new record supersedes it,
    /// the old one stays in history. Fields not given keep the corrected event's values.
    @discardableResult
    public func correctCertificate(
        _ certificateID: String, event eventID: String? = nil, effectiveOn: LocalDate? = nil, details: CertificateDetails
    ) throws -> Certificate {
        try write { context in
            try insertCorrection(certificateID, event: eventID, effectiveOn: effectiveOn, details: details,
                                 eventID: nil, context: context)
        }
    }

    func insertGrant(
        entity: String, scheme code: String, details: CertificateDetails, certificateID: String?, eventID: String?,
        context: ChangeContext
    ) throws -> Certificate {
        let holder = try self.entity(entity)
        let scheme = try self.scheme(code)
        guard scheme.eligibleKinds.contains(holder.fields.kind) else {
            throw RegistryError.invalidValue(
                field: "scheme", value: code,
                rule: "cannot be granted to kind \(holder.fields.kind.rawValue) (\(holder.fields.kind.polishName)); eligible kinds: "
                    + scheme.eligibleKinds.map(\.rawValue).joined(separator: ", "))
        }
        guard let validFrom = details.validFrom else {
            throw RegistryError.invalidValue(field: "valid_from", value: "", rule: "is required for a grant")
        }
        if scheme.scoped, (details.scope ?? "").isEmpty {
            throw RegistryError.invalidValue(
                field: "scope", value: "", rule: "is required: \(scheme.code) covers named products or services")
        }
        if let absence = holder.absence(on: validFrom) {
            throw RegistryError.invalidValue(
                field: "valid_from", value: validFrom.description,
                rule: "a certificate cannot be granted for a day its holder does not exist; \(absence)")
        }
        var details = details
        details.validTo = details.validTo ?? scheme.defaultValidTo(from: validFrom)
        let id = certificateID ?? Identifier.make(at: clock.date())
        if try certificates.exists(id) {
            throw RegistryError.conflict(field: "certificate_id", value: id, existing: "an existing certificate")
        }
        try certificates.insertCertificate(id: id, entityID: holder.id, scheme: code, context: context)
        let event = CertificateEvent(
            id: eventID ?? Identifier.make(at: clock.date()), certificateID: id, type: .granted, effectiveOn: validFrom,
            validFrom: validFrom, validTo: details.validTo, decisionNo: details.decisionNo, decidedOn: details.decidedOn,
            issuer: details.issuer, scope: details.scope, reason: details.reason, corrects: nil,
            recordedAt: context.recordedAt, actor: context.actor, batchID: context.batchID)
        return try append(event, to: id, entityID: holder.id, scheme: code, context: context)
    }

    func insertEvent(
        _ certificateID: String, _ type: CertificateEventType, on date: LocalDate, details: CertificateDetails,
        eventID: String?, context: ChangeContext
    ) throws -> Certificate {
        let (entityID, scheme, events) = try certificateRecord(certificateID)
        let timeline = CertificateTimeline(certificateID: certificateID, events: events)
        if let grant = timeline.grant, date < grant.effectiveOn {
            throw RegistryError.invalidTransition(
                certificate: certificateID, state: timeline.state(on: date).rawValue, event: type.rawValue,
                reason: "\(date) is before the grant (\(grant.effectiveOn))")
        }
        if let last = timeline.events.last, date < last.effectiveOn {
            throw RegistryError.invalidTransition(
                certificate: certificateID, state: timeline.state(on: date).rawValue, event: type.rawValue,
                reason: "\(date) is before the latest event (\(last.type.rawValue) on \(last.effectiveOn)); use `cert correct` to fix earlier records")
        }
        if type == .renewed, details.validTo == nil {
            throw RegistryError.invalidValue(field: "valid_to", value: "", rule: "is required for a renewal")
        }
        if type == .renewed || type == .reinstated {
            try checkHolderExists(entityID, on: date, certificateID: certificateID, type: type)
        }
        let event = CertificateEvent(
            id: eventID ?? Identifier.make(at: clock.date()), certificateID: certificateID, type: type, effectiveOn: date,
            validFrom: nil, validTo: type == .renewed ? details.validTo : nil, decisionNo: details.decisionNo,
            decidedOn: details.decidedOn, issuer: details.issuer, scope: details.scope, reason: details.reason,
            corrects: nil, recordedAt: context.recordedAt, actor: context.actor, batchID: context.batchID)
        return try append(event, to: certificateID, entityID: entityID, scheme: scheme, context: context, previous: events)
    }

    func insertCorrection(
        _ certificateID: String, event target: String?, effectiveOn: LocalDate?, details: CertificateDetails,
        eventID: String?, context: ChangeContext
    ) throws -> Certificate {
        let (entityID, scheme, events) = try certificateRecord(certificateID)
        let timeline = CertificateTimeline(certificateID: certificateID, events: events)
        let rootID: String
        if let target {
            // A correction of a correction corrects the same original event.
            guard let named = events.first(where: { $0.id == target }) else {
                throw RegistryError.notFound(kind: "event of certificate \(certificateID)", reference: target)
            }
            rootID = named.corrects ?? named.id
        } else {
            guard let latest = timeline.events.last else {
                throw RegistryError.notFound(kind: "event of certificate \(certificateID)", reference: "latest")
            }
            rootID = latest.rootID
        }
        guard let current = timeline.events.first(where: { $0.rootID == rootID }) else {
            throw RegistryError.notFound(kind: "event of certificate \(certificateID)", reference: rootID)
        }
        let event = CertificateEvent(
            id: eventID ?? Identifier.make(at: clock.date()), certificateID: certificateID, type: .corrected,
            effectiveOn: effectiveOn ?? (current.type == .granted ? details.validFrom : nil) ?? current.effectiveOn,
            validFrom: current.type == .granted ? (details.validFrom ?? current.validFrom) : nil,
            validTo: [.granted, .renewed].contains(current.type) ? (details.validTo ?? current.validTo) : nil,
            decisionNo: details.decisionNo ?? current.decisionNo, decidedOn: details.decidedOn ?? current.decidedOn,
            issuer: details.issuer ?? current.issuer, scope: details.scope ?? current.scope,
            reason: details.reason ?? current.reason, corrects: rootID, recordedAt: context.recordedAt,
            actor: context.actor, batchID: context.batchID)
        // A correction that moves a grant, renewal or reinstatement to another day is held to the same rule.
        let day = current.type == .granted ? (event.validFrom ?? event.effectiveOn) : event.effectiveOn
        let currentDay = current.type == .granted ? (current.validFrom ?? current.effectiveOn) : current.effectiveOn
        if [.granted, .renewed, .reinstated].contains(current.type), day != currentDay {
            try checkHolderExists(entityID, on: day, certificateID: certificateID, type: current.type)
        }
        return try append(event, to: certificateID, entityID: entityID, scheme: scheme, context: context, previous: events)
    }

    /// Refuses a grant, renewal or reinstatement of `certificateID` taking effect on a day its holder does not exist.
    private func checkHolderExists(_ entityID: String, on day: LocalDate, certificateID: String, type: CertificateEventType) throws {
        guard let holder = try entities.entity(id: entityID) else {
            throw RegistryError.notFound(kind: "entity", reference: entityID)
        }
        if let absence = holder.absence(on: day) {
            throw RegistryError.invalidValue(
                field: type == .granted ? "valid_from" : "effective_on", value: day.description,
                rule: "certificate \(certificateID) cannot be \(type.rawValue) for a day its holder does not exist; \(absence)")
        }
    }

    /// Refuses a certificate whose validity (`timeline`'s) overlaps another certificate of the same
    /// scheme, holder and scope: the registry holds one certificate for a thing at a time.
    private func checkNoOverlap(_ timeline: CertificateTimeline, entityID: String, scheme: String) throws {
        guard let span = timeline.validitySpan else { return }
        func scope(_ text: String?) -> String? { text.flatMap { $0.isEmpty ? nil : $0 } }
        func describe(_ span: (from: LocalDate, to: LocalDate)) -> String {
            span.to == CertificateTimeline.openEnd ? "\(span.from), open-ended" : "\(span.from) to \(span.to)"
        }
        for other in try certificates.records(entityID: entityID, scheme: scheme) where other.id != timeline.certificateID {
            let existing = CertificateTimeline(certificateID: other.id, events: other.events)
            guard scope(existing.scope) == scope(timeline.scope), let held = existing.validitySpan,
                  held.from <= span.to, span.from <= held.to else { continue }
            let scopeText = scope(timeline.scope).map { "the same scope \(RegistryError.quoted($0))" } ?? "no scope either"
            throw RegistryError.invalidValue(
                field: "validity", value: describe(span),
                rule: "overlaps certificate \(other.id) of \(scheme) held by entity \(entityID) with \(scopeText), "
                    + "valid \(describe(held)); renew or correct that certificate instead")
        }
    }

    /// Checks the timeline with `event` added, then writes the event, the periods cache and the audit entry.
    private func append(
        _ event: CertificateEvent, to certificateID: String, entityID: String, scheme: String, context: ChangeContext,
        previous: [CertificateEvent] = []
    ) throws -> Certificate {
        let before = CertificateTimeline(certificateID: certificateID, events: previous)
        let after = CertificateTimeline(certificateID: certificateID, events: previous + [event])
        try after.validate()
        if [.granted, .renewed, .corrected].contains(event.type) {
            try checkNoOverlap(after, entityID: entityID, scheme: scheme)
        }
        try certificates.append(event, entityID: entityID, scheme: scheme, periods: after.periods)
        let day = event.effectiveOn
        let certificate = Certificate(id: certificateID, entityID: entityID, scheme: scheme, timeline: after, on: day)
        try audit.append(
            recordedAt: context.recordedAt, actor: context.actor, action: "certificate.\(event.type.rawValue)",
            objectType: "certificate", objectID: certificateID,
            before: previous.isEmpty ? nil : Certificate(id: certificateID, entityID: entityID, scheme: scheme, timeline: before, on: day).json,
            after: certificate.json, batchID: context.batchID)
        if event.scope != nil { try entities.refreshSearch(entityID: entityID) }
        return certificate
    }

    /// A certificate's holder, scheme and every recorded event.
    func certificateRecord(_ id: String) throws -> (entityID: String, scheme: String, events: [CertificateEvent]) {
        guard let record = try certificates.record(id.lowercased()) else {
            throw RegistryError.notFound(kind: "certificate", reference: id)
        }
        return record
    }

    // MARK: Questions auditors ask

    /// The certificate as known at `recordedAt` (default now), with its state on `day` (default today).
    public func certificate(_ id: String, on day: LocalDate? = nil, recordedAt: String? = nil) throws -> Certificate {
        let (entityID, scheme, events) = try certificateRecord(id)
        let timeline = CertificateTimeline(certificateID: id.lowercased(), events: events, knownAt: recordedAt)
        return Certificate(id: id.lowercased(), entityID: entityID, scheme: scheme, timeline: timeline, on: day ?? today)
    }

    /// Every certificate of an entity (or the one certificate `reference` names) with all its events.
    public func certificateHistory(
        _ reference: String, on day: LocalDate? = nil, recordedAt: String? = nil
    ) throws -> [CertificateHistory] {
        let ids: [String]
        if Identifier.isIdentifier(reference),
           try certificates.exists(reference.lowercased()) {
            ids = [reference.lowercased()]
        } else {
            let entityID = try resolveEntity(reference)
            ids = try certificates.ids(ofEntity: entityID)
        }
        return try ids.compactMap { id in
            let (entityID, scheme, recorded) = try certificateRecord(id)
            // As known at `recordedAt`: the events recorded by then; a certificate with none was not known yet.
            let events = recordedAt.map { cutoff in recorded.filter { $0.recordedAt <= cutoff } } ?? recorded
            guard !events.isEmpty else { return nil }
            let timeline = CertificateTimeline(certificateID: id, events: events)
            return CertificateHistory(
                certificate: Certificate(id: id, entityID: entityID, scheme: scheme, timeline: timeline, on: day ?? today),
                events: events, superseded: Set(events.compactMap(\.corrects)))
        }
    }


    /// Who held a valid certificate of `scheme` on `day`, as the registry knew it at `recordedAt`
    /// (nil: now), optionally within a TERYT prefix.
    public func holders(scheme code: String, on day: LocalDate? = nil, recordedAt: String? = nil, region: String? = nil) throws -> [Holder] {
        _ = try scheme(code)
        let day = day ?? today
        let prefix = try region.map(Self.regionPrefix)
        let records: [CertificateRecord]
        if let recordedAt {
            records = try certificates.records(scheme: code, recordedBy: recordedAt, holderExistsOn: day)
        } else {
            // Current knowledge: the periods cache answers with an index range scan.
            records = try certificates.records(scheme: code, heldOn: day)
        }
        let holdersByID = try entities.entities(ids: Set(records.map(\.entityID)))
        var holders: [Holder] = []
        for (id, entityID, scheme, events) in records {
            let timeline = CertificateTimeline(certificateID: id, events: events, knownAt: recordedAt)
            guard timeline.isHeld(on: day) else { continue }
            guard let entity = holdersByID[entityID] else { continue }
            if let prefix, !(entity.fields.teryt ?? "").hasPrefix(prefix) { continue }
            holders.append(Holder(
                entityID: entityID, name: entity.fields.name, nip: entity.fields.nip, teryt: entity.fields.teryt,
                certificate: Certificate(id: id, entityID: entityID, scheme: scheme, timeline: timeline, on: day)))
        }
        return holders.sorted { ($0.name, $0.certificate.id) < ($1.name, $1.certificate.id) }
    }

    /// Certificates held today whose validity ends within `days` days, soonest first.
    public func expiring(within days: Int = 30, scheme code: String? = nil) throws -> [Holder] {
        let day = today
        let until = day.adding(days: days)
        let ids = try certificates.idsEnding(scheme: code, heldOn: day, by: until)
        var result: [Holder] = []
        for id in ids {
            let (entityID, scheme, events) = try certificateRecord(id)
            let timeline = CertificateTimeline(certificateID: id, events: events)
            guard let end = timeline.validity().to, end >= day, end <= until, timeline.isHeld(on: day),
                  let entity = try entities.entity(id: entityID) else { continue }
            result.append(Holder(
                entityID: entityID, name: entity.fields.name, nip: entity.fields.nip, teryt: entity.fields.teryt,
                certificate: Certificate(id: id, entityID: entityID, scheme: scheme, timeline: timeline, on: day)))
        }
        return result.sorted { ($0.certificate.validTo?.description ?? "", $0.name) < ($1.certificate.validTo?.description ?? "", $1.name) }
    }
}
