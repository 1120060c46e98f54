import SQLiteStore

/// A resource (zasób) or a need (potrzeba) of an entity. Both are stored (`ItemStore`), listed,
/// ended and imported (`ItemRowImporter`) one way, through their `record`; each kind adds only
/// its own details (a resource's quantity and unit, a need's priority).
protocol EntityItem: Equatable, Sendable {
    /// The kind's tables, vocabulary and words.
    static var kind: ItemKind { get }
    var record: ItemRecord { get set }
    /// The kind's own values, in `kind.detailColumns` order.
    var details: [SQLValue] { get }
    /// The item with `record`, its own details read from `row` from column `offset` on.
    init(record: ItemRecord, row: Statement, at offset: Int32)
    /// A new item with `record`, its own details read from `cells` by column name (nil: not given).
    init(record: ItemRecord, cells: (String) -> String?) throws
}

extension EntityItem {
    /// Reads an item selected as `id`, `version`, then `kind.table.columns`.
    init(row: Statement) {
        let days = 5 + Int32(Self.kind.detailColumns.count)
        let record = ItemRecord(
            id: row.text(at: 0) ?? "", version: row.int(at: 1) ?? 0, entityID: row.text(at: 2) ?? "",
            category: row.text(at: 3) ?? "", description: row.text(at: 4) ?? "",
            start: row.text(at: days).flatMap { LocalDate(iso: $0) } ?? LocalDate(daysSinceEpoch: 0),
            end: row.text(at: days + 1).flatMap { LocalDate(iso: $0) })
        self.init(record: record, row: row, at: 5)
    }

    /// The state in `kind.table.columns` order.
    var values: [SQLValue] {
        [.text(record.entityID), .text(record.category), .text(record.description)] + details
            + [.text(record.start.description), SQLValue(record.end?.description)]
    }

    /// The item as a JSON object with the column names as keys.
    var itemJSON: JSONValue {
        var object: [String: JSONValue] = ["id": .string(record.id), "version": .int(record.version)]
        for (column, value) in zip(Self.kind.table.columns, values) { object[column] = value.json }
        return .object(object)
    }

    /// The next version, ended on `day`.
    func ended(on day: LocalDate) -> Self {
        var next = self
        next.record.version += 1
        next.record.end = day
        return next
    }
}
