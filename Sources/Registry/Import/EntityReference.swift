/// Finds the entity a row of a certificate, resource or need file is about: by `entity_id`, else
/// NIP, else KRS, else REGON, whichever columns the file has.
struct EntityReference {
    static let fields: [String: [String]] = [
        "entity_id": ["id podmiotu", "podmiot", "entity"],
        "nip": ["nip podmiotu", "numer nip", "nr nip"],
        "krs": ["krs podmiotu", "numer krs", "nr krs"],
        "regon": ["regon podmiotu", "numer regon", "nr regon"],
    ]

    static let required = ["entity_id", "nip", "krs", "regon"]

    static func resolve(_ row: ImportRow, in registry: Registry) throws -> String {
        for field in required {
            guard let value = row.nonEmpty(field) else { continue }
            let reference = field == "entity_id" ? value : "\(field):\(value)"
            do {
                return try registry.resolveEntity(reference)
            } catch RegistryError.notFound {
                throw RegistryError.invalidValue(field: field, value: value, rule: "names no entity in the registry")
            }
        }
        throw RegistryError.invalidValue(
            field: "entity_id", value: "", rule: "the row names no entity (give entity_id, NIP, KRS or REGON)")
    }
}
