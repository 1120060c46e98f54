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

    /// Every scheme, by code.
    public func schemes() throws -> [Scheme] {
        let kinds = Dictionary(grouping: try database.rows("SELECT scheme_code, kind FROM scheme_kinds ORDER BY kind") {
            ($0.text(at: 0) ?? "", EntityKind(rawValue: $0.text(at: 1) ?? ""))
        }, by: \.0).mapValues { $0.compactMap(\.1) }
        return try database.rows(
            "SELECT code, name, issuer_type, default_validity_months, scoped, description FROM schemes ORDER BY code"
        ) { row in
            let code = row.text(at: 0) ?? ""
            return Scheme(code: code, name: row.text(at: 1) ?? "", issuerType: row.text(at: 2) ?? "",
                          defaultValidityMonths: row.int(at: 3), scoped: row.int(at: 4) == 1,
                          eligibleKinds: kinds[code] ?? [], description: row.text(at: 5))
        }
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
            if try database.scalarInt("SELECT count(*) FROM schemes WHERE code = ?", [.text(scheme.code)]) ?? 0 > 0 {
                throw RegistryError.conflict(field: "scheme", value: scheme.code, existing: "an existing scheme")
            }
            try database.run(
                "INSERT INTO schemes (code, name, issuer_type, default_validity_months, scoped, description, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [.text(scheme.code), .text(scheme.name), .text(scheme.issuerType), SQLValue(scheme.defaultValidityMonths),
                 .integer(scheme.scoped ? 1 : 0), SQLValue(scheme.description), .text(context.recordedAt)])
            for kind in Set(scheme.eligibleKinds) {
                try database.run("INSERT INTO scheme_kinds (scheme_code, kind) VALUES (?, ?)", [.text(scheme.code), .text(kind.rawValue)])
            }
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
        var details = details
        details.validTo = details.validTo ?? scheme.defaultValidTo(from: validFrom)
        let id = certificateID ?? Identifier.make(at: clock.date())
        if try database.scalarInt("SELECT count(*) FROM certificates WHERE id = ?", [.text(id)]) ?? 0 > 0 {
            throw RegistryError.conflict(field: "certificate_id", value: id, existing: "an existing certificate")
        }
        try database.run(
            "INSERT INTO certificates (id, entity_id, scheme_code, recorded_at, actor, batch_id) VALUES (?, ?, ?, ?, ?, ?)",
            [.text(id), .text(holder.id), .text(code), .text(context.recordedAt), .text(context.actor), SQLValue(context.batchID)])
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
        return try append(event, to: certificateID, entityID: entityID, scheme: scheme, context: context, previous: events)
    }

    /// Checks the timeline with `event` added, then writes the event, the periods cache and the audit entry.
    private func append(
        _ event: CertificateEvent, to certificateID: String, entityID: String, scheme: String, context: ChangeContext,
        previous: [CertificateEvent] = []
    ) throws -> Certificate {
        let before = CertificateTimeline(certificateID: certificateID, events: previous)
        let after = CertificateTimeline(certificateID: certificateID, events: previous + [event])
        try after.validate()
        try database.run(
            """
            INSERT INTO certificate_events (id, certificate_id, event, effective_on, valid_from, valid_to, decision_no,
                decided_on, issuer, scope, reason, corrects, recorded_at, actor, batch_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [.text(event.id), .text(certificateID), .text(event.type.rawValue), .text(event.effectiveOn.description),
             SQLValue(event.validFrom?.description), SQLValue(event.validTo?.description), SQLValue(event.decisionNo),
             SQLValue(event.decidedOn?.description), SQLValue(event.issuer), SQLValue(event.scope), SQLValue(event.reason),
             SQLValue(event.corrects), .text(event.recordedAt), .text(event.actor), SQLValue(event.batchID)])
        try database.run("DELETE FROM certificate_periods WHERE certificate_id = ?", [.text(certificateID)])
        for period in after.periods {
            try database.run(
                """
                INSERT INTO certificate_periods (certificate_id, entity_id, scheme_code, held_from, held_to, entity_rowid)
                VALUES (?1, ?2, ?3, ?4, ?5, (SELECT rowid FROM entities WHERE id = ?2))
                """,
                [.text(certificateID), .text(entityID), .text(scheme), .text(period.from.description), .text(period.to.description)])
        }
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

    /// The holder, scheme and every recorded event of each certificate whose id `candidates` (SQL
    /// selecting one column, with `values` bound) lists: two queries in all, where asking for each
    /// certificate took three per holder (10,000 holders: 0.3–0.45 s at a million entities).
    func certificateRecords(
        _ candidates: String, _ values: [SQLValue]
    ) throws -> [(id: String, entityID: String, scheme: String, events: [CertificateEvent])] {
        var records: [(id: String, entityID: String, scheme: String, events: [CertificateEvent])] = []
        let columns = CertificateEvent.selectColumns.split(separator: ",").map { "ev." + $0.trimmed }.joined(separator: ", ")
        try database.prepare(
            """
            SELECT \(columns), c.entity_id, c.scheme_code FROM certificates c
            JOIN certificate_events ev ON ev.certificate_id = c.id
            WHERE c.id IN (\(candidates))
            ORDER BY c.id, ev.recorded_at, ev.id
            """
        ).forEachRow(values) { row in
            let event = CertificateEvent.from(row)
            if records.last?.id == event.certificateID {
                records[records.count - 1].events.append(event)
            } else {
                records.append((event.certificateID, row.text(at: 15) ?? "", row.text(at: 16) ?? "", [event]))
            }
        }
        return records
    }

    /// A certificate's holder, scheme and every recorded event.
    func certificateRecord(_ id: String) throws -> (entityID: String, scheme: String, events: [CertificateEvent]) {
        let key = id.lowercased()
        guard let (entityID, scheme) = try database.first(
            "SELECT entity_id, scheme_code FROM certificates WHERE id = ?", [.text(key)], { ($0.text(at: 0) ?? "", $0.text(at: 1) ?? "") })
        else { throw RegistryError.notFound(kind: "certificate", reference: id) }
        let events = try database.rows(
            "SELECT \(CertificateEvent.selectColumns) FROM certificate_events WHERE certificate_id = ? ORDER BY recorded_at, id",
            [.text(key)], CertificateEvent.from)
        return (entityID, scheme, events)
    }

    // MARK: Questions auditors ask

    /// The certificate as known at `recordedAt` (default now), with its state on `day` (default today).
    public func certificate(_ id: String, on day: LocalDate? = nil, recordedAt: String? = nil) throws -> Certificate {
        let (entityID, scheme, events) = try certificateRecord(id)
        let timeline = CertificateTimeline(certificateID: id.lowercased(), events: events, knownAt: recordedAt)
        return Certificate(id: id.lowercased(), entityID: entityID, scheme: scheme, timeline: timeline, on: day ?? today)
    }

    /// Every certificate of an entity (or the one certificate `reference` names) with all its events.
    public func certificateHistory(_ reference: String) throws -> [CertificateHistory] {
        let ids: [String]
        if Identifier.isIdentifier(reference),
           try database.scalarInt("SELECT count(*) FROM certificates WHERE id = ?", [.text(reference.lowercased())]) ?? 0 > 0 {
            ids = [reference.lowercased()]
        } else {
            let entityID = try resolveEntity(reference)
            ids = try database.rows("SELECT id FROM certificates WHERE entity_id = ? ORDER BY recorded_at, id", [.text(entityID)]) {
                $0.text(at: 0) ?? ""
            }
        }
        return try ids.map { id in
            let (entityID, scheme, events) = try certificateRecord(id)
            let timeline = CertificateTimeline(certificateID: id, events: events)
            return CertificateHistory(
                certificate: Certificate(id: id, entityID: entityID, scheme: scheme, timeline: timeline, on: today),
                events: events, superseded: Set(events.compactMap(\.corrects)))
        }
    }

    /// Who held a valid certificate of `scheme` on `day`, as the registry knew it at `recordedAt`
    /// (nil: now), optionally within a TERYT prefix.
    public func holders(scheme code: String, on day: LocalDate? = nil, recordedAt: String? = nil, region: String? = nil) throws -> [Holder] {
        _ = try scheme(code)
        let day = day ?? today
        let prefix = try region.map(Self.regionPrefix)
        let candidates: String
        let values: [SQLValue]
        if recordedAt == nil {
            // Current knowledge: the periods cache answers with an index range scan.
            candidates = """
                SELECT p.certificate_id FROM certificate_periods p
                WHERE p.scheme_code = ?1 AND p.held_from <= ?2 AND p.held_to >= ?2
                """
            values = [.text(code), .text(day.description)]
        } else {
            candidates = "SELECT id FROM certificates WHERE scheme_code = ?1 AND recorded_at <= ?2"
            values = [.text(code), SQLValue(recordedAt)]
        }
        let records = try certificateRecords(candidates, values)
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
        let ids = try database.rows(
            """
            SELECT DISTINCT certificate_id FROM certificate_periods
            WHERE (?1 IS NULL OR scheme_code = ?1) AND held_from <= ?2 AND held_to >= ?2 AND held_to <= ?3
            """, [SQLValue(code), .text(day.description), .text(until.description)]) { $0.text(at: 0) ?? "" }
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
