/// Matches a file's header to a target's fields: case-, diacritic- and punctuation-insensitively,
/// in Polish and English, plus the user's own `--map` entries.
struct HeaderMap {
    /// Column index → field name.
    let fieldOfColumn: [Int: String]
    /// Field name → column index.
    let columnOfField: [String: Int]
    /// The columns that map to a field, in order.
    let mappedColumns: [Int]
    /// Header cells that match no field (reported once as a warning, then ignored).
    let unknown: [String]
    let header: [String]

    /// `Kod pocztowy`, `kod_pocztowy` and `KOD-POCZTOWY` all become `kodpocztowy`.
    static func key(_ text: String) -> String {
        String(TextFolding.fold(text).unicodeScalars.filter {
            ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9")
        }.map(Character.init))
    }

    init(header: [String], schema: ImportSchema, mappings: [String: String], fileName: String) throws {
        self.header = header
        var aliasToField: [String: String] = [:]
        for (field, aliases) in schema.fields {
            aliasToField[Self.key(field)] = field
            for alias in aliases { aliasToField[Self.key(alias)] = field }
        }
        var userMappings: [String: String] = [:]
        for (source, field) in mappings {
            guard schema.fields[field] != nil else {
                throw RegistryError.unknownField(
                    field: field, column: source, target: schema.target, fields: schema.fields.keys.sorted())
            }
            userMappings[Self.key(source)] = field
        }
        let ignored = Set(schema.ignoredColumns.map(Self.key))
        var fieldOfColumn: [Int: String] = [:]
        var columnOfField: [String: Int] = [:]
        var unknown: [String] = []
        for (index, cell) in header.enumerated() {
            let key = Self.key(cell)
            guard let field = userMappings[key] ?? aliasToField[key] else {
                if !ignored.contains(key) { unknown.append(cell) }
                continue
            }
            if let other = columnOfField[field] {
                throw RegistryError.malformedFile(
                    path: fileName, line: 1,
                    message: "columns \"\(header[other])\" and \"\(cell)\" both mean \(field); rename or drop one")
            }
            fieldOfColumn[index] = field
            columnOfField[field] = index
        }
        for group in schema.requiredFields where !group.contains(where: { columnOfField[$0] != nil }) {
            let names = group.map { field in
                ([field] + (schema.fields[field]?.prefix(2) ?? [])).joined(separator: "/")
            }.joined(separator: " or ")
            throw RegistryError.malformedFile(
                path: fileName, line: 1,
                message: "required column missing: \(names) (use --map COLUMN=FIELD if the file names it differently)")
        }
        self.fieldOfColumn = fieldOfColumn
        self.columnOfField = columnOfField
        self.mappedColumns = fieldOfColumn.keys.sorted()
        self.unknown = unknown
    }

    /// The header cell of the column holding `field`, or the field's name when no column does.
    func columnName(of field: String) -> String {
        columnOfField[field].map { header[$0] } ?? field
    }
}

/// The fields an import target accepts and which columns it requires.
struct ImportSchema {
    let target: ImportTarget
    /// Field name → header aliases (Polish and English).
    let fields: [String: [String]]
    /// Each group needs at least one of its fields present as a column.
    let requiredFields: [[String]]
    /// Columns written by `export` that are derived, so an import of an export does not warn about them.
    let ignoredColumns: [String]
}
