import SQLiteStore

/// Reads and writes certification schemes, certificates and their events, and the periods cache
/// derived from the events. Events are append-only facts: a certificate's history is its events
/// (a correction is one more event), so this store appends and never updates.
struct CertificateStore {
    let database: Database

    /// The columns of `certificate_events`, in `CertificateEvent`'s order.
    static let eventColumns = [
        "id", "certificate_id", "event", "effective_on", "valid_from", "valid_to", "decision_no", "decided_on",
        "issuer", "scope", "reason", "corrects", "recorded_at", "actor", "batch_id",
    ]

    /// Builds an event from a row selected with `eventColumns`.
    static func event(_ row: Statement) -> CertificateEvent {
        func date(_ index: Int32) -> LocalDate? { row.text(at: index).flatMap { LocalDate(iso: $0) } }
        return CertificateEvent(
            id: row.text(at: 0) ?? "", certificateID: row.text(at: 1) ?? "",
            type: CertificateEventType(rawValue: row.text(at: 2) ?? "") ?? .corrected,
            effectiveOn: date(3) ?? LocalDate(daysSinceEpoch: 0), validFrom: date(4), validTo: date(5),
            decisionNo: row.text(at: 6), decidedOn: date(7), issuer: row.text(at: 8), scope: row.text(at: 9),
            reason: row.text(at: 10), corrects: row.text(at: 11), recordedAt: row.text(at: 12) ?? "",
            actor: row.text(at: 13) ?? "", batchID: row.text(at: 14))
    }

    /// An event's values in `eventColumns` order.
    private static func values(_ event: CertificateEvent) -> [SQLValue] {
        [.text(event.id), .text(event.certificateID), .text(event.type.rawValue), .text(event.effectiveOn.description),
         SQLValue(event.validFrom?.description), SQLValue(event.validTo?.description), SQLValue(event.decisionNo),
         SQLValue(event.decidedOn?.description), SQLValue(event.issuer), SQLValue(event.scope), SQLValue(event.reason),
         SQLValue(event.corrects), .text(event.recordedAt), .text(event.actor), SQLValue(event.batchID)]
    }

    // MARK: Schemes

    /// Every scheme, by code.
    func schemes() throws -> [Scheme] {
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

    func schemeExists(_ code: String) throws -> Bool {
        try database.scalarInt("SELECT count(*) FROM schemes WHERE code = ?", [.text(code)]) ?? 0 > 0
    }

    /// Adds a scheme and the kinds that may hold it.
    func insert(_ scheme: Scheme, recordedAt: String) throws {
        try database.run(
            "INSERT INTO schemes (code, name, issuer_type, default_validity_months, scoped, description, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [.text(scheme.code), .text(scheme.name), .text(scheme.issuerType), SQLValue(scheme.defaultValidityMonths),
             .integer(scheme.scoped ? 1 : 0), SQLValue(scheme.description), .text(recordedAt)])
        for kind in Set(scheme.eligibleKinds) {
            try database.run("INSERT INTO scheme_kinds (scheme_code, kind) VALUES (?, ?)", [.text(scheme.code), .text(kind.rawValue)])
        }
    }

    // MARK: Writing

    func exists(_ certificateID: String) throws -> Bool {
        try database.scalarInt("SELECT count(*) FROM certificates WHERE id = ?", [.text(certificateID)]) ?? 0 > 0
    }

    /// Records a certificate's identity (its grant is its first event).
    func insertCertificate(id: String, entityID: String, scheme: String, context: ChangeContext) throws {
        try database.run(
            "INSERT INTO certificates (id, entity_id, scheme_code, recorded_at, actor, batch_id) VALUES (?, ?, ?, ?, ?, ?)",
            [.text(id), .text(entityID), .text(scheme), .text(context.recordedAt), .text(context.actor), SQLValue(context.batchID)])
    }

    /// Appends `event` and replaces the certificate's periods cache with `periods`.
    func append(
        _ event: CertificateEvent, entityID: String, scheme: String, periods: [(from: LocalDate, to: LocalDate)]
    ) throws {
        try database.run(
            """
            INSERT INTO certificate_events (\(Self.eventColumns.joined(separator: ", ")))
            VALUES (\(Array(repeating: "?", count: Self.eventColumns.count).joined(separator: ", ")))
            """, Self.values(event))
        try database.run("DELETE FROM certificate_periods WHERE certificate_id = ?", [.text(event.certificateID)])
        for period in periods {
            try database.run(
                """
                INSERT INTO certificate_periods (certificate_id, entity_id, scheme_code, held_from, held_to, entity_rowid)
                VALUES (?1, ?2, ?3, ?4, ?5, (SELECT rowid FROM entities WHERE id = ?2))
                """,
                [.text(event.certificateID), .text(entityID), .text(scheme), .text(period.from.description),
                 .text(period.to.description)])
        }
    }

    // MARK: Reading

    /// A certificate's holder, scheme and every recorded event (in recorded order); nil when there is none.
    func record(_ id: String) throws -> (entityID: String, scheme: String, events: [CertificateEvent])? {
        guard let (entityID, scheme) = try database.first(
            "SELECT entity_id, scheme_code FROM certificates WHERE id = ?", [.text(id)], { ($0.text(at: 0) ?? "", $0.text(at: 1) ?? "") })
        else { return nil }
        let events = try database.rows(
            "SELECT \(Self.eventColumns.joined(separator: ", ")) FROM certificate_events WHERE certificate_id = ? ORDER BY recorded_at, id",
            [.text(id)], Self.event)
        return (entityID, scheme, events)
    }

    /// The records of the certificates of `scheme` held on `day` by the periods cache (current
    /// knowledge) whose holder exists on `day` as the registry knows it now.
    func records(scheme: String, heldOn day: LocalDate) throws -> [CertificateRecord] {
        try records(
            """
            SELECT p.certificate_id FROM certificate_periods p
            JOIN entities e ON e.id = p.entity_id
            WHERE p.scheme_code = ?1 AND p.held_from <= ?2 AND p.held_to >= ?2 AND \(EntityLifespan.exists("e", on: "?2"))
            """, [.text(scheme), .text(day.description)])
    }

    /// The records of the entity's certificates of `scheme`.
    func records(entityID: String, scheme: String) throws -> [CertificateRecord] {
        try records("SELECT id FROM certificates WHERE entity_id = ?1 AND scheme_code = ?2", [.text(entityID), .text(scheme)])
    }

    /// The records of the certificates of `scheme` recorded by `recordedAt` whose holder, as
    /// recorded by then, exists on `day`.
    func records(scheme: String, recordedBy recordedAt: String, holderExistsOn day: LocalDate) throws -> [CertificateRecord] {
        try records(
            """
            SELECT c.id FROM certificates c
            JOIN \(RecordedState.entities(cutoff: "?2")) e ON e.id = c.entity_id
            WHERE c.scheme_code = ?1 AND c.recorded_at <= ?2 AND \(EntityLifespan.exists("e", on: "?3"))
            """, [.text(scheme), .text(recordedAt), .text(day.description)])
    }

    /// The holder, scheme and every recorded event of each certificate whose id `candidates` (SQL
    /// selecting one column, with `values` bound) lists: two queries in all, where asking for each
    /// certificate took three per holder (10,000 holders: 0.3–0.45 s at a million entities).
    private func records(_ candidates: String, _ values: [SQLValue]) throws -> [CertificateRecord] {
        var records: [CertificateRecord] = []
        let columns = Self.eventColumns.map { "ev." + $0 }.joined(separator: ", ")
        let holder = Int32(Self.eventColumns.count)
        try database.prepare(
            """
            SELECT \(columns), c.entity_id, c.scheme_code FROM certificates c
            JOIN certificate_events ev ON ev.certificate_id = c.id
            WHERE c.id IN (\(candidates))
            ORDER BY c.id, ev.recorded_at, ev.id
            """
        ).forEachRow(values) { row in
            let event = Self.event(row)
            if records.last?.id == event.certificateID {
                records[records.count - 1].events.append(event)
            } else {
                records.append((event.certificateID, row.text(at: holder) ?? "", row.text(at: holder + 1) ?? "", [event]))
            }
        }
        return records
    }

    /// The ids of an entity's certificates, in the order they were recorded.
    func ids(ofEntity entityID: String) throws -> [String] {
        try database.rows("SELECT id FROM certificates WHERE entity_id = ? ORDER BY recorded_at, id", [.text(entityID)]) {
            $0.text(at: 0) ?? ""
        }
    }

    /// Every certificate's id, in id order.
    func allIDs() throws -> [String] {
        try database.rows("SELECT id FROM certificates ORDER BY id") { $0.text(at: 0) ?? "" }
    }

    /// Certificates (of `scheme`, or any) held on `day` by the periods cache whose period ends by `until`.
    func idsEnding(scheme: String?, heldOn day: LocalDate, by until: LocalDate) throws -> [String] {
        try database.rows(
            """
            SELECT DISTINCT certificate_id FROM certificate_periods
            WHERE (?1 IS NULL OR scheme_code = ?1) AND held_from <= ?2 AND held_to >= ?2 AND held_to <= ?3
            """, [SQLValue(scheme), .text(day.description), .text(until.description)]) { $0.text(at: 0) ?? "" }
    }

    /// A certificate of the same entity and scheme granted from the same day: the same grant again.
    func sameGrant(entityID: String, scheme: String, validFrom: LocalDate) throws -> String? {
        try database.first(
            """
            SELECT c.id FROM certificates c JOIN certificate_events ev ON ev.certificate_id = c.id
            WHERE c.entity_id = ? AND c.scheme_code = ? AND ev.event = 'granted' AND ev.valid_from = ?
            """, [.text(entityID), .text(scheme), .text(validFrom.description)]) { $0.text(at: 0) ?? "" }
    }

    /// The entity's most recently recorded certificate of `scheme`.
    func latest(entityID: String, scheme: String) throws -> String? {
        try database.first(
            "SELECT id FROM certificates WHERE entity_id = ? AND scheme_code = ? ORDER BY recorded_at DESC, id DESC LIMIT 1",
            [.text(entityID), .text(scheme)], { $0.text(at: 0) ?? "" })
    }

    /// True when an event with this id is recorded.
    func eventExists(_ eventID: String) throws -> Bool {
        try database.scalarInt("SELECT count(*) FROM certificate_events WHERE id = ?", [.text(eventID)]) ?? 0 > 0
    }

    /// Every event recorded by `cutoff` (nil: all) in `CertificateExport.columns`, by certificate and event id.
    func forEachExportRow(recordedBy cutoff: String?, _ body: (Statement) throws -> Void) throws {
        try database.prepare(
            """
            SELECT c.id, c.entity_id, e.nip, e.krs, c.scheme_code, ev.id, ev.event, ev.effective_on, ev.valid_from,
                   ev.valid_to, ev.decision_no, ev.decided_on, ev.issuer, ev.scope, ev.reason, ev.corrects
            FROM certificate_events ev
            JOIN certificates c ON c.id = ev.certificate_id
            JOIN entities e ON e.id = c.entity_id
            WHERE (?1 IS NULL OR ev.recorded_at <= ?1)
            ORDER BY c.id, ev.id
            """
        ).forEachRow([SQLValue(cutoff)], body)
    }
}

/// A certificate's id, holder, scheme and every recorded event.
typealias CertificateRecord = (id: String, entityID: String, scheme: String, events: [CertificateEvent])
