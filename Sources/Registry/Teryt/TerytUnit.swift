/// A unit of Poland's territorial division from the GUS TERC register.
public struct TerytUnit: Equatable, Sendable {
    /// `wojewodztwo` (2-digit code), `powiat` (4), `gmina` (7, RODZ 1–3) or `czesc` (7: the town or
    /// rural part of an urban-rural commune, RODZ 4/5, or a city district, RODZ 8/9).
    public enum Level: String, Sendable, CaseIterable {
        case wojewodztwo, powiat, gmina, czesc
    }

    /// `WW`, `WWPP` or `WWPPGGR`.
    public let code: String
    public let level: Level
    /// RODZ for 7-digit units.
    public let communeType: String?
    /// For 7-digit units, the commune (RODZ 1–3) the unit lies in.
    public var communeCode: String?
    public let name: String
    /// NAZWA_DOD, e.g. `gmina wiejska`, `powiat`, `miasto na prawach powiatu`.
    public let unitType: String
    /// STAN_NA of the edition the description comes from.
    public let edition: String
    /// STAN_NA of the first edition without this unit; nil while it exists.
    public var abolishedIn: String?

    public init(code: String, level: Level, communeType: String?, communeCode: String?, name: String,
                unitType: String, edition: String, abolishedIn: String? = nil) {
        self.code = code
        self.level = level
        self.communeType = communeType
        self.communeCode = communeCode
        self.name = name
        self.unitType = unitType
        self.edition = edition
        self.abolishedIn = abolishedIn
    }

    /// The 2-digit voivodeship code the unit lies in.
    public var voivodeshipCode: String { String(code.prefix(2)) }
    /// The 4-digit county code, for counties and communes.
    public var countyCode: String? { code.count >= 4 ? String(code.prefix(4)) : nil }

    /// The unit as a JSON object with snake_case keys.
    public var json: JSONValue {
        .object([
            "code": .string(code), "level": .string(level.rawValue), "commune_type": .string(communeType),
            "commune_code": .string(communeCode), "name": .string(name), "unit_type": .string(unitType),
            "edition": .string(edition), "abolished_in": .string(abolishedIn),
        ])
    }
}
