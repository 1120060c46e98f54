import SQLiteStore

/// Reads and writes the TERYT dictionary: units and their versions (a unit is never deleted; an
/// abolished one is marked).
struct TerytStore {
    let database: Database

    private static let unitColumns = "code, level, commune_type, commune_code, name, unit_type, edition, abolished_in"

    /// Builds a unit from a row selected with `unitColumns` (prefixed or not).
    static func unit(_ row: Statement) -> TerytUnit {
        TerytUnit(
            code: row.text(at: 0) ?? "", level: TerytUnit.Level(rawValue: row.text(at: 1) ?? "") ?? .gmina,
            communeType: row.text(at: 2), communeCode: row.text(at: 3), name: row.text(at: 4) ?? "",
            unitType: row.text(at: 5) ?? "", edition: row.text(at: 6) ?? "", abolishedIn: row.text(at: 7))
    }

    /// Every unit with its current version, by code.
    func unitsAndVersions() throws -> (units: [String: TerytUnit], versions: [String: Int]) {
        var units: [String: TerytUnit] = [:]
        var versions: [String: Int] = [:]
        try database.cached("SELECT \(Self.unitColumns), version FROM teryt_units").forEachRow { row in
            let unit = Self.unit(row)
            units[unit.code] = unit
            versions[unit.code] = row.int(at: 8) ?? 1
        }
        return (units, versions)
    }

    /// Writes a unit's new state as version `version` and keeps that version.
    func save(_ unit: TerytUnit, version: Int, context: ChangeContext) throws {
        let values: [SQLValue] = [
            .text(unit.code), .text(unit.level.rawValue), SQLValue(unit.communeType), SQLValue(unit.communeCode),
            .text(unit.name), .text(TextFolding.fold(unit.name)), .text(unit.unitType), .text(unit.edition),
            SQLValue(unit.abolishedIn), .integer(Int64(version)),
        ]
        try database.run(
            """
            INSERT INTO teryt_units (code, level, commune_type, commune_code, name, name_folded, unit_type, edition, abolished_in, version)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (code) DO UPDATE SET level = excluded.level, commune_type = excluded.commune_type,
                commune_code = excluded.commune_code, name = excluded.name, name_folded = excluded.name_folded,
                unit_type = excluded.unit_type, edition = excluded.edition, abolished_in = excluded.abolished_in,
                version = excluded.version
            """, values)
        try database.run(
            """
            INSERT INTO teryt_unit_versions (code, version, name, unit_type, edition, abolished_in, recorded_at, actor, batch_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [.text(unit.code), .integer(Int64(version)), .text(unit.name), .text(unit.unitType), .text(unit.edition),
             SQLValue(unit.abolishedIn), .text(context.recordedAt), .text(context.actor), SQLValue(context.batchID)])
    }

    /// The unit with `code`, or nil.
    func unit(code: String) throws -> TerytUnit? {
        try database.first("SELECT \(Self.unitColumns) FROM teryt_units WHERE code = ?", [.text(code)], Self.unit)
    }

    /// True when the dictionary holds no unit (a new registry, to be seeded).
    func isEmpty() throws -> Bool {
        try database.scalarInt("SELECT count(*) FROM teryt_units") == 0
    }

    /// Every unit's code.
    func codes() throws -> Set<String> {
        Set(try database.rows("SELECT code FROM teryt_units") { $0.text(at: 0) ?? "" })
    }

    /// Units whose folded name equals `folded`, or with `prefix` true starts with it (optionally of
    /// `level`), with the names of their county and voivodeship; current units first, by code.
    func find(folded: String, prefix: Bool, level: TerytUnit.Level?) throws -> [TerytMatch] {
        let condition: String
        let value: String
        if prefix {
            // LIKE's wildcards escaped, so `%` and `_` in a name match only themselves.
            condition = "u.name_folded LIKE ?1 ESCAPE '\\'"
            value = folded.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
        } else {
            condition = "u.name_folded = ?1"
            value = folded
        }
        return try database.rows(
            """
            SELECT \(Self.unitColumns.split(separator: ",").map { "u." + $0.trimmed }.joined(separator: ", ")),
                   (SELECT name FROM teryt_units WHERE code = substr(u.code, 1, 4) AND length(u.code) = 7),
                   (SELECT name FROM teryt_units WHERE code = substr(u.code, 1, 2) AND length(u.code) > 2)
            FROM teryt_units u
            WHERE \(condition) AND (?2 IS NULL OR u.level = ?2) ORDER BY u.abolished_in IS NOT NULL, u.code
            """, [.text(value), SQLValue(level?.rawValue)]
        ) { TerytMatch(unit: Self.unit($0), county: $0.text(at: 8), voivodeship: $0.text(at: 9)) }
    }

    /// The current units of `level` within the TERYT `prefix`, by code.
    func units(level: MapLevel, prefix: String) throws -> [(code: String, name: String, unitType: String)] {
        try database.rows(
            """
            SELECT code, name, unit_type FROM teryt_units
            WHERE level = ? AND abolished_in IS NULL AND code >= ? AND code < ? ORDER BY code
            """, [.text(level.rawValue), .text(prefix), .text(prefix + "~")]
        ) { ($0.text(at: 0) ?? "", $0.text(at: 1) ?? "", $0.text(at: 2) ?? "") }
    }

    /// The name of the first unit (not a part of a commune) within a TERYT prefix.
    func name(prefix: String) throws -> String? {
        try database.scalarText(
            "SELECT name FROM teryt_units WHERE code >= ?1 AND code < ?1 || '~' AND level <> 'czesc' ORDER BY code LIMIT 1",
            [.text(prefix)])
    }

    /// The commune a unit lies in (or the unit's own name), its county's name and type.
    func place(_ code: String) throws -> (commune: String, county: String?, countyType: String)? {
        try database.first(
            """
            SELECT coalesce(c.name, u.name), p.name, p.unit_type FROM teryt_units u
            LEFT JOIN teryt_units c ON c.code = u.commune_code
            LEFT JOIN teryt_units p ON p.code = substr(u.code, 1, 4)
            WHERE u.code = ?
            """, [.text(code)]) { row in (row.text(at: 0) ?? code, row.text(at: 1), row.text(at: 2) ?? "") }
    }
}
