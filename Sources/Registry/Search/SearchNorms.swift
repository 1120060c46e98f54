import CSQLite
import SQLiteStore

/// Each full-text document's length in tokens, kept densely in `search_norms` (migration 0007):
/// 1,024 documents per row, one byte each: the length, 255 for 255 tokens or more (ranking then
/// asks FTS5), 0 where no document is.
///
/// bm25 needs every match's length. FTS5 reads it with one `entity_search_docsize` look-up per
/// match, which was two thirds of a broad search's time at a million entities; `SearchRank` reads
/// one row (one page) here per 1,024 rowids instead. The counts are FTS5's own (the sum of a docsize
/// row), copied after every write to the index, so ranking stays exactly bm25.
enum SearchNorms {
    static let documentsPerChunk: Int64 = 1_024

    /// Copies FTS5's lengths for the documents in `ranges` (sorted, not overlapping) into the chunks.
    static func update(_ database: Database, ranges: [ClosedRange<Int64>]) throws {
        var chunk: Int64 = -1
        var lengths: [UInt32] = []
        // Rowids below 0 (only ever given by hand) keep no length: ranking asks FTS5 for theirs.
        for range in ranges where range.upperBound >= 0 {
            var start = max(range.lowerBound, 0)
            while start <= range.upperBound {
                let number = start / documentsPerChunk
                let end = min(range.upperBound, number * documentsPerChunk + (documentsPerChunk - 1))
                if number != chunk {
                    if chunk >= 0 { try write(database, chunk: chunk, lengths: lengths) }
                    chunk = number
                    lengths = try read(database, chunk: number)
                }
                for rowid in start...end { lengths[Int(rowid - number * documentsPerChunk)] = 0 }
                try forEachLength(database, from: start, to: end) { rowid, length in
                    lengths[Int(rowid - number * documentsPerChunk)] = length
                }
                guard end < Int64.max else { break }
                start = end + 1
            }
        }
        if chunk >= 0 { try write(database, chunk: chunk, lengths: lengths) }
    }

    /// Recomputes every chunk from FTS5's sizes (after migration 0007, which creates the table).
    static func rebuild(_ database: Database) throws {
        try database.run("DELETE FROM search_norms")
        guard let last = try database.scalarInt("SELECT max(id) FROM entity_search_docsize") else { return }
        try update(database, ranges: [0...Int64(last)])
    }

    /// Rowids whose stored length differs from FTS5's (for `check`); at most `limit` of them.
    static func mismatches(_ database: Database, limit: Int = 10) throws -> [Int64] {
        // One read transaction, so a change committed meanwhile is not taken for a mismatch.
        let ownTransaction = sqlite3_get_autocommit(database.handle) != 0
        if ownTransaction { try database.execute("BEGIN") }
        defer { if ownTransaction { try? database.execute("COMMIT") } }
        let chunks = try database.rows(
            "SELECT chunk FROM search_norms UNION SELECT id / ?1 FROM entity_search_docsize WHERE id >= 0 ORDER BY 1",
            [.integer(documentsPerChunk)]) { Int64($0.int(at: 0) ?? 0) }
        var found: [Int64] = []
        for chunk in chunks where found.count < limit {
            let first = chunk * documentsPerChunk
            var expected = [UInt32](repeating: 0, count: Int(documentsPerChunk))
            try forEachLength(database, from: first, to: first + documentsPerChunk - 1) { rowid, length in
                expected[Int(rowid - first)] = length
            }
            let stored = try read(database, chunk: chunk)
            found += stored.indices.filter { stored[$0] != min(expected[$0], 255) }.map { first + Int64($0) }
        }
        return Array(found.prefix(limit))
    }

    private static func read(_ database: Database, chunk: Int64) throws -> [UInt32] {
        var lengths = [UInt32](repeating: 0, count: Int(documentsPerChunk))
        try database.prepare("SELECT lengths FROM search_norms WHERE chunk = ?").forEachRow([.integer(chunk)]) { row in
            row.withBlob(at: 0) { bytes in lengths.withUnsafeMutableBufferPointer { decode(bytes, into: $0) } }
        }
        return lengths
    }

    private static func write(_ database: Database, chunk: Int64, lengths: [UInt32]) throws {
        guard lengths.contains(where: { $0 != 0 }) else {
            return try database.run("DELETE FROM search_norms WHERE chunk = ?", [.integer(chunk)])
        }
        let bytes = lengths.map { UInt8(Swift.min($0, 255)) }
        try database.run("INSERT OR REPLACE INTO search_norms (chunk, lengths) VALUES (?, ?)", [.integer(chunk), .blob(bytes)])
    }

    /// Reads a chunk's bytes into `lengths` (a shorter blob leaves the rest as it is).
    static func decode(_ bytes: UnsafeRawBufferPointer, into lengths: UnsafeMutableBufferPointer<UInt32>) {
        for index in 0..<min(lengths.count, bytes.count) { lengths[index] = UInt32(bytes[index]) }
    }

    /// FTS5's length of each document with a rowid in `start...end`, in rowid order.
    private static func forEachLength(
        _ database: Database, from start: Int64, to end: Int64, _ body: (Int64, UInt32) throws -> Void
    ) throws {
        try database.prepare("SELECT id, sz FROM entity_search_docsize WHERE id BETWEEN ? AND ? ORDER BY id")
            .forEachRow([.integer(start), .integer(end)]) { row in
                let rowid = Int64(row.int(at: 0) ?? 0)
                let length = row.withBlob(at: 1) { totalTokens($0) }
                try body(rowid, length)
            }
    }

    /// The sum of a docsize row: one SQLite-style varint per column.
    static func totalTokens(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var total: UInt64 = 0
        var offset = 0
        while offset < bytes.count {
            var value: UInt64 = 0
            var count = 0
            while offset < bytes.count {
                let byte = bytes[offset]
                offset += 1
                count += 1
                if count == 9 {
                    value = value << 8 | UInt64(byte)
                    break
                }
                value = value << 7 | UInt64(byte & 0x7F)
                if byte & 0x80 == 0 { break }
            }
            total &+= value
        }
        return UInt32(clamping: total)
    }
}
