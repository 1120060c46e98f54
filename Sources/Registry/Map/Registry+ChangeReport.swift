import SQLiteStore

extension Registry {
    /// The changes between the world on `from` and on `to`, as the registry knew it at
    /// `recordedAt` (now when nil), within `region`, with counts per unit at `level` when given.
    /// Entities appear, close, move and change kind on the days their versions say.
    public func changeReport(
        from: LocalDate, to: LocalDate, region: String? = nil, level: MapLevel? = nil, recordedAt: String? = nil
    ) throws -> ChangeReport {
        guard from <= to else {
            throw RegistryError.invalidPeriod(from: from, to: to)
        }
        let prefix = try level.map { try mapPrefix(region, level: $0) } ?? (try region.map(Self.regionPrefix) ?? "")
        let before = MapScope(level: level ?? .wojewodztwo, prefix: prefix, day: from, cutoff: recordedAt)
        let after = MapScope(level: level ?? .wojewodztwo, prefix: prefix, day: to, cutoff: recordedAt)

        let (totalsBefore, totalsAfter) = try MapScope.kindTotals(before, after, in: database)
        let kinds = Self.kindCounts(totalsBefore, totalsAfter)

        var units: [ChangeReport.UnitCount] = []
        if let level {
            let perUnitBefore = try before.entitiesByKind(in: database)
            let perUnitAfter = try after.entitiesByKind(in: database)
            units = try teryt.units(level: level, prefix: prefix).map { unit in
                ChangeReport.UnitCount(
                    code: unit.code, name: level == .gmina ? "\(unit.name) (\(unit.unitType))" : unit.name,
                    kinds: Self.kindCounts(perUnitBefore[unit.code] ?? [:], perUnitAfter[unit.code] ?? [:]))
            }
        }
        var undated: [ChangeReport.UndatedEntity] = []
        try EntityQueries.forEachUndated(in: database, on: to, prefix: prefix, cutoff: recordedAt) { row in
            let teryt = row.text(at: 3)
            undated.append(ChangeReport.UndatedEntity(
                id: row.text(at: 0) ?? "", name: row.text(at: 1) ?? "", kind: row.text(at: 2) ?? "", teryt: teryt,
                place: try teryt.map(placeName) ?? ""))
        }
        undated = undated.map { (key: ($0.name.lowercased(), $0.id), entity: $0) }.sorted { $0.key < $1.key }.map(\.entity)
        return ChangeReport(
            from: from, to: to, recordedAt: recordedAt, region: prefix.isEmpty ? nil : prefix, level: level, kinds: kinds,
            units: units, changes: try entityChanges(from: from, to: to, prefix: prefix, recordedAt: recordedAt),
            withoutFoundingDate: undated)
    }

    /// Kinds present on either day, in the kinds' order.
    private static func kindCounts(_ before: [String: Int], _ after: [String: Int]) -> [ChangeReport.KindCount] {
        EntityKind.allCases.map(\.rawValue).compactMap { kind in
            let from = before[kind] ?? 0, to = after[kind] ?? 0
            return from > 0 || to > 0 ? ChangeReport.KindCount(kind: kind, from: from, to: to) : nil
        }
    }

    private func entityChanges(
        from: LocalDate, to: LocalDate, prefix: String, recordedAt: String?
    ) throws -> [ChangeReport.EntityChange] {
        var changes: [ChangeReport.EntityChange] = []
        var places: [String: String] = [:]
        try EntityQueries.forEachChange(in: database, from: from, to: to, prefix: prefix, cutoff: recordedAt) { row in
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
        // Each key computed once: lower-casing inside the comparison was a third of a large report's time.
        return changes.map { (key: (order[$0.change] ?? 0, $0.name.lowercased(), $0.id), change: $0) }
            .sorted { $0.key < $1.key }.map(\.change)
    }

    /// "Legionowo, powiat legionowski" for a commune code; the city alone for a city with county rights.
    func placeName(_ teryt: String) throws -> String {
        let row = try self.teryt.place(teryt)
        guard let (commune, county, countyType) = row else { return teryt }
        guard let county, county != commune else { return commune }
        return countyType.contains("na prawach powiatu") ? county : "\(commune), powiat \(county)"
    }
}
