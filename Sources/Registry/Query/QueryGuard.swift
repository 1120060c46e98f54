import CSQLite

/// What `ReadOnlyQuery`'s SQLite callbacks share with it: the authorizer records the function it
/// refused, so the error can name it, and the progress handler stops the statement at its deadline.
/// SQLite calls both on the thread that prepares or steps, so nothing here needs a lock.
final class QueryGuard {
    /// Functions that hand out memory addresses (fts3_tokenizer, fts5), reach files
    /// (readfile, writefile, edit, the zipfile and sqlar functions) or load code (load_extension).
    /// The file ones exist only where the sqlite3 shell registers them; refused here anyway.
    static let refusedFunctions: Set<String> = [
        "fts3_tokenizer", "fts5", "load_extension", "readfile", "writefile", "edit", "zipfile", "zipfile_cds",
        "sqlar_compress", "sqlar_uncompress",
    ]

    /// The SQLite VM steps between two looks at the clock: reading it costs about as much as a few
    /// dozen steps, so this keeps the check under a few percent while still stopping within a millisecond.
    static let stepsBetweenChecks: Int32 = 1000

    /// The first function the authorizer refused, for the error.
    private(set) var refusedFunction: String?
    /// When the running statement must stop; nil while none is limited.
    private var deadline: ContinuousClock.Instant?
    /// True once the progress handler stopped the current run at its deadline.
    private(set) var timedOut = false

    /// Starts a run that must end by `deadline` (nil: no limit, as between runs).
    func start(until deadline: ContinuousClock.Instant?) {
        self.deadline = deadline
        timedOut = false
    }

    /// The authorizer: reads only, the readable pragmas, and no function from `refusedFunctions`.
    func authorize(action: Int32, first: UnsafePointer<CChar>?, second: UnsafePointer<CChar>?) -> Int32 {
        switch action {
        case SQLITE_SELECT, SQLITE_READ, SQLITE_RECURSIVE:
            return SQLITE_OK
        case SQLITE_FUNCTION:
            // For functions the name comes in the second argument.
            let name = second.map { String(cString: $0).lowercased() } ?? ""
            guard Self.refusedFunctions.contains(name) else { return SQLITE_OK }
            if refusedFunction == nil { refusedFunction = name }
            return SQLITE_DENY
        case SQLITE_PRAGMA:
            let name = first.map { String(cString: $0).lowercased() } ?? ""
            return ReadOnlyQuery.readablePragmas.contains(name) ? SQLITE_OK : SQLITE_DENY
        default:
            return SQLITE_DENY
        }
    }

    /// The progress handler: non-zero interrupts the statement (SQLITE_INTERRUPT).
    func progress() -> Int32 {
        guard let deadline, ContinuousClock.now >= deadline else { return 0 }
        timedOut = true
        return 1
    }

    /// Installs the authorizer and progress handler on `handle`; `self` must outlive both (see `remove`).
    func install(on handle: OpaquePointer) {
        let context = Unmanaged.passUnretained(self).toOpaque()
        sqlite3_set_authorizer(handle, { context, action, first, second, _, _ in
            guard let context else { return SQLITE_DENY }
            return Unmanaged<QueryGuard>.fromOpaque(context).takeUnretainedValue()
                .authorize(action: action, first: first, second: second)
        }, context)
        sqlite3_progress_handler(handle, Self.stepsBetweenChecks, { context in
            guard let context else { return 0 }
            return Unmanaged<QueryGuard>.fromOpaque(context).takeUnretainedValue().progress()
        }, context)
    }

    /// Takes the callbacks off `handle`, so none can run after `self` is gone.
    static func remove(from handle: OpaquePointer) {
        sqlite3_set_authorizer(handle, nil, nil)
        sqlite3_progress_handler(handle, 0, nil, nil)
    }
}
