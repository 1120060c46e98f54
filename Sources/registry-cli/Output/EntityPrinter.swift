import Foundation
import Registry

/// Prints entities in the chosen format, streaming all but the table.
struct EntityPrinter {
    let format: EntityListFormat
    private var writer: RecordWriter?
    private var tableRows: [[String]] = []
    static let tableColumns = ["id", "kind", "name", "nip", "teryt", "city", "status"]

    init(format: EntityListFormat, extraColumns: [String] = []) throws {
        self.format = format
        let columns = EntityColumns.all + extraColumns
        switch format {
        case .table: writer = nil
        case .csv: writer = try RecordWriter(sink: .standardOutput(), format: .csv, columns: columns)
        case .json: writer = try RecordWriter(sink: .standardOutput(), format: .json, columns: columns)
        case .ndjson: writer = try RecordWriter(sink: .standardOutput(), format: .ndjson, columns: columns)
        case .geojson: writer = try RecordWriter(sink: .standardOutput(), format: .geojson, columns: columns)
        }
    }

    mutating func add(_ entity: Entity, extra: [JSONValue] = []) throws {
        if let writer {
            try writer.write(EntityColumns.values(entity) + extra)
        } else {
            let fields = entity.fields
            tableRows.append([String(entity.id.prefix(8)) + "…", fields.kind.rawValue, fields.name, fields.nip ?? "",
                              fields.teryt ?? "", fields.city ?? "", entity.status])
        }
    }

    func finish() throws {
        if let writer {
            try writer.finish()
        } else {
            Output.table(Self.tableColumns, tableRows)
        }
    }
}
