import Foundation

/// Turns raw input into validated entity fields: the one place every path in (CLI, import) uses.
struct EntityValidator {
    /// The rules that need no database (imports apply them on the reading thread).
    let rules: EntityRules
    /// Resolves an operator reference (id, NIP, KRS, REGON) to an entity id.
    let resolveOperator: (String) throws -> String

    init(terytCodes: Set<String>, today: LocalDate, resolveOperator: @escaping (String) throws -> String) {
        self.rules = EntityRules(terytCodes: terytCodes, today: today)
        self.resolveOperator = resolveOperator
    }

    /// Applies `input` on top of `base` (nil for a new entity) and validates the result.
    func fields(from input: EntityInput, base: EntityFields?) throws -> EntityFields {
        let cells = EntityCells(input)
        var fields = try rules.fields(from: cells, base: base)
        if let reference = fields.operatorID, cells[.operatorID] != nil {
            fields.operatorID = try resolveOperator(reference)
        }
        try rules.checkKindRules(fields)
        return fields
    }
}

/// The validation rules for entity fields that need no database: shapes, check digits, dates,
/// the TERYT dictionary and the kind rules. An operator reference is left as written.
struct EntityRules: Sendable {
    /// Every TERYT code in the registry's dictionary.
    let terytCodes: Set<String>
    /// The Polish day the input is checked on: no founding date may come after it.
    let today: LocalDate

    /// Applies `input` on top of `base` (nil for a new entity) and validates each given cell;
    /// the kind rules are checked separately (`checkKindRules`), on the fields as finally merged.
    func fields(from input: EntityCells, base: EntityFields?) throws -> EntityFields {
        func value(_ field: EntityField) -> String?? {
            guard let raw = input[field] else { return .none }
            let trimmed = raw.trimmed
            return .some(trimmed.isEmpty ? nil : trimmed)
        }
        func invalid(_ field: EntityField, _ text: String, _ rule: String) -> RegistryError {
            .invalidValue(field: field.rawValue, value: text, rule: rule)
        }

        let kind: EntityKind
        switch value(.kind) {
        case .some(.some(let text)): kind = try EntityKind.parse(text)
        case .some(.none): throw invalid(.kind, input[.kind] ?? "", "is required")
        case .none:
            guard let base else { throw invalid(.kind, "", "is required") }
            kind = base.kind
        }
        let name: String
        switch value(.name) {
        case .some(.some(let text)): name = text
        case .some(.none): throw invalid(.name, input[.name] ?? "", "is required")
        case .none:
            guard let base else { throw invalid(.name, "", "is required") }
            name = base.name
        }
        var fields = base ?? EntityFields(kind: kind, name: name)
        fields.kind = kind
        fields.name = name

        if case let .some(text) = value(.nip) { fields.nip = try text.map { try NIP($0).digits } }
        if case let .some(text) = value(.regon) { fields.regon = try text.map { try REGON($0).digits } }
        if case let .some(text) = value(.krs) { fields.krs = try text.map { try KRS($0).digits } }
        if case let .some(text) = value(.pkd) { fields.pkd = try text.map { try PKD($0).code } }
        if case let .some(text) = value(.postalCode) { fields.postalCode = try text.map { try PostalCode($0).code } }
        if case let .some(text) = value(.street) { fields.street = text }
        if case let .some(text) = value(.city) { fields.city = text }
        if case let .some(text) = value(.note) { fields.note = text }
        if case let .some(text) = value(.teryt) {
            fields.teryt = try text.map { try commune($0, field: .teryt) }
        }
        if case let .some(text) = value(.foundedOn) {
            fields.foundedOn = try text.map { text in
                let date = try LocalDate.parse(text, field: EntityField.foundedOn.rawValue)
                guard date <= today else {
                    throw invalid(.foundedOn, text, "is after today (\(today)); a founding date cannot be in the future")
                }
                return date
            }
        }
        if case let .some(text) = value(.email) { fields.email = try text.map { try EmailAddress($0).text } }
        if case let .some(text) = value(.www) { fields.www = try text.map { try WebAddress($0).text } }
        if case let .some(text) = value(.phone) { fields.phone = try text.map { try PhoneNumber($0).text } }
        if case let .some(text) = value(.latitude) {
            fields.latitude = try text.map { try coordinate($0, field: .latitude, range: 49.0...54.9) }
        }
        if case let .some(text) = value(.longitude) {
            fields.longitude = try text.map { try coordinate($0, field: .longitude, range: 14.1...24.2) }
        }
        if case let .some(text) = value(.capacity) {
            fields.capacity = try text.map { text in
                guard let number = Int(text), number > 0 else {
                    throw invalid(.capacity, text, "must be a whole number of places greater than 0")
                }
                return number
            }
        }
        if case let .some(text) = value(.operatorID) { fields.operatorID = text }
        if case let .some(text) = value(.operatorTeryt) {
            fields.operatorTeryt = try text.map { code in
                guard terytCodes.contains(code) else {
                    throw invalid(.operatorTeryt, code, "is not a unit in the TERYT dictionary")
                }
                return code
            }
        }
        return fields
    }

    private func commune(_ text: String, field: EntityField) throws -> String {
        // Nearly every cell is already 7 digits; only others are stripped of spaces first.
        let digits = text.utf8.count == 7 ? text : text.filter { !$0.isWhitespace }
        guard digits.utf8.count == 7, digits.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            throw RegistryError.invalidValue(
                field: field.rawValue, value: text, rule: "must be a 7-digit TERYT commune code (WWPPGGR)")
        }
        guard terytCodes.contains(digits) else {
            throw RegistryError.invalidValue(
                field: field.rawValue, value: text, rule: "is not a commune in the TERYT dictionary")
        }
        return digits
    }

    private func coordinate(_ text: String, field: EntityField, range: ClosedRange<Double>) throws -> Double {
        // Polish spreadsheets write decimal commas.
        guard let number = Double(text.replacingOccurrences(of: ",", with: ".")), number.isFinite else {
            throw RegistryError.invalidValue(field: field.rawValue, value: text, rule: "must be a decimal number")
        }
        guard range.contains(number) else {
            throw RegistryError.invalidValue(
                field: field.rawValue, value: text,
                rule: "must lie in Poland (\(range.lowerBound)–\(range.upperBound) degrees)")
        }
        return number
    }

    /// A closing date before the founding date (the entity would never exist) is refused, naming
    /// the field the change set (`closed_on` or `founded_on`) and the entity when it is recorded.
    func checkClosing(_ closedOn: LocalDate?, of fields: EntityFields, entityID: String?, changed: EntityField?) throws {
        guard let closed = closedOn, let founded = fields.foundedOn, closed < founded else { return }
        let entity = entityID.map { " of entity \($0)" } ?? ""
        if changed == .foundedOn {
            throw RegistryError.invalidValue(
                field: EntityField.foundedOn.rawValue, value: founded.description,
                rule: "is after the closing date \(closed)\(entity); an entity cannot close before it is founded")
        }
        throw RegistryError.invalidValue(
            field: "closed_on", value: closed.description,
            rule: "is before the founding date \(founded)\(entity); an entity cannot close before it is founded")
    }

    /// Capacity and operators only for reintegration units; one operator; both coordinates or neither.
    func checkKindRules(_ fields: EntityFields) throws {
        let units = "CIS, KIS, WTZ and ZAZ"
        if !fields.kind.isReintegrationUnit {
            if let capacity = fields.capacity {
                throw RegistryError.invalidValue(
                    field: "capacity", value: String(capacity),
                    rule: "is recorded only for \(units), not for kind \(fields.kind.rawValue)")
            }
            if let id = fields.operatorID {
                throw RegistryError.invalidValue(
                    field: "operator_id", value: id,
                    rule: "is recorded only for \(units), not for kind \(fields.kind.rawValue)")
            }
            if let code = fields.operatorTeryt {
                throw RegistryError.invalidValue(
                    field: "operator_teryt", value: code,
                    rule: "is recorded only for \(units), not for kind \(fields.kind.rawValue)")
            }
        }
        if fields.operatorID != nil, let code = fields.operatorTeryt {
            throw RegistryError.invalidValue(
                field: "operator_teryt", value: code,
                rule: "give either operator_id (an entity) or operator_teryt (a local government), not both")
        }
        if (fields.latitude == nil) != (fields.longitude == nil) {
            let field = fields.latitude == nil ? "latitude" : "longitude"
            throw RegistryError.invalidValue(field: field, value: "", rule: "is required when the other coordinate is given")
        }
    }
}
