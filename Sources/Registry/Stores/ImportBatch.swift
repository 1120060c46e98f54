import SQLiteStore

/// An import's row in `import_batches`, written before the import's first change and finished with
/// its counts when it ends, in the same transaction (migration 0006): rows naming a batch that
/// already exists cost SQLite's deferred foreign-key check nothing at commit, where a batch row
/// written last made it scan every table that names import batches.
struct ImportBatch {
    let id: String

    /// What the batch did, as `import_batches` counts it.
    struct Counts {
        var rows = 0, inserted = 0, updated = 0, unchanged = 0, rejected = 0
    }

    /// Writes the unfinished row (`finished_at` empty, counts zero).
    static func start(
        _ database: Database, id: String, target: String, fileName: String, sha256: String, encoding: String,
        delimiter: String, options: String, context: ChangeContext
    ) throws -> ImportBatch {
        try insert(database, id: id, target: target, fileName: fileName, sha256: sha256, encoding: encoding,
                   delimiter: delimiter, options: options, counts: Counts(), context: context, finishedAt: "")
        return ImportBatch(id: id)
    }

    /// Writes a finished row in one go, after the batch's changes: for TERYT imports, which the first
    /// migrations run before 0006 lets a row be finished later. (SQLite then checks the rows naming
    /// the batch at commit by scanning the tables that reference batches, once per TERYT edition.)
    static func recordFinished(
        _ database: Database, id: String, target: String, fileName: String, sha256: String, encoding: String,
        delimiter: String, options: String, counts: Counts, context: ChangeContext, finishedAt: String
    ) throws {
        try insert(database, id: id, target: target, fileName: fileName, sha256: sha256, encoding: encoding,
                   delimiter: delimiter, options: options, counts: counts, context: context, finishedAt: finishedAt)
    }

    private static func insert(
        _ database: Database, id: String, target: String, fileName: String, sha256: String, encoding: String,
        delimiter: String, options: String, counts: Counts, context: ChangeContext, finishedAt: String
    ) throws {
        try database.run(
            """
            INSERT INTO import_batches (id, target, file_name, file_sha256, encoding, delimiter, options, rows,
                inserted, updated, unchanged, rejected, actor, started_at, finished_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [.text(id), .text(target), .text(fileName), .text(sha256), .text(encoding), .text(delimiter),
             .text(options), .integer(Int64(counts.rows)), .integer(Int64(counts.inserted)),
             .integer(Int64(counts.updated)), .integer(Int64(counts.unchanged)), .integer(Int64(counts.rejected)),
             .text(context.actor), .text(context.recordedAt), .text(finishedAt)])
    }

    /// Records the counts and the finish time; the row cannot change after this.
    func finish(_ database: Database, counts: Counts, at finishedAt: String) throws {
        try database.run(
            """
            UPDATE import_batches SET rows = ?2, inserted = ?3, updated = ?4, unchanged = ?5, rejected = ?6,
                finished_at = ?7
            WHERE id = ?1
            """,
            [.text(id), .integer(Int64(counts.rows)), .integer(Int64(counts.inserted)),
             .integer(Int64(counts.updated)), .integer(Int64(counts.unchanged)), .integer(Int64(counts.rejected)),
             .text(finishedAt)])
    }

    /// Batches never finished (an import finishes its row in the transaction that wrote it).
    static func unfinished(_ database: Database) throws -> [String] {
        try database.rows("SELECT id FROM import_batches WHERE finished_at = ''") { $0.text(at: 0) ?? "" }
    }
}
