import SQLiteStore

/// The registry's schema history: every shipped `Migrations/*.sql` file, in order, with the data
/// step (work SQL cannot do) that runs after its SQL, inside its transaction.
///
/// A new migration is a new SQL file plus one line here (with its data step, if it needs one);
/// `MigratorTests` checks that this list and the shipped files agree.
enum RegistryMigrations {
    /// A data step: it runs on the registry being migrated, inside the migration's transaction.
    typealias DataStep = @Sendable (Registry) throws -> Void

    /// Each shipped file by name, with its data step.
    static let files: [(name: String, dataStep: DataStep?)] = [
        ("0001_core.sql", nil),
        ("0002_reference_data.sql", nil),
        ("0003_views.sql", nil),
        ("0004_holders_index.sql", nil),
        ("0005_current_version_in_row.sql", nil),
        ("0006_batch_row_first.sql", nil),
        // FTS5's docsize rows are varint blobs, which SQL cannot read: the stored lengths are computed here.
        ("0007_search_norms.sql", { try SearchNorms.rebuild($0.database) }),
        ("0008_change_checks.sql", nil),
        // The full-text index is made anew (another tokenizer): its text comes from the folding in Swift.
        ("0009_search_ascii_tokens.sql", { try $0.search.reindexAll() }),
        // Effective dates from each version's Polish recorded day; the day ranges as writes keep
        // them; `v_entities` as the world today, from the same SQL every reading command uses.
        ("0010_valid_time.sql", {
            try EntityTimeline.migrate($0.database)
            try RegistryViews.storeEntitiesView($0.database)
        }),
        ("0011_valid_time_guards.sql", nil),
    ]

    /// The shipped migrations with their data steps, run on `registry`.
    static func migrator(for registry: Registry) -> Migrator {
        var migrator = Migrator()
        for file in files {
            guard let step = file.dataStep,
                  let migration = migrator.migrations.first(where: { $0.fileName == file.name })
            else { continue }
            migrator.registerDataStep(forVersion: migration.version) { [unowned registry] _ in try step(registry) }
        }
        return migrator
    }
}
