import CSQLite

/// Keeps the full-text index (`entity_search`) in step with entities and certificate scopes.
///
/// Text is folded (`TextFolding`, ł included) by the SQL function `registry_fold`, registered on the
/// connection, so the index rows are built by SQLite in one statement. Imports defer the updates and
/// write them in two statements at the end: FTS5 flushes its pending terms at every savepoint, so
/// indexing row by row inside per-row savepoints was the slowest part of an import.
final class SearchIndex {
    private unowned let database: Database
    private var deferred: [Int64]?

    init(database: Database) {
        self.database = database
        sqlite3_create_function_v2(
            database.handle, "registry_fold", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nil,
            { context, count, arguments in
                guard count == 1, let argument = arguments?[0], sqlite3_value_type(argument) != SQLITE_NULL,
                      let text = sqlite3_value_text(argument)
                else {
                    sqlite3_result_null(context)
                    return
                }
                let length = Int(sqlite3_value_bytes(argument))
                var folded = TextFolding.fold(String(decoding: UnsafeBufferPointer(start: text, count: length), as: UTF8.self))
                folded.withUTF8 { bytes in
                    sqlite3_result_text(context, UnsafeRawPointer(bytes.baseAddress)?.assumingMemoryBound(to: CChar.self),
                                        Int32(bytes.count), csqlite_transient())
                }
            }, nil, nil, nil)
    }

    /// Re-indexes the entity at `rowid` now, or at `flush()` while deferring.
    func update(rowid: Int64) throws {
        if deferred != nil {
            deferred?.append(rowid)
        } else {
            try write([rowid])
        }
    }

    /// Collects updates until `flush()`.
    func beginDeferring() {
        deferred = deferred ?? []
    }

    /// Writes the collected updates and stops deferring.
    func flush() throws {
        guard let rowids = deferred else { return }
        deferred = nil
        try write(rowids)
    }

    /// Drops the collected updates (the transaction they belonged to rolled back).
    func discard() {
        deferred = nil
    }

    private func write(_ rowids: [Int64]) throws {
        // In chunks, so the list handed to SQLite stays small however large the import.
        var start = 0
        while start < rowids.count {
            let end = min(start + 10_000, rowids.count)
            try writeChunk(rowids[start..<end])
            start = end
        }
    }

    private func writeChunk(_ rowids: ArraySlice<Int64>) throws {
        guard !rowids.isEmpty else { return }
        let list = SQLValue.text("[" + rowids.map(String.init).joined(separator: ",") + "]")
        try database.run("DELETE FROM entity_search WHERE rowid IN (SELECT value FROM json_each(?))", [list])
        try database.run(
            """
            INSERT INTO entity_search (rowid, name, city, street, note, scopes)
            SELECT e.rowid, registry_fold(e.name), registry_fold(e.city), registry_fold(e.street), registry_fold(e.note),
                   registry_fold((SELECT group_concat(ev.scope, ' ') FROM certificates c JOIN certificate_events ev
                                  ON ev.certificate_id = c.id WHERE c.entity_id = e.id AND ev.scope IS NOT NULL))
            FROM entities e WHERE e.rowid IN (SELECT value FROM json_each(?))
            """, [list])
    }
}
