import Foundation
import SQLiteStore

/// The registry: one SQLite file holding entities, certifications, resources, needs and their history.
///
/// ```swift
/// let registry = try Registry.open(at: "registry.sqlite", actor: "anna", access: .write)
/// let entity = try registry.addEntity([.kind: "cis", .name: "CIS Olsztyn", .teryt: "2862011"])
/// ```
public final class Registry {
    /// The connection; exposed for read-only queries and tests.
    public let database: Database
    /// Who is recorded as making changes.
    public let actor: String
    let clock: Clock
    let audit: AuditLog
    let search: SearchIndex
    private var terytCodeCache: Set<String>?
    /// Searches of registries with at least this many entities rank on several connections at once
    /// (below it, opening them costs more than it saves); tests lower it.
    var searchPartitionMinimum: Int64 = 100_000
    /// How the last search ranked its matches; for tests.
    var lastSearchPlan: SearchPlan?
    /// How often the last import's writeback thread wrote its file out (nil: none ran); for tests.
    var lastWritebackRounds: Int?
    /// How the last first load went on after two of its rows clashed (nil: none did); for tests.
    var lastBulkLoadFallBack: BulkLoad.FallBack?
    /// The running import's writeback thread, so tests can wait for its rounds rather than time them.
    var currentWriteback: Writeback?
    /// Whether opening made a new registry (the file was missing or empty).
    public private(set) var created = false

    /// How a command uses the registry file.
    public enum Access: Sendable {
        /// Read only; the file must exist.
        case read
        /// Read and write; the file must exist.
        case write
        /// Read and write; a missing (or empty) file becomes a new, migrated registry.
        case writeOrCreate
    }

    init(database: Database, actor: String, clock: Clock) {
        self.database = database
        self.actor = actor
        self.clock = clock
        self.audit = AuditLog(database: database)
        self.search = SearchIndex(database: database)
    }

    /// Opens the registry at `path`, refusing a schema that is behind (`registry migrate`) or newer.
    public static func open(
        at path: String, actor: String, access: Access, clock: Clock = .system,
        busyTimeoutMilliseconds: Int32 = 30_000
    ) throws -> Registry {
        try RegistryError.mapping {
            let database: Database
            switch access {
            case .read:
                database = try Database(path: path, access: .readOnly, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
            case .write:
                database = try Database(path: path, access: .readWrite, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
            case .writeOrCreate:
                database = try Database(path: path, access: .readWriteCreate, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
            }
            let registry = Registry(database: database, actor: actor, clock: clock)
            let migrator = Migrator()
            let status = try migrator.status(of: database)
            if access == .writeOrCreate, status.applied.isEmpty, try registry.isEmptyDatabase() {
                try registry.applyMigrations(status: status)
                registry.created = true
            } else if !status.pending.isEmpty {
                throw RegistryError.schemaBehind(current: status.currentVersion, latest: migrator.latestVersion)
            }
            return registry
        }
    }

    /// What `migrate` did.
    public struct MigrationReport: Sendable {
        /// Migrations applied now, in order.
        public let applied: [Migration]
        /// The backup written before migrating a database that held data, if any.
        public let backupPath: String?
        /// Version before and after.
        public let fromVersion: Int
        public let toVersion: Int
        /// Whether the registry was made now (the file was missing or empty).
        public let created: Bool
    }

    /// Creates or upgrades the registry at `path` to the newest schema this binary ships.
    ///
    /// A database that already holds data is first copied to `<path>.v<N>-<UTC stamp>.bak`.
    /// With `create` false, a missing file is an error instead of a new registry.
    public static func migrate(
        at path: String, actor: String, upTo target: Int? = nil, create: Bool = true, clock: Clock = .system
    ) throws -> MigrationReport {
        try RegistryError.mapping {
            let database = try Database(path: path, access: create ? .readWriteCreate : .readWrite)
            let registry = Registry(database: database, actor: actor, clock: clock)
            let status = try Migrator().status(of: database)
            let empty = try status.applied.isEmpty && registry.isEmptyDatabase()
            return try registry.applyMigrations(status: status, upTo: target, created: empty)
        }
    }

    /// The applied and pending migrations of the registry at `path`, without changing it.
    public static func migrationStatus(at path: String) throws -> Migrator.Status {
        try RegistryError.mapping {
            let database = try Database(path: path, access: .readOnly)
            return try Migrator().status(of: database)
        }
    }

    @discardableResult
    private func applyMigrations(status: Migrator.Status, upTo target: Int? = nil, created: Bool = true) throws -> MigrationReport {
        let migrator = RegistryMigrations.migrator(for: self)
        var backupPath: String?
        let willApply = status.pending.contains { $0.version <= (target ?? Int.max) }
        if willApply, status.currentVersion > 0 {
            let path = "\(database.path).v\(status.currentVersion)-\(Timestamp.compact(clock.date())).bak"
            try database.writeCopy(to: path)
            backupPath = path
        }
        // Each migration's data step (`RegistryMigrations`) runs in its transaction, before this.
        let applied = try migrator.migrate(database, upTo: target, now: { clock.timestamp() }) { _, migration in
            // The audit log exists from migration 1 on, so every migration, that one included, is logged.
            try audit.append(
                recordedAt: clock.timestamp(), actor: actor, action: "schema.migrate", objectType: "schema",
                objectID: "\(migration.version)",
                before: nil,
                after: .object(["version": .int(migration.version), "name": .string(migration.name),
                                "checksum": .string(migration.checksum)]),
                batchID: nil)
        }
        if try teryt.isEmpty() {
            try seedTeryt()
        }
        let after = try migrator.status(of: database)
        return MigrationReport(
            applied: applied, backupPath: backupPath,
            fromVersion: status.currentVersion, toVersion: after.currentVersion, created: created)
    }

    /// The first of `descriptors` (say standard output and error, as a shell redirected them) that
    /// writes into the registry at `databasePath` or one of its companions, with that file:
    /// whatever a command printed there would overwrite the registry.
    public static func descriptorWritingIntoRegistry(
        at databasePath: String, among descriptors: [Int32]
    ) -> (descriptor: Int32, file: String)? {
        let files = RegistryFiles(databasePath: databasePath)
        for descriptor in descriptors {
            if let file = files.file(openAs: descriptor) { return (descriptor, file) }
        }
        return nil
    }

    private func isEmptyDatabase() throws -> Bool {
        try DatabaseChecks.hasNoSchema(database)
    }

    /// Runs `body` as one write transaction with one recorded time for every change in it.
    ///
    /// The recorded time never goes back behind the newest audit entry, so recorded-time order and
    /// audit order agree even if the system clock steps back.
    func write<T>(_ body: (ChangeContext) throws -> T) throws -> T {
        try RegistryError.mapping {
            try database.transaction {
                var recordedAt = clock.timestamp()
                if let last = try AuditLog.lastRecordedAt(database), last > recordedAt {
                    recordedAt = last
                }
                return try body(ChangeContext(actor: actor, recordedAt: recordedAt))
            }
        }
    }

    /// The set of TERYT codes, loaded once per connection (validation checks every row against it).
    func terytCodes() throws -> Set<String> {
        if let terytCodeCache { return terytCodeCache }
        let codes = try teryt.codes()
        terytCodeCache = codes
        return codes
    }

    func forgetTerytCodes() {
        terytCodeCache = nil
    }
}

/// Who makes a change, when it is recorded, and the import batch it belongs to.
struct ChangeContext: Sendable {
    let actor: String
    let recordedAt: String
    var batchID: String?
}
