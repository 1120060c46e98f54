/// Cell parsing shared by the importers.
enum ImportIDs {
    /// The row's `id` cell as a registry id, when given.
    static func id(_ row: ImportRow) throws -> String? {
        guard let text = row.nonEmpty("id") else { return nil }
        guard Identifier.isIdentifier(text) else {
            throw RegistryError.invalidValue(field: "id", value: text, rule: "is not a registry id (UUID)")
        }
        return text.lowercased()
    }

    /// The row's date cell `field`, when not empty.
    static func date(_ row: ImportRow, _ field: String) throws -> LocalDate? {
        try row.nonEmpty(field).map { try LocalDate.parse($0, field: field) }
    }
}
