import SQLiteStore

/// How an import writes its rows: chosen once per import (`plan`), then asked by the import at
/// each step. It holds every technique that makes a large or first load fast, so the import's
/// own code reads as what it does with the rows.
///
/// - A large file (`Registry.bulkWriteBytes` or more) has its pages written out as they go (`Writeback`).
/// - A first load, into a registry with no entity, of a target that allows it
///   (`RowImporter.supportsFirstLoad`): goes through a rollback journal when the file is large
///   (`Database.leaveWALForBulkWrite`), sets the lookup indexes aside (`DeferredIndexes`), builds
///   the full-text index beside the load (`SearchIndex.Deferral.buildBeside`) and has the importer
///   match rows only within the file.
/// - Two rows of the file with one identifier in a first load: see `apply` and `finish`.
final class BulkLoad {
    /// Thrown when a first load met a clash it cannot go on from in place: the import is rolled
    /// back and done again (`allowsFirstLoad` false), which names each clashing row.
    struct Rerun: Error {}

    /// How the last first load went on after a clash; for tests.
    enum FallBack: Equatable {
        /// The lookup indexes were built at the clashing row and the rows went on from there.
        case inPlace
        /// Rolled back and done again (`Rerun`).
        case rerun
    }

    private let registry: Registry
    private var database: Database { registry.database }
    /// The target supports a first load and it was not ruled out.
    private let mayLoadFirst: Bool
    private let rollbackJournal: Bool
    private let writeback: Writeback?
    private var deferredIndexes: DeferredIndexes?
    /// True from `begin` while the rows are a first load's, matched only within the file.
    private(set) var isFirstLoad = false

    /// Before the import's transaction: switches a large first load's journal and starts the
    /// writeback of a large file. `end` undoes both.
    static func plan<Importer: RowImporter>(
        for importer: Importer.Type, registry: Registry, fileBytes: Int?, dryRun: Bool, allowsFirstLoad: Bool = true
    ) throws -> BulkLoad {
        try BulkLoad(registry: registry, mayLoadFirst: allowsFirstLoad && Importer.supportsFirstLoad,
                     large: !dryRun && (fileBytes ?? 0) >= Registry.bulkWriteBytes)
    }

    private init(registry: Registry, mayLoadFirst: Bool, large: Bool) throws {
        self.registry = registry
        self.mayLoadFirst = mayLoadFirst
        let database = registry.database
        // A large first load writes its rows once, through a rollback journal (Benchmarks/JOURNAL.md,
        // item 41); `begin` decides again, inside the transaction, whether it is a first load.
        rollbackJournal = try large && mayLoadFirst && DeferredIndexes.isEmpty(database) && database.leaveWALForBulkWrite()
        // A large file's writes go to disk while the work is still going on, not all at the commit.
        writeback = !large ? nil
            : rollbackJournal ? Writeback(databasePath: database.path) : Writeback(walPath: database.path + "-wal")
        registry.currentWriteback = writeback
    }

    /// After the import's transaction, committed or not: stops the writeback and returns to the WAL.
    func end() {
        writeback?.stop()
        registry.lastWritebackRounds = writeback?.rounds
        registry.currentWriteback = nil
        if rollbackJournal { database.returnToWAL() }
    }

    /// Inside the transaction, before the first row: a first load when the registry holds no entity
    /// (checked here, where no other writer can add one).
    func begin<Importer: RowImporter>(_ importer: inout Importer, search: SearchIndex.Deferral) throws {
        guard mayLoadFirst, let indexes = try DeferredIndexes.dropIfEmpty(database) else { return }
        deferredIndexes = indexes
        isFirstLoad = true
        importer.matchWithinFile()
        try search.buildBeside()
    }

    /// Applies one row with `write`. In a first load, a row whose registry id an earlier row of
    /// the file took (the id's unique index, kept, refuses its insert; nothing of the row is
    /// written) makes the load fall back in place: the indexes set aside are built now, the importer
    /// matches through them from here on, with every row so far kept, and the row is applied again
    /// that way, which names the earlier row. The full-text build and the journal go on.
    func apply<Importer: RowImporter>(
        to importer: inout Importer, _ write: (inout Importer) throws -> RowOutcome
    ) throws -> RowOutcome {
        guard isFirstLoad else { return try write(&importer) }
        do {
            return try write(&importer)
        } catch let error as DatabaseError where error.extendedCode == DatabaseError.uniqueConstraint {
            isFirstLoad = false
            // Two earlier rows sharing a NIP, KRS or REGON stop the indexes here too: a rerun.
            try rebuildIndexes()
            // The importer matched some row so far otherwise than it would through the indexes.
            guard importer.matchThroughRegistry() else {
                registry.lastBulkLoadFallBack = .rerun
                throw Rerun()
            }
            registry.lastBulkLoadFallBack = .inPlace
            return try write(&importer)
        }
    }

    /// After the last row: builds the indexes set aside again. Two rows with one NIP, KRS or REGON
    /// are found only here, when every row is written and its cells are freed: naming them in file
    /// order, with their cells for the rejects file, needs the rows again, so the import is done
    /// again (`Rerun`). Keeping every row's identifiers to find them sooner would cost the memory
    /// a first load saves by matching nothing.
    func finish() throws {
        try rebuildIndexes()
    }

    private func rebuildIndexes() throws {
        guard let indexes = deferredIndexes else { return }
        deferredIndexes = nil
        do {
            try indexes.rebuild(database)
        } catch let error as DatabaseError where error.extendedCode == DatabaseError.uniqueConstraint {
            registry.lastBulkLoadFallBack = .rerun
            throw Rerun()
        }
    }
}

extension Registry {
    /// The file size from which an import writes its pages out as it goes (`Writeback`), and a
    /// first load goes through a rollback journal.
    static let bulkWriteBytes = 16 << 20
}
