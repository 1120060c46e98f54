import Foundation
import Testing
@testable import Registry

@Suite("Writeback beside a large import")
struct WritebackTests {
    /// The paths of the files this process has open, once per descriptor (Linux's /proc; other
    /// tests' files do not matter).
    static func openFiles() -> [String] {
        let directory = "/proc/self/fd"
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return entries.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: directory + "/" + $0) }
    }

    /// Waits up to five seconds for `condition`.
    static func eventually(_ condition: () -> Bool) -> Bool {
        for _ in 0..<100 {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return condition()
    }

    @Test("opens each file once it exists, leaves its content alone, and closes the files and stops when told",
          .enabled(if: FileManager.default.fileExists(atPath: "/proc/self/fd")))
    func opensAndCloses() throws {
        let directory = TemporaryDirectory()
        let wal = directory.file("r.sqlite-wal")
        let database = directory.write("r.sqlite", "database bytes")
        let writeback = Writeback(paths: [wal, database])
        #expect(Self.eventually { Self.openFiles().contains(database) })
        #expect(!Self.openFiles().contains(wal))
        _ = directory.write("r.sqlite-wal", "log bytes")
        #expect(Self.eventually { Self.openFiles().contains(wal) })
        writeback.stop()
        let open = Self.openFiles()
        #expect(!open.contains(wal) && !open.contains(database))
        #expect(try String(contentsOfFile: database, encoding: .utf8) == "database bytes")
        #expect(try String(contentsOfFile: wal, encoding: .utf8) == "log bytes")
    }

    @Test("an import of a file past the writeback size syncs its WAL while it runs, imports as any other, and leaves no file open",
          .enabled(if: FileManager.default.fileExists(atPath: "/proc/self/fd")))
    func largeImport() throws {
        let test = try TestRegistry()
        let header = "Nazwa;Forma prawna;NIP;Miejscowość;TERYT gminy;Uwagi"
        let note = String(repeating: "x", count: 2_000)
        let rows = (0..<9_000).map { n in "Fundacja \(n);Fundacja;\(Generated.nip(n * 3 + 2));Żórawina;2862011;\(note)" }
        let path = test.directory.write("big.csv", ([header] + rows).joined(separator: "\n") + "\n")
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(size >= Registry.writebackBytes)
        let wal = test.path + "-wal"
        var syncedDuringImport = false
        let report = try test.registry.importFile(path, options: ImportOptions(target: .entities)) { _ in
            // Inside the import's transaction: the writeback thread has the WAL open beside SQLite.
            syncedDuringImport = syncedDuringImport || Self.eventually { Self.openFiles().filter { $0 == wal }.count == 2 }
        }
        #expect(syncedDuringImport)
        #expect(report.inserted == 9_000 && report.rejected == 0)
        #expect(try test.registry.database.scalarInt("SELECT count(*) FROM entities") == 9_000)
        #expect(try test.registry.check().isHealthy)
        // SQLite keeps its own descriptor; the writeback thread's is closed.
        #expect(Self.openFiles().filter { $0 == wal }.count == 1)
    }
}
