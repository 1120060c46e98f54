import SQLiteStore

/// The entities a map or a change report counts: those existing on the day (as known now, or at
/// the recorded time `cutoff`), within the region, each in its unit at the level.
///
/// Counts are taken per TERYT code and rolled up to units here: as known now, the entities'
/// codes, kinds and day ranges come from one covering index (`entities_place`) in code order, and
/// the superseded versions still in effect from `entity_timeline`.
struct MapScope {
    let level: MapLevel
    let prefix: String
    let day: LocalDate
    /// Nil for present knowledge; else the recorded-time stamp of a past one.
    let cutoff: String?

    /// Parameters: ?1 the day, ?2/?3 the TERYT range, ?4 the cutoff (past knowledge only).
    private var parameters: [SQLValue] {
        [.text(day.description), .text(prefix), .text(prefix + "~")] + (cutoff.map { [.text($0)] } ?? [])
    }

    /// Where existing entities come from, as alias `a` with `a.teryt` and `a.kind`: `from` alone,
    /// or `joined` after another table (whose rows name entities by the id expression `id`), with
    /// the condition that the entity exists on the day.
    private struct Arm {
        let from: String
        let joined: String
        let id: String
        let condition: String
        /// What ties `joined`'s tables together, when it has more than one.
        var link: String?
    }

    private var arms: [Arm] {
        guard cutoff == nil else {
            // (After another table, `joinedCounts` reads the few entities it names instead.)
            let states = EntityStates.source(day: "?1", cutoff: "?4")
            return [Arm(from: "\(states) a", joined: "JOIN \(states) a", id: "a.id", condition: "1")]
        }
        let days = "a.valid_from <= ?1 AND a.valid_to > ?1"
        // Counting every entity reads the covering index alone (INDEXED BY: the kind index would
        // otherwise be chosen for GROUP BY kind, a million row look-ups). After another table the
        // entities are found by id from its few rows (CROSS JOIN keeps that order).
        return [
            Arm(from: "entities a INDEXED BY entities_place", joined: "CROSS JOIN entities a", id: "a.id", condition: days),
            Arm(from: "entity_timeline a",
                joined: "CROSS JOIN entities x CROSS JOIN entity_timeline a", id: "x.id", condition: days,
                link: "a.entity_rowid = x.rowid"),
        ]
    }

    /// Existing entities per unit and kind.
    func entitiesByKind(in database: Database) throws -> [String: [String: Int]] {
        try counts(in: database, key: "a.kind")
    }

    /// Items held on the day (resources available, needs open) of existing entities, per unit and category.
    func itemsByCategory<Item: EntityItem>(_ type: Item.Type, in database: Database) throws -> [String: [String: Int]] {
        let kind = Item.kind
        let items = cutoff == nil ? kind.table.table : kind.table.recorded(cutoff: "?4")
        return try counts(
            in: database, key: "i.category", join: ("\(items) i", "i.entity_id"),
            where: "i.\(kind.startColumn) <= ?1 AND (i.\(kind.endColumn) IS NULL OR i.\(kind.endColumn) > ?1)")
    }

    /// Existing entities holding a certificate on the day by the periods cache, per unit and scheme.
    func holdersByScheme(in database: Database) throws -> [String: [String: Int]] {
        try counts(
            in: database, key: "p.scheme_code", join: ("certificate_periods p", "p.entity_id"),
            where: "p.held_from <= ?1 AND p.held_to >= ?1", distinct: true)
    }

    /// Existing entities among `holders` (entity and scheme pairs), per unit and scheme.
    func holdersByScheme(
        _ holders: [(entityID: String, scheme: String)], in database: Database
    ) throws -> [String: [String: Int]] {
        let pairs = JSONValue.array(holders.map { .array([.string($0.entityID), .string($0.scheme)]) })
        return try counts(
            in: database, key: "h.value ->> 1", join: ("json_each(?5) h", "h.value ->> 0"), distinct: true,
            extra: [.text(pairs.canonical)])
    }

    /// Counts per unit and key: `key` over the existing entities `a`, or over `join.source` rows
    /// whose `join.entity` column names an existing entity; summed over the arms, rolled up to units.
    private func counts(
        in database: Database, key: String, join: (source: String, entity: String)? = nil,
        where condition: String? = nil, distinct: Bool = false, extra: [SQLValue] = []
    ) throws -> [String: [String: Int]] {
        var values = parameters
        if !extra.isEmpty {
            if cutoff == nil { values.append(.null) }  // keeps ?5 the extra value; ?4 is unused then
            values += extra
        }
        let units = try unitOfCode(in: database)
        if cutoff != nil, let join {
            return try joinedCounts(in: database, key: key, join: join, where: condition, distinct: distinct,
                                    values: values, units: units)
        }
        var result: [String: [String: Int]] = [:]
        for arm in arms {
            var sql = "SELECT a.teryt, \(key), count(\(distinct ? "DISTINCT \(arm.id)" : "*")) FROM "
            var conditions = [arm.condition, "a.teryt >= ?2 AND a.teryt < ?3"]
            if let join {
                sql += "\(join.source) \(arm.joined)"
                conditions.append("\(arm.id) = \(join.entity)")
                if let link = arm.link { conditions.append(link) }
            } else {
                sql += arm.from
            }
            if let condition { conditions.append(condition) }
            sql += " WHERE " + conditions.joined(separator: " AND ") + " GROUP BY 1, 2"
            try forEachRow(sql, values, in: database) { row in
                guard let code = row.text(at: 0), let key = row.text(at: 1), let unit = units(code) else { return }
                result[unit, default: [:]][key, default: 0] += row.int(at: 2) ?? 0
            }
        }
        return result
    }

    /// `counts` after another table at a past moment of knowledge: that table's rows first, then
    /// the states of the few entities they name (replaying every entity's history for a join was
    /// seconds at a million entities).
    private func joinedCounts(
        in database: Database, key: String, join: (source: String, entity: String), where condition: String?,
        distinct: Bool, values: [SQLValue], units: (String) -> String?
    ) throws -> [String: [String: Int]] {
        var rows: [(entity: String, key: String)] = []
        let sql = "SELECT \(join.entity), \(key) FROM \(join.source)" + (condition.map { " WHERE \($0)" } ?? "")
        try forEachRow(sql, values, in: database) { row in
            if let entity = row.text(at: 0), let key = row.text(at: 1) { rows.append((entity, key)) }
        }
        let ids = JSONValue.array(Set(rows.map(\.entity)).sorted().map { .string($0) }).canonical
        var teryts: [String: String] = [:]
        let states = EntityStates.source(day: "?1", cutoff: "?2", only: .ids("SELECT value FROM json_each(?3)"))
        try forEachRow("SELECT id, teryt FROM \(states)", [.text(day.description), values[3], .text(ids)], in: database) { row in
            if let id = row.text(at: 0), let teryt = row.text(at: 1) { teryts[id] = teryt }
        }
        var result: [String: [String: Int]] = [:]
        var counted = Set<[String]>()
        for row in rows {
            guard let teryt = teryts[row.entity], teryt >= prefix, teryt < prefix + "~", let unit = units(teryt) else { continue }
            if distinct, !counted.insert([unit, row.key, row.entity]).inserted { continue }
            result[unit, default: [:]][row.key, default: 0] += 1
        }
        return result
    }

    /// The unit at the level a TERYT code lies in: its voivodeship or county prefix, or its commune
    /// (town and rural parts of urban-rural communes, and city districts, count in their commune).
    private func unitOfCode(in database: Database) throws -> (String) -> String? {
        switch level {
        case .wojewodztwo: return { String($0.prefix(2)) }
        case .powiat: return { String($0.prefix(4)) }
        case .gmina:
            var communes: [String: String] = [:]
            try database.prepare("SELECT code, commune_code FROM teryt_units WHERE code >= ?1 AND code < ?2 AND commune_code IS NOT NULL")
                .forEachRow([.text(prefix), .text(prefix + "~")]) { row in
                    if let code = row.text(at: 0) { communes[code] = row.text(at: 1) }
                }
            return { communes[$0] }
        }
    }

    /// Existing entities without a TERYT code.
    func unplacedCount(in database: Database) throws -> Int {
        try total(in: database, where: "a.teryt IS NULL")
    }

    /// Existing entities per kind on the scope's day, over the whole region (entities without a
    /// TERYT code count too when there is no region).
    func kindTotals(in database: Database) throws -> [String: Int] {
        var result: [String: Int] = [:]
        for arm in arms {
            var sql = "SELECT a.kind, count(*) FROM \(arm.from) WHERE \(arm.condition)"
            if !prefix.isEmpty { sql += " AND a.teryt >= ?2 AND a.teryt < ?3" }
            try forEachRow(sql + " GROUP BY 1", parameters, in: database) { row in
                result[row.text(at: 0) ?? "", default: 0] += row.int(at: 1) ?? 0
            }
        }
        return result
    }

    /// `kindTotals` of two scopes that differ only in their day, as known now, in one pass over
    /// the rows (a quarter's report reads a million index entries once, not twice).
    static func kindTotals(_ first: MapScope, _ second: MapScope, in database: Database) throws -> ([String: Int], [String: Int]) {
        guard first.cutoff == nil, second.cutoff == nil, first.prefix == second.prefix else {
            return (try first.kindTotals(in: database), try second.kindTotals(in: database))
        }
        var (one, two): ([String: Int], [String: Int]) = ([:], [:])
        let values: [SQLValue] = [.text(first.day.description), .text(first.prefix), .text(first.prefix + "~"),
                                  .text(second.day.description)]
        for arm in first.arms {
            let other = arm.condition.replacingOccurrences(of: "?1", with: "?4")
            var sql = "SELECT a.kind, sum(\(arm.condition)), sum(\(other)) FROM \(arm.from) WHERE ((\(arm.condition)) OR (\(other)))"
            if !first.prefix.isEmpty { sql += " AND a.teryt >= ?2 AND a.teryt < ?3" }
            try first.forEachRow(sql + " GROUP BY 1", values, in: database) { row in
                let kind = row.text(at: 0) ?? ""
                one[kind, default: 0] += row.int(at: 1) ?? 0
                two[kind, default: 0] += row.int(at: 2) ?? 0
            }
        }
        return (one.filter { $0.value > 0 }, two.filter { $0.value > 0 })
    }

    private func total(in database: Database, where condition: String) throws -> Int {
        var count = 0
        for arm in arms {
            try forEachRow("SELECT count(*) FROM \(arm.from) WHERE \(arm.condition) AND \(condition)", parameters, in: database) {
                count += $0.int(at: 0) ?? 0
            }
        }
        return count
    }

    /// Runs `sql` with the leading `values` it has parameters for (a statement may leave out the
    /// region's, and SQLite refuses values beyond its last parameter).
    private func forEachRow(_ sql: String, _ values: [SQLValue], in database: Database, _ body: (Statement) throws -> Void) throws {
        let statement = try database.prepare(sql)
        try statement.forEachRow(Array(values.prefix(Int(statement.parameterCount))), body)
    }
}
