import SQLiteStore

/// The SQL of the questions asked of entities as a whole: listings (`query`, exports) and the
/// changes between two recorded states (`report changes`).
enum EntityQueries {
    /// The SQL for `query` within `regionPrefixes` (TERYT prefixes, already checked) on `day` as
    /// known at `query.recordedAt` (now when nil), and its bound values. With `exportColumns` the
    /// columns are `EntityColumns.all`; else `EntityTable.columns`, then the status on the day.
    /// `holderIDs`, when given, are the entities holding `query.holds` (as known at a past moment).
    static func select(
        _ query: EntityQuery, regionPrefixes prefixes: [String], day: LocalDate, holderIDs: [String]?, exportColumns: Bool
    ) throws -> (sql: String, values: [SQLValue]) {
        var values: [SQLValue] = []
        func bind(_ value: SQLValue) -> String {
            values.append(value)
            return "?\(values.count)"
        }
        let dayParameter = bind(.text(day.description))
        let status: EntityStates.Status
        switch query.status {
        case .active: status = .active
        case .closed: status = .closed
        case .all: status = .all
        }
        let parts = EntityStates.arms(
            day: dayParameter, cutoff: query.recordedAt.map { bind(.text($0)) }, status: status, only: nil)
        var conditions: [String] = []
        if !query.kinds.isEmpty {
            conditions.append("e.kind IN (\(query.kinds.map { bind(.text($0.rawValue)) }.joined(separator: ", ")))")
        }
        for prefix in prefixes {
            // A prefix range keeps the teryt index usable (LIKE would need a case-sensitive collation).
            conditions.append("e.teryt >= \(bind(.text(prefix))) AND e.teryt < \(bind(.text(prefix + "~")))")
        }
        if let pkd = query.pkd {
            let prefix = try PKD.normalizedPrefix(pkd)
            conditions.append("e.pkd >= \(bind(.text(prefix))) AND e.pkd < \(bind(.text(prefix + "~")))")
        }
        if let from = query.foundedFrom { conditions.append("e.founded_on >= \(bind(.text(from.description)))") }
        if let to = query.foundedTo { conditions.append("e.founded_on <= \(bind(.text(to.description)))") }
        if let nip = query.nip { conditions.append("e.nip = \(bind(.text(try NIP(nip).digits)))") }
        if let regon = query.regon { conditions.append("e.regon = \(bind(.text(try REGON(regon).digits)))") }
        if let krs = query.krs { conditions.append("e.krs = \(bind(.text(try KRS(krs).digits)))") }
        if let text = query.text {
            guard let match = SearchText.matchExpression(text) else {
                throw RegistryError.invalidValue(field: "text", value: text, rule: "has no words to search for")
            }
            conditions.append("e.entity_rowid IN (SELECT rowid FROM entity_search WHERE entity_search MATCH \(bind(.text(match))))")
        }
        if let scheme = query.holds {
            if let holderIDs {
                let list = JSONValue.array(holderIDs.map { .string($0) }).canonical
                conditions.append("e.id IN (SELECT value FROM json_each(\(bind(.text(list)))))")
            } else {
                // Driven from the periods index (covering, with the entities' rowids): a few thousand
                // holders, not a million correlated probes.
                conditions.append("""
                    e.entity_rowid IN (SELECT p.entity_rowid FROM certificate_periods p WHERE p.scheme_code = \(bind(.text(scheme)))
                             AND p.held_from <= \(dayParameter) AND p.held_to >= \(dayParameter))
                    """)
            }
        }
        let order: String
        switch query.sort {
        case .name: order = "e.name, e.id"
        case .founded: order = "e.founded_on IS NULL, e.founded_on, e.name, e.id"
        case .kind: order = "e.kind, e.name, e.id"
        case .added: order = "entity_rowid"
        }
        var sql: String
        if exportColumns {
            sql = "SELECT e.id, " + EntityField.allCases.map { "e." + $0.rawValue }.joined(separator: ", ")
                + ", e.closed_on, e.close_reason, e.status"
        } else {
            sql = "SELECT " + EntityTable.selectList(alias: "e") + ", e.status"
        }
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        if query.sort == .added {
            // The select list on each arm and the order on the compound: SQLite merges the arms,
            // each already in rowid order or small, where sorting the union would sort every row.
            sql = parts.with + parts.arms.map { "\(sql), e.entity_rowid FROM (\($0)) e\(filter)" }
                .joined(separator: " UNION ALL ") + " ORDER BY \(order)"
        } else {
            sql += " FROM (\(parts.with)\(parts.arms.joined(separator: " UNION ALL "))) e\(filter) ORDER BY \(order)"
        }
        if let limit = query.limit {
            guard limit >= 0 else { throw RegistryError.invalidValue(field: "limit", value: String(limit), rule: "must be 0 or more") }
            sql += " LIMIT \(bind(.integer(Int64(limit))))"
        }
        return (sql, values)
    }

    /// Each entity that changed between the world on `from` and on `to`, as known at `cutoff` (now
    /// when nil), within the TERYT `prefix` ('' for the whole registry): id, name, kind before and
    /// after, TERYT code before and after, then active before and after (within the region) and
    /// existing before and after (anywhere).
    static func forEachChange(
        in database: Database, from: LocalDate, to: LocalDate, prefix: String, cutoff: String?,
        _ body: (Statement) throws -> Void
    ) throws {
        // ?1/?2 the days, ?3/?4 the TERYT range ('' for the whole registry), ?5 the cutoff.
        func active(_ alias: String) -> String {
            "(\(alias).id IS NOT NULL AND (?3 = '' OR coalesce(\(alias).teryt >= ?3 AND \(alias).teryt < ?4, 0)))"
        }
        // Only entities with a version starting or ending between the days (as known now) can
        // differ, and at a past moment also those changed since.
        var candidates = EntityStates.changedBetween(from: "?1", to: "?2", terytRange: prefix.isEmpty ? nil : ("?3", "?4"))
        if cutoff != nil { candidates += " UNION SELECT rowid FROM entities WHERE updated_at > ?5" }
        let only = EntityStates.Only.rowids("SELECT rowid FROM c")
        let cutoffParameter = cutoff == nil ? nil : "?5"
        let sql = """
            WITH c AS MATERIALIZED (\(candidates)),
                 a AS (SELECT id, kind, name, teryt FROM \(EntityStates.source(day: "?1", cutoff: cutoffParameter, only: only))),
                 b AS (SELECT id, kind, name, teryt FROM \(EntityStates.source(day: "?2", cutoff: cutoffParameter, only: only))),
                 pairs AS (SELECT coalesce(b.id, a.id) AS id, coalesce(b.name, a.name) AS name, a.kind AS kind_a,
                                  b.kind AS kind_b, a.teryt AS teryt_a, b.teryt AS teryt_b,
                                  \(active("a")) AS active_a, \(active("b")) AS active_b,
                                  a.id IS NOT NULL AS open_a, b.id IS NOT NULL AS open_b
                           FROM a FULL JOIN b ON a.id = b.id)
            SELECT p.id, p.name, p.kind_a, p.kind_b, p.teryt_a, p.teryt_b, p.active_a, p.active_b, p.open_a, p.open_b
            FROM pairs p
            WHERE p.active_a <> p.active_b OR (p.active_a AND p.kind_a <> p.kind_b)
            """
        var values: [SQLValue] = [.text(from.description), .text(to.description), .text(prefix), .text(prefix + "~")]
        if let cutoff { values.append(.text(cutoff)) }
        try database.prepare(sql).forEachRow(values, body)
    }

    /// Entities existing on `day` as known at `cutoff` (now when nil), within the TERYT `prefix`,
    /// that have no founding date (they count from the day they were first recorded): id, name,
    /// kind, TERYT code, unordered (an ORDER BY name would have SQLite walk the name index over
    /// every entity instead of the few from `entities_undated`).
    static func forEachUndated(
        in database: Database, on day: LocalDate, prefix: String, cutoff: String?, _ body: (Statement) throws -> Void
    ) throws {
        var sql = "SELECT e.id, e.name, e.kind, e.teryt FROM \(EntityStates.source(day: "?1", cutoff: cutoff == nil ? nil : "?4")) e"
        sql += " WHERE e.founded_on IS NULL AND (?2 = '' OR (e.teryt >= ?2 AND e.teryt < ?3))"
        var values: [SQLValue] = [.text(day.description), .text(prefix), .text(prefix + "~")]
        if let cutoff { values.append(.text(cutoff)) }
        try database.prepare(sql).forEachRow(values, body)
    }
}
