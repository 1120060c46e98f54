import SQLiteStore

/// The entities a map counts: active on the day, within the region, each with its unit at the level.
struct MapScope {
    let level: MapLevel
    let prefix: String
    let day: LocalDate
    /// Nil for the current state; else the recorded-by time of a past state.
    let cutoff: String?

    /// Parameters: ?1 the day, ?2/?3 the TERYT range, ?4 the cutoff (past states only).
    private var parameters: [SQLValue] {
        [.text(day.description), .text(prefix), .text(prefix + "~")] + (cutoff.map { [.text($0)] } ?? [])
    }

    private var source: String { source(of: EntityTable.versioned) }

    /// `table`'s current rows, or for a past state its rows as recorded by the cutoff (?4).
    private func source(of table: VersionedTable) -> String {
        cutoff == nil ? table.table : table.recorded(cutoff: "?4")
    }

    /// An entity's unit at the level, from its TERYT code `e.teryt` and its commune `t.commune_code`.
    private var unitExpression: String {
        switch level {
        case .wojewodztwo: return "substr(e.teryt, 1, 2)"
        case .powiat: return "substr(e.teryt, 1, 4)"
        // Town and rural parts of urban-rural communes, and city districts, count in their commune.
        case .gmina: return "t.commune_code"
        }
    }

    private var active: String {
        """
        WITH a AS (SELECT e.id, e.kind, \(unitExpression) AS unit
                   FROM \(source) e JOIN teryt_units t ON t.code = e.teryt
                   WHERE (e.closed_on IS NULL OR e.closed_on > ?1) AND e.teryt >= ?2 AND e.teryt < ?3)
        """
    }

    /// Active entities per unit and kind.
    func entitiesByKind(in database: Database) throws -> [String: [String: Int]] {
        try counts(in: database, select: "a.kind")
    }

    /// Items of active entities that held on the day (resources available, needs open), per unit and category.
    func itemsByCategory<Item: EntityItem>(_ type: Item.Type, in database: Database) throws -> [String: [String: Int]] {
        let kind = Item.kind
        return try counts(
            in: database, select: "i.category", join: (source(of: kind.table) + " i", "i.entity_id"),
            where: "i.\(kind.startColumn) <= ?1 AND (i.\(kind.endColumn) IS NULL OR i.\(kind.endColumn) > ?1)")
    }

    /// Active entities holding a certificate on the day by the periods cache, per unit and scheme.
    func holdersByScheme(in database: Database) throws -> [String: [String: Int]] {
        try counts(
            in: database, select: "p.scheme_code", join: ("certificate_periods p", "p.entity_id"),
            where: "p.held_from <= ?1 AND p.held_to >= ?1", distinct: true)
    }

    /// Active entities among `holders` (entity and scheme pairs), per unit and scheme.
    func holdersByScheme(
        _ holders: [(entityID: String, scheme: String)], in database: Database
    ) throws -> [String: [String: Int]] {
        let pairs = JSONValue.array(holders.map { .array([.string($0.entityID), .string($0.scheme)]) })
        return try counts(
            in: database, select: "h.value ->> 1", join: ("json_each(?5) h", "h.value ->> 0"), distinct: true,
            extra: [.text(pairs.canonical)])
    }

    /// Counts per unit and key: `select` over the active entities `a`, or over `join.source` rows
    /// whose `join.entity` column names an active entity.
    private func counts(
        in database: Database, select: String, join: (source: String, entity: String)? = nil,
        where condition: String? = nil, distinct: Bool = false, extra: [SQLValue] = []
    ) throws -> [String: [String: Int]] {
        var sql = active + " SELECT a.unit, \(select), count(\(distinct ? "DISTINCT a.id" : "*")) FROM "
        sql += join.map { "\($0.source) JOIN a ON a.id = \($0.entity)" } ?? "a"
        if let condition { sql += " WHERE \(condition)" }
        sql += " GROUP BY 1, 2"
        var values = parameters
        if !extra.isEmpty {
            if cutoff == nil { values.append(.null) }  // keeps ?5 the extra value; ?4 is unused then
            values += extra
        }
        var result: [String: [String: Int]] = [:]
        try database.prepare(sql).forEachRow(values) { row in
            guard let unit = row.text(at: 0), let key = row.text(at: 1) else { return }
            result[unit, default: [:]][key] = row.int(at: 2) ?? 0
        }
        return result
    }

    /// Active entities without a TERYT code.
    func unplacedCount(in database: Database) throws -> Int {
        var values: [SQLValue] = [.text(day.description)]
        var sql = "SELECT count(*) FROM \(cutoff == nil ? "entities" : RecordedState.entities(cutoff: "?2")) e"
        sql += " WHERE e.teryt IS NULL AND (e.closed_on IS NULL OR e.closed_on > ?1)"
        if let cutoff { values.append(.text(cutoff)) }
        return try database.scalarInt(sql, values) ?? 0
    }

    /// Active entities per kind on the scope's day, over the whole region (entities without a
    /// TERYT code count too when there is no region).
    func kindTotals(in database: Database) throws -> [String: Int] {
        var values: [SQLValue] = [.text(day.description), .text(cutoff ?? "")]
        var sql = """
            SELECT e.kind, count(*) FROM \(RecordedState.entities(cutoff: "?2")) e
            WHERE (e.closed_on IS NULL OR e.closed_on > ?1)
            """
        if !prefix.isEmpty {
            sql += " AND e.teryt >= ?3 AND e.teryt < ?4"
            values += [.text(prefix), .text(prefix + "~")]
        }
        var result: [String: Int] = [:]
        try database.prepare(sql + " GROUP BY 1").forEachRow(values) { row in
            result[row.text(at: 0) ?? ""] = row.int(at: 1) ?? 0
        }
        return result
    }
}
