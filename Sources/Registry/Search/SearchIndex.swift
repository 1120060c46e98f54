import CSQLite
import SQLiteStore

/// Keeps the full-text index (`entity_search`) in step with entities and certificate scopes.
///
/// Text is folded (`TextFolding.searchText`, ł included) by the SQL function `registry_search_text`,
/// registered on the connection, so the index rows are built by SQLite in one statement. Imports
/// defer the updates (`withDeferredIndexing`, the one entry point of an import) and write them in
/// two statements at the end: FTS5 flushes its pending terms at every savepoint, so indexing row by
/// row inside per-row savepoints was the slowest part of an import.
final class SearchIndex {
    fileprivate unowned let database: Database
    private var deferred: [ClosedRange<Int64>]?
    /// While a load into an empty registry runs: the index being built beside it (see `SearchBuild`).
    private var build: SearchBuild?
    /// Whether `install` attached a scratch file to the connection (detached when the transaction ends).
    private var buildAttached = false
    /// Whether the last flush installed an index built beside the load (for tests).
    private(set) var builtLastLoadBeside = false
    /// What `registry_rank_deferred` left out of the connection's last ranking.
    let rankTally = RankTally()

    init(database: Database) {
        self.database = database
        sqlite3_create_function_v2(
            database.handle, "registry_search_text", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nil,
            { context, count, arguments in
                guard count == 1, let argument = arguments?[0], sqlite3_value_type(argument) != SQLITE_NULL,
                      let text = sqlite3_value_text(argument)
                else {
                    sqlite3_result_null(context)
                    return
                }
                let length = Int(sqlite3_value_bytes(argument))
                var folded = TextFolding.searchText(String(decoding: UnsafeBufferPointer(start: text, count: length), as: UTF8.self))
                folded.withUTF8 { bytes in
                    sqlite3_result_text(context, UnsafeRawPointer(bytes.baseAddress)?.assumingMemoryBound(to: CChar.self),
                                        Int32(bytes.count), csqlite_transient())
                }
            }, nil, nil, nil)
        SearchRank.register(on: database.handle, tally: rankTally)
    }

    /// Re-indexes the entity at `rowid` now, or at `Deferral.write()` while deferring. While an index is
    /// built beside a load, `fields` (the entity as written) go to the build.
    func update(rowid: Int64, fields: EntityFields? = nil) throws {
        guard deferred != nil else { return try write([rowid...rowid]) }
        if let build {
            if let fields {
                build.add(SearchBuild.Document(rowid: rowid, name: fields.name, city: fields.city,
                                               street: fields.street, note: fields.note))
            } else {
                // Text the build was not given (certificate scopes): index everything in place instead.
                build.close()
                self.build = nil
            }
        }
        // Kept as ranges: an import's new rows are consecutive, so a million of them are one range.
        if let last = deferred?.last, last.upperBound + 1 == rowid {
            deferred?.removeLast()
            deferred?.append(last.lowerBound...rowid)
        } else {
            deferred?.append(rowid...rowid)
        }
    }

    /// Indexes every entity again and recomputes every stored length (after migration 0009 made
    /// the index anew with another tokenizer).
    func reindexAll() throws {
        if let low = try database.scalarInt("SELECT min(rowid) FROM entities"),
           let high = try database.scalarInt("SELECT max(rowid) FROM entities") {
            try write([Int64(low)...Int64(high)])
        }
        try SearchNorms.rebuild(database)
    }

    /// What an import does with the full-text index inside `withDeferredIndexing`.
    struct Deferral {
        fileprivate unowned let index: SearchIndex

        /// In a load into a registry with no entities (and so an empty index): builds the index
        /// on a second thread from the entities as they are written (`SearchBuild`). Without a
        /// file beside the database (or when it cannot be made), the index is written in place
        /// by `write` as usual. Call inside the import's transaction, before its first row.
        ///
        /// A file that is not a killed build's leftover at the scratch path stops the import: the
        /// index is not written where another can read it.
        func buildBeside() throws {
            try index.removeLeftoverBuild()
            try index.beginBuilding()
        }

        /// Writes the collected updates, or installs the index built beside the load, in a small
        /// page cache (`Database.withSmallMemory`). Call once, inside the import's transaction,
        /// after its last row.
        func write() throws {
            try index.removeLeftoverBuild()
            try index.database.withSmallMemory { try index.flush() }
        }
    }

    /// The one way the library defers the index: runs `transaction`, an import's whole write
    /// transaction, collecting every update until it calls `Deferral.write`. Imports defer because
    /// FTS5 flushes its pending terms at every savepoint, and indexing row by row was the slowest
    /// part of an import. Afterwards (committed or rolled back), whatever was not written is
    /// dropped, and the scratch file of an index built beside the load is detached.
    func withDeferredIndexing<T>(_ transaction: (Deferral) throws -> T) throws -> T {
        precondition(deferred == nil, "imports do not nest")
        deferred = []
        defer { transactionEnded() }
        return try transaction(Deferral(index: self))
    }

    /// While deferring into a registry with no entities: starts the build beside the load.
    private func beginBuilding() throws {
        guard deferred != nil, build == nil,
              let sql = try? Self.tableSQL(database),
              // FTS5 options (automerge, pgsz, …) shape the index; the scratch table would not have them.
              (try? database.scalarInt("SELECT count(*) FROM entity_search_config WHERE k <> 'version'")) == 0
        else { return }
        do {
            build = try SearchBuild(besideRegistryAt: database.path, tableSQL: sql)
        } catch let error as RegistryError {
            if case .cannotCreate = error { throw error }
            // Anything else (its disk full, say) costs only time: the index is written in place.
        }
    }

    /// Deletes a scratch file that a killed first import left beside the registry (it can hold a
    /// whole index). Imports call this inside their write transaction, and only a writer uses the
    /// file, so no other process can be building in it.
    private func removeLeftoverBuild() throws {
        guard build == nil else { return }
        try SearchBuild.removeLeftover(besideRegistryAt: database.path)
    }

    /// Writes the collected updates and stops deferring.
    private func flush() throws {
        guard let ranges = deferred else { return }
        deferred = nil
        builtLastLoadBeside = false
        if let build {
            self.build = nil
            defer { build.close() }
            // A build that failed (its scratch disk full, say) costs only time: the index is then
            // written in place, where a real problem with the registry's own disk shows itself.
            if (try? build.finish()) != nil {
                try build.requireOwnFile()
                buildAttached = true
                let tableSQL = try Self.tableSQL(database)
                // A copy that fails half-way is undone to here; the index is then written in place too.
                if (try? database.savepoint("search_install", {
                    try build.install(into: database, tableSQL: tableSQL)
                })) != nil {
                    try SearchNorms.update(database, ranges: Self.merged(ranges))
                    builtLastLoadBeside = true
                    return
                }
            }
        }
        try write(ranges)
    }

    /// Drops what was not written (the transaction rolled back, or never wrote it) and detaches a
    /// built index's scratch file once the transaction that copied it has ended.
    private func transactionEnded() {
        deferred = nil
        build?.close()
        build = nil
        guard buildAttached else { return }
        buildAttached = false
        try? database.execute("DETACH DATABASE search_build")
    }

    private static func tableSQL(_ database: Database) throws -> String {
        guard let sql = try database.scalarText("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'entity_search'")
        else { throw RegistryError.integrity(["the full-text index table entity_search is missing"]) }
        return sql
    }

    /// A row changed twice is listed twice: overlapping and touching ranges merged, in order.
    private static func merged(_ ranges: [ClosedRange<Int64>]) -> [ClosedRange<Int64>] {
        var merged: [ClosedRange<Int64>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, range.lowerBound <= last.upperBound + 1 {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        return merged
    }

    private func write(_ ranges: [ClosedRange<Int64>]) throws {
        let merged = Self.merged(ranges)
        // In chunks of rowids, so each statement's list stays small however large the import.
        var chunk: [ClosedRange<Int64>] = []
        for range in merged {
            var start = range.lowerBound
            while start <= range.upperBound {
                let end = min(range.upperBound, start + 49_999)
                chunk.append(start...end)
                if chunk.count == 1_000 || end - start >= 49_999 {
                    try writeChunk(chunk)
                    chunk = []
                }
                start = end + 1
            }
        }
        try writeChunk(chunk)
    }

    private func writeChunk(_ ranges: [ClosedRange<Int64>]) throws {
        guard !ranges.isEmpty else { return }
        let list = SQLValue.text("[" + ranges.map { "[\($0.lowerBound),\($0.upperBound)]" }.joined(separator: ",") + "]")
        try database.run(
            """
            DELETE FROM entity_search WHERE rowid IN (
                SELECT e.rowid FROM json_each(?1) r JOIN entities e ON e.rowid BETWEEN r.value ->> 0 AND r.value ->> 1)
            """, [list])
        try database.run(
            """
            INSERT INTO entity_search (rowid, name, city, street, note, scopes)
            SELECT e.rowid, registry_search_text(e.name), registry_search_text(e.city), registry_search_text(e.street),
                   registry_search_text(e.note),
                   registry_search_text((SELECT group_concat(ev.scope, ' ') FROM certificates c JOIN certificate_events ev
                                  ON ev.certificate_id = c.id WHERE c.entity_id = e.id AND ev.scope IS NOT NULL))
            FROM json_each(?1) r JOIN entities e ON e.rowid BETWEEN r.value ->> 0 AND r.value ->> 1
            """, [list])
        try SearchNorms.update(database, ranges: ranges)
    }
}
