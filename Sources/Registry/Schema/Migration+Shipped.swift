import SQLiteStore

extension Migration {
    /// The migrations compiled into this binary (`Migrations/*.sql`), in order.
    public static let shipped: [Migration] = EmbeddedFiles.paths(under: "Migrations").compactMap { path in
        guard let data = EmbeddedFiles.data(path) else { return nil }
        return Migration(fileName: String(path.dropFirst("Migrations/".count)), contents: data)
    }.sorted { $0.version < $1.version }
}

extension Migrator {
    /// A migrator over the shipped migrations, for asking about versions (`status`,
    /// `requireCurrent`). It has no data steps: a registry migrates with
    /// `RegistryMigrations.migrator(for:)`.
    init() {
        self.init(migrations: Migration.shipped)
    }
}
