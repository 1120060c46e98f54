extension Registry {
    /// The map of resources and needs per TERYT unit at `level`, within `region` (a TERYT prefix),
    /// on `day`: with a day, the registry's state as recorded by the end of that day; without, now.
    public func map(level: MapLevel = .powiat, region: String? = nil, on day: LocalDate? = nil) throws -> RegionalMap {
        let prefix = try mapPrefix(region, level: level)
        let date = day ?? today
        let scope = MapScope(level: level, prefix: prefix, day: date, cutoff: day.map(RecordedState.cutoff))

        let entities = try scope.counts(in: database, select: "a.kind")
        let resources = try scope.counts(
            in: database, select: "r.category",
            join: ((scope.cutoff == nil ? "resources" : RecordedState.resources(cutoff: "?4")) + " r", "r.entity_id"),
            where: "r.recorded_on <= ?1 AND (r.withdrawn_on IS NULL OR r.withdrawn_on > ?1)")
        let needs = try scope.counts(
            in: database, select: "n.category",
            join: ((scope.cutoff == nil ? "needs" : RecordedState.needs(cutoff: "?4")) + " n", "n.entity_id"),
            where: "n.reported_on <= ?1 AND (n.met_on IS NULL OR n.met_on > ?1)")
        let schemeCodes = try schemes().map(\.code)
        let holders = try holderCounts(scope: scope, schemes: schemeCodes)

        let units = try database.rows(
            """
            SELECT code, name, unit_type FROM teryt_units
            WHERE level = ? AND abolished_in IS NULL AND code >= ? AND code < ? ORDER BY code
            """, [.text(level.rawValue), .text(prefix), .text(prefix + "~")]
        ) { row -> MapUnit in
            let code = row.text(at: 0) ?? ""
            return MapUnit(code: code, name: row.text(at: 1) ?? "", unitType: row.text(at: 2) ?? "",
                           entities: entities[code] ?? [:], holders: holders[code] ?? [:], openNeeds: needs[code] ?? [:],
                           resources: resources[code] ?? [:])
        }
        let unplaced = prefix.isEmpty ? try scope.unplacedCount(in: database) : 0
        return RegionalMap(
            on: date, isHistorical: day != nil, level: level, region: prefix.isEmpty ? nil : prefix, units: units,
            unplaced: unplaced, kinds: EntityKind.allCases.map(\.rawValue), schemes: schemeCodes,
            needCategories: try needCategories().map(\.code), resourceCategories: try resourceCategories().map(\.code))
    }

    /// Checks that the region is no finer than the level (a county's map can list its communes, not its voivodeship).
    func mapPrefix(_ region: String?, level: MapLevel) throws -> String {
        guard let region else { return "" }
        let prefix = try Self.regionPrefix(region)
        let unitLength = level == .wojewodztwo ? 2 : level == .powiat ? 4 : 7
        guard prefix.count <= unitLength else {
            throw RegistryError.regionFinerThanLevel(region: region, level: level)
        }
        return prefix
    }

    /// Entities holding a valid certificate on the day, per unit and scheme.
    private func holderCounts(scope: MapScope, schemes: [String]) throws -> [String: [String: Int]] {
        guard let cutoff = scope.cutoff else {
            // Current knowledge: the periods cache, derived from the events as known now.
            return try scope.counts(
                in: database, select: "p.scheme_code", join: ("certificate_periods p", "p.entity_id"),
                where: "p.held_from <= ?1 AND p.held_to >= ?1", distinct: true)
        }
        // Past knowledge: replay each certificate's events as they were recorded by then.
        var pairs: [JSONValue] = []
        for scheme in schemes {
            for holder in try holders(scheme: scheme, on: scope.day, recordedAt: cutoff) {
                pairs.append(.array([.string(holder.entityID), .string(scheme)]))
            }
        }
        return try scope.counts(
            in: database, select: "h.value ->> 1", join: ("json_each(?5) h", "h.value ->> 0"), distinct: true,
            extra: [.text(JSONValue.array(pairs).canonical)])
    }
}

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

    private var source: String {
        cutoff == nil ? "entities" : RecordedState.entities(cutoff: "?4")
    }

    private var active: String {
        """
        WITH a AS (SELECT e.id, e.kind, \(level.unitExpression) AS unit
                   FROM \(source) e JOIN teryt_units t ON t.code = e.teryt
                   WHERE (e.closed_on IS NULL OR e.closed_on > ?1) AND e.teryt >= ?2 AND e.teryt < ?3)
        """
    }

    /// Counts per unit and key: `select` over the active entities `a`, or over `join.source` rows
    /// whose `join.entity` column names an active entity.
    func counts(
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
}

extension Registry {
    /// The name of the unit a TERYT prefix denotes ("Mazowieckie" for 14, a commune for 6 digits).
    public func unitName(_ prefix: String) throws -> String? {
        try database.scalarText(
            "SELECT name FROM teryt_units WHERE code >= ?1 AND code < ?1 || '~' AND level <> 'czesc' ORDER BY code LIMIT 1",
            [.text(prefix)])
    }
}
