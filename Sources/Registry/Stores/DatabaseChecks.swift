/// SQLite's own checks of a registry file, as `registry check` and `backup` run them.
enum DatabaseChecks {
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
