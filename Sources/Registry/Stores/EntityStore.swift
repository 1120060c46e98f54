import SQLiteStore

/// Reads and writes entities and their versions; keeps the full-text index in step.
///
/// Why entities keep "the current row plus superseded versions" (`VersionedTable.Layout
/// .currentRowPlusSuperseded`) where resources and needs keep every version in their versions
/// table: an entity's current version is its `entities` row, bookkeeping included, and
/// `entity_versions` holds only the versions it replaced (migration 0005). Writing each version
/// twice (the row and its copy) doubled what a bulk import wrote, and the lookups an import runs
/// per row read only `entities`. A write first keeps the version it replaces in `entity_versions`
/// (append-only), then updates the row, all in the caller's transaction. Callers see versions
/// only through `save`, `versions(id:)`, `EntityStates` and `RecordedState`; none of them needs to know this.
struct EntityStore {
    let database: Database
    let audit: AuditLog
    let search: SearchIndex

    /// `EntityTable.columns` as a select list.
    static let columns = EntityTable.selectList()

    /// Builds an entity from a row selected with `columns` starting at column `offset`.
    static func entity(_ row: Statement, offset: Int32 = 0) -> Entity {
        func text(_ field: EntityField) -> String? { row.text(at: offset + EntityTable.position(field)) }
        var fields = EntityFields(kind: EntityKind(rawValue: text(.kind) ?? "") ?? .inny, name: text(.name) ?? "")
        fields.nip = text(.nip)
        fields.regon = text(.regon)
        fields.krs = text(.krs)
        fields.pkd = text(.pkd)
        fields.street = text(.street)
        fields.postalCode = text(.postalCode)
        fields.city = text(.city)
        fields.teryt = text(.teryt)
        fields.foundedOn = text(.foundedOn).flatMap { LocalDate(iso: $0) }
        fields.email = text(.email)
        fields.phone = text(.phone)
        fields.www = text(.www)
        fields.latitude = row.double(at: offset + EntityTable.position(.latitude))
        fields.longitude = row.double(at: offset + EntityTable.position(.longitude))
        fields.capacity = row.int(at: offset + EntityTable.position(.capacity))
        fields.operatorID = text(.operatorID)
        fields.operatorTeryt = text(.operatorTeryt)
        fields.note = text(.note)
        return Entity(
            id: row.text(at: offset) ?? "", version: row.int(at: offset + 1) ?? 0, fields: fields,
            closedOn: row.text(at: offset + EntityTable.closedOnPosition).flatMap { LocalDate(iso: $0) },
            closeReason: row.text(at: offset + EntityTable.closeReasonPosition),
            createdAt: row.text(at: offset + EntityTable.createdAtPosition) ?? "",
            updatedAt: row.text(at: offset + EntityTable.updatedAtPosition) ?? "",
            effectiveOn: row.text(at: offset + EntityTable.effectiveOnPosition).flatMap { LocalDate(iso: $0) })
    }

    /// An entity and the rowid selected right after `columns`.
    private static func entityAndRowid(_ row: Statement) -> (rowid: Int64, entity: Entity) {
        (Int64(row.int(at: EntityTable.next) ?? 0), entity(row))
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
        return try database.first(sql, [.text(value)], Self.entityAndRowid)
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
                let (rowid, entity) = entityAndRowid(row)
                body(entity, rowid)
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
            """, [.text(name), .text(kind.rawValue), SQLValue(teryt)], Self.entityAndRowid)
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
    // Values are bound in `EntityTable.versionColumns` order (recorded_at is the row's updated_at),
    // then `validColumns`.
    private static let insertSQL = """
        INSERT INTO entities (\(EntityTable.versionColumns.map(EntityTable.currentRowColumn).joined(separator: ", ")), \
        created_at, \(validColumns.joined(separator: ", "))) \
        VALUES (\(Array(repeating: "?", count: EntityTable.versionColumns.count + 1 + validColumns.count).joined(separator: ", ")))
        """
    private static let keepSQL = """
        INSERT INTO entity_versions (\(EntityTable.versionColumns.joined(separator: ", ")), effective_on)
        SELECT \(EntityTable.versionColumns.map(EntityTable.currentRowColumn).joined(separator: ", ")), effective_on
        FROM entities WHERE rowid = ?
        """
    /// A version's valid time, written after its other values: its effective date (kept with the
    /// version) and the days its current row is in effect (`EntityTimeline`).
    private static let validColumns = ["effective_on", "valid_from", "valid_to"]
    /// The data columns, after the bookkeeping: parameters ?8 to ?29 of the UPDATE.
    private static let dataColumns = EntityTable.stateColumns
    private static let bookkeepingCount = EntityTable.bookkeepingColumns.count
    /// `version = ?2` to `batch_id = ?7`: every bookkeeping column but the id, which names the row.
    private static let bookkeepingAssignments = EntityTable.bookkeepingColumns.enumerated().dropFirst().map {
        "\(EntityTable.currentRowColumn($1)) = ?\($0 + 1)"
    }

    /// An UPDATE that sets the bookkeeping and only the data columns that changed, so SQLite
    /// rewrites only the indexes on those columns (a changed phone number touches no index).
    /// Parameters keep their `EntityTable.versionColumns` numbers; ?1 is the id.
    private static func updateSQL(changed: [Bool]) -> String {
        var assignments = bookkeepingAssignments
        for (offset, column) in dataColumns.enumerated() where changed[offset] {
            assignments.append("\(column) = ?\(offset + bookkeepingCount + 1)")
        }
        for (offset, column) in validColumns.enumerated() {
            assignments.append("\(column) = ?\(EntityTable.versionColumns.count + offset + 1)")
        }
        return "UPDATE entities SET " + assignments.joined(separator: ", ") + " WHERE id = ?1"
    }

    /// A version's values in `EntityTable.versionColumns` order: the bookkeeping (parameters ?1 to ?7 of
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

    /// A version's data columns (`EntityTable.stateColumns` order): the fields, the closing after `founded_on`.
    private static func appendData(
        _ fields: EntityFields, closedOn: LocalDate?, closeReason: String?, into row: inout some SQLValueSink
    ) {
        for field in EntityField.allCases {
            switch field {
            case .latitude: row.append(real: fields.latitude)
            case .longitude: row.append(real: fields.longitude)
            case .capacity: row.append(integer: fields.capacity)
            default: row.append(text: fields.text(field))
            }
            if field == .foundedOn {
                row.append(text: closedOn?.description)
                row.append(text: closeReason)
            }
        }
    }

    /// Writes `entity` as the current version; the version it replaces is kept in `entity_versions`.
    ///
    /// Outside an import the change gets its own audit entry. Inside one (`context.batchID`), the
    /// version is added to `digest`, which the batch's audit entry carries. The day ranges in which
    /// the entity's versions are in effect are brought up to date (`EntityTimeline`).
    @discardableResult
    func save(
        _ entity: Entity, previous: Entity?, change: String, reason: String?, context: ChangeContext,
        digest: inout BatchDigest, knownRowid: Int64? = nil
    ) throws -> Int64 {
        let rowid: Int64
        let life = EntityTimeline.life(foundedOn: entity.fields.foundedOn, closedOn: entity.closedOn, createdAt: entity.createdAt)
        let effectiveOn = entity.effectiveOn?.description ?? life.start
        if let previous {
            var values: [SQLValue] = []
            values.reserveCapacity(EntityTable.versionColumns.count + Self.validColumns.count)
            Self.appendVersion(entity, change: change, reason: reason, context: context, into: &values)
            rowid = try knownRowid ?? self.rowid(of: entity.id)
            let timeline = EntityTimeline(database: database)
            let own = EntityTimeline.Version(
                version: entity.version, effectiveOn: effectiveOn, kind: entity.fields.kind.rawValue, teryt: entity.fields.teryt)
            let ranges = EntityTimeline.ranges(try timeline.versions(of: entity.id) + [own], start: life.start, end: life.end)
            let range = ranges.first { $0.version == own }
            values += [.text(effectiveOn), .text(range?.from ?? life.end), .text(range?.to ?? life.end)]
            try database.run(Self.keepSQL, [.integer(rowid)])
            try timeline.store(ranges, current: entity.version, entityRowid: rowid)
            var old: [SQLValue] = []
            old.reserveCapacity(Self.dataColumns.count)
            Self.appendData(previous.fields, closedOn: previous.closedOn, closeReason: previous.closeReason, into: &old)
            let changed = zip(values[Self.bookkeepingCount..<EntityTable.versionColumns.count], old).map { $0 != $1 }
            try database.cached(Self.updateSQL(changed: changed)).execute(values)
            if context.batchID != nil { digest.add(Array(values.prefix(EntityTable.versionColumns.count)), rowid: rowid) }
        } else {
            let insert = try database.cached(Self.insertSQL)
            // Encoded straight into the buffer that is hashed and bound: an import does this for every new row.
            rowid = try digest.record(version: Int64(entity.version)) { row in
                Self.appendVersion(entity, change: change, reason: reason, context: context, into: &row)
                row.append(text: entity.createdAt)
                // A new entity's one version is in effect for its whole life.
                row.append(text: effectiveOn)
                row.append(text: min(life.start, life.end))
                row.append(text: life.end)
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

    /// The entities `ids` as they are on `day`, as known at `cutoff` (now when nil), closed ones
    /// included, by id; an entity not founded yet on the day, or not known then, is absent.
    func states(ids: [String], on day: LocalDate, cutoff: String?) throws -> [String: Entity] {
        guard !ids.isEmpty else { return [:] }
        let list = JSONValue.array(ids.map { .string($0) }).canonical
        let source = EntityStates.source(
            day: "?1", cutoff: cutoff == nil ? nil : "?3", status: .all, only: .ids("SELECT value FROM json_each(?2)"))
        var result: [String: Entity] = [:]
        try database.prepare("SELECT \(EntityTable.selectList()) FROM \(source)")
            .forEachRow([.text(day.description), .text(list)] + (cutoff.map { [.text($0)] } ?? [])) { row in
                var entity = Self.entity(row)
                entity.day = day
                result[entity.id] = entity
            }
        return result
    }

    /// The entity `id` as it is on `day`, as known at `cutoff` (now when nil); nil when it was not
    /// founded yet on the day, or not known then.
    func state(id: String, on day: LocalDate, cutoff: String?) throws -> Entity? {
        let source = EntityStates.source(day: "?1", cutoff: cutoff == nil ? nil : "?3", status: .all, only: .id("?2"))
        return try database.first(
            "SELECT \(EntityTable.selectList()) FROM \(source)",
            [.text(day.description), .text(id)] + (cutoff.map { [.text($0)] } ?? [])
        ) { row in
            var entity = Self.entity(row)
            entity.day = day
            return entity
        }
    }

    /// Re-indexes the entity (after a certificate scope changed).
    func refreshSearch(entityID: String) throws {
        try search.update(rowid: try rowid(of: entityID))
    }

    /// Every recorded version of an entity, oldest first: the superseded ones, then the current one.
    func versions(id: String) throws -> [EntityVersion] {
        // `EntityTable.columns` (a version's recorded time as both of its times), then the bookkeeping.
        func select(_ rename: [String: String]) -> String {
            (EntityTable.columns + ["change", "reason", "actor", "batch_id"]).map { rename[$0] ?? $0 }
                .joined(separator: ", ")
        }
        let change = EntityTable.next
        return try database.rows(
            """
            SELECT \(select(["id": "entity_id", "created_at": "recorded_at", "updated_at": "recorded_at"]))
            FROM entity_versions WHERE entity_id = ?1
            UNION ALL
            SELECT \(select(["created_at": "updated_at"]))
            FROM entities WHERE id = ?1
            ORDER BY 2
            """, [.text(id)]
        ) { row in
            EntityVersion(
                entity: Self.entity(row), change: row.text(at: change) ?? "", reason: row.text(at: change + 1),
                recordedAt: row.text(at: EntityTable.updatedAtPosition) ?? "", actor: row.text(at: change + 2) ?? "",
                batchID: row.text(at: change + 3))
        }
    }

    /// Each version the import batches `batches` wrote, its first columns `EntityTable.versionColumns`,
    /// with its batch and its entity's rowid: one pass, in each batch's digest order (`BatchDigest`).
    static func forEachVersion(
        in database: Database, batches: [String], _ body: (Statement, String, Int64) throws -> Void
    ) throws {
        let columns = EntityTable.versionColumns
        let batchIndex = Int32(columns.firstIndex(of: "batch_id") ?? 0)
        let list = "[" + batches.map { "\"\($0)\"" }.joined(separator: ",") + "]"
        let current = columns.map {
            let name = EntityTable.currentRowColumn($0)
            return name == $0 ? name : "\(name) AS \($0)"
        }.joined(separator: ", ")
        try database.prepare(
            """
            SELECT \(columns.joined(separator: ", ")), entity_rowid FROM (
                SELECT \(current), rowid AS entity_rowid FROM entities
                WHERE batch_id IN (SELECT value FROM json_each(?1))
                UNION ALL
                SELECT \(columns.map { "v." + $0 }.joined(separator: ", ")), e.rowid
                FROM entity_versions v JOIN entities e ON e.id = v.entity_id
                WHERE v.batch_id IN (SELECT value FROM json_each(?1)))
            ORDER BY batch_id, version > 1, entity_rowid, version
            """
        ).forEachRow([.text(list)]) { row in
            try body(row, row.text(at: batchIndex) ?? "", Int64(row.int(at: Int32(columns.count)) ?? 0))
        }
    }

    // MARK: Checks

    /// Entities whose kept versions are not exactly 1 to current - 1 (version k < current is kept
    /// in entity_versions; the current one is the entities row), as problems of `registry check`.
    func versionGaps() throws -> [String] {
        try database.rows(
            """
            SELECT e.id, e.version, (SELECT count(*) FROM entity_versions v WHERE v.entity_id = e.id)
            FROM entities e
            WHERE (SELECT count(*) FROM entity_versions v WHERE v.entity_id = e.id AND v.version BETWEEN 1 AND e.version - 1)
                  <> e.version - 1
               OR EXISTS (SELECT 1 FROM entity_versions v WHERE v.entity_id = e.id AND (v.version >= e.version OR v.version < 1))
            """) { "entity \($0.text(at: 0) ?? "?"): current version \($0.int(at: 1) ?? 0), but the kept versions are not exactly 1 to \(($0.int(at: 1) ?? 1) - 1) (\($0.int(at: 2) ?? 0) kept)" }
    }

    /// Entities naming a TERYT code (their own or their operator's) the dictionary lacks.
    func unknownTerytCodes() throws -> [String] {
        try database.rows(
            """
            SELECT id, teryt FROM entities WHERE teryt IS NOT NULL AND teryt NOT IN (SELECT code FROM teryt_units)
            UNION ALL
            SELECT id, operator_teryt FROM entities WHERE operator_teryt IS NOT NULL AND operator_teryt NOT IN (SELECT code FROM teryt_units)
            """) { "entity \($0.text(at: 0) ?? "?"): TERYT code \($0.text(at: 1) ?? "?") is not in the dictionary" }
    }

    /// Open units of the kinds run by an operator (CIS, KIS, WTZ, ZAZ) with none recorded.
    func unitsWithoutOperator() throws -> [String] {
        try database.rows(
            """
            SELECT id, kind, name FROM entities
            WHERE kind IN ('cis', 'kis', 'wtz', 'zaz') AND operator_id IS NULL AND operator_teryt IS NULL
              AND closed_on IS NULL ORDER BY kind, name
            """) { "\($0.text(at: 1) ?? "") \($0.text(at: 2) ?? "") (\($0.text(at: 0) ?? "")) has no operator recorded" }
    }
}
