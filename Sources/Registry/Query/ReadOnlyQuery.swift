import CSQLite
import Foundation

/// Runs one read-only SQL statement for `registry sql`: the connection is opened read-only and an
/// authorizer refuses anything that writes or escapes (ATTACH, state-changing PRAGMAs,
/// load_extension), so the registry cannot be changed through it even by a crafted statement.
public final class ReadOnlyQuery {
    private let database: Database
    private let statement: Statement

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
    public init(path: String, sql: String) throws {
        let database = try Database(path: path, access: .readOnly)
        try Migrator().requireCurrent(database)
        // FTS5 connects to the full-text table by declaring its columns as a CREATE TABLE, which the
        // authorizer below would refuse: connect it first, so the user's statements can read it. A
        // damaged index fails only the statements that read it (checks and views still run).
        try? database.execute("SELECT rowid FROM entity_search WHERE rowid = 0")
        sqlite3_set_authorizer(database.handle, { _, action, first, second, _, _ in
            switch action {
            case SQLITE_SELECT, SQLITE_READ, SQLITE_RECURSIVE:
                return SQLITE_OK
            case SQLITE_FUNCTION:
                // For functions the name comes in the second argument.
                let name = second.map { String(cString: $0).lowercased() } ?? ""
                return name == "load_extension" || name == "writefile" || name == "edit" ? SQLITE_DENY : SQLITE_OK
            case SQLITE_PRAGMA:
                let name = first.map { String(cString: $0).lowercased() } ?? ""
                return ReadOnlyQuery.readablePragmas.contains(name) ? SQLITE_OK : SQLITE_DENY
            default:
                return SQLITE_DENY
            }
        }, nil)
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
        if code == SQLITE_AUTH || (code == SQLITE_ERROR && String(cString: sqlite3_errmsg(database.handle)).hasPrefix("not authorized")) {
            throw RegistryError.notReadOnly(sql: sql, reason: "the statement writes, attaches another database, changes a setting or loads an extension")
        }
        if code != SQLITE_OK {
            let message = String(cString: sqlite3_errmsg(database.handle))
            if message.hasPrefix("no such function: load_extension") {
                throw RegistryError.notReadOnly(sql: sql, reason: "loading extensions is not allowed")
            }
            throw RegistryError.invalidValue(field: "sql", value: sql, rule: message)
        }
        let statement = try database.prepare(trimmed)
        self.database = database
        self.statement = statement
        guard statement.isReadOnly else {
            throw RegistryError.notReadOnly(sql: sql, reason: "the statement would change the database")
        }
    }

    /// Calls `body` with each row's values, streaming.
    public func forEachRow(_ body: ([SQLValue]) throws -> Void) throws {
        let count = statement.columnCount
        try statement.forEachRow { row in
            try body((0..<count).map { row.value(at: $0) })
        }
    }
}
