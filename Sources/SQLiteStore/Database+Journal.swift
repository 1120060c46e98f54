import CSQLite
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Database {
    /// Switches a WAL database to a rollback journal for one large transaction that adds pages to a
    /// file that holds almost none yet (a first load into an empty database), if no other
    /// connection is reading the file; true if it switched. `returnToWAL` switches back.
    ///
    /// The WAL has every page written twice, to the log and again by the checkpoint, and a million
    /// rows of some 700 bytes make a log of about 700 MB; a rollback journal keeps only the pages the file already
    /// had and the rows are written once, to the file. SQLite's own advice for transactions over
    /// about 100 MB. While it lasts, others cannot read the (still empty) file: they wait for
    /// the commit as they would wait for any writer. The attempt itself does not wait: while another
    /// connection reads, SQLite refuses to leave WAL, and the write goes through the WAL as usual.
    ///
    /// `synchronous` goes from FULL to EXTRA meanwhile: in rollback mode a commit is the journal's
    /// deletion, which only a sync of the directory makes survive a power cut.
    public func leaveWALForBulkWrite() -> Bool {
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
    /// does. Should that fail, the file stays correct in rollback mode (with EXTRA) until the
    /// next writable open sets WAL.
    public func returnToWAL() {
        if (try? executeWaitingForWriter("PRAGMA journal_mode = WAL")) != nil {
            _ = try? execute("PRAGMA synchronous = FULL")
        }
    }

    /// Runs a statement that needs the write lock although it opens no transaction (a journal mode
    /// change), retrying for up to the busy timeout. SQLite answers such a statement busy at once
    /// while another connection writes, without its busy handler: the statement has read the file
    /// first, and a reader may not wait for a writer's lock.
    func executeWaitingForWriter(_ sql: String) throws {
        var waited: Int32 = 0
        while true {
            do {
                return try execute(sql)
            } catch DatabaseError.busy where waited < busyTimeoutMilliseconds {
                usleep(20_000)
                waited += 20
            }
        }
    }

    /// Runs `body` with SQLite's defensive mode off, where a build turns it on (Apple's does):
    /// editing the schema's text (`PRAGMA writable_schema`, `schema_version`) and writing FTS5's
    /// shadow tables are refused in that mode.
    public func withoutDefensiveMode<T>(_ body: () throws -> T) rethrows -> T {
        guard csqlite_defensive(handle, -1) != 0 else { return try body() }
        _ = csqlite_defensive(handle, 0)
        defer { _ = csqlite_defensive(handle, 1) }
        return try body()
    }

    /// Runs `body` with a 4 MiB page cache: large sorts (index builds, the full-text index of a bulk
    /// load) then spill to temporary files sooner instead of growing memory, since SQLite lets a
    /// sort keep as many bytes in memory as the page cache may hold.
    public func withSmallMemory<T>(_ body: () throws -> T) throws -> T {
        try execute("PRAGMA cache_size = -4096")
        defer { try? execute("PRAGMA cache_size = -\(Self.cacheKiB)") }
        return try body()
    }
}
