import CSQLite
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One connection to an SQLite database file: foreign keys on, WAL, `synchronous = FULL`, a busy
/// timeout, statements prepared once and cached.
///
/// ```swift
/// let database = try Database(path: "data.sqlite", access: .readWriteCreate)
/// try database.transaction {
///     try database.run("INSERT INTO notes (text) VALUES (?)", ["hello"])
/// }
/// let count = try database.scalarInt("SELECT count(*) FROM notes")
/// ```
///
/// Not thread-safe: use one connection per thread (SQLite's WAL lets many processes read while one
/// writes). Failures are thrown as `DatabaseError`. Related: `Statement`, `SQLValue`, `Migrator`;
/// transactions and savepoints in `Database+Transactions.swift`, journal and memory settings in
/// `Database+Journal.swift`.
public final class Database {
    /// The raw `sqlite3` connection, for what this layer does not wrap: registering SQL functions
    /// (`sqlite3_create_function_v2`), an authorizer or a progress handler. Do not close it, and do
    /// not begin or end transactions through it behind `transaction` and `savepoint`.
    public let handle: OpaquePointer
    /// Path of the database file.
    public let path: String
    private var cache: [String: Statement] = [:]
    /// The statements used last, checked before `cache`: hot paths pass the same `static let` SQL
    /// string every time, which `==` recognises by its storage without hashing the whole text
    /// (measured for a 600-byte statement: 18 ns against 260 ns for the dictionary look-up).
    private var recent: [(sql: String, statement: Statement)] = []
    /// The page cache of a connection that writes, in KiB.
    public static let cacheKiB = 32_768
    /// The page size of a new file. 16 KiB rather than SQLite's 4: a first import of 1,000,000 rows
    /// builds its indexes and checkpoints about a fifth faster, with fewer and fuller pages
    /// (Benchmarks/JOURNAL.md, item 36).
    static let pageSize = 16_384

    /// How long a statement waits for another connection's lock.
    let busyTimeoutMilliseconds: Int32
    /// Moves on whenever a transaction ends or a savepoint rolls back; see `transactionEpoch`.
    var epoch: UInt64 = 0
    /// The cheapest statement that reads the file: SQLite checks the header and any journal there
    /// (rolling back a killed write, where it may) before its first read.
    static let firstRead = "SELECT count(*) FROM sqlite_schema"

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
    public static func startCountingMemory() -> Bool {
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

    /// Opens a new, empty private file for work copied into another database later. It has no journal
    /// and is never synced: a crash loses only the scratch, and the caller deletes it when done.
    /// The caller makes the (empty, private) file; SQLite's open does not follow a link put in
    /// its place.
    public static func scratch(path: String) throws -> Database {
        try Database(path: path, access: .readWrite, busyTimeoutMilliseconds: 0, scratch: true)
    }

    private init(path given: String, access: Access, busyTimeoutMilliseconds: Int32, scratch: Bool) throws {
        guard !given.isEmpty else { throw DatabaseError.notFound(path: "(an empty path)") }
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
            guard exists else { throw DatabaseError.notFound(path: given) }
            flags |= SQLITE_OPEN_READONLY
        case .readWrite:
            guard exists else { throw DatabaseError.notFound(path: given) }
            flags |= SQLITE_OPEN_READWRITE
        case .readWriteCreate:
            flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
            if !exists { try Self.createPrivateFile(given) }
        }
        _ = Self.configured
        var handle = try Self.connect(path: path, named: given, flags: flags, access: access, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
        if access == .readOnly, sqlite3_exec(handle, Self.firstRead, nil, nil, nil) == DatabaseError.readOnlyRollback {
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
                // Only a file with no pages yet can take a page size (an existing file keeps its own).
                try execute("PRAGMA page_size = \(Self.pageSize)")
            }
            if scratch {
                _ = csqlite_defensive(handle, 0)  // journal_mode = OFF is refused in defensive mode
                // A small cache: the scratch work runs beside an import, within its memory budget.
                try execute("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -4096; PRAGMA temp_store = FILE")
            } else if access != .readOnly {
                // A file a bulk write left in rollback mode (`leaveWALForBulkWrite`) returns to WAL here.
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
        installTransactionHooks()
    }

    deinit {
        removeTransactionHooks()
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

    /// Whether anything exists at `path`.
    public static func fileExists(_ path: String) -> Bool {
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
            throw DatabaseError.notRegularFile(path: path, kind: kind)
        }
        return true
    }

    /// Creates the file with mode 0600 (less the umask): a database may hold people's personal data.
    private static func createPrivateFile(_ path: String) throws {
        let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY, 0o600)
        if descriptor < 0 {
            let reason = String(cString: strerror(errno))
            if errno == EEXIST { return }
            throw DatabaseError.cannotCreate(path: path, reason: reason)
        }
        close(descriptor)
    }

    private static func openError(path: String, code: Int32, message: String, access: Access) -> DatabaseError {
        if code & 0xFF == SQLITE_CANTOPEN {
            // There but not to be opened by this user: say so, rather than that it is missing.
            if fileExists(path), Glibc.access(path, R_OK) != 0 {
                return .unreadable(path: path, reason: String(cString: strerror(errno)))
            }
            if access != .readOnly, fileExists(path), Glibc.access(path, W_OK) != 0 {
                return .notWritable(path: path, reason: String(cString: strerror(errno)))
            }
            return access == .readWriteCreate
                ? .cannotCreate(path: path, reason: message)
                : .notFound(path: path)
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

    /// The `DatabaseError` for an SQLite result code, with SQLite's message and the SQL.
    func error(code: Int32, sql: String?, message: String? = nil) -> DatabaseError {
        let message = message ?? String(cString: sqlite3_errmsg(handle))
        let primary = code & 0xFF
        switch primary {
        case SQLITE_BUSY, SQLITE_LOCKED:
            return .busy(code: primary, extendedCode: code, message: message, sql: sql)
        case SQLITE_FULL:
            return .diskFull(path: path, message: message, sql: sql)
        case SQLITE_IOERR:
            return .io(path: path, extendedCode: code, message: message, sql: sql)
        case SQLITE_READONLY where code == DatabaseError.readOnlyRollback:
            return .rollbackNeedsWriter(path: path)
        case SQLITE_READONLY:
            return .readOnly(path: path, extendedCode: code, message: message)
        case SQLITE_CANTOPEN:
            // A file this user may read but not write (nor its -wal and -shm): say that.
            if Self.fileExists(path), Glibc.access(path, W_OK) != 0 {
                return .notWritable(path: path, reason: String(cString: strerror(errno)))
            }
            return .cannotCreate(path: path, reason: message)
        default:
            return .sqlite(code: primary, extendedCode: code, message: message, sql: sql)
        }
    }
}
