/// One data record: its cells by column (the mapped ones trimmed) and the header map naming them.
struct ImportRow {
    let record: Int
    let line: Int
    let cells: [String]
    let map: HeaderMap

    /// The trimmed cell for `field`: nil when the file has no such column, "" when the cell is empty.
    subscript(field: String) -> String? { cell(map.columnOfField[field]) }

    /// The cell for `field` when it is present and not empty.
    func nonEmpty(_ field: String) -> String? {
        nonEmptyCell(map.columnOfField[field])
    }

    /// The cell at `column` when there is such a column and the cell is not empty.
    func nonEmptyCell(_ column: Int?) -> String? {
        guard let value = cell(column), !value.isEmpty else { return nil }
        return value
    }

    /// The cell at `column`; nil when there is no such column.
    func cell(_ column: Int?) -> String? {
        column.map { cells[$0] }
    }
}

/// What an importer did with one row.
struct RowOutcome {
    /// `insert`, `update` or `unchanged`.
    let action: String
    let id: String
}

/// Applies the rows of one import target, inside the import's transaction.
protocol RowImporter {
    /// What `prepare` makes of a row for `apply`.
    associatedtype Prepared: Sendable = ImportRow
    /// The fields this target accepts, required columns and derived columns to ignore.
    static var schema: ImportSchema { get }
    /// The work on a row of a file with this header that needs no database (parsing, most
    /// validation); it runs on the reading thread, ahead of `apply`.
    func preparer(for map: HeaderMap) -> @Sendable (ImportRow) throws -> Prepared
    /// Validates the prepared row and writes it; throws `RegistryError` for an invalid row, having written nothing.
    mutating func apply(_ row: Prepared, context: ChangeContext) throws -> RowOutcome
    /// False when `apply` validates everything before its first write, so a refused row needs no
    /// savepoint to undo it (savepoints cost a copy of every page a row touches).
    static var needsSavepoint: Bool { get }
    /// True when a load into an empty registry may go as a first load (`BulkLoad`): the lookup
    /// indexes set aside, and rows matched only within the file between `matchWithinFile` and
    /// `matchThroughRegistry`.
    static var supportsFirstLoad: Bool { get }
    /// From the next row on, matches rows only against earlier rows of the file.
    mutating func matchWithinFile()
    /// From the next row on, matches rows through the registry's lookup indexes again; false when
    /// the rows so far cannot be continued from that way (the import must be done again).
    mutating func matchThroughRegistry() -> Bool
    /// What the batch's audit entry records beyond its counts (the entity importer's digest).
    var auditSummary: [String: JSONValue] { get }
}

extension RowImporter where Prepared == ImportRow {
    func preparer(for map: HeaderMap) -> @Sendable (ImportRow) throws -> ImportRow { { $0 } }
}

extension RowImporter {
    static var needsSavepoint: Bool { true }
    static var supportsFirstLoad: Bool { false }
    mutating func matchWithinFile() {}
    mutating func matchThroughRegistry() -> Bool { true }
    var auditSummary: [String: JSONValue] { [:] }
}
