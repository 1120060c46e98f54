extension Registry {
    /// The changes between `from` and `to` (each the registry's state as recorded by the end of
    /// that day), within `region`, with counts per unit at `level` when given.
    public func changeReport(from: LocalDate, to: LocalDate, region: String? = nil, level: MapLevel? = nil) throws -> ChangeReport {
        guard from <= to else {
            throw RegistryError.invalidPeriod(from: from, to: to)
        }
        let prefix = try level.map { try mapPrefix(region, level: $0) } ?? (try region.map(Self.regionPrefix) ?? "")
        let before = MapScope(level: level ?? .wojewodztwo, prefix: prefix, day: from, cutoff: RecordedState.cutoff(from))
        let after = MapScope(level: level ?? .wojewodztwo, prefix: prefix, day: to, cutoff: RecordedState.cutoff(to))

        let totalsBefore = try kindTotals(before)
        let totalsAfter = try kindTotals(after)
        let kinds = Self.kindCounts(totalsBefore, totalsAfter)

        var units: [ChangeReport.UnitCount] = []
        if let level {
            let perUnitBefore = try before.counts(in: database, select: "a.kind")
            let perUnitAfter = try after.counts(in: database, select: "a.kind")
            units = try database.rows(
                """
                SELECT code, CASE WHEN level = 'gmina' THEN name || ' (' || unit_type || ')' ELSE name END FROM teryt_units
                WHERE level = ? AND abolished_in IS NULL AND code >= ? AND code < ? ORDER BY code
                """, [.text(level.rawValue), .text(prefix), .text(prefix + "~")]
            ) { row in
                let code = row.text(at: 0) ?? ""
                return ChangeReport.UnitCount(
                    code: code, name: row.text(at: 1) ?? "",
                    kinds: Self.kindCounts(perUnitBefore[code] ?? [:], perUnitAfter[code] ?? [:]))
            }
        }
        return ChangeReport(from: from, to: to, region: prefix.isEmpty ? nil : prefix, level: level, kinds: kinds,
                            units: units, changes: try entityChanges(from: from, to: to, prefix: prefix))
    }

    /// Active entities per kind on the scope's day, over the whole region (entities without a
    /// TERYT code count too when there is no region).
    private func kindTotals(_ scope: MapScope) throws -> [String: Int] {
        var values: [SQLValue] = [.text(scope.day.description), .text(scope.cutoff ?? "")]
        var sql = """
            SELECT e.kind, count(*) FROM \(RecordedState.entities(cutoff: "?2")) e
            WHERE (e.closed_on IS NULL OR e.closed_on > ?1)
            """
        if !scope.prefix.isEmpty {
            sql += " AND e.teryt >= ?3 AND e.teryt < ?4"
            values += [.text(scope.prefix), .text(scope.prefix + "~")]
        }
        var result: [String: Int] = [:]
        try database.prepare(sql + " GROUP BY 1").forEachRow(values) { row in
            result[row.text(at: 0) ?? ""] = row.int(at: 1) ?? 0
        }
        return result
    }

    /// Kinds present on either day, in the kinds' order.
    private static func kindCounts(_ before: [String: Int], _ after: [String: Int]) -> [ChangeReport.KindCount] {
        EntityKind.allCases.map(\.rawValue).compactMap { kind in
            let from = before[kind] ?? 0, to = after[kind] ?? 0
            return from > 0 || to > 0 ? ChangeReport.KindCount(kind: kind, from: from, to: to) : nil
        }
    }

    private func entityChanges(from: LocalDate, to: LocalDate, prefix: String) throws -> [ChangeReport.EntityChange] {
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
        var changes: [ChangeReport.EntityChange] = []
        var places: [String: String] = [:]
        try database.prepare(sql).forEachRow(values) { row in
            let activeBefore = row.int(at: 6) == 1, activeAfter = row.int(at: 7) == 1
            let openBefore = row.int(at: 8) == 1, openAfter = row.int(at: 9) == 1
            let change: ChangeReport.Change
            switch (activeBefore, activeAfter) {
            case (false, true): change = openBefore ? .movedIn : .appeared
            case (true, false): change = openAfter ? .movedOut : .closed
            default: change = .kindChanged
            }
            let useBefore = change == .closed || change == .movedOut
            let teryt = useBefore ? row.text(at: 4) : row.text(at: 5)
            let place: String
            if let teryt {
                if let known = places[teryt] {
                    place = known
                } else {
                    place = try placeName(teryt)
                    places[teryt] = place
                }
            } else {
                place = ""
            }
            changes.append(ChangeReport.EntityChange(
                change: change, id: row.text(at: 0) ?? "", name: row.text(at: 1) ?? "",
                kind: (useBefore ? row.text(at: 2) : row.text(at: 3)) ?? "",
                previousKind: change == .kindChanged ? row.text(at: 2) : nil, teryt: teryt, place: place))
        }
        let order = Dictionary(uniqueKeysWithValues: ChangeReport.Change.allCases.enumerated().map { ($1, $0) })
        return changes.sorted {
            (order[$0.change] ?? 0, $0.name.lowercased(), $0.id) < (order[$1.change] ?? 0, $1.name.lowercased(), $1.id)
        }
    }

    /// "Legionowo, powiat legionowski" for a commune code; the city alone for a city with county rights.
    func placeName(_ teryt: String) throws -> String {
        let row = try database.first(
            """
            SELECT coalesce(c.name, u.name), p.name, p.unit_type FROM teryt_units u
            LEFT JOIN teryt_units c ON c.code = u.commune_code
            LEFT JOIN teryt_units p ON p.code = substr(u.code, 1, 4)
            WHERE u.code = ?
            """, [.text(teryt)]) { row in (row.text(at: 0) ?? teryt, row.text(at: 1), row.text(at: 2) ?? "") }
        guard let (commune, county, countyType) = row else { return teryt }
        guard let county, county != commune else { return commune }
        return countyType.contains("na prawach powiatu") ? county : "\(commune), powiat \(county)"
    }
}
