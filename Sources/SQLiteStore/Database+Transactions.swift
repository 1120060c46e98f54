import CSQLite

extension Database {
    /// True while a transaction is open.
    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// Moves on whenever a transaction ends (committed or rolled back, explicitly or by SQLite) and
    /// whenever `savepoint` rolls back. A value read from the database and kept in memory is still
    /// what the file holds while the epoch it was read in is current; when the epoch has moved,
    /// another connection may have changed the file, or a rollback undone what was kept.
    public var transactionEpoch: UInt64 { epoch }

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

    /// Runs `body` in a savepoint nested in the current transaction; rolls back to it when `body` throws.
    ///
    /// `name` must be an identifier (letters and `_`); each name is prepared once, so a savepoint
    /// per row of a bulk write costs no parsing.
    public func savepoint<T>(_ name: String = "work", _ body: () throws -> T) throws -> T {
        precondition(name.allSatisfy { $0.isLetter || $0 == "_" }, "savepoint names are identifiers")
        try cached("SAVEPOINT \(name)").execute()
        do {
            let result = try body()
            try cached("RELEASE \(name)").execute()
            return result
        } catch {
            try? cached("ROLLBACK TO \(name)").execute()
            try? cached("RELEASE \(name)").execute()
            epoch &+= 1
            throw error
        }
    }

    /// Moves `epoch` on at every commit and rollback SQLite makes on this connection, including
    /// those of statements run outside a transaction. Called once the connection is set up.
    func installTransactionHooks() {
        let context = Unmanaged.passUnretained(self).toOpaque()
        sqlite3_commit_hook(handle, { context in
            if let context { Unmanaged<Database>.fromOpaque(context).takeUnretainedValue().epoch &+= 1 }
            return 0  // 0: let the commit go ahead
        }, context)
        sqlite3_rollback_hook(handle, { context in
            if let context { Unmanaged<Database>.fromOpaque(context).takeUnretainedValue().epoch &+= 1 }
        }, context)
    }

    /// Removes the hooks before the connection closes, since closing rolls back an open transaction
    /// and the hook would then reach a connection being deinitialised.
    func removeTransactionHooks() {
        sqlite3_commit_hook(handle, nil, nil)
        sqlite3_rollback_hook(handle, nil, nil)
    }
}
