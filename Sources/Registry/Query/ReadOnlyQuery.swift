import CSQLite
import Foundation
import SQLiteStore

/// Runs one read-only SQL statement for `registry sql`: the connection is opened read-only and an
/// authorizer refuses anything that writes or escapes (ATTACH, state-changing PRAGMAs,
/// load_extension, functions that expose addresses or files), so the registry cannot be changed or
/// the process inspected through it even by a crafted statement. A run can be bounded in time and memory.
public final class ReadOnlyQuery {
    private let database: Database
    private let statement: Statement
    private let queryGuard = QueryGuard()
    private let timeLimit: Duration?
    private let memoryLimit: Int?

    /// Column names of the result.
    public var columns: [String] { (0..<statement.columnCount).map { statement.columnName($0) } }

    /// PRAGMAs that only read; any other pragma is refused, and one of these given an argument runs
    /// only when that changes nothing (the statement must be read-only).
    static let readablePragmas: Set<String> = [
        "table_info", "table_xinfo", "index_list", "index_info", "index_xinfo", "foreign_key_list", "user_version",
        "schema_version", "page_count", "page_size", "freelist_count", "integrity_check", "quick_check",
        "foreign_key_check", "database_list", "collation_list", "function_list", "pragma_list", "compile_options",
        "table_list", "application_id", "encoding", "journal_mode",
        "data_version",  // FTS5 reads it before each query of the full-text table
    ]

    /// Prepares `sql` against the registry at `path`, refusing anything but one read-only statement.
    ///
    /// `timeLimit` bounds each run of the statement, from its first step to its last row (time the
    /// caller spends on a row counts). `memoryLimit` (bytes) bounds SQLite's heap while it runs; it is
    /// process-wide (sqlite3_hard_heap_limit64) and needs SQLite's memory counting, which only a
    /// query made before the process's first connection can start: otherwise this throws `.usage`.
    /// The views answer for the world on `day` (today when nil) as known at `recordedAt` (now when nil).
    public init(
        path: String, sql: String, timeLimit: Duration? = nil, memoryLimit: Int? = nil, on day: LocalDate? = nil,
        recordedAt: String? = nil
    ) throws {
        if let memoryLimit {
            guard memoryLimit > 0 else {
                throw RegistryError.invalidValue(field: "memory limit", value: String(memoryLimit), rule: "must be more than 0 bytes")
            }
            guard Database.startCountingMemory() else {
                throw RegistryError.usage("a memory limit needs SQLite's memory counting, which this process started without")
            }
        }
        if let timeLimit, timeLimit <= .zero {
            throw RegistryError.invalidValue(field: "time limit", value: Self.describe(timeLimit), rule: "must be more than 0 s")
        }
        self.timeLimit = timeLimit
        self.memoryLimit = memoryLimit
        let database = try RegistryError.mapping {
            let database = try Database(path: path, access: .readOnly)
            try Migrator().requireCurrent(database)
            return database
        }
        // FTS5 connects to the full-text table by declaring its columns as a CREATE TABLE, which the
        // authorizer below would refuse: connect it first, so the user's statements can read it. A
        // damaged index fails only the statements that read it (checks and views still run).
        try? database.execute("SELECT rowid FROM entity_search WHERE rowid = 0")
        // The views for the day and moment asked about, made before the guard (it refuses CREATE).
        try RegistryError.mapping {
            for statement in RegistryViews.temporary(day: day ?? LocalDate.today(), cutoff: recordedAt) {
                try database.execute(statement)
            }
        }
        queryGuard.install(on: database.handle)
        let trimmed = sql.trimmed
        var handle: OpaquePointer?
        var tail: UnsafePointer<CChar>?
        let code = trimmed.withCString { text in
            let result = sqlite3_prepare_v2(database.handle, text, -1, &handle, &tail)
            if result == SQLITE_OK, let tail {
                let rest = String(cString: tail).trimmingCharacters(in: CharacterSet(charactersIn: " \t\r\n;"))
                if !rest.isEmpty { return Int32(-1) }
            }
            return result
        }
        sqlite3_finalize(handle)
        if code == -1 {
            throw RegistryError.notReadOnly(sql: sql, reason: "only one statement may be run at a time")
        }
        let refused = code == SQLITE_AUTH || (code == SQLITE_ERROR && String(cString: sqlite3_errmsg(database.handle)).hasPrefix("not authorized"))
        if refused, let function = queryGuard.refusedFunction {
            throw RegistryError.notReadOnly(sql: sql, reason: Self.refusal(of: function))
        }
        if refused {
            throw RegistryError.notReadOnly(sql: sql, reason: "the statement writes, attaches another database, changes a setting or loads an extension")
        }
        if code != SQLITE_OK {
            let message = String(cString: sqlite3_errmsg(database.handle))
            if message.hasPrefix("no such function: load_extension") {
                throw RegistryError.notReadOnly(sql: sql, reason: "loading extensions is not allowed")
            }
            // Refused by name even where SQLite lacks them (readfile exists only in the sqlite3 shell).
            let missing = message.hasPrefix("no such function: ") ? String(message.dropFirst(18)).lowercased() : ""
            if QueryGuard.refusedFunctions.contains(missing) {
                throw RegistryError.notReadOnly(sql: sql, reason: Self.refusal(of: missing))
            }
            throw RegistryError.invalidValue(field: "sql", value: sql, rule: message)
        }
        let statement = try RegistryError.mapping { try database.prepare(trimmed) }
        self.database = database
        self.statement = statement
        guard statement.isReadOnly else {
            throw RegistryError.notReadOnly(sql: sql, reason: "the statement would change the database")
        }
    }

    deinit {
        // The callbacks point at this query's guard, which goes with it.
        QueryGuard.remove(from: database.handle)
    }

    /// Calls `body` with each row's values, streaming, within the time and memory limits. However
    /// the run ends (done, stopped at a limit, or `body` throwing), the statement is reset before this
    /// returns, which ends its read transaction: a checkpoint waits for it no longer than the run.
    public func forEachRow(_ body: ([SQLValue]) throws -> Void) throws {
        let count = statement.columnCount
        var previousLimits: (hard: Int64, soft: Int64)?
        if let memoryLimit {
            // Process-wide: right for the CLI, which runs one command per process; restored afterwards.
            let soft = sqlite3_soft_heap_limit64(-1)
            previousLimits = (sqlite3_hard_heap_limit64(Int64(memoryLimit)), soft)
        }
        queryGuard.start(until: timeLimit.map { ContinuousClock.now + $0 })
        defer {
            queryGuard.start(until: nil)
            if let previousLimits {
                sqlite3_hard_heap_limit64(previousLimits.hard)
                sqlite3_soft_heap_limit64(previousLimits.soft)
            }
        }
        do {
            try statement.forEachRow { row in
                try body((0..<count).map { row.value(at: $0) })
            }
        } catch let error as RegistryError {
            throw limitError(for: error) ?? error
        } catch let error as DatabaseError {
            throw limitError(for: RegistryError(error)) ?? RegistryError(error)
        }
    }

    /// The limit error for a run that `error` ended, when a limit ended it.
    private func limitError(for error: RegistryError) -> RegistryError? {
        if queryGuard.timedOut, let timeLimit {
            return .limitExceeded(limit: "time", value: Self.describe(timeLimit),
                                  message: "the statement ran longer than its time limit allows")
        }
        if case let .sqlite(code, _, _, _) = error, code == SQLITE_NOMEM, let memoryLimit {
            let megabytes = memoryLimit % (1 << 20) == 0 ? "\(memoryLimit >> 20) MB" : "\(memoryLimit) bytes"
            return .limitExceeded(limit: "memory", value: megabytes,
                                  message: "the statement needed more memory than its limit allows")
        }
        return nil
    }

    /// Why `function` is refused.
    static func refusal(of function: String) -> String {
        "the function \(function) is not available: it exposes memory addresses or files, or loads code"
    }

    /// "30 s", "0.5 s".
    static func describe(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        guard attoseconds != 0 else { return "\(seconds) s" }
        return "\(Double(seconds) + Double(attoseconds) / 1e18) s"
    }
}
