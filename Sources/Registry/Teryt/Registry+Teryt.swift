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
            let (existing, versions) = try teryt.unitsAndVersions()
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
                    try teryt.save(unit, version: (versions[unit.code] ?? 1) + 1, context: context)
                } else {
                    addedCodes.append(unit.code)
                    try teryt.save(unit, version: 1, context: context)
                }
            }
            for (code, old) in existing where !seen.contains(code) && old.abolishedIn == nil {
                var gone = old
                gone.abolishedIn = edition
                abolishedCodes.append(code)
                try teryt.save(gone, version: (versions[code] ?? 1) + 1, context: context)
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

    var teryt: TerytStore { TerytStore(database: database) }

    /// The unit with `code`, or nil.
    public func terytUnit(code: String) throws -> TerytUnit? {
        try teryt.unit(code: code)
    }

    /// Units whose name matches `name` (case and diacritics ignored): exact matches when there are
    /// any, otherwise names starting with it. Optionally only units of `level`.
    public func findTeryt(name: String, level: TerytUnit.Level? = nil) throws -> [TerytMatch] {
        let folded = TextFolding.fold(name)
        guard !folded.isEmpty else { return [] }
        let exact = try teryt.find(folded: folded, prefix: false, level: level)
        if !exact.isEmpty { return exact }
        return try teryt.find(folded: folded, prefix: true, level: level)
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
