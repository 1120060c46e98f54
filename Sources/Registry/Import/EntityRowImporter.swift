/// Upserts entity rows: a row matches an existing entity by id, else NIP, else KRS, else REGON;
/// new ones are inserted, changed ones updated (the old version kept), identical ones left alone.
struct EntityRowImporter: RowImporter {
    let registry: Registry
    let validator: EntityValidator
    /// Identifier → the record that claimed it first in this file. NIP, KRS and REGON are packed into
    /// one 64-bit key each (field tag in the top byte, digits below), which keeps a million-row file's
    /// bookkeeping to a few tens of megabytes; registry ids are rare in input files and kept as text.
    private var seenNumbers: [UInt64: Int32] = [:]
    private var seenIDs: [String: Int32] = [:]
    private var communeCache: [String: Result<String, RegistryError>] = [:]
    /// True while loading into a registry that held no entity when the import began: nothing in
    /// the database can match a row, so rows are matched only against earlier rows of the file
    /// (which is also what lets the lookup indexes be rebuilt at the end instead of kept up to date).
    private(set) var intoEmptyRegistry = false
    /// In an empty registry: rows without identifiers inserted so far, by kind, name and commune.
    private var withoutIdentifiers: [String: Entity] = [:]
    private var deferredIndexes: DeferredIndexes?
    /// Covers every version this import writes; its audit entry carries the result.
    private var digest = BatchDigest()

    init(registry: Registry, validator: EntityValidator) {
        self.registry = registry
        self.validator = validator
    }

    /// Inside the transaction, so no other writer can add an entity between this check and the load.
    mutating func begin() throws {
        deferredIndexes = try DeferredIndexes.dropIfEmpty(registry.database)
        intoEmptyRegistry = deferredIndexes != nil
    }

    mutating func finish() throws {
        try deferredIndexes?.rebuild(registry.database)
        deferredIndexes = nil
    }

    var auditSummary: [String: JSONValue] {
        ["versions": .int(digest.count), "versions_sha256": .string(digest.finalize())]
    }

    /// Every check (identifiers, uniqueness, references) runs before the first write.
    static let needsSavepoint = false

    static let schema = ImportSchema(
        target: .entities,
        fields: [
            "id": ["identyfikator", "registry_id", "id podmiotu"],
            "kind": ["forma prawna", "typ", "rodzaj", "forma", "typ podmiotu", "rodzaj podmiotu", "type"],
            "name": ["nazwa", "nazwa podmiotu", "nazwa pes", "pełna nazwa"],
            "nip": ["numer nip", "nr nip"],
            "regon": ["numer regon", "nr regon"],
            "krs": ["numer krs", "nr krs"],
            "pkd": ["pkd 2007", "kod pkd", "przeważające pkd", "main_activity"],
            "street": ["ulica", "adres", "ulica i numer", "address"],
            "postal_code": ["kod pocztowy", "kod", "postcode", "zip"],
            "city": ["miejscowość", "miasto", "town"],
            "teryt": ["teryt gminy", "kod teryt", "kod teryt gminy", "teryt_gminy", "commune_code"],
            "gmina": ["commune", "nazwa gminy"],
            "powiat": ["county", "nazwa powiatu"],
            "wojewodztwo": ["województwo", "voivodeship"],
            "founded_on": ["data założenia", "founded", "data powstania", "data rejestracji", "founding_date"],
            "closed_on": ["data zamknięcia", "data likwidacji", "closed"],
            "close_reason": ["przyczyna zamknięcia", "przyczyna likwidacji"],
            "email": ["e-mail", "adres e-mail", "mail"],
            "phone": ["telefon", "tel", "nr telefonu"],
            "www": ["strona www", "strona internetowa", "website", "url"],
            "latitude": ["szerokość geograficzna", "lat", "szerokosc"],
            "longitude": ["długość geograficzna", "lon", "lng", "dlugosc"],
            "capacity": ["liczba miejsc", "liczba uczestników", "miejsca"],
            "operator_id": ["operator", "podmiot prowadzący", "organ prowadzący"],
            "operator_teryt": ["teryt operatora", "jst prowadząca"],
            "note": ["uwagi", "notatka", "opis", "notes"],
        ],
        requiredFields: [["name"], ["kind"]],
        ignoredColumns: ["status", "version", "created_at", "updated_at"])

    private static let entityFields: [String: EntityField] = Dictionary(
        uniqueKeysWithValues: EntityField.allCases.map { ($0.rawValue, $0) })

    mutating func apply(_ row: ImportRow, context: ChangeContext) throws -> RowOutcome {
        var input: EntityInput = [:]
        for (name, value) in row.values {
            if let field = Self.entityFields[name] { input[field] = value }
        }
        if row.nonEmpty("teryt") == nil, let gmina = row.nonEmpty("gmina") {
            input[.teryt] = try commune(gmina, county: row.nonEmpty("powiat"), voivodeship: row.nonEmpty("wojewodztwo"))
        }

        // Identifiers are normalised first: they decide which entity the row is about.
        let id = try row.nonEmpty("id").map { text -> String in
            guard Identifier.isIdentifier(text) else {
                throw RegistryError.invalidValue(field: "id", value: text, rule: "is not a registry id (UUID)")
            }
            return text.lowercased()
        }
        let nip = try row.nonEmpty("nip").map { try NIP($0).digits }
        let krs = try row.nonEmpty("krs").map { try KRS($0).digits }
        let regon = try row.nonEmpty("regon").map { try REGON($0).digits }
        try claim([("id", id), ("nip", nip), ("krs", krs), ("regon", regon)], row: row)

        let store = registry.entities
        var current: Entity?
        var matchedByIdentifier = false
        for (column, value) in [("id", id), ("nip", nip), ("krs", krs), ("regon", regon)] where !intoEmptyRegistry {
            guard let value, let match = try store.entity(where: column, equals: value) else { continue }
            current = match
            matchedByIdentifier = true
            break
        }
        if let id, let current, current.id != id {
            throw RegistryError.invalidValue(
                field: "id", value: id, rule: "names no entity, but the row's identifiers belong to \(current.id)")
        }
        let fields = try validator.fields(from: input, base: current?.fields)
        if current == nil, id == nil, nip == nil, krs == nil, regon == nil {
            // Units such as CIS or KIS often have no identifiers of their own: match them by kind,
            // name and commune, so re-importing the same file does not add them twice.
            current = intoEmptyRegistry
                ? withoutIdentifiers[Self.unitKey(fields)]
                : try store.entityWithoutIdentifiers(kind: fields.kind, name: fields.name, teryt: fields.teryt)
        }
        let closedOn = try closing(row, current: current)
        let closeReason = row["close_reason"].map { $0.isEmpty ? nil : $0 } ?? current?.closeReason
        // A new row's identifiers were all looked up above and matched nothing; a matched entity's
        // other identifiers must not belong to someone else.
        if matchedByIdentifier { try store.checkUnique(fields, exceptID: current?.id ?? id) }
        let remember = intoEmptyRegistry && id == nil && nip == nil && krs == nil && regon == nil

        guard let current else {
            // A new row that is already closed is recorded as it is: one version, added closed.
            let entity = Entity(
                id: id ?? Identifier.make(at: registry.clock.date()), version: 1, fields: fields, closedOn: closedOn,
                closeReason: closedOn == nil ? nil : closeReason, createdAt: context.recordedAt,
                updatedAt: context.recordedAt)
            try store.save(entity, previous: nil, change: "add", reason: nil, context: context, digest: &digest)
            if remember { withoutIdentifiers[Self.unitKey(fields)] = entity }
            return RowOutcome(action: "insert", id: entity.id)
        }
        if fields == current.fields, closedOn == current.closedOn, closeReason == current.closeReason {
            return RowOutcome(action: "unchanged", id: current.id)
        }
        let change: String
        switch (current.closedOn, closedOn) {
        case (nil, .some): change = "close"
        case (.some, nil): change = "reopen"
        default: change = "update"
        }
        let updated = Entity(
            id: current.id, version: current.version + 1, fields: fields, closedOn: closedOn,
            closeReason: closedOn == nil ? nil : closeReason, createdAt: current.createdAt,
            updatedAt: context.recordedAt)
        try store.save(updated, previous: current, change: change, reason: nil, context: context, digest: &digest)
        if remember { withoutIdentifiers[Self.unitKey(fields)] = updated }
        return RowOutcome(action: "update", id: current.id)
    }

    private static func unitKey(_ fields: EntityFields) -> String {
        [fields.kind.rawValue, fields.name, fields.teryt ?? ""].joined(separator: "\u{1F}")
    }

    /// The closing date the row asks for: its `closed_on` cell when the file has that column.
    private func closing(_ row: ImportRow, current: Entity?) throws -> LocalDate? {
        guard let text = row["closed_on"] else { return current?.closedOn }
        guard !text.isEmpty else { return nil }
        let date = try LocalDate.parse(text, field: "closed_on")
        return date
    }

    /// Two rows of one file claiming the same identifier: the second is an error.
    private mutating func claim(_ identifiers: [(String, String?)], row: ImportRow) throws {
        for (field, value) in identifiers {
            guard let value else { continue }
            if let first = field == "id" ? seenIDs[value] : seenNumbers[Self.key(field, value)] {
                throw RegistryError.invalidValue(
                    field: field, value: value, rule: "already given in record \(first) of this file")
            }
        }
        for (field, value) in identifiers {
            guard let value else { continue }
            if field == "id" {
                seenIDs[value] = Int32(clamping: row.record)
            } else {
                seenNumbers[Self.key(field, value)] = Int32(clamping: row.record)
            }
        }
    }

    /// A normalised NIP, KRS or REGON (at most 14 digits) as a number, tagged with its field.
    private static func key(_ field: String, _ digits: String) -> UInt64 {
        // The length is part of the tag, so a 9- and a 14-digit REGON never share a key.
        let tag: UInt64 = (field == "nip" ? 1 : field == "krs" ? 2 : 3) << 4 | UInt64(digits.utf8.count)
        return (tag << 56) | (UInt64(digits) ?? 0)
    }

    private mutating func commune(_ name: String, county: String?, voivodeship: String?) throws -> String {
        let key = [name, county ?? "", voivodeship ?? ""].joined(separator: "\u{1F}")
        if let cached = communeCache[key] { return try cached.get() }
        let result: Result<String, RegistryError>
        do {
            result = .success(try registry.resolveCommune(name: name, county: county, voivodeship: voivodeship))
        } catch let error as RegistryError {
            let message: String
            switch error {
            case let .ambiguous(_, _, candidates):
                message = "names \(candidates.count) communes; add a Powiat column or give the TERYT code: "
                    + candidates.joined(separator: "; ")
            default:
                message = "is not a commune in the TERYT dictionary"
            }
            result = .failure(.invalidValue(field: "gmina", value: name, rule: message))
        }
        communeCache[key] = result
        return try result.get()
    }
}
