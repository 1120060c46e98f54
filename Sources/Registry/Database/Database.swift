import CSQLite
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One connection to an SQLite database file, configured the way the registry needs it.
///
/// Not thread-safe: use one connection per thread (SQLite's WAL lets many processes read while one writes).
public final class Database {
    let handle: OpaquePointer
    /// Path of the database file.
    public let path: String
    private var cache: [String: Statement] = [:]
    /// The statements used last, checked before `cache`: hot paths pass the same `static let` SQL
    /// string every time, which `==` recognises by its storage without hashing the whole text
    /// (measured for a 600-byte statement: 18 ns against 260 ns for the dictionary look-up).
    private var recent: [(sql: String, statement: Statement)] = []
    /// The page cache of a connection that writes, in KiB.
    static let cacheKiB = 32_768
    /// The page size of a new file. 16 KiB rather than SQLite's 4: a first import of 1,000,000 rows
    /// builds its indexes and checkpoints about a fifth faster, with fewer and fuller pages
    /// (Benchmarks/JOURNAL.md, item 36).
    static let pageSize = 16_384

    /// How long a statement waits for another connection's lock.
    private let busyTimeoutMilliseconds: Int32
    /// SQLITE_READONLY_ROLLBACK, a C macro Swift does not import: a read-only connection met a
    /// journal left by a write that never finished, which only a writable connection can roll back.
    private static let readOnlyRollback: Int32 = SQLITE_READONLY | (3 << 8)
    /// The cheapest statement that reads the file: SQLite checks the header and any journal there
    /// (rolling back a killed write, where it may) before its first read.
    private static let firstRead = "SELECT count(*) FROM sqlite_schema"

    /// How to open the file.
    public enum Access: Sendable {
        /// Read and write; create the file (mode 0600) when it does not exist.
        case readWriteCreate
        /// Read and write an existing file.
        case readWrite
        /// Read only: no statement can change the file.
        case readOnly
    }

    /// Process-wide settings, made once before the first connection (SQLite ignores them after).
    private static let configured: Bool = {
        csqlite_disable_memory_statistics() == SQLITE_OK
    }()

    /// Starts SQLite with its memory counted, which a heap limit needs (SQLite enforces
    /// sqlite3_hard_heap_limit64 only while it counts; `configured` turns counting off). Works only
    /// before the process's first connection: false when SQLite already runs without counting.
    static func startCountingMemory() -> Bool {
        _ = csqlite_enable_memory_statistics()  // refused, harmlessly, once SQLite has started
        // Started now, so that `configured` can no longer turn counting off.
        guard sqlite3_initialize() == SQLITE_OK, let probe = sqlite3_malloc64(4096) else { return false }
        defer { sqlite3_free(probe) }
        // Without counting, sqlite3_memory_used stays 0 whatever is allocated.
        return sqlite3_memory_used() > 0
    }

    /// Opens `path` and sets foreign keys, WAL, synchronous=FULL and the busy timeout.
    public convenience init(path: String, access: Access, busyTimeoutMilliseconds: Int32 = 30_000) throws {
        try self.init(path: path, access: access, busyTimeoutMilliseconds: busyTimeoutMilliseconds, scratch: false)
    }

    /// Opens a new, empty private file for work copied into a registry later. It has no journal
    /// and is never synced: a crash loses only the scratch, and the caller deletes it when done.
    /// The caller makes the (empty, private) file; SQLite's open does not follow a link put in
    /// its place.
    static func scratch(path: String) throws -> Database {
        try Database(path: path, access: .readWrite, busyTimeoutMilliseconds: 0, scratch: true)
    }

    private init(path given: String, access: Access, busyTimeoutMilliseconds: Int32, scratch: Bool) throws {
        guard !given.isEmpty else { throw RegistryError.fileNotFound(path: "(an empty path)") }
        self.path = given
        // SQLite reads `file:…` as a URI (this build enables them) and `:memory:` as no file at all,
        // where writes would report success and keep nothing: what SQLite opens is always a path.
        let path = given.hasPrefix("/") ? given : "./" + given
        let exists = try Self.isRegularFile(given)
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        // A scratch file is made by this process: a link found there was put by someone else.
        if scratch { flags |= SQLITE_OPEN_NOFOLLOW }
        switch access {
        case .readOnly:
            guard exists else { throw RegistryError.fileNotFound(path: given) }
            flags |= SQLITE_OPEN_READONLY
        case .readWrite:
            guard exists else { throw RegistryError.fileNotFound(path: given) }
            flags |= SQLITE_OPEN_READWRITE
        case .readWriteCreate:
            flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
            if !exists { try Self.createPrivateFile(given) }
        }
        _ = Self.configured
        var handle = try Self.connect(path: path, named: given, flags: flags, access: access, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
        if access == .readOnly, sqlite3_exec(handle, Self.firstRead, nil, nil, nil) == Self.readOnlyRollback {
            sqlite3_close_v2(handle)
            Self.rollBackInterruptedWrite(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
            handle = try Self.connect(path: path, named: given, flags: flags, access: access, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
        }
        self.handle = handle
        self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
        sqlite3_extended_result_codes(handle, 1)
        do {
            try execute("PRAGMA foreign_keys = ON")
            if access != .readOnly, try scalarInt("PRAGMA page_count") == 0 {
                // Only a file with no pages yet can take a page size (an existing registry keeps its own).
                try execute("PRAGMA page_size = \(Self.pageSize)")
            }
            if scratch {
                _ = csqlite_defensive(handle, 0)  // journal_mode = OFF is refused in defensive mode
                // A small cache: the scratch work runs beside an import, within its memory budget.
                try execute("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -4096; PRAGMA temp_store = FILE")
            } else if access != .readOnly {
                // A registry a first load left in rollback mode (`leaveWALForBulkWrite`) returns to WAL here.
                try executeWaitingForWriter("PRAGMA journal_mode = WAL")
                // FULL: a command that reported success survives a power cut too (one fsync per commit).
                try execute("PRAGMA synchronous = FULL")
                // 32 MiB of page cache, so a large import spills to the WAL less often (within the memory budget).
                try execute("PRAGMA cache_size = -\(Self.cacheKiB)")
                // Temporary files for large sorts and journals, so memory stays bounded: SQLite keeps
                // the first 64 KiB of a statement or savepoint journal in memory anyway, and a sort
                // spills to a file only past what the page cache may hold.
                try execute("PRAGMA temp_store = FILE")
            }
            // Reading a non-database file fails here rather than in the middle of a command.
            try execute(Self.firstRead)
        } catch {
            recent.removeAll()
            cache.removeAll()
            sqlite3_close_v2(handle)
            throw error
        }
    }

    deinit {
        recent.removeAll()
        cache.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Opens a connection that waits up to `busyTimeoutMilliseconds` for other connections' locks.
    private static func connect(path: String, named name: String? = nil, flags: Int32, access: Access,
                                busyTimeoutMilliseconds: Int32) throws -> OpaquePointer {
        var handle: OpaquePointer?
        let code = sqlite3_open_v2(path, &handle, flags, nil)
        guard code == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(handle)
            throw Self.openError(path: name ?? path, code: code, message: message, access: access)
        }
        sqlite3_busy_timeout(handle, busyTimeoutMilliseconds)
        return handle
    }

    /// Rolls back what a killed process left half-written through a rollback journal (see
    /// `leaveWALForBulkWrite`), as any writable connection does when it first reads. Best effort:
    /// where the file cannot be written, the read-only open that follows reports why.
    private static func rollBackInterruptedWrite(path: String, busyTimeoutMilliseconds: Int32) {
        guard let handle = try? connect(path: path, flags: SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, access: .readWrite,
                                        busyTimeoutMilliseconds: busyTimeoutMilliseconds)
        else { return }
        _ = sqlite3_exec(handle, Self.firstRead, nil, nil, nil)
        sqlite3_close_v2(handle)
    }

    /// True unless the database lives in memory (or in a temporary file SQLite names itself).

    static func fileExists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    /// Whether `path` exists, refusing what is there if it is not a regular file: SQLite would
    /// hang on a pipe and fail on a folder or device with a message that does not name it.
    static func isRegularFile(_ path: String) throws -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        let type = info.st_mode & S_IFMT
        guard type == S_IFREG else {
            let kind = type == S_IFDIR ? "a directory" : type == S_IFIFO ? "a pipe (FIFO)" : type == S_IFSOCK ? "a socket"
                : type == S_IFCHR || type == S_IFBLK ? "a device" : "not a regular file"
            throw RegistryError.cannotOpen(path: path, reason: "it is \(kind), not a registry file")
        }
        return true
    }

    /// Creates the file with mode 0600 (less the umask): it holds people's contact data.
    private static func createPrivateFile(_ path: String) throws {
        let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY, 0o600)
        if descriptor < 0 {
            let reason = String(cString: strerror(errno))
            if errno == EEXIST { return }
            throw RegistryError.cannotCreate(path: path, reason: reason)
        }
        close(descriptor)
    }

    private static func openError(path: String, code: Int32, message: String, access: Access) -> RegistryError {
        if code & 0xFF == SQLITE_CANTOPEN {
            // There but not to be opened by this user: say so, rather than that it is missing.
            if fileExists(path), Glibc.access(path, R_OK) != 0 {
                return .cannotOpen(path: path, reason: "it cannot be read (\(String(cString: strerror(errno))))")
            }
            if access != .readOnly, fileExists(path), Glibc.access(path, W_OK) != 0 {
                return .cannotCreate(path: path, reason: "the database is read-only for this user (\(String(cString: strerror(errno))))")
            }
            return access == .readWriteCreate
                ? .cannotCreate(path: path, reason: message)
                : .fileNotFound(path: path)
        }
        return .sqlite(code: code & 0xFF, extendedCode: code, message: message, sql: nil)
    }

    /// Runs one or more statements that take no parameters (scripts, pragmas).
    public func execute(_ sql: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        if code != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) }
            sqlite3_free(errorMessage)
            throw error(code: code, sql: sql, message: message)
        }
    }

    /// Prepares a statement the caller owns.
    public func prepare(_ sql: String) throws -> Statement {
        try Statement(database: self, sql: sql)
    }

    /// A prepared statement reused across calls (hot paths prepare once).
    public func cached(_ sql: String) throws -> Statement {
        for entry in recent where entry.sql == sql { return entry.statement }
        let statement: Statement
        if let known = cache[sql] {
            statement = known
        } else {
            statement = try Statement(database: self, sql: sql)
            // Bounded: an import that changes a different set of columns in each row prepares an
            // UPDATE per set; the statements in use are kept alive by `recent` and their callers.
            if cache.count >= 256 { cache.removeAll(keepingCapacity: true) }
            cache[sql] = statement
        }
        if recent.count == 8 { recent.removeLast() }
        recent.insert((sql, statement), at: 0)
        return statement
    }

    /// How many statements the cache holds (tests check that it stays bounded).
    var cachedStatementCount: Int { cache.count }

    /// Runs a cached statement with `values`.
    public func run(_ sql: String, _ values: [SQLValue] = []) throws {
        try cached(sql).execute(values)
    }

    /// Rows of a cached statement, each mapped with `transform`.
    public func rows<T>(_ sql: String, _ values: [SQLValue] = [], _ transform: (Statement) throws -> T) throws -> [T] {
        try cached(sql).map(values, transform)
    }

    /// The first row of a cached statement mapped with `transform`, or nil.
    public func first<T>(_ sql: String, _ values: [SQLValue] = [], _ transform: (Statement) throws -> T) throws -> T? {
        try cached(sql).first(values, transform)
    }

    /// The first column of the first row as an integer (e.g. `count(*)`), or nil.
    public func scalarInt(_ sql: String, _ values: [SQLValue] = []) throws -> Int? {
        try first(sql, values) { $0.int(at: 0) } ?? nil
    }

    /// The first column of the first row as text, or nil.
    public func scalarText(_ sql: String, _ values: [SQLValue] = []) throws -> String? {
        try first(sql, values) { $0.text(at: 0) } ?? nil
    }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    public var changes: Int { Int(sqlite3_changes(handle)) }

    /// Rowid of the last inserted row.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// True while a transaction is open.
    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// Runs `body` in a transaction: BEGIN IMMEDIATE (so writers queue on the busy timeout up front),
    /// COMMIT when it returns, ROLLBACK when it throws.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        let result: T
        do {
            result = try body()
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
        do {
            try execute("COMMIT")
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
        return result
    }

    /// Switches a WAL registry to a rollback journal for one large transaction that adds pages to a
    /// file that holds almost none yet (a first import into an empty registry), if no other
    /// connection is reading the file; true if it switched. `returnToWAL` switches back.
    ///
    /// The WAL has every page written twice, to the log and again by the checkpoint, and a million
    /// entities make a log of about 700 MB; a rollback journal keeps only the pages the file already
    /// had and the rows are written once, to the file. SQLite's own advice for transactions over
    /// about 100 MB. While it lasts, others cannot read the (still empty) registry: they wait for
    /// the commit as they would wait for any writer. The attempt itself does not wait: while another
    /// connection reads, SQLite refuses to leave WAL, and the write goes through the WAL as usual.
    ///
    /// `synchronous` goes from FULL to EXTRA meanwhile: in rollback mode a commit is the journal's
    /// deletion, which only a sync of the directory makes survive a power cut.
    func leaveWALForBulkWrite() -> Bool {
        guard !isInTransaction else { return false }
        // A read first: a connection's idea of the mode is what it last read, and another
        // connection may have changed the file since.
        guard (try? execute(Self.firstRead)) != nil else { return false }
        sqlite3_busy_timeout(handle, 0)
        defer { sqlite3_busy_timeout(handle, busyTimeoutMilliseconds) }
        guard (try? scalarText("PRAGMA journal_mode = DELETE")) == "delete" else { return false }
        if (try? execute("PRAGMA synchronous = EXTRA")) == nil {
            returnToWAL()
            return false
        }
        return true
    }

    /// Back to WAL (and `synchronous` FULL) after `leaveWALForBulkWrite`, waiting as any writer
    /// does. Should that fail, the registry stays correct in rollback mode (with EXTRA) until the
    /// next writable open sets WAL.
    func returnToWAL() {
        if (try? executeWaitingForWriter("PRAGMA journal_mode = WAL")) != nil {
            _ = try? execute("PRAGMA synchronous = FULL")
        }
    }

    /// Runs a statement that needs the write lock although it opens no transaction (a journal mode
    /// change), retrying for up to the busy timeout. SQLite answers such a statement busy at once
    /// while another connection writes, without its busy handler: the statement has read the file
    /// first, and a reader may not wait for a writer's lock.
    private func executeWaitingForWriter(_ sql: String) throws {
        var waited: Int32 = 0
        while true {
            do {
                return try execute(sql)
            } catch RegistryError.busy where waited < busyTimeoutMilliseconds {
                usleep(20_000)
                waited += 20
            }
        }
    }

    /// Runs `body` with SQLite's defensive mode off, where a build turns it on: migrations edit the
    /// schema's text and imports write FTS5's tables, both refused in that mode.
    func withoutDefensiveMode<T>(_ body: () throws -> T) rethrows -> T {
        guard csqlite_defensive(handle, -1) != 0 else { return try body() }
        _ = csqlite_defensive(handle, 0)
        defer { _ = csqlite_defensive(handle, 1) }
        return try body()
    }

    /// Runs `body` in a savepoint nested in the current transaction; rolls back to it when `body` throws.
    public func savepoint<T>(_ name: String = "registry", _ body: () throws -> T) throws -> T {
        precondition(name.allSatisfy { $0.isLetter || $0 == "_" }, "savepoint names are identifiers")
        // Prepared once per name: imports open a savepoint for every row.
        try cached("SAVEPOINT \(name)").execute()
        do {
            let result = try body()
            try cached("RELEASE \(name)").execute()
            return result
        } catch {
            try? cached("ROLLBACK TO \(name)").execute()
            try? cached("RELEASE \(name)").execute()
            throw error
        }
    }

    /// Runs `body` with a 4 MiB page cache: large sorts (index builds, the full-text index of a bulk
    /// load) then spill to temporary files sooner instead of growing memory, since SQLite lets a
    /// sort keep as many bytes in memory as the page cache may hold. (The lookup-index rebuild adds
    /// two sort helper threads within a smaller cache of its own: `DeferredIndexes.rebuild`.)
    public func withSmallMemory<T>(_ body: () throws -> T) throws -> T {
        try execute("PRAGMA cache_size = -4096")
        defer { try? execute("PRAGMA cache_size = -\(Self.cacheKiB)") }
        return try body()
    }

    /// Writes a consistent copy of the database to `destination` (VACUUM INTO), even while others
    /// write. `destination` must not exist and must not be one of this database's files. The copy
    /// is made as a private file (0600) beside it, checked by `verify`, and only then given its
    /// name; whatever fails, nothing is left at `destination` or beside it.
    public func writeCopy(to destination: String, verify: (String) throws -> Void = { _ in }) throws {
        try RegistryFiles(databasePath: path).refuseOverwrite(by: destination)
        var info = stat()
        if lstat(destination, &info) == 0 {
            throw RegistryError.cannotCreate(path: destination, reason: "the file exists; choose a new name")
        }
        let temporary = PrivateFile.temporaryName(beside: destination)
        let descriptor: Int32
        do {
            descriptor = try PrivateFile.create(temporary)
        } catch RegistryError.cannotCreate(_, let reason) {
            throw RegistryError.cannotCreate(path: destination, reason: reason)
        }
        defer {
            close(descriptor)
            for suffix in ["", "-journal", "-wal", "-shm"] { unlink(temporary + suffix) }
        }
        // VACUUM INTO fills the empty file made above, which keeps its mode.
        try cached("VACUUM INTO ?").execute([.text(temporary)])
        try verify(temporary)
        guard fsync(descriptor) == 0 else { throw AtomicFile.writeError(path: destination) }
        guard link(temporary, destination) == 0 else {
            let reason = errno == EEXIST ? "the file exists; choose a new name" : PrivateFile.lastError
            throw RegistryError.cannotCreate(path: destination, reason: reason)
        }
        AtomicFile.syncFolder(of: destination)
    }

    /// Maps an SQLite result code to a `RegistryError`, with SQLite's message and the SQL.
    func error(code: Int32, sql: String?, message: String? = nil) -> RegistryError {
        let message = message ?? String(cString: sqlite3_errmsg(handle))
        let primary = code & 0xFF
        switch primary {
        case SQLITE_BUSY, SQLITE_LOCKED:
            return .busy(message: message)
        case SQLITE_FULL:
            return .io(path: path, message: "disk full: \(message)")
        case SQLITE_IOERR:
            return .io(path: path, message: message)
        case SQLITE_READONLY where code == Self.readOnlyRollback:
            return .cannotCreate(path: path, reason: "an interrupted import left \(path)-journal, which only a connection "
                + "allowed to write the registry and its folder can roll back: run `registry migrate` as such a user")
        case SQLITE_READONLY:
            return .cannotCreate(path: path, reason: "the database is read-only (\(message))")
        case SQLITE_CANTOPEN:
            // A registry this user may read but not write (nor its -wal and -shm): say that.
            if Self.fileExists(path), Glibc.access(path, W_OK) != 0 {
                return .cannotCreate(path: path, reason: "the database is read-only for this user (\(String(cString: strerror(errno))))")
            }
            return .cannotCreate(path: path, reason: message)
        default:
            return .sqlite(code: primary, extendedCode: code, message: message, sql: sql)
        }
    }
}
