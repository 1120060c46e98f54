import Foundation

/// Applies numbered migrations in order, each in its own transaction, and refuses databases
/// whose history does not match the migrations it knows.
///
/// ```swift
/// var migrator = Migrator(migrations: migrations)
/// migrator.registerDataStep(forVersion: 3) { database in try fillNewColumn(database) }
/// try migrator.migrate(database, now: { timestamp() })
/// ```
///
/// Questions a tool can ask: `status(of:)` (applied and pending), `requireCurrent(_:)` (refuses a
/// database behind or ahead). Failures are thrown as `DatabaseError` (`schemaNewer`,
/// `schemaBehind`, `migrationChanged`, `brokenReferences`, or the SQL's own).
public struct Migrator {
    /// The migrations this migrator knows, in order.
    public let migrations: [Migration]
    /// Work SQL cannot do, by migration version.
    private var dataSteps: [Int: (Database) throws -> Void] = [:]

    /// A migrator over `migrations`.
    public init(migrations: [Migration]) {
        self.migrations = migrations.sorted { $0.version < $1.version }
    }

    /// Registers work that SQL cannot do for the migration numbered `version` (say, data computed
    /// in Swift). It runs after the migration's SQL, inside the migration's transaction, so the
    /// migration and its data are applied together or not at all.
    public mutating func registerDataStep(forVersion version: Int, _ step: @escaping (Database) throws -> Void) {
        precondition(migrations.contains { $0.version == version }, "a data step for an unknown migration \(version)")
        dataSteps[version] = step
    }

    /// The newest version this migrator knows.
    public var latestVersion: Int { migrations.last?.version ?? 0 }

    /// One row of `schema_migrations`.
    public struct AppliedMigration: Sendable, Equatable {
        /// The migration's number.
        public let version: Int
        /// The migration's name as it was applied.
        public let name: String
        /// The checksum recorded when it was applied.
        public let checksum: String
        /// When it was applied, as the migrator's `now` gave it.
        public let appliedAt: String
    }

    /// What has been applied and what is pending.
    public struct Status: Sendable {
        /// The migrations recorded in the database, in order.
        public let applied: [AppliedMigration]
        /// The known migrations not applied yet, in order.
        public let pending: [Migration]
        /// Version recorded in the database (0 for a new one).
        public var currentVersion: Int { applied.last?.version ?? 0 }
    }

    private static let createTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version    INTEGER PRIMARY KEY,
            name       TEXT NOT NULL,
            checksum   TEXT NOT NULL,
            applied_at TEXT NOT NULL
        )
        """

    /// Reads the applied migrations, and refuses a database that is newer or whose applied files changed.
    public func status(of database: Database) throws -> Status {
        let hasTable = try database.scalarInt(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'") ?? 0
        let applied: [AppliedMigration] = hasTable == 0 ? [] : try database.rows(
            "SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version"
        ) { row in
            AppliedMigration(version: row.int(at: 0) ?? 0, name: row.text(at: 1) ?? "",
                             checksum: row.text(at: 2) ?? "", appliedAt: row.text(at: 3) ?? "")
        }
        let userVersion = try database.scalarInt("PRAGMA user_version") ?? 0
        let recorded = max(applied.last?.version ?? 0, userVersion)
        if recorded > latestVersion {
            throw DatabaseError.schemaNewer(current: recorded, latest: latestVersion)
        }
        let known = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0) })
        for row in applied {
            guard let shipped = known[row.version] else {
                throw DatabaseError.schemaNewer(current: row.version, latest: latestVersion)
            }
            if shipped.checksum != row.checksum {
                throw DatabaseError.migrationChanged(
                    version: row.version, name: row.name, recorded: row.checksum, shipped: shipped.checksum)
            }
        }
        let appliedVersions = Set(applied.map(\.version))
        return Status(applied: applied, pending: migrations.filter { !appliedVersions.contains($0.version) })
    }

    /// Throws `schemaBehind` unless every known migration has been applied.
    public func requireCurrent(_ database: Database) throws {
        let status = try status(of: database)
        if !status.pending.isEmpty {
            throw DatabaseError.schemaBehind(current: status.currentVersion, latest: latestVersion)
        }
    }

    /// Applies the pending migrations up to `target` (all by default).
    ///
    /// Each runs in its own transaction with foreign keys checked at its end (so a migration may
    /// rebuild a table), records itself in `schema_migrations` and `PRAGMA user_version`, runs its
    /// data step (if one is registered), and calls `afterEach` inside that transaction (say, to
    /// log the migration).
    @discardableResult
    public func migrate(
        _ database: Database,
        upTo target: Int? = nil,
        now: () -> String,
        afterEach: (Database, Migration) throws -> Void = { _, _ in }
    ) throws -> [Migration] {
        let pending = try status(of: database).pending.filter { $0.version <= (target ?? Int.max) }
        guard !pending.isEmpty else { return [] }
        try database.execute("PRAGMA foreign_keys = OFF")
        defer { try? database.execute("PRAGMA foreign_keys = ON") }
        for migration in pending {
            try database.transaction {
                try database.execute(Self.createTable)
                try database.withoutDefensiveMode { try database.execute(migration.sql) }
                let violations = try database.rows("PRAGMA foreign_key_check") { row in
                    "\(row.text(at: 0) ?? "?") row \(row.int(at: 1) ?? 0) → \(row.text(at: 2) ?? "?")"
                }
                if !violations.isEmpty {
                    throw DatabaseError.brokenReferences(migration: migration.version, violations: violations)
                }
                try database.run(
                    "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)",
                    [.integer(Int64(migration.version)), .text(migration.name), .text(migration.checksum), .text(now())])
                try database.execute("PRAGMA user_version = \(migration.version)")
                // A migration may edit table definitions in place (0008): a new schema version makes
                // every connection, this one included, read the schema again before its next statement.
                let schemaVersion = try database.scalarInt("PRAGMA schema_version") ?? 0
                try database.withoutDefensiveMode { try database.execute("PRAGMA schema_version = \(schemaVersion + 1)") }
                try dataSteps[migration.version]?(database)
                try afterEach(database, migration)
            }
        }
        return pending
    }
}
