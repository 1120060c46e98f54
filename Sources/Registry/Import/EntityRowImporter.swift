/// Upserts entity rows: a row matches an existing entity by id, else NIP, else KRS, else REGON;
/// new ones are inserted, changed ones updated (the old version kept), identical ones left alone.
struct EntityRowImporter: RowImporter {
    let registry: Registry
    let validator: EntityValidator
    private var communeCache: [String: Result<String, RegistryError>] = [:]
    /// Which entity each row names (within the file only, in a first load).
    private var matcher: EntityMatcher
    /// The file's column for each entity field (by `EntityField.ordinal`), found on the first row.
    private var fieldColumns: [Int?]?
    /// The file's columns for what is not an entity field, found on the first row (no look-up by name per row).
    private var otherColumns: OtherColumns?
    /// Covers every version this import writes; its audit entry carries the result.
    private var digest = BatchDigest()
    /// The Polish day the import is recorded on, found at its first change (every row shares its time).
    private var importDay: LocalDate?

    init(registry: Registry, validator: EntityValidator) {
        self.registry = registry
        self.validator = validator
        self.matcher = EntityMatcher(store: registry.entities)
    }

    /// Entities are what a first load sets the lookup indexes aside for.
    static let supportsFirstLoad = true

    mutating func matchWithinFile() {
        matcher.matchWithinFile()
    }

    mutating func matchThroughRegistry() -> Bool {
        matcher.matchThroughRegistry()
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
            "effective_on": ["data zmiany", "obowiązuje od", "effective", "effective_date"],
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


    /// On the reading thread: the identifiers and every cell validated, as far as that needs no database.
    func preparer(for map: HeaderMap) -> @Sendable (ImportRow) throws -> PreparedEntityRow {
        let rules = validator.rules
        let columns = EntityField.allCases.map { map.columnOfField[$0.rawValue] }
        let idColumn = map.columnOfField["id"]
        return { row in
            // Identifiers first: they decide which entity the row is about.
            let id = try row.cell(idColumn).flatMap { $0.isEmpty ? nil : $0 }.map { text -> String in
                guard Identifier.isIdentifier(text) else {
                    throw RegistryError.invalidValue(field: "id", value: text, rule: "is not a registry id (UUID)")
                }
                return text.lowercased()
            }
            func cell(_ field: EntityField) -> String? {
                guard let text = row.cell(columns[field.ordinal]), !text.isEmpty else { return nil }
                return text
            }
            let nip = try cell(.nip).map { try NIP($0).digits }
            let krs = try cell(.krs).map { try KRS($0).digits }
            let regon = try cell(.regon).map { try REGON($0).digits }
            var cells = EntityCells()
            for field in EntityField.allCases where field != .nip && field != .krs && field != .regon {
                if let column = columns[field.ordinal] { cells[field] = row.cells[column] }
            }
            var fields = try rules.fields(from: cells, base: nil)
            fields.nip = nip
            fields.krs = krs
            fields.regon = regon
            return PreparedEntityRow(row: row, id: id, fields: fields)
        }
    }

    mutating func apply(_ prepared: PreparedEntityRow, context: ChangeContext) throws -> RowOutcome {
        let row = prepared.row
        let columns = fieldColumns ?? EntityField.allCases.map { row.map.columnOfField[$0.rawValue] }
        fieldColumns = columns
        let other = otherColumns ?? OtherColumns(row.map)
        otherColumns = other
        // The row's fields, copied once: a new entity's as they are, an update's laid over the current ones below.
        var fields = prepared.fields
        var terytFromNames = false
        if fields.teryt == nil, let gmina = row.nonEmptyCell(other.gmina) {
            fields.teryt = try commune(gmina, county: row.nonEmptyCell(other.powiat),
                                       voivodeship: row.nonEmptyCell(other.wojewodztwo))
            terytFromNames = true
        }
        let (id, nip, krs, regon) = (prepared.id, fields.nip, fields.krs, fields.regon)
        let store = registry.entities
        var current: Entity?
        var currentRowid: Int64?
        var matchedByIdentifier = false
        if let match = try matcher.entity(id: id, nip: nip, krs: krs, regon: regon) {
            (currentRowid, current) = (match.rowid, match.entity)
            matchedByIdentifier = true
        }
        if let id, let current, current.id != id {
            throw RegistryError.invalidValue(
                field: "id", value: id, rule: "names no entity, but the row's identifiers belong to \(current.id)")
        }
        let hasIdentifiers = id != nil || nip != nil || krs != nil || regon != nil
        if current == nil, !hasIdentifiers, let match = try matcher.entityWithoutIdentifiers(fields) {
            (currentRowid, current) = (match.rowid, match.entity)
        }
        // The row's columns over the entity it updates; columns the file lacks keep their values.
        if var given = current?.fields {
            swap(&given, &fields)
            for field in EntityField.allCases where columns[field.ordinal] != nil || (field == .teryt && terytFromNames) {
                fields.take(field, from: given)
            }
        }
        // The operator as the file names it (an id, NIP or KRS), when the file has that column.
        if let reference = fields.operatorID, columns[EntityField.operatorID.ordinal] != nil {
            fields.operatorID = try validator.resolveOperator(reference)
        }
        try validator.rules.checkKindRules(fields)
        let closedOn = try closing(row.cell(other.closedOn), current: current)
        try validator.rules.checkClosing(closedOn, of: fields, entityID: current?.id, changed: nil)
        let closeReason = row.cell(other.closeReason).map { $0.isEmpty ? nil : $0 } ?? current?.closeReason
        // A new row's identifiers were all looked up above and matched nothing; a matched entity's
        // other identifiers must not belong to someone else.
        if matchedByIdentifier { try store.checkUnique(fields, exceptID: current?.id ?? id, current: current?.fields) }

        guard let current else {
            // A new row that is already closed is recorded as it is: one version, added closed,
            // in effect from its founding date (an effective date applies to changes only).
            let life = EntityTimeline.life(foundedOn: fields.foundedOn, closedOn: closedOn, createdAt: context.recordedAt)
            let entity = Entity(
                id: id ?? Identifier.make(at: registry.clock.date()), version: 1, fields: fields, closedOn: closedOn,
                closeReason: closedOn == nil ? nil : closeReason, createdAt: context.recordedAt,
                updatedAt: context.recordedAt, effectiveOn: LocalDate(iso: life.start))
            let rowid = try store.save(entity, previous: nil, change: "add", reason: nil, context: context, digest: &digest)
            matcher.inserted(rowid, record: row.record, id: id, fields: entity.fields)
            return RowOutcome(action: "insert", id: entity.id)
        }
        if hasIdentifiers, let currentRowid { matcher.claim(currentRowid, record: row.record) }
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
            updatedAt: context.recordedAt,
            effectiveOn: try effectiveDate(row.cell(other.effectiveOn), entity: current.id, fields: fields,
                                           closedOn: closedOn, closing: change == "close", context: context))
        try store.save(updated, previous: current, change: change, reason: nil, context: context, digest: &digest,
                       knownRowid: currentRowid)
        return RowOutcome(action: "update", id: current.id)
    }

    /// The day a change takes effect: the row's `effective_on` cell, else the day of the import (as
    /// `Registry.defaultEffectiveDate` says for an entity already closed); a row that closes the
    /// entity on or before that day takes effect on its closing date. A date outside the entity's
    /// life is refused.
    private mutating func effectiveDate(
        _ cell: String?, entity: String, fields: EntityFields, closedOn: LocalDate?, closing: Bool, context: ChangeContext
    ) throws -> LocalDate {
        guard let text = cell, !text.isEmpty else {
            let day = importDay ?? WarsawTime.day(ofStamp: context.recordedAt) ?? registry.today
            importDay = day
            if closing, let closedOn, closedOn <= day { return closedOn }
            // The default is within the entity's life wherever it can be, and held to nothing else.
            return Registry.defaultEffectiveDate(today: day, foundedOn: fields.foundedOn, closedOn: closedOn)
        }
        let day = try LocalDate.parse(text, field: "effective_on")
        if closing, let closedOn, day == closedOn { return day }
        try Registry.checkEffectiveDate(day, entity: entity, foundedOn: fields.foundedOn, closedOn: closedOn)
        return day
    }

    /// The closing date the row asks for: its `closed_on` cell when the file has that column.
    private func closing(_ cell: String?, current: Entity?) throws -> LocalDate? {
        guard let text = cell else { return current?.closedOn }
        guard !text.isEmpty else { return nil }
        let date = try LocalDate.parse(text, field: "closed_on")
        return date
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

/// The columns an entity row is read by besides its fields: commune names and the closing columns.
private struct OtherColumns {
    let gmina, powiat, wojewodztwo, closedOn, closeReason, effectiveOn: Int?

    init(_ map: HeaderMap) {
        gmina = map.columnOfField["gmina"]
        powiat = map.columnOfField["powiat"]
        wojewodztwo = map.columnOfField["wojewodztwo"]
        closedOn = map.columnOfField["closed_on"]
        closeReason = map.columnOfField["close_reason"]
        effectiveOn = map.columnOfField["effective_on"]
    }
}

/// An entity row after the reading thread's work: its identifiers normalised and its cells validated.
/// A class, so handing it on is one reference count rather than one per string it holds.
final class PreparedEntityRow: Sendable {
    let row: ImportRow
    let id: String?
    /// The given cells as a new entity's fields (NIP, KRS and REGON normalised; the operator as written).
    let fields: EntityFields

    init(row: ImportRow, id: String?, fields: EntityFields) {
        self.row = row
        self.id = id
        self.fields = fields
    }
}
