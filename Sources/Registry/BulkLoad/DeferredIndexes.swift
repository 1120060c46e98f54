import SQLiteStore

/// Secondary indexes set aside while a file is loaded into an empty registry and built again
/// before the commit: building an index from all its keys at once is several times cheaper than a
/// million random inserts into it, and the registry's unique rules still hold when it commits
/// (`BulkLoad` builds them early at a clash, or has the import done again when the rebuild fails).
struct DeferredIndexes {
    /// Indexes only lookups and uniqueness use; the table b-trees and `entities.id` stay.
    static let names = [
        "entities_nip", "entities_regon", "entities_krs", "entities_place", "entities_kind", "entities_name",
        "entity_versions_recorded", "audit_log_object", "audit_log_recorded",
    ]

    /// SQLite's sort helper threads for the rebuild, which runs when the other core is idle.
    static let sortHelperThreads = 2

    private let definitions: [String]

    /// True while the registry holds no entity.
    static func isEmpty(_ database: Database) throws -> Bool {
        try database.scalarInt("SELECT count(*) FROM (SELECT 1 FROM entities LIMIT 1)") == 0
    }

    /// Drops the indexes when the registry holds no entity yet; nil (and nothing dropped) otherwise.
    static func dropIfEmpty(_ database: Database) throws -> DeferredIndexes? {
        guard try isEmpty(database) else { return nil }
        var definitions: [String] = []
        for name in names {
            guard let sql = try database.scalarText("SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = ?", [.text(name)])
            else { return nil }
            definitions.append(sql)
        }
        for name in names { try database.execute("DROP INDEX \(name)") }
        return DeferredIndexes(definitions: definitions)
    }

    /// Builds the indexes again, with their original definitions, inside the same transaction.
    func rebuild(_ database: Database) throws {
        // A million keys per index would otherwise more than double the import's peak memory.
        try database.withSmallMemory {
            // The other core is idle by now (the rows and their full-text batches are done): two
            // helper threads sort for SQLite and the indexes build about a fifth faster. Each sort
            // task keeps runs of 250 pages (4 MB at 16 KiB) whatever the cache; the page cache is
            // halved instead, so the peak stays where the rows put it (Benchmarks/JOURNAL.md, item 45).
            let threads = try database.scalarInt("PRAGMA threads") ?? 0
            try database.execute("PRAGMA threads = \(Self.sortHelperThreads); PRAGMA cache_size = -2048")
            defer { try? database.execute("PRAGMA threads = \(threads)") }
            for sql in definitions { try database.execute(sql) }
        }
    }
}
