import SQLiteStore

/// SQLite's own checks of a registry file, as `registry check`, `backup` and opening run them.
enum DatabaseChecks {
    /// True for a file with no table yet (a registry about to be created).
    static func hasNoSchema(_ database: Database) throws -> Bool {
        try database.scalarInt("SELECT count(*) FROM sqlite_schema") == 0
    }

    /// What `PRAGMA integrity_check` says: `["ok"]` for a sound file.
    static func integrity(_ database: Database) throws -> [String] {
        try database.rows("PRAGMA integrity_check") { $0.text(at: 0) ?? "" }
    }

    /// Each row pointing to a missing row, as a problem of `registry check`.
    static func foreignKeyProblems(_ database: Database) throws -> [String] {
        try database.rows("PRAGMA foreign_key_check") { row in
            "foreign key: \(row.text(at: 0) ?? "?") row \(row.int(at: 1) ?? 0) points to a missing \(row.text(at: 2) ?? "?")"
        }
    }
}
