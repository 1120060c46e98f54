/// The map of resources and needs: per TERYT unit, what is there and what is missing, on a day.
public struct RegionalMap: Sendable {
    /// The day in the world the map describes.
    public let on: LocalDate
    /// The moment of the registry's knowledge it was drawn from (`--recorded-at`); nil for now.
    public let recordedAt: String?
    public let level: MapLevel
    /// The TERYT prefix the map is limited to, if any.
    public let region: String?
    /// Every unit at the level within the region, empty ones included, by code.
    public let units: [MapUnit]
    /// Active entities with no TERYT code, which no unit can show.
    public let unplaced: Int
    /// The vocabularies the counts use, so tables and CSV have stable columns.
    public let kinds: [String]
    public let schemes: [String]
    public let needCategories: [String]
    public let resourceCategories: [String]

    /// Units with neither a CIS nor a KIS.
    public var unitsWithoutCISOrKIS: [MapUnit] { units.filter(\.lacksCISAndKIS) }
    /// Units with open needs that no entity in the unit offers a resource for.
    public var unitsWithUnmatchedNeeds: [MapUnit] { units.filter { !$0.unmatchedNeeds.isEmpty } }

    /// Totals over all units.
    public var totals: MapUnit {
        func sum(_ path: KeyPath<MapUnit, [String: Int]>) -> [String: Int] {
            units.reduce(into: [:]) { result, unit in
                for (key, count) in unit[keyPath: path] { result[key, default: 0] += count }
            }
        }
        return MapUnit(code: region ?? "", name: "razem", entities: sum(\.entities), holders: sum(\.holders),
                       openNeeds: sum(\.openNeeds), resources: sum(\.resources))
    }

    /// The map as JSON: the day, level, region, gap lists and one object per unit with nested counts.
    public var json: JSONValue {
        .object([
            "on": .string(on.description), "recorded_at": .string(recordedAt), "level": .string(level.rawValue),
            "region": .string(region),
            "unplaced_entities": .int(unplaced),
            "units": .array(units.map(\.json)),
            "gaps": .object([
                "without_cis_or_kis": .array(unitsWithoutCISOrKIS.map { .string($0.code) }),
                "unmatched_needs": .array(unitsWithUnmatchedNeeds.map { .string($0.code) }),
            ]),
        ])
    }

    /// Flat columns for CSV: one per kind, scheme, need and resource category, then the gaps.
    public var csvHeader: [String] {
        ["code", "name", "entities"] + kinds.map { "kind:" + $0 } + schemes.map { "holders:" + $0 }
            + ["open_needs"] + needCategories.map { "need:" + $0 } + ["resources"]
            + resourceCategories.map { "resource:" + $0 } + ["gap_no_cis_kis", "gap_unmatched_needs"]
    }

    /// A unit's values in `csvHeader` order.
    public func csvRow(_ unit: MapUnit) -> [String] {
        [unit.code, unit.label, String(unit.entityCount)] + kinds.map { String(unit.entities[$0] ?? 0) }
            + schemes.map { String(unit.holders[$0] ?? 0) } + [String(unit.openNeedCount)]
            + needCategories.map { String(unit.openNeeds[$0] ?? 0) } + [String(unit.resourceCount)]
            + resourceCategories.map { String(unit.resources[$0] ?? 0) }
            + [unit.lacksCISAndKIS ? "1" : "0", unit.unmatchedNeeds.joined(separator: " ")]
    }
}

/// One TERYT unit of a map.
public struct MapUnit: Sendable, Equatable {
    public let code: String
    public let name: String
    /// The TERYT unit type, e.g. "gmina miejska" (two communes of one town share a name).
    public var unitType: String = ""
    /// Active entities per kind code.
    public let entities: [String: Int]
    /// Entities holding a valid certificate, per scheme code.
    public let holders: [String: Int]
    /// Open needs per category.
    public let openNeeds: [String: Int]
    /// Available resources per category.
    public let resources: [String: Int]

    /// The name with the unit type for communes, e.g. "Braniewo (gmina wiejska)".
    public var label: String {
        unitType.hasPrefix("gmina") ? "\(name) (\(unitType))" : name
    }

    public var entityCount: Int { entities.values.reduce(0, +) }
    public var openNeedCount: Int { openNeeds.values.reduce(0, +) }
    public var resourceCount: Int { resources.values.reduce(0, +) }

    /// No CIS and no KIS in the unit: nowhere nearby for social reintegration.
    public var lacksCISAndKIS: Bool {
        (entities[EntityKind.cis.rawValue] ?? 0) == 0 && (entities[EntityKind.kis.rawValue] ?? 0) == 0
    }

    /// Categories of open needs with no resource of the same category in the unit.
    public var unmatchedNeeds: [String] {
        openNeeds.keys.filter { (resources[$0] ?? 0) == 0 }.sorted()
    }

    public var json: JSONValue {
        func counts(_ values: [String: Int]) -> JSONValue { .object(values.mapValues { .int($0) }) }
        return .object([
            "code": .string(code), "name": .string(name), "type": .string(unitType), "entities_total": .int(entityCount),
            "entities": counts(entities), "holders": counts(holders), "open_needs_total": .int(openNeedCount),
            "open_needs": counts(openNeeds), "resources_total": .int(resourceCount), "resources": counts(resources),
            "gaps": .object([
                "no_cis_or_kis": .bool(lacksCISAndKIS),
                "unmatched_needs": .array(unmatchedNeeds.map { .string($0) }),
            ]),
        ])
    }
}
