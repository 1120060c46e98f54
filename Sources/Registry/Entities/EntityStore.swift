import SQLiteStore

/// Reads and writes entities and their versions; keeps the full-text index in step.
///
/// The `entities` row is the current version; a write first keeps the version it replaces in
/// `entity_versions` (append-only), all in the caller's transaction.
struct EntityStore {
    let database: Database
    let audit: AuditLog
    let search: SearchIndex

    static let columns = """
        id, version, kind, name, nip, regon, krs, pkd, street, postal_code, city, teryt, founded_on,
        closed_on, close_reason, email, phone, www, latitude, longitude, capacity, operator_id, operator_teryt,
        note, created_at, updated_at
        """

    /// Builds an entity from a row selected with `columns` starting at column `offset`.
    static func entity(_ row: Statement, offset: Int32 = 0) -> Entity {
        func text(_ index: Int32) -> String? { row.text(at: offset + index) }
        var fields = EntityFields(kind: EntityKind(rawValue: text(2) ?? "") ?? .inny, name: text(3) ?? "")
        fields.nip = text(4)
        fields.regon = text(5)
        fields.krs = text(6)
        fields.pkd = text(7)
        fields.street = text(8)
        fields.postalCode = text(9)
        fields.city = text(10)
        fields.teryt = text(11)
        fields.foundedOn = text(12).flatMap { LocalDate(iso: $0) }
        fields.email = text(15)
        fields.phone = text(16)
        fields.www = text(17)
        fields.latitude = row.double(at: offset + 18)
        fields.longitude = row.double(at: offset + 19)
        fields.capacity = row.int(at: offset + 20)
        fields.operatorID = text(21)
        fields.operatorTeryt = text(22)
        fields.note = text(23)
        return Entity(
            id: text(0) ?? "", version: row.int(at: offset + 1) ?? 0, fields: fields,
            closedOn: text(13).flatMap { LocalDate(iso: $0) }, closeReason: text(14),
            createdAt: text(24) ?? "", updatedAt: text(25) ?? "")
    }

    func entity(id: String) throws -> Entity? {
        try database.first("SELECT \(Self.columns) FROM entities WHERE id = ?", [.text(id)]) { Self.entity($0) }
    }

    /// Ids of entities holding `value` in the identifier column `field` (nip, regon or krs).
    func ids(where field: String, equals value: String) throws -> [String] {
        precondition(["nip", "regon", "krs", "id"].contains(field))
        return try database.rows("SELECT id FROM entities WHERE \(field) = ?", [.text(value)]) { $0.text(at: 0) ?? "" }
    }

    /// The entity holding `value` in the unique column `field` (id, nip, regon or krs): one look-up.
    func entity(where field: String, equals value: String) throws -> Entity? {
        precondition(["nip", "regon", "krs", "id"].contains(field))
        return try database.first("SELECT \(Self.columns) FROM entities WHERE \(field) = ?", [.text(value)]) { Self.entity($0) }
    }

    /// The entity (with its rowid) holding `value` in the unique column `field` (id, nip, regon or krs).
    func entityAndRowid(where field: String, equals value: String) throws -> (rowid: Int64, entity: Entity)? {
        guard let sql = Self.entityAndRowidSQL[field] else { preconditionFailure("not a unique column: \(field)") }
        return try database.first(sql, [.text(value)]) {
            (Int64($0.int(at: 26) ?? 0), Self.entity($0))
        }
    }

    /// The look-up by each unique column, written once: imports run one or more per row.
    private static let entityAndRowidSQL = Dictionary(uniqueKeysWithValues: ["nip", "regon", "krs", "id"].map {
        ($0, "SELECT \(columns), rowid FROM entities WHERE \($0) = ?")
    })

    /// The entities with these ids, by id (one query).
    func entities(ids: Set<String>) throws -> [String: Entity] {
        var result: [String: Entity] = [:]
        try Self.forEachEntity(in: database, column: "id", values: ids.sorted().map { .string($0) }) { entity, _ in
            result[entity.id] = entity
        }
        return result
    }

    /// The entities at these rowids, by rowid (one query), read through `database`: a search part's
    /// own connection, inside its read transaction.
    static func entities(in database: Database, rowids: [Int64]) throws -> [Int64: Entity] {
        var result: [Int64: Entity] = [:]
        try forEachEntity(in: database, column: "rowid", values: rowids.map { .int(Int($0)) }) { entity, rowid in
            result[rowid] = entity
        }
        return result
    }

    /// Each entity whose `column` (id or rowid) is one of `values`, with its rowid.
    private static func forEachEntity(
        in database: Database, column: String, values: [JSONValue], _ body: (Entity, Int64) -> Void
    ) throws {
        precondition(column == "id" || column == "rowid")
        guard !values.isEmpty else { return }
        try database.prepare("SELECT \(columns), rowid FROM entities WHERE \(column) IN (SELECT value FROM json_each(?))")
            .forEachRow([.text(JSONValue.array(values).canonical)]) { row in
                body(entity(row), Int64(row.int(at: 26) ?? 0))
            }
    }

    /// The entity at `rowid`.
    func entity(rowid: Int64) throws -> Entity? {
        try database.first("SELECT \(Self.columns) FROM entities WHERE rowid = ?", [.integer(rowid)]) { Self.entity($0) }
    }

    /// The one entity with this kind, name and commune that has no NIP, REGON or KRS, if exactly one does.
    func entityWithoutIdentifiers(kind: EntityKind, name: String, teryt: String?) throws -> (rowid: Int64, entity: Entity)? {
        let matches = try database.rows(
            """
            SELECT \(Self.columns), rowid FROM entities
            WHERE name = ? AND kind = ? AND teryt IS ? AND nip IS NULL AND regon IS NULL AND krs IS NULL LIMIT 2
            """, [.text(name), .text(kind.rawValue), SQLValue(teryt)]) { (Int64($0.int(at: 26) ?? 0), Self.entity($0)) }
        return matches.count == 1 ? matches[0] : nil
    }

    /// Refuses `fields` when one of its identifiers belongs to another entity. Identifiers equal to
    /// those of `current` (the version being replaced) are its own already and are not looked up.
    func checkUnique(_ fields: EntityFields, exceptID: String?, current: EntityFields? = nil) throws {
        for (name, value, old) in [("nip", fields.nip, current?.nip), ("regon", fields.regon, current?.regon),
                                   ("krs", fields.krs, current?.krs)] {
            guard let value, value != old else { continue }
            if let holder = try ids(where: name, equals: value).first(where: { $0 != exceptID }) {
                let entity = try entity(id: holder)
                throw RegistryError.conflict(
                    field: name, value: value, existing: "\(holder) (\(entity?.fields.name ?? "?"))")
            }
        }
    }

    // Built once: the statement cache is keyed by SQL text, and imports save a row at a time.
    // Values are bound in `BatchDigest.columns` order (recorded_at is the row's updated_at).
    private static let insertSQL = """
        INSERT INTO entities (id, version, change, reason, updated_at, actor, batch_id, kind, name, nip, regon,
            krs, pkd, street, postal_code, city, teryt, founded_on, closed_on, close_reason, email, phone, www,
            latitude, longitude, capacity, operator_id, operator_teryt, note, created_at)
        VALUES (\(Array(repeating: "?", count: 30).joined(separator: ", ")))
        """
    private static let keepSQL = """
        INSERT INTO entity_versions (entity_id, version, change, reason, recorded_at, actor, batch_id, kind, name,
            nip, regon, krs, pkd, street, postal_code, city, teryt, founded_on, closed_on, close_reason, email,
            phone, www, latitude, longitude, capacity, operator_id, operator_teryt, note)
        SELECT id, version, change, reason, updated_at, actor, batch_id, kind, name, nip, regon, krs, pkd, street,
            postal_code, city, teryt, founded_on, closed_on, close_reason, email, phone, www, latitude, longitude,
            capacity, operator_id, operator_teryt, note
        FROM entities WHERE rowid = ?
        """
    /// The data columns in `BatchDigest.columns` order: parameters ?8 to ?29 of the UPDATE.
    private static let dataColumns = Array(BatchDigest.columns[7...])

    /// An UPDATE that sets the bookkeeping and only the data columns that changed, so SQLite
    /// rewrites only the indexes on those columns (a changed phone number touches no index).
    /// Parameters keep their `BatchDigest.columns` numbers; ?1 is the id.
    private static func updateSQL(changed: [Bool]) -> String {
        var assignments = ["version = ?2", "change = ?3", "reason = ?4", "updated_at = ?5", "actor = ?6", "batch_id = ?7"]
        for (offset, column) in dataColumns.enumerated() where changed[offset] {
            assignments.append("\(column) = ?\(offset + 8)")
        }
        return "UPDATE entities SET " + assignments.joined(separator: ", ") + " WHERE id = ?1"
    }

    /// A version's values in `BatchDigest.columns` order: the bookkeeping (parameters ?1 to ?7 of
    /// the INSERT and the UPDATE), then the data columns.
    private static func appendVersion(
        _ entity: Entity, change: String, reason: String?, context: ChangeContext, into row: inout some SQLValueSink
    ) {
        row.append(text: entity.id)
        row.append(integer: entity.version)
        row.append(text: change)
        row.append(text: reason)
        row.append(text: context.recordedAt)
        row.append(text: context.actor)
        row.append(text: context.batchID)
        appendData(entity.fields, closedOn: entity.closedOn, closeReason: entity.closeReason, into: &row)
    }

    /// A version's data columns (`dataColumns` order).
    private static func appendData(
        _ fields: EntityFields, closedOn: LocalDate?, closeReason: String?, into row: inout some SQLValueSink
    ) {
        row.append(text: fields.kind.rawValue)
        row.append(text: fields.name)
        row.append(text: fields.nip)
        row.append(text: fields.regon)
        row.append(text: fields.krs)
        row.append(text: fields.pkd)
        row.append(text: fields.street)
        row.append(text: fields.postalCode)
        row.append(text: fields.city)
        row.append(text: fields.teryt)
        row.append(text: fields.foundedOn?.description)
        row.append(text: closedOn?.description)
        row.append(text: closeReason)
        row.append(text: fields.email)
        row.append(text: fields.phone)
        row.append(text: fields.www)
        row.append(real: fields.latitude)
        row.append(real: fields.longitude)
        row.append(integer: fields.capacity)
        row.append(text: fields.operatorID)
        row.append(text: fields.operatorTeryt)
        row.append(text: fields.note)
    }

    /// Writes `entity` as the current version; the version it replaces is kept in `entity_versions`.
    ///
    /// Outside an import the change gets its own audit entry. Inside one (`context.batchID`), the
    /// version is added to `digest`, which the batch's audit entry carries.
    @discardableResult
    func save(
        _ entity: Entity, previous: Entity?, change: String, reason: String?, context: ChangeContext,
        digest: inout BatchDigest, knownRowid: Int64? = nil
    ) throws -> Int64 {
        let rowid: Int64
        if let previous {
            var values: [SQLValue] = []
            values.reserveCapacity(BatchDigest.columns.count)
            Self.appendVersion(entity, change: change, reason: reason, context: context, into: &values)
            rowid = try knownRowid ?? self.rowid(of: entity.id)
            try database.run(Self.keepSQL, [.integer(rowid)])
            var old: [SQLValue] = []
            old.reserveCapacity(Self.dataColumns.count)
            Self.appendData(previous.fields, closedOn: previous.closedOn, closeReason: previous.closeReason, into: &old)
            let update = try database.cached(Self.updateSQL(changed: zip(values[7...], old).map { $0 != $1 }))
            try update.execute(Array(values.prefix(update.parameterCount)))
            if context.batchID != nil { digest.add(values, rowid: rowid) }
        } else {
            let insert = try database.cached(Self.insertSQL)
            // Encoded straight into the buffer that is hashed and bound: an import does this for every new row.
            rowid = try digest.record(version: Int64(entity.version)) { row in
                Self.appendVersion(entity, change: change, reason: reason, context: context, into: &row)
                row.append(text: entity.createdAt)  // ?30
            } write: { encoded in
                try insert.execute(encoded)
                return database.lastInsertRowID
            }
        }
        if context.batchID == nil {
            try audit.append(
                recordedAt: context.recordedAt, actor: context.actor, action: "entity.\(change)", objectType: "entity",
                objectID: entity.id, beforeText: previous?.auditText, afterText: entity.auditText, batchID: nil)
        }
        try search.update(rowid: rowid, fields: entity.fields)
        return rowid
    }

    /// Writes a change made outside an import (it gets its own audit entry).
    func save(_ entity: Entity, previous: Entity?, change: String, reason: String?, context: ChangeContext) throws {
        precondition(context.batchID == nil, "an import's changes go into its batch digest")
        var unused = BatchDigest()
        try save(entity, previous: previous, change: change, reason: reason, context: context, digest: &unused)
    }

    private func rowid(of id: String) throws -> Int64 {
        Int64(try database.scalarInt("SELECT rowid FROM entities WHERE id = ?", [.text(id)]) ?? 0)
    }

    /// Re-indexes the entity (after a certificate scope changed).
    func refreshSearch(entityID: String) throws {
        try search.update(rowid: try rowid(of: entityID))
    }

    /// Every recorded version of an entity, oldest first: the superseded ones, then the current one.
    func versions(id: String) throws -> [EntityVersion] {
        try database.rows(
            """
            SELECT entity_id, version, kind, name, nip, regon, krs, pkd, street, postal_code, city, teryt, founded_on,
                   closed_on, close_reason, email, phone, www, latitude, longitude, capacity, operator_id,
                   operator_teryt, note, recorded_at, recorded_at, change, reason, actor, batch_id
            FROM entity_versions WHERE entity_id = ?1
            UNION ALL
            SELECT id, version, kind, name, nip, regon, krs, pkd, street, postal_code, city, teryt, founded_on,
                   closed_on, close_reason, email, phone, www, latitude, longitude, capacity, operator_id,
                   operator_teryt, note, updated_at, updated_at, change, reason, actor, batch_id
            FROM entities WHERE id = ?1
            ORDER BY 2
            """, [.text(id)]
        ) { row in
            EntityVersion(
                entity: Self.entity(row), change: row.text(at: 26) ?? "", reason: row.text(at: 27),
                recordedAt: row.text(at: 24) ?? "", actor: row.text(at: 28) ?? "", batchID: row.text(at: 29))
        }
    }
}
