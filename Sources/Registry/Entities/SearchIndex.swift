import CSQLite

/// Keeps the full-text index (`entity_search`) in step with entities and certificate scopes.
///
/// Text is folded (`TextFolding`, ł included) by the SQL function `registry_fold`, registered on the
/// connection, so the index rows are built by SQLite in one statement. Imports defer the updates and
/// write them in two statements at the end: FTS5 flushes its pending terms at every savepoint, so
/// indexing row by row inside per-row savepoints was the slowest part of an import.
final class SearchIndex {
    private unowned let database: Database
    private var deferred: [ClosedRange<Int64>]?
    /// What `registry_rank_deferred` left out of the connection's last ranking.
    let rankTally = RankTally()

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
        SearchRank.register(on: database.handle, tally: rankTally)
    }

    /// Re-indexes the entity at `rowid` now, or at `flush()` while deferring.
    func update(rowid: Int64) throws {
        guard deferred != nil else { return try write([rowid...rowid]) }
        // Kept as ranges: an import's new rows are consecutive, so a million of them are one range.
        if let last = deferred?.last, last.upperBound + 1 == rowid {
            deferred?.removeLast()
            deferred?.append(last.lowerBound...rowid)
        } else {
            deferred?.append(rowid...rowid)
        }
    }

    /// Collects updates until `flush()`.
    func beginDeferring() {
        deferred = deferred ?? []
    }

    /// Writes the collected updates and stops deferring.
    func flush() throws {
        guard let ranges = deferred else { return }
        deferred = nil
        try write(ranges)
    }

    /// Drops the collected updates (the transaction they belonged to rolled back).
    func discard() {
        deferred = nil
    }

    private func write(_ ranges: [ClosedRange<Int64>]) throws {
        // A row changed twice is listed twice: merge overlapping and touching ranges first.
        var merged: [ClosedRange<Int64>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, range.lowerBound <= last.upperBound + 1 {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
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
            SELECT e.rowid, registry_fold(e.name), registry_fold(e.city), registry_fold(e.street), registry_fold(e.note),
                   registry_fold((SELECT group_concat(ev.scope, ' ') FROM certificates c JOIN certificate_events ev
                                  ON ev.certificate_id = c.id WHERE c.entity_id = e.id AND ev.scope IS NOT NULL))
            FROM json_each(?1) r JOIN entities e ON e.rowid BETWEEN r.value ->> 0 AND r.value ->> 1
            """, [list])
        try SearchNorms.update(database, ranges: ranges)
    }
}
