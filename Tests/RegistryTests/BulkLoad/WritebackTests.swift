import Foundation
import Testing
@testable import Registry
import SQLiteStore
#if canImport(Glibc)
import Glibc
#endif

/// Linux only: the checks read /proc.
@Suite("Writeback beside a large import", .enabled(if: FileManager.default.fileExists(atPath: "/proc/self/fd")))
struct WritebackTests {
    /// How many of this process's descriptors are open on the file at `path`.
    static func descriptors(on path: String) -> Int {
        FileIdentity(path: path)?.openDescriptors().count ?? 0
    }

    /// True when this process holds a POSIX lock on the file at `path` (/proc/locks lists each lock
    /// with its process and its file as major:minor:inode, the device numbers in hex).
    static func holdsLock(on path: String) throws -> Bool {
        guard let file = FileIdentity(path: path) else { return false }
        // glibc's encoding of a device number.
        let major = ((file.device >> 8) & 0xFFF) | ((file.device >> 32) & ~UInt64(0xFFF))
        let minor = (file.device & 0xFF) | ((file.device >> 12) & ~UInt64(0xFF))
        let pid = String(getpid())
        return try String(contentsOfFile: "/proc/locks", encoding: .utf8).split(separator: "\n").contains { line in
            let words = line.split(separator: " ")
            guard words.count >= 6, words[1] == "POSIX", words[4] == pid else { return false }
            let id = words[5].split(separator: ":")
            return id.count == 3 && UInt64(id[0], radix: 16) == major && UInt64(id[1], radix: 16) == minor
                && UInt64(id[2]) == file.inode
        }
    }

    @Test("opens the WAL once it exists, leaves its content alone, and closes it and stops when told")
    func opensAndCloses() throws {
        let directory = TemporaryDirectory()
        let wal = directory.file("r.sqlite-wal")
        let writeback = Writeback(walPath: wal)
        Thread.sleep(forTimeInterval: 0.3)
        _ = directory.write("r.sqlite-wal", "log bytes")
        #expect(eventually { Self.descriptors(on: wal) == 1 })
        writeback.stop()
        #expect(Self.descriptors(on: wal) == 0)
        #expect(try String(contentsOfFile: wal, encoding: .utf8) == "log bytes")
    }

    @Test("writes a database file out only through a descriptor the process already has open on it, opens none, and leaves the connection's lock alone")
    func databaseFile() throws {
        let directory = TemporaryDirectory()
        let path = directory.write("plain.bin", "bytes")
        // No descriptor of this process is open on the file: nothing to write through, and none is opened.
        let idle = try #require(Writeback(databasePath: path))
        Thread.sleep(forTimeInterval: 0.6)
        #expect(Self.descriptors(on: path) == 0)
        #expect(idle.rounds == 0)
        idle.stop()

        let database = try Database(path: directory.file("r.sqlite"), access: .readWriteCreate)
        try database.execute("CREATE TABLE t (x); INSERT INTO t VALUES (1)")
        let open = Self.descriptors(on: database.path)
        #expect(open >= 1)
        #expect(try Self.holdsLock(on: database.path))
        let writeback = try #require(Writeback(databasePath: database.path))
        #expect(eventually { writeback.rounds >= 2 })
        #expect(Self.descriptors(on: database.path) == open, "the thread opens no descriptor of its own")
        writeback.stop()
        #expect(Self.descriptors(on: database.path) == open, "and closes none of SQLite's")
        #expect(try Self.holdsLock(on: database.path))
        #expect(try database.scalarInt("SELECT x FROM t") == 1)
        #expect(Writeback(databasePath: directory.file("missing.sqlite")) == nil)
    }

    @Test("a large first load (through a rollback journal) writes the registry's file out as it goes without a descriptor of its own, and the registry keeps its lock")
    func largeFirstLoad() throws {
        let test = try TestRegistry()
        let path = Generated.largeEntityFile(in: test.directory)
        let open = Self.descriptors(on: test.path)
        var descriptorsDuringImport: Set<Int> = []
        var lockedDuringImport: Set<Bool> = []
        var journalDuringImport: Set<Bool> = []
        var roundDuringImport = false
        let report = try test.registry.importFile(path, options: ImportOptions(target: .entities)) { _ in
            // After the rows, inside the load's transaction, which holds the file's write lock:
            // the thread has written the file out at least once by now (waited for, not timed).
            roundDuringImport = roundDuringImport || eventually { (test.registry.currentWriteback?.rounds ?? 0) >= 1 }
            descriptorsDuringImport.insert(Self.descriptors(on: test.path))
            lockedDuringImport.insert((try? Self.holdsLock(on: test.path)) ?? false)
            journalDuringImport.insert(FileManager.default.fileExists(atPath: test.path + "-journal"))
        }
        #expect(journalDuringImport == [true], "the load went through a rollback journal")
        #expect(report.inserted == 9_000 && report.rejected == 0)
        #expect(roundDuringImport)
        #expect((test.registry.lastWritebackRounds ?? 0) >= 1)
        #expect(descriptorsDuringImport == [open], "SQLite's own descriptors only")
        #expect(lockedDuringImport == [true])
        #expect(Self.descriptors(on: test.path) == open)
        #expect(try test.registry.database.scalarText("PRAGMA journal_mode") == "wal")
        #expect(try test.registry.check().isHealthy)
        // Back in WAL mode, the connection locks the file again when it reads.
        #expect(try Self.holdsLock(on: test.path))
    }

    @Test("an import of a large file into a registry with entities has the WAL open on the thread while it runs, imports as any other, closes it, and keeps the registry's lock on its file")
    func largeImport() throws {
        let test = try TestRegistry()
        // A registry with an entity: a first load into an empty one goes through a rollback journal instead.
        let first = test.directory.write("first.csv", "Nazwa;Forma prawna;TERYT gminy\nFundacja Pierwsza;Fundacja;2862011\n")
        #expect(try test.registry.importFile(first, options: ImportOptions(target: .entities)).inserted == 1)
        #expect(test.registry.lastWritebackRounds == nil, "a small file runs none")
        let path = Generated.largeEntityFile(in: test.directory)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(size >= Registry.bulkWriteBytes)
        let wal = test.path + "-wal"
        #expect(try Self.holdsLock(on: test.path), "an open registry in WAL mode holds a lock on its file")
        var openDuringImport = false
        let report = try test.registry.importFile(path, options: ImportOptions(target: .entities)) { _ in
            // Inside the import's transaction: SQLite's descriptor and the writeback thread's, which
            // has synced the WAL at least once by now (waited for, not timed).
            openDuringImport = openDuringImport || eventually {
                Self.descriptors(on: wal) == 2 && (test.registry.currentWriteback?.rounds ?? 0) >= 1
            }
        }
        #expect(openDuringImport)
        #expect((test.registry.lastWritebackRounds ?? 0) >= 1)
        #expect(report.inserted == 9_000 && report.rejected == 0)
        #expect(try test.registry.database.scalarInt("SELECT count(*) FROM entities") == 9_001)
        #expect(try test.registry.check().isHealthy)
        #expect(Self.descriptors(on: wal) == 1, "SQLite keeps its own; the thread's is closed")
        // Closing a descriptor of the registry's file would have dropped SQLite's lock on it, and
        // another process could then delete the WAL under this one.
        #expect(try Self.holdsLock(on: test.path))
    }
}
