import CSQLite

/// A failure of the SQLite layer: opening a file, running a statement, or migrating a schema.
///
/// Each case carries what explains it without a debugger: SQLite's result code and extended code,
/// its message, the SQL and the file where they apply. Callers tell apart what they act on
/// (`busy`, `diskFull`, `readOnly`, …); everything else SQLite reports is `sqlite`.
///
/// ```swift
/// do {
///     try database.run("INSERT INTO t (x) VALUES (?)", [1])
/// } catch let error as DatabaseError where error.extendedCode == DatabaseError.uniqueConstraint {
///     // a row with that value exists already
/// }
/// ```
public enum DatabaseError: Error, Equatable, Sendable {
    /// Another connection held a lock longer than the busy timeout (SQLITE_BUSY or SQLITE_LOCKED).
    case busy(code: Int32, extendedCode: Int32, message: String, sql: String?)
    /// The disk (or the file size limit) is full (SQLITE_FULL).
    case diskFull(path: String, message: String, sql: String?)
    /// The operating system failed a read or write (SQLITE_IOERR and its extended codes).
    case io(path: String, extendedCode: Int32, message: String, sql: String?)
    /// The connection may not write: opened read-only, or the file is (SQLITE_READONLY).
    case readOnly(path: String, extendedCode: Int32, message: String)
    /// A read-only connection met a rollback journal that a write killed half-way left behind;
    /// only a connection allowed to write the file and its folder can roll it back
    /// (SQLITE_READONLY_ROLLBACK).
    case rollbackNeedsWriter(path: String)
    /// The file exists but this user may not write it (or its `-wal` and `-shm`); `reason` is the
    /// system's.
    case notWritable(path: String, reason: String)
    /// The file exists but this user may not read it; `reason` is the system's.
    case unreadable(path: String, reason: String)
    /// The file to open does not exist.
    case notFound(path: String)
    /// The path names a directory, a pipe, a socket or a device (`kind` says which).
    case notRegularFile(path: String, kind: String)
    /// The file could not be created or opened for writing.
    case cannotCreate(path: String, reason: String)
    /// Any other SQLite error, a constraint violation among them: `code` is the primary result
    /// code, `extendedCode` the extended one.
    case sqlite(code: Int32, extendedCode: Int32, message: String, sql: String?)
    /// The database records a migration version this migrator does not know.
    case schemaNewer(current: Int, latest: Int)
    /// Migrations this migrator knows have not been applied.
    case schemaBehind(current: Int, latest: Int)
    /// An applied migration's recorded checksum differs from the migration as known now.
    case migrationChanged(version: Int, name: String, recorded: String, shipped: String)
    /// A migration left rows whose foreign keys point at nothing (`violations` names them).
    case brokenReferences(migration: Int, violations: [String])

    /// SQLITE_CONSTRAINT_UNIQUE: an INSERT or UPDATE met a row with the same unique key.
    public static let uniqueConstraint: Int32 = SQLITE_CONSTRAINT | (8 << 8)
    /// SQLITE_READONLY_ROLLBACK (a C macro Swift does not import).
    static let readOnlyRollback: Int32 = SQLITE_READONLY | (3 << 8)

    /// SQLite's extended result code, for the cases that come from SQLite.
    public var extendedCode: Int32? {
        switch self {
        case let .busy(_, code, _, _), let .io(_, code, _, _), let .readOnly(_, code, _), let .sqlite(_, code, _, _):
            return code
        case .diskFull: return SQLITE_FULL
        case .rollbackNeedsWriter: return Self.readOnlyRollback
        default: return nil
        }
    }
}

extension DatabaseError: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .busy(_, _, message, _):
            return "database is busy (another connection holds its lock): \(message)"
        case let .diskFull(path, message, _):
            return "\(path): disk full: \(message)"
        case let .io(path, _, message, _):
            return "\(path): \(message)"
        case let .readOnly(path, _, message):
            return "\(path): the database is read-only (\(message))"
        case let .rollbackNeedsWriter(path):
            return "\(path): a write that never finished left \(path)-journal, which only a connection allowed to "
                + "write the database and its folder can roll back"
        case let .notWritable(path, reason):
            return "\(path): the database is read-only for this user (\(reason))"
        case let .unreadable(path, reason):
            return "\(path): it cannot be read (\(reason))"
        case let .notFound(path):
            return "\(path): no such file"
        case let .notRegularFile(path, kind):
            return "\(path): it is \(kind), not a database file"
        case let .cannotCreate(path, reason):
            return "\(path): cannot create: \(reason)"
        case let .sqlite(code, extendedCode, message, sql):
            return "SQLite error \(code) (extended \(extendedCode)): \(message)" + (sql.map { " in: \($0)" } ?? "")
        case let .schemaNewer(current, latest):
            return "database schema is at version \(current), newer than the migrations known (\(latest))"
        case let .schemaBehind(current, latest):
            return "database schema is at version \(current), the migrations known reach \(latest)"
        case let .migrationChanged(version, name, recorded, shipped):
            return "migration \(version) (\(name)) was applied with checksum \(recorded.prefix(12))… but is now \(shipped.prefix(12))…"
        case let .brokenReferences(migration, violations):
            return "migration \(migration) leaves broken references: " + violations.joined(separator: "; ")
        }
    }
}
