import Foundation
import Testing
@testable import Registry
#if canImport(Glibc)
import Glibc
#endif

/// Linux only: the checks read /proc.
@Suite("Writeback beside a large import", .enabled(if: FileManager.default.fileExists(atPath: "/proc/self/fd")))
struct WritebackTests {
    /// A file's device and inode, which survive symbolic links in its path.
    struct FileID: Hashable {
        let device: UInt64
        let inode: UInt64

        init?(_ path: String) {
            var info = stat()
            guard stat(path, &info) == 0 else { return nil }
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
        }
    }

    /// How many of this process's descriptors are open on the file at `path`.
    static func descriptors(on path: String) -> Int {
        guard let file = FileID(path) else { return 0 }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return entries.filter { FileID("/proc/self/fd/" + $0) == file }.count
    }

    /// True when this process holds a POSIX lock on the file at `path` (/proc/locks lists each lock
    /// with its process and its file as major:minor:inode, the device numbers in hex).
    static func holdsLock(on path: String) throws -> Bool {
        guard let file = FileID(path) else { return false }
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

    /// Waits up to five seconds for `condition`.
    static func eventually(_ condition: () -> Bool) -> Bool {
        for _ in 0..<100 {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return condition()
    }

    @Test("opens the WAL once it exists, leaves its content alone, and closes it and stops when told")
    func opensAndCloses() throws {
        let directory = TemporaryDirectory()
        let wal = directory.file("r.sqlite-wal")
        let writeback = Writeback(walPath: wal)
        Thread.sleep(forTimeInterval: 0.3)
        _ = directory.write("r.sqlite-wal", "log bytes")
        #expect(Self.eventually { Self.descriptors(on: wal) == 1 })
        writeback.stop()
        #expect(Self.descriptors(on: wal) == 0)
        #expect(try String(contentsOfFile: wal, encoding: .utf8) == "log bytes")
    }

    @Test("an import of a large file into a registry with entities has the WAL open on the thread while it runs, imports as any other, closes it, and keeps the registry's lock on its file")
    func largeImport() throws {
        let test = try TestRegistry()
        // A registry with an entity: a first load into an empty one goes through a rollback journal instead.
        let first = test.directory.write("first.csv", "Nazwa;Forma prawna;TERYT gminy\nFundacja Pierwsza;Fundacja;2862011\n")
        #expect(try test.registry.importFile(first, options: ImportOptions(target: .entities)).inserted == 1)
        let path = Generated.largeEntityFile(in: test.directory)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(size >= Registry.bulkWriteBytes)
        let wal = test.path + "-wal"
        #expect(try Self.holdsLock(on: test.path), "an open registry in WAL mode holds a lock on its file")
        var openDuringImport = false
        let report = try test.registry.importFile(path, options: ImportOptions(target: .entities)) { _ in
            // Inside the import's transaction: SQLite's descriptor and the writeback thread's.
            openDuringImport = openDuringImport || Self.eventually { Self.descriptors(on: wal) == 2 }
        }
        #expect(openDuringImport)
        #expect(report.inserted == 9_000 && report.rejected == 0)
        #expect(try test.registry.database.scalarInt("SELECT count(*) FROM entities") == 9_001)
        #expect(try test.registry.check().isHealthy)
        #expect(Self.descriptors(on: wal) == 1, "SQLite keeps its own; the thread's is closed")
        // Closing a descriptor of the registry's file would have dropped SQLite's lock on it, and
        // another process could then delete the WAL under this one.
        #expect(try Self.holdsLock(on: test.path))
    }
}
