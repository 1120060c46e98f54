import SQLiteStore

/// The SQL of the questions asked of entities as a whole: listings (`query`, exports) and the
/// changes between two recorded states (`report changes`).
enum EntityQueries {
    /// The SQL for `query` within `regionPrefixes` (TERYT prefixes, already checked), its bound
    /// values, and (with `on`) the column holding the day. With `exportColumns` the columns are
    /// `EntityColumns.all`, the day's status computed in SQL; else `EntityTable.columns`.
    static func select(
        _ query: EntityQuery, regionPrefixes prefixes: [String], today: LocalDate, exportColumns: Bool
    ) throws -> (sql: String, values: [SQLValue], dayColumn: Int32?) {
        var values: [SQLValue] = []
        func bind(_ value: SQLValue) -> String {
            values.append(value)
            return "?\(values.count)"
        }
        var source = "entities"
        var dayColumn: Int32?
        let day = query.on ?? today
        if let on = query.on {
            // The latest version recorded by the end of the day, for entities that existed then.
            source = RecordedState.entities(cutoff: bind(.text(RecordedState.cutoff(on))))
            dayColumn = EntityTable.next
        }
        var dayParameterName: String?
        // Bound only when a condition uses it: SQLite refuses values for parameters a statement lacks.
        func dayParameter() -> String {
            if let dayParameterName { return dayParameterName }
            let name = bind(.text(day.description))
            dayParameterName = name
            return name
        }
        var conditions: [String] = []
        switch query.status {
        case .active: conditions.append("(e.closed_on IS NULL OR e.closed_on > \(dayParameter()))")
        case .closed: conditions.append("(e.closed_on IS NOT NULL AND e.closed_on <= \(dayParameter()))")
        case .all: break
        }
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
            conditions.append(
                "e.id IN (SELECT id FROM entities WHERE rowid IN (SELECT rowid FROM entity_search WHERE entity_search MATCH \(bind(.text(match)))))")
        }
        if let scheme = query.holds {
            // Driven from the periods index (covering, with the entities' rowids): a few thousand
            // holders, not a million correlated probes. Past states have no rowid: they match by id.
            let key = query.on == nil ? "e.rowid IN (SELECT p.entity_rowid" : "e.id IN (SELECT p.entity_id"
            conditions.append("""
                \(key) FROM certificate_periods p WHERE p.scheme_code = \(bind(.text(scheme)))
                         AND p.held_from <= \(dayParameter()) AND p.held_to >= \(dayParameter()))
                """)
        }
        let order: String
        switch query.sort {
        case .name: order = "e.name, e.id"
        case .founded: order = "e.founded_on IS NULL, e.founded_on, e.name, e.id"
        case .kind: order = "e.kind, e.name, e.id"
        case .added: order = query.on == nil ? "e.rowid" : "e.created_at, e.id"
        }
        var sql: String
        if exportColumns {
            // The day's status in SQL; with --on, a closing recorded for a later day is not shown yet.
            let day = dayParameter()
            let closed = query.on == nil ? "e.closed_on" : "CASE WHEN e.closed_on <= \(day) THEN e.closed_on END"
            let reason = query.on == nil ? "e.close_reason" : "CASE WHEN e.closed_on <= \(day) THEN e.close_reason END"
            sql = "SELECT e.id, " + EntityField.allCases.map { "e." + $0.rawValue }.joined(separator: ", ")
                + ", \(closed), \(reason), CASE WHEN e.closed_on <= \(day) THEN 'closed' ELSE 'active' END"
        } else {
            sql = "SELECT " + EntityTable.selectList(alias: "e")
            if dayColumn != nil { sql += ", \(dayParameter())" }
        }
        sql += " FROM \(source) e"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY \(order)"
        if let limit = query.limit {
            guard limit >= 0 else { throw RegistryError.invalidValue(field: "limit", value: String(limit), rule: "must be 0 or more") }
            sql += " LIMIT \(bind(.integer(Int64(limit))))"
        }
        return (sql, values, dayColumn)
    }

    /// Each entity that changed between the states recorded by the ends of `from` and `to`, within
    /// the TERYT `prefix` ('' for the whole registry): id, name, kind before and after, TERYT code
    /// before and after, then active before and after (within the region) and open before and after.
    static func forEachChange(
        in database: Database, from: LocalDate, to: LocalDate, prefix: String, _ body: (Statement) throws -> Void
    ) throws {
        // ?1/?2 the days, ?3/?4 the cutoffs, ?5/?6 the TERYT range ('' for the whole registry).
        func active(_ alias: String, _ day: String) -> String {
            """
            (\(alias).id IS NOT NULL AND (\(alias).closed_on IS NULL OR \(alias).closed_on > \(day))
             AND (?5 = '' OR (\(alias).teryt >= ?5 AND \(alias).teryt < ?6)))
            """
        }
        let sql = """
            WITH a AS (SELECT id, kind, name, teryt, closed_on FROM \(RecordedState.entities(cutoff: "?3"))),
                 b AS (SELECT id, kind, name, teryt, closed_on FROM \(RecordedState.entities(cutoff: "?4"))),
                 pairs AS (SELECT coalesce(b.id, a.id) AS id, coalesce(b.name, a.name) AS name, a.kind AS kind_a,
                                  b.kind AS kind_b, a.teryt AS teryt_a, b.teryt AS teryt_b,
                                  \(active("a", "?1")) AS active_a, \(active("b", "?2")) AS active_b,
                                  (a.id IS NOT NULL AND (a.closed_on IS NULL OR a.closed_on > ?1)) AS open_a,
                                  (b.id IS NOT NULL AND (b.closed_on IS NULL OR b.closed_on > ?2)) AS open_b
                           FROM a FULL JOIN b ON a.id = b.id)
            SELECT p.id, p.name, p.kind_a, p.kind_b, p.teryt_a, p.teryt_b, p.active_a, p.active_b, p.open_a, p.open_b
            FROM pairs p
            WHERE p.active_a <> p.active_b OR (p.active_a AND p.kind_a <> p.kind_b)
            """
        let values: [SQLValue] = [
            .text(from.description), .text(to.description), .text(RecordedState.cutoff(from)),
            .text(RecordedState.cutoff(to)), .text(prefix), .text(prefix + "~"),
        ]
        try database.prepare(sql).forEachRow(values, body)
    }
}
