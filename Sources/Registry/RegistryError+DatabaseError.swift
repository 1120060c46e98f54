import SQLiteStore

extension RegistryError {
    /// The registry's words for a failure of the SQLite layer: the one place where a
    /// `DatabaseError` becomes a `RegistryError` (the CLI's messages and exit codes follow from it).
    ///
    /// `Registry.open`, `migrate`, `migrationStatus`, every write (`Registry.write`), `backup` and
    /// `ReadOnlyQuery` throw `RegistryError` only; another read may throw the `DatabaseError` of
    /// the statement that failed, which a caller that shows errors passes through this initialiser
    /// (the CLI does, in `Main`).
    public init(_ error: DatabaseError) {
        switch error {
        case let .busy(_, _, message, _):
            self = .busy(message: message)
        case let .diskFull(path, message, _):
            self = .io(path: path, message: "disk full: \(message)")
        case let .io(path, _, message, _):
            self = .io(path: path, message: message)
        case let .readOnly(path, _, message):
            self = .cannotCreate(path: path, reason: "the database is read-only (\(message))")
        case let .rollbackNeedsWriter(path):
            self = .cannotCreate(path: path, reason: "an interrupted import left \(path)-journal, which only a connection "
                + "allowed to write the registry and its folder can roll back: run `registry migrate` as such a user")
        case let .notWritable(path, reason):
            self = .cannotCreate(path: path, reason: "the database is read-only for this user (\(reason))")
        case let .unreadable(path, reason):
            self = .cannotOpen(path: path, reason: "it cannot be read (\(reason))")
        case let .notFound(path):
            self = .fileNotFound(path: path)
        case let .notRegularFile(path, kind):
            self = .cannotOpen(path: path, reason: "it is \(kind), not a registry file")
        case let .cannotCreate(path, reason):
            self = .cannotCreate(path: path, reason: reason)
        case let .sqlite(code, extendedCode, message, sql):
            self = .sqlite(code: code, extendedCode: extendedCode, message: message, sql: sql)
        case let .schemaNewer(current, latest):
            self = .schemaNewer(current: current, latest: latest)
        case let .schemaBehind(current, latest):
            self = .schemaBehind(current: current, latest: latest)
        case let .migrationChanged(version, name, recorded, shipped):
            self = .migrationChanged(version: version, name: name, recorded: recorded, shipped: shipped)
        case let .brokenReferences(migration, violations):
            self = .integrity(["migration \(migration) leaves broken references: "] + violations)
        }
    }

    /// Runs `body`, throwing a `DatabaseError` from it as the matching `RegistryError`.
    static func mapping<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw mapped(error)
        }
    }

    /// `error` as the registry reports it: a `DatabaseError` mapped, anything else as it is.
    static func mapped(_ error: any Error) -> any Error {
        (error as? DatabaseError).map(RegistryError.init) ?? error
    }
}
