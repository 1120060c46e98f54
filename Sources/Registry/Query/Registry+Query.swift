import SQLiteStore

extension Registry {
    /// Calls `body` for each entity matching `query`, streaming rows from SQLite (memory stays flat).
    ///
    /// With `query.on`, entities are shown as the registry recorded them by the end of that day,
    /// and their status is the one they had on that day.
    public func query(_ query: EntityQuery, _ body: (Entity) throws -> Void) throws {
        let (sql, values, dayIndex) = try build(query)
        let statement = try database.prepare(sql)
        try statement.forEachRow(values) { row in
            var entity = EntityStore.entity(row)
            if let dayIndex, let closed = entity.closedOn, closed.description > (row.text(at: dayIndex) ?? "") {
                // Closed after the day asked about: it was active then.
                entity = Entity(id: entity.id, version: entity.version, fields: entity.fields, closedOn: nil,
                                closeReason: nil, createdAt: entity.createdAt, updatedAt: entity.updatedAt)
            }
            try body(entity)
        }
    }

    /// The SQL for `query`, its bound values, and (with `on`) the column holding the day.
    /// Writes entities matching `query` straight from SQLite in `EntityColumns.all` order, without
    /// building `Entity` values (the fast path for CSV and JSON output of large results).
    public func query(_ query: EntityQuery, to writer: RecordWriter) throws {
        try queryRows(query) { try writer.writeRow(of: $0) }
    }

    /// Calls `body` with each matching row as SQLite returns it, its columns in `EntityColumns.all`
    /// order (for callers that time the query apart from writing its rows).
    public func queryRows(_ query: EntityQuery, _ body: (Statement) throws -> Void) throws {
        let (sql, values, _) = try build(query, exportColumns: true)
        try database.prepare(sql).forEachRow(values, body)
    }

    private func build(_ query: EntityQuery, exportColumns: Bool = false) throws -> (String, [SQLValue], Int32?) {
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
            dayColumn = 26
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
        var prefixes: [String] = []
        if let region = query.region { prefixes.append(try Self.regionPrefix(region)) }
        if let name = query.regionName { prefixes.append(try regionPrefix(named: name)) }
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
            sql = "SELECT " + EntityStore.columns.split(separator: ",").map { "e." + $0.trimmed }.joined(separator: ", ")
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

    /// Checks a TERYT prefix (2, 4, 6 or 7 digits); a 7-digit commune code becomes its 6-digit commune
    /// prefix so the town and rural parts of an urban-rural commune are included.
    static func regionPrefix(_ code: String) throws -> String {
        let digits = code.trimmed
        guard [2, 4, 6, 7].contains(digits.utf8.count), digits.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            throw RegistryError.invalidValue(
                field: "region", value: code, rule: "must be a TERYT prefix: 2 digits (voivodeship), 4 (county) or 7 (commune)")
        }
        if digits.count == 7, let type = digits.last, type == "3" { return String(digits.prefix(6)) }
        return digits
    }

    /// Resolves a unit name (voivodeship, county or commune) to a TERYT prefix.
    func regionPrefix(named name: String) throws -> String {
        let matches = try findTeryt(name: name).filter { $0.unit.abolishedIn == nil && $0.unit.level != .czesc }
        let distinct = Dictionary(grouping: matches) { match -> String in
            match.unit.level == .gmina ? String(match.unit.code.prefix(6)) : match.unit.code
        }
        // A city with county rights is both a county and a commune: the names nest, so take the wider unit.
        let prefixes = try matches.map { $0.unit.level == .gmina ? try Self.regionPrefix($0.unit.code) : $0.unit.code }
            .sorted { $0.count < $1.count }
        switch distinct.count {
        case 0: throw RegistryError.notFound(kind: "TERYT unit", reference: name)
        case _ where prefixes.allSatisfy({ $0.hasPrefix(prefixes[0]) }):
            return prefixes[0]
        default:
            throw RegistryError.ambiguous(kind: "TERYT unit", reference: name, candidates: matches.map(\.description))
        }
    }
}
