import SQLiteStore

extension Registry {
    /// Calls `body` for each entity matching `query`, streaming rows from SQLite (memory stays flat):
    /// the world on `query.on` (today) as the registry knew it at `query.recordedAt` (now), each
    /// entity in the version in effect that day and with that day's status.
    public func query(_ query: EntityQuery, _ body: (Entity) throws -> Void) throws {
        let (sql, values, day) = try build(query)
        try database.prepare(sql).forEachRow(values) { row in
            var entity = EntityStore.entity(row)
            entity.day = day
            try body(entity)
        }
    }

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

    private func build(_ query: EntityQuery, exportColumns: Bool = false) throws -> (String, [SQLValue], LocalDate) {
        var prefixes: [String] = []
        if let region = query.region { prefixes.append(try Self.regionPrefix(region)) }
        if let name = query.regionName { prefixes.append(try regionPrefix(named: name)) }
        let day = query.on ?? today
        // Past knowledge of certificates replays their events; present knowledge reads the periods.
        let holderIDs = try query.recordedAt.flatMap { recordedAt in
            try query.holds.map { try holders(scheme: $0, on: day, recordedAt: recordedAt).map(\.entityID) }
        }
        let (sql, values) = try EntityQueries.select(
            query, regionPrefixes: prefixes, day: day, holderIDs: holderIDs, exportColumns: exportColumns)
        return (sql, values, day)
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
