import SQLiteStore

extension Registry {
    /// The map of resources and needs per TERYT unit at `level`, within `region` (a TERYT prefix):
    /// the world on `day` (today when nil) as the registry knew it at `recordedAt` (now when nil).
    public func map(
        level: MapLevel = .powiat, region: String? = nil, on day: LocalDate? = nil, recordedAt: String? = nil
    ) throws -> RegionalMap {
        let prefix = try mapPrefix(region, level: level)
        let date = day ?? today
        let scope = MapScope(level: level, prefix: prefix, day: date, cutoff: recordedAt)

        let entities = try scope.entitiesByKind(in: database)
        let resources = try scope.itemsByCategory(Resource.self, in: database)
        let needs = try scope.itemsByCategory(Need.self, in: database)
        let schemeCodes = try schemes().map(\.code)
        let holders = try holderCounts(scope: scope, schemes: schemeCodes)

        let units = try teryt.units(level: level, prefix: prefix).map { unit in
            MapUnit(code: unit.code, name: unit.name, unitType: unit.unitType,
                    entities: entities[unit.code] ?? [:], holders: holders[unit.code] ?? [:],
                    openNeeds: needs[unit.code] ?? [:], resources: resources[unit.code] ?? [:])
        }
        let unplaced = prefix.isEmpty ? try scope.unplacedCount(in: database) : 0
        return RegionalMap(
            on: date, recordedAt: recordedAt, level: level, region: prefix.isEmpty ? nil : prefix, units: units,
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
            return try scope.holdersByScheme(in: database)
        }
        // Past knowledge: replay each certificate's events as they were recorded by then.
        var pairs: [(entityID: String, scheme: String)] = []
        for scheme in schemes {
            for holder in try holders(scheme: scheme, on: scope.day, recordedAt: cutoff) {
                pairs.append((holder.entityID, scheme))
            }
        }
        return try scope.holdersByScheme(pairs, in: database)
    }
}

extension Registry {
    /// The name of the unit a TERYT prefix denotes ("Mazowieckie" for 14, a commune for 6 digits).
    public func unitName(_ prefix: String) throws -> String? {
        try teryt.name(prefix: prefix)
    }
}
