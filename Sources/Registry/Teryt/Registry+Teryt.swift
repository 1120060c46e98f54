import Crypto
import Foundation
import SQLiteStore

/// What a TERYT import changed.
public struct TerytImportReport: Sendable, Equatable {
    public let edition: String
    public let units: Int
    public let added: Int
    public let renamed: Int
    public let abolished: Int
    public let unchanged: Int
    public let batchID: String
}

/// A TERYT unit found by name, with the names of the units it lies in.
public struct TerytMatch: Sendable, Equatable {
    public let unit: TerytUnit
    public let county: String?
    public let voivodeship: String?

    /// e.g. `2201012 Borzytuchom (gmina wiejska), powiat bytowski, woj. pomorskie`.
    public var description: String {
        var text = "\(unit.code) \(unit.name) (\(unit.unitType))"
        if let county { text += ", powiat \(county)" }
        if let voivodeship { text += ", woj. \(voivodeship.lowercased())" }
        if let abolished = unit.abolishedIn { text += " [abolished \(abolished)]" }
        return text
    }

    /// The match as a JSON object.
    public var json: JSONValue {
        guard case var .object(object) = unit.json else { return unit.json }
        object["county"] = .string(county)
        object["voivodeship"] = .string(voivodeship)
        return .object(object)
    }
}

extension Registry {
    /// Loads an official TERC edition: new units are added, renamed ones get a new version, units
    /// missing from the edition are marked abolished (never deleted).
    public func importTeryt(from path: String) throws -> TerytImportReport {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw RegistryError.fileNotFound(path: path)
        }
        return try importTeryt(data: data, fileName: path)
    }

    /// Seeds a new registry with the TERC edition compiled into the binary.
    func seedTeryt() throws {
        guard let data = EmbeddedFiles.data(TercFile.bundledPath) else {
            throw RegistryError.fileNotFound(path: TercFile.bundledPath)
        }
        _ = try importTeryt(data: data, fileName: TercFile.bundledPath)
    }

    func importTeryt(data: Data, fileName: String) throws -> TerytImportReport {
        let reader = try CSVReader(data: data, delimiter: UInt8(ascii: ";"), encoding: .auto)
        let units = try TercFile.read(reader, fileName: fileName)
        guard let edition = units.map(\.edition).max(), !units.isEmpty else {
            throw RegistryError.malformedFile(path: fileName, line: 1, message: "the TERC file lists no units")
        }
        let sha = SHA256.hash(data: data).hexString
        let report = try write { context in
            var context = context
            let batchID = Identifier.make(at: clock.date())
            context.batchID = batchID
            var existing: [String: TerytUnit] = [:]
            var versions: [String: Int] = [:]
            try database.cached(
                "SELECT code, level, commune_type, commune_code, name, unit_type, edition, abolished_in, version FROM teryt_units"
            ).forEachRow { row in
                let unit = Self.terytUnit(row)
                existing[unit.code] = unit
                versions[unit.code] = row.int(at: 8) ?? 1
            }
            var addedCodes: [String] = [], changedCodes: [String] = [], abolishedCodes: [String] = []
            var unchanged = 0
            var seen = Set<String>()
            for unit in units {
                seen.insert(unit.code)
                if let old = existing[unit.code] {
                    if old.name == unit.name, old.unitType == unit.unitType, old.abolishedIn == nil,
                       old.communeCode == unit.communeCode {
                        unchanged += 1
                        continue
                    }
                    changedCodes.append(unit.code)
                    try saveTeryt(unit, version: (versions[unit.code] ?? 1) + 1, context: context)
                } else {
                    addedCodes.append(unit.code)
                    try saveTeryt(unit, version: 1, context: context)
                }
            }
            for (code, old) in existing where !seen.contains(code) && old.abolishedIn == nil {
                var gone = old
                gone.abolishedIn = edition
                abolishedCodes.append(code)
                try saveTeryt(gone, version: (versions[code] ?? 1) + 1, context: context)
            }
            let added = addedCodes.count, renamed = changedCodes.count, abolished = abolishedCodes.count
            let report = TerytImportReport(
                edition: edition, units: units.count, added: added, renamed: renamed, abolished: abolished,
                unchanged: unchanged, batchID: batchID)
            try ImportBatch.recordFinished(
                database, id: batchID, target: "teryt", fileName: (fileName as NSString).lastPathComponent, sha256: sha,
                encoding: reader.encoding.rawValue, delimiter: ";", options: "{}",
                counts: ImportBatch.Counts(rows: units.count, inserted: added, updated: renamed + abolished,
                                           unchanged: unchanged, rejected: 0),
                context: context, finishedAt: clock.timestamp())
            // One entry per dictionary import; each unit's before and after are in teryt_unit_versions.
            try audit.append(
                recordedAt: context.recordedAt, actor: context.actor, action: "teryt.import", objectType: "import_batch",
                objectID: batchID, before: nil,
                after: .object([
                    "edition": .string(edition), "file_sha256": .string(sha), "unchanged": .int(unchanged),
                    "added": .array(addedCodes.sorted().map { .string($0) }),
                    "changed": .array(changedCodes.sorted().map { .string($0) }),
                    "abolished": .array(abolishedCodes.sorted().map { .string($0) }),
                ]),
                batchID: batchID)
            return report
        }
        forgetTerytCodes()
        return report
    }

    /// Writes a unit's new state and version (the batch's one audit entry lists what changed).
    private func saveTeryt(_ unit: TerytUnit, version: Int, context: ChangeContext) throws {
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

    static func terytUnit(_ row: Statement) -> TerytUnit {
        TerytUnit(
            code: row.text(at: 0) ?? "", level: TerytUnit.Level(rawValue: row.text(at: 1) ?? "") ?? .gmina,
            communeType: row.text(at: 2), communeCode: row.text(at: 3), name: row.text(at: 4) ?? "",
            unitType: row.text(at: 5) ?? "", edition: row.text(at: 6) ?? "", abolishedIn: row.text(at: 7))
    }

    /// The unit with `code`, or nil.
    public func terytUnit(code: String) throws -> TerytUnit? {
        try database.first(
            "SELECT code, level, commune_type, commune_code, name, unit_type, edition, abolished_in FROM teryt_units WHERE code = ?",
            [.text(code)], Self.terytUnit)
    }

    /// Units whose name matches `name` (case and diacritics ignored): exact matches when there are
    /// any, otherwise names starting with it. Optionally only units of `level`.
    public func findTeryt(name: String, level: TerytUnit.Level? = nil) throws -> [TerytMatch] {
        let folded = TextFolding.fold(name)
        guard !folded.isEmpty else { return [] }
        let select = """
            SELECT u.code, u.level, u.commune_type, u.commune_code, u.name, u.unit_type, u.edition, u.abolished_in,
                   (SELECT name FROM teryt_units WHERE code = substr(u.code, 1, 4) AND length(u.code) = 7),
                   (SELECT name FROM teryt_units WHERE code = substr(u.code, 1, 2) AND length(u.code) > 2)
            FROM teryt_units u
            """
        let levelFilter = "AND (?2 IS NULL OR u.level = ?2) ORDER BY u.abolished_in IS NOT NULL, u.code"
        let map = { (row: Statement) in
            TerytMatch(unit: Self.terytUnit(row), county: row.text(at: 8), voivodeship: row.text(at: 9))
        }
        let exact = try database.rows("\(select) WHERE u.name_folded = ?1 \(levelFilter)",
                                      [.text(folded), SQLValue(level?.rawValue)], map)
        if !exact.isEmpty { return exact }
        // Prefix search with LIKE's wildcards escaped, so `%` and `_` in a name match only themselves.
        let pattern = folded.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
        return try database.rows("\(select) WHERE u.name_folded LIKE ?1 ESCAPE '\\' \(levelFilter)",
                                 [.text(pattern), SQLValue(level?.rawValue)], map)
    }

    /// The commune code for a commune name, optionally narrowed by county and voivodeship names.
    /// Throws `notFound` or `ambiguous` (listing the candidates).
    public func resolveCommune(name: String, county: String? = nil, voivodeship: String? = nil) throws -> String {
        var candidates = try findTeryt(name: name, level: .gmina).filter { $0.unit.abolishedIn == nil }
        if candidates.isEmpty {
            // Parts of communes (a town within an urban-rural commune) are still a place people name.
            candidates = try findTeryt(name: name, level: .czesc).filter { $0.unit.abolishedIn == nil }
        }
        if let county, !county.isEmpty {
            let wanted = TextFolding.fold(county).replacingOccurrences(of: "powiat ", with: "")
            candidates = candidates.filter { TextFolding.fold($0.county ?? "") == wanted }
        }
        if let voivodeship, !voivodeship.isEmpty {
            let wanted = TextFolding.fold(voivodeship).replacingOccurrences(of: "wojewodztwo ", with: "")
            candidates = candidates.filter { TextFolding.fold($0.voivodeship ?? "") == wanted }
        }
        let context = [county.map { "powiat \($0)" }, voivodeship.map { "woj. \($0)" }].compactMap { $0 }
        let reference = ([name] + context).joined(separator: ", ")
        switch candidates.count {
        case 0: throw RegistryError.notFound(kind: "TERYT commune", reference: reference)
        case 1: return candidates[0].unit.code
        default:
            throw RegistryError.ambiguous(kind: "TERYT commune", reference: reference,
                                          candidates: candidates.map(\.description))
        }
    }
}
