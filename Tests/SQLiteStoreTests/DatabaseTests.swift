import CSQLite
import Foundation
import Testing
@testable import SQLiteStore

@Suite("SQLite layer")
struct DatabaseTests {
    @Test("every connection sets foreign keys, WAL, synchronous=FULL and a busy timeout")
    func pragmas() throws {
        let directory = TemporaryDirectory()
        let database = try Database(path: directory.file("p.sqlite"), access: .readWriteCreate, busyTimeoutMilliseconds: 1234)
        #expect(try database.scalarInt("PRAGMA foreign_keys") == 1)
        #expect(try database.scalarText("PRAGMA journal_mode") == "wal")
        #expect(try database.scalarInt("PRAGMA synchronous") == 2)
        #expect(try database.scalarInt("PRAGMA busy_timeout") == 1234)
    }

    @Test("a new file gets 16 KiB pages, the scratch file too; an existing file keeps its own")
    func pageSize() throws {
        let directory = TemporaryDirectory()
        let fresh = try Database(path: directory.file("new.sqlite"), access: .readWriteCreate)
        try fresh.execute("CREATE TABLE t (x)")
        #expect(try fresh.scalarInt("PRAGMA page_size") == 16_384)
        close(open(directory.file("scratch.sqlite"), O_CREAT | O_EXCL | O_WRONLY, 0o600))
        let scratch = try Database.scratch(path: directory.file("scratch.sqlite"))
        try scratch.execute("CREATE TABLE t (x)")
        #expect(try scratch.scalarInt("PRAGMA page_size") == 16_384)

        // A file made before this setting (4 KiB pages, WAL, with rows) opens unchanged.
        let oldPath = directory.file("old.sqlite")
        var handle: OpaquePointer?
        #expect(sqlite3_open(oldPath, &handle) == SQLITE_OK)
        #expect(sqlite3_exec(handle, "PRAGMA page_size = 4096; PRAGMA journal_mode = WAL; CREATE TABLE t (x); INSERT INTO t VALUES (1)", nil, nil, nil) == SQLITE_OK)
        sqlite3_close(handle)
        let old = try Database(path: oldPath, access: .readWrite)
        #expect(try old.scalarInt("PRAGMA page_size") == 4096)
        try old.execute("INSERT INTO t VALUES (2)")
        #expect(try old.scalarInt("SELECT sum(x) FROM t") == 3)
    }

    @Test("the statement cache stays bounded and statements in use keep working")
    func statementCacheBounded() throws {
        let directory = TemporaryDirectory()
        let database = try Database(path: directory.file("c.sqlite"), access: .readWriteCreate)
        #expect(try database.scalarInt("PRAGMA temp_store") == 1)  // large sorts spill to files
        let first = try database.cached("SELECT 41 + 1")
        for number in 0..<600 { #expect(try database.scalarInt("SELECT \(number)") == number) }
        #expect(database.cachedStatementCount <= 256)
        #expect(try first.first { $0.int(at: 0) } == 42)
        #expect(try database.scalarInt("SELECT 41 + 1") == 42)
    }

    @Test("a new database file is created with mode 0600")
    func privateFile() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("private.sqlite")
        _ = try Database(path: path, access: .readWriteCreate)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
        #expect(mode & 0o077 == 0, "group/other permissions: \(String(mode, radix: 8))")
    }

    @Test("transaction commits on return and rolls back on throw")
    func transactions() throws {
        let directory = TemporaryDirectory()
        let database = try Database(path: directory.file("t.sqlite"), access: .readWriteCreate)
        try database.execute("CREATE TABLE t (x INTEGER)")
        try database.transaction { try database.run("INSERT INTO t VALUES (?)", [1]) }
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try database.transaction {
                try database.run("INSERT INTO t VALUES (?)", [2])
                throw Boom()
            }
        }
        #expect(try database.rows("SELECT x FROM t") { $0.int(at: 0) } == [1])
        #expect(!database.isInTransaction)
    }

    @Test("a savepoint rolls back only its own changes")
    func savepoints() throws {
        let directory = TemporaryDirectory()
        let database = try Database(path: directory.file("s.sqlite"), access: .readWriteCreate)
        try database.execute("CREATE TABLE t (x INTEGER)")
        struct Boom: Error {}
        try database.transaction {
            try database.run("INSERT INTO t VALUES (1)")
            _ = try? database.savepoint {
                try database.run("INSERT INTO t VALUES (2)")
                throw Boom()
            }
            try database.savepoint { try database.run("INSERT INTO t VALUES (3)") }
        }
        #expect(try database.rows("SELECT x FROM t ORDER BY x") { $0.int(at: 0) } == [1, 3])
    }

    @Test("errors carry the extended result code, SQLite's message and the SQL")
    func errors() throws {
        let directory = TemporaryDirectory()
        let database = try Database(path: directory.file("e.sqlite"), access: .readWriteCreate)
        try database.execute("CREATE TABLE t (x INTEGER UNIQUE)")
        try database.run("INSERT INTO t VALUES (1)")
        do {
            try database.run("INSERT INTO t VALUES (1)")
            Issue.record("expected a constraint error")
        } catch let DatabaseError.sqlite(code, extendedCode, message, sql) {
            #expect(code == SQLITE_CONSTRAINT)
            #expect(extendedCode == SQLITE_CONSTRAINT | (8 << 8))  // SQLITE_CONSTRAINT_UNIQUE
            #expect(message.contains("UNIQUE constraint failed: t.x"))
            #expect(sql == "INSERT INTO t VALUES (1)")
        }
    }

    @Test("values are bound, never pasted: hostile text is stored as itself")
    func binding() throws {
        let directory = TemporaryDirectory()
        let database = try Database(path: directory.file("b.sqlite"), access: .readWriteCreate)
        try database.execute("CREATE TABLE t (x TEXT)")
        let hostile = "x'); DROP TABLE t; --\u{0}ż"
        try database.run("INSERT INTO t VALUES (?)", [.text(hostile)])
        #expect(try database.scalarText("SELECT x FROM t") == hostile)
        #expect(try database.scalarInt("SELECT count(*) FROM t WHERE x = ?", [.text(hostile)]) == 1)
    }

    @Test("a read-only connection cannot write; a missing file is reported as missing")
    func readOnly() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("r.sqlite")
        try Database(path: path, access: .readWriteCreate).execute("CREATE TABLE t (x)")
        let reader = try Database(path: path, access: .readOnly)
        #expect(throws: DatabaseError.self) { try reader.execute("INSERT INTO t VALUES (1)") }
        #expect(throws: DatabaseError.notFound(path: directory.file("none.sqlite"))) {
            try Database(path: directory.file("none.sqlite"), access: .readOnly)
        }
    }

    @Test("a bulk write leaves WAL only when no other connection is reading the file, without waiting, and returns to it")
    func rollbackJournalForBulkWrite() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("j.sqlite")
        let database = try Database(path: path, access: .readWriteCreate)
        try database.execute("CREATE TABLE t (x)")
        do {
            let other = try Database(path: path, access: .readOnly)
            #expect(try other.scalarInt("SELECT count(*) FROM t") == 0)
            let started = Date()
            #expect(database.leaveWALForBulkWrite() == false)
            #expect(Date().timeIntervalSince(started) < 10, "the busy timeout is 30 s: the attempt must not wait for it")
            #expect(try database.scalarText("PRAGMA journal_mode") == "wal")
            #expect(try database.scalarInt("PRAGMA busy_timeout") == 30_000)
        }
        #expect(database.leaveWALForBulkWrite())
        #expect(try database.scalarText("PRAGMA journal_mode") == "delete")
        #expect(try database.scalarInt("PRAGMA busy_timeout") == 30_000)
        // EXTRA: the journal's deletion, which commits, is made durable by syncing the directory.
        #expect(try database.scalarInt("PRAGMA synchronous") == 3)
        try database.transaction {
            try database.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) INSERT INTO t SELECT i FROM n")
            #expect(FileManager.default.fileExists(atPath: path + "-journal"))
            #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        }
        database.returnToWAL()
        #expect(try database.scalarText("PRAGMA journal_mode") == "wal")
        #expect(try database.scalarInt("PRAGMA synchronous") == 2)
        #expect(try Database(path: path, access: .readOnly).scalarInt("SELECT count(*) FROM t") == 1000)
        #expect(!FileManager.default.fileExists(atPath: path + "-journal"))
    }

    @Test("while a bulk write holds the file in rollback mode, another writable open and the return to WAL wait for the writer instead of failing")
    func journalModeWaitsForWriter() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("w.sqlite")
        let database = try Database(path: path, access: .readWriteCreate)
        try database.execute("CREATE TABLE t (x)")
        #expect(database.leaveWALForBulkWrite())
        try database.execute("BEGIN IMMEDIATE; INSERT INTO t VALUES (1)")
        // Another connection opens (and sets WAL) while the write is open; it commits 0.5 s later.
        let opened = ThreadReport()
        let other = Thread {
            do {
                var finished = Date.distantPast
                let (count, mode) = try { () throws -> (Int?, String?) in
                    let second = try Database(path: path, access: .readWrite, busyTimeoutMilliseconds: 10_000)
                    finished = Date()
                    return (try second.scalarInt("SELECT count(*) FROM t"), try second.scalarText("PRAGMA journal_mode"))
                }()
                // Reported once the connection is closed: open, it would stop the switch out of WAL below.
                opened.set(finished: finished, count: count, mode: mode)
            } catch {
                opened.set(error: "\(error)")
            }
        }
        other.start()
        Thread.sleep(forTimeInterval: 0.5)
        let committing = Date()
        try database.execute("COMMIT")
        #expect(opened.wait())
        #expect(opened.error == nil)
        // Compared by order, not by a duration, so that a slow start of the thread cannot fail it.
        #expect(opened.finished >= committing, "it waited for the commit")
        #expect(opened.count == 1 && opened.mode == "wal")

        // The other way round: the return to WAL waits for another connection's write, here a plain
        // SQLite connection (which leaves the journal mode alone) committing 0.5 s after it began.
        // The first connection reads first: its own idea of the mode is what it last saw.
        #expect(try database.scalarText("PRAGMA journal_mode") == "delete")
        #expect(try database.scalarInt("SELECT count(*) FROM t") == 1)
        #expect(try database.scalarText("PRAGMA journal_mode") == "wal")
        #expect(database.leaveWALForBulkWrite())
        let began = DispatchSemaphore(value: 0)
        let committed = ThreadReport()
        let writer = Thread {
            var handle: OpaquePointer?
            guard sqlite3_open(path, &handle) == SQLITE_OK else { began.signal(); return }
            sqlite3_busy_timeout(handle, 10_000)
            _ = sqlite3_exec(handle, "BEGIN IMMEDIATE; INSERT INTO t VALUES (2)", nil, nil, nil)
            began.signal()
            Thread.sleep(forTimeInterval: 0.5)
            let committing = Date()
            _ = sqlite3_exec(handle, "COMMIT", nil, nil, nil)
            committed.set(finished: committing)
            sqlite3_close(handle)
        }
        writer.start()
        began.wait()
        database.returnToWAL()
        let returned = Date()
        #expect(committed.wait())
        #expect(returned >= committed.finished, "it waited for the other writer")
        #expect(try database.scalarText("PRAGMA journal_mode") == "wal")
        #expect(try database.scalarInt("SELECT count(*) FROM t") == 2)
    }

    @Test("a journal only a writer may roll back, met by a reader that cannot write either, is told apart from a read-only file")
    func interruptedWriteError() throws {
        let directory = TemporaryDirectory()
        let database = try Database(path: directory.file("m.sqlite"), access: .readWriteCreate)
        let error = database.error(code: SQLITE_READONLY | (3 << 8), sql: nil, message: "attempt to write a readonly database")
        #expect(error == .rollbackNeedsWriter(path: database.path))
        #expect(database.error(code: SQLITE_READONLY, sql: nil, message: "x") == .readOnly(path: database.path, extendedCode: SQLITE_READONLY, message: "x"))
    }

    @Test("a database left in rollback mode with no journal (a load killed before or after its transaction) reads as it is and returns to WAL on a writable open")
    func leftInRollbackMode() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("left.sqlite")
        do {
            let database = try Database(path: path, access: .readWriteCreate)
            try database.execute("CREATE TABLE t (x); INSERT INTO t VALUES (1)")
            #expect(database.leaveWALForBulkWrite())
        }
        #expect(try Database(path: path, access: .readOnly).scalarInt("SELECT count(*) FROM t") == 1)
        #expect(try Database(path: path, access: .readOnly).scalarText("PRAGMA journal_mode") == "delete")
        let reopened = try Database(path: path, access: .readWrite)
        #expect(try reopened.scalarText("PRAGMA journal_mode") == "wal")
        #expect(try reopened.scalarInt("PRAGMA synchronous") == 2)
    }

    @Test("a read-only open rolls back a write that a killed process left in a rollback journal")
    func readOnlyAfterInterruptedBulkWrite() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("k.sqlite")
        let database = try Database(path: path, access: .readWriteCreate)
        try database.execute("CREATE TABLE t (x); INSERT INTO t VALUES (1)")
        #expect(database.leaveWALForBulkWrite())
        // A crash image: the files as they are in the middle of a transaction that has already
        // written to the database file (a small cache makes it spill), copied before it ends.
        try database.execute("PRAGMA cache_size = 10; BEGIN IMMEDIATE; UPDATE t SET x = 2")
        try database.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) INSERT INTO t SELECT randomblob(1000) FROM n")
        for copy in ["a", "b"] {
            try FileManager.default.copyItem(atPath: path, toPath: directory.file("\(copy).sqlite"))
            try FileManager.default.copyItem(atPath: path + "-journal", toPath: directory.file("\(copy).sqlite-journal"))
        }
        try database.execute("ROLLBACK")
        // SQLite alone refuses to read it read-only: only a writable connection may roll it back.
        var handle: OpaquePointer?
        #expect(sqlite3_open_v2(directory.file("a.sqlite"), &handle, SQLITE_OPEN_READONLY, nil) == SQLITE_OK)
        sqlite3_extended_result_codes(handle, 1)
        #expect(sqlite3_exec(handle, "SELECT count(*) FROM t", nil, nil, nil) == SQLITE_READONLY | (3 << 8))
        sqlite3_close(handle)

        let reader = try Database(path: directory.file("b.sqlite"), access: .readOnly)
        #expect(try reader.scalarInt("SELECT count(*) FROM t") == 1)
        #expect(try reader.scalarInt("SELECT x FROM t") == 1)
        #expect(try reader.scalarText("PRAGMA integrity_check") == "ok")
        #expect(!FileManager.default.fileExists(atPath: directory.file("b.sqlite-journal")))
    }

    @Test("a database in a missing directory cannot be created")
    func missingDirectory() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("no/such/dir/r.sqlite")
        #expect(throws: DatabaseError.cannotCreate(path: path, reason: "No such file or directory")) {
            try Database(path: path, access: .readWriteCreate)
        }
    }

    @Test("a second writer waits for the busy timeout, then reports busy")
    func busy() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("busy.sqlite")
        let first = try Database(path: path, access: .readWriteCreate)
        try first.execute("CREATE TABLE t (x)")
        let second = try Database(path: path, access: .readWrite, busyTimeoutMilliseconds: 50)
        try first.execute("BEGIN IMMEDIATE")
        defer { try? first.execute("ROLLBACK") }
        do {
            try second.transaction { try second.run("INSERT INTO t VALUES (1)") }
            Issue.record("expected busy")
        } catch let error as DatabaseError {
            guard case .busy = error else { Issue.record("expected busy, got \(error)"); return }
        }
    }
}

/// What another thread reported to the test: when it finished its step, and what it read.
final class ThreadReport: @unchecked Sendable {
    private let lock = NSLock()
    private let done = DispatchSemaphore(value: 0)
    private(set) var finished = Date.distantPast
    private(set) var count: Int?
    private(set) var mode: String?
    private(set) var error: String?

    func set(finished: Date = Date(), count: Int? = nil, mode: String? = nil, error: String? = nil) {
        lock.withLock { (self.finished, self.count, self.mode, self.error) = (finished, count, mode, error) }
        done.signal()
    }

    /// Waits up to 20 s for the other thread; false if it never reported.
    func wait() -> Bool {
        done.wait(timeout: .now() + 20) == .success
    }
}
