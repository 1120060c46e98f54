import Foundation
import Testing
@testable import Registry

/// A large first import into an empty registry writes its rows once, through a rollback journal,
/// and leaves the registry in WAL mode; anything else goes through the WAL.
@Suite("first load through a rollback journal")
struct FirstLoadJournalTests {
    /// What the registry's files looked like each time the import reported progress.
    final class Observed {
        var journal = false
        var wal = false
        var samples = 0

        func look(at path: String) {
            samples += 1
            journal = journal || FileManager.default.fileExists(atPath: path + "-journal")
            wal = wal || FileManager.default.fileExists(atPath: path + "-wal")
        }
    }

    @Test("a large file into an empty registry: a rollback journal while it runs, WAL afterwards, everything written and healthy")
    func largeFirstLoad() throws {
        let test = try TestRegistry()
        let path = Generated.largeEntityFile(in: test.directory)
        let observed = Observed()
        let report = try test.registry.importFile(path, options: ImportOptions(target: .entities)) { _ in
            observed.look(at: test.path)
        }
        #expect(observed.samples > 0)
        #expect(observed.journal && !observed.wal)
        #expect(report.inserted == 9_000 && report.rejected == 0)
        #expect(try test.registry.database.scalarText("PRAGMA journal_mode") == "wal")
        #expect(!FileManager.default.fileExists(atPath: test.path + "-journal"))
        let other = try test.reopen(access: .read)
        #expect(try other.database.scalarInt("SELECT count(*) FROM entities") == 9_000)
        var found: [String] = []
        try other.search("fundacja 8999") { entity, _ in found.append(entity.fields.name) }
        #expect(found == ["Fundacja 8999"])
        #expect(try test.registry.check().isHealthy)
        #expect(try test.registry.verifyAudit().isIntact)
    }

    @Test("with another connection reading the registry, a large first load goes through the WAL without waiting for it")
    func otherConnectionReading() throws {
        let test = try TestRegistry()
        let reader = try test.reopen(access: .read)
        #expect(try reader.database.scalarInt("SELECT count(*) FROM entities") == 0)
        let path = Generated.largeEntityFile(in: test.directory)
        let observed = Observed()
        let started = Date()
        let report = try test.registry.importFile(path, options: ImportOptions(target: .entities)) { _ in
            observed.look(at: test.path)
        }
        #expect(Date().timeIntervalSince(started) < 25, "the busy timeout is 30 s: the import must not wait for it")
        #expect(observed.wal && !observed.journal)
        #expect(report.inserted == 9_000)
        #expect(try reader.database.scalarInt("SELECT count(*) FROM entities") == 9_000)
        #expect(try test.registry.database.scalarText("PRAGMA journal_mode") == "wal")
    }

    @Test("a large first load refused for a bad row, or a dry run: nothing written, WAL mode kept")
    func refusedAndDryRun() throws {
        let test = try TestRegistry()
        let before = try test.registry.database.dump()
        let path = Generated.largeEntityFile(in: test.directory, bad: [4_321])
        let refused = try test.registry.importFile(path, options: ImportOptions(target: .entities))
        #expect(refused.rejected == 1 && refused.errors.first?.record == 4_322)
        #expect(try test.registry.database.scalarText("PRAGMA journal_mode") == "wal")
        #expect(try test.registry.database.dump() == before)
        #expect(!FileManager.default.fileExists(atPath: test.path + "-journal"))

        let observed = Observed()
        let dry = try test.registry.importFile(path, options: ImportOptions(target: .entities, dryRun: true)) { _ in
            observed.look(at: test.path)
        }
        #expect(dry.rows == 9_000 && dry.rejected == 1)
        #expect(!observed.journal)
        #expect(try test.registry.database.dump() == before)
        #expect(try test.registry.database.scalarText("PRAGMA journal_mode") == "wal")
    }

    @Test("a small file into an empty registry goes through the WAL")
    func smallFirstLoad() throws {
        let test = try TestRegistry()
        let path = test.directory.write("small.csv", "Nazwa;Forma prawna;TERYT gminy\nFundacja Mała;Fundacja;2862011\n")
        let observed = Observed()
        let report = try test.registry.importFile(path, options: ImportOptions(target: .entities)) { _ in
            observed.look(at: test.path)
        }
        #expect(report.inserted == 1)
        #expect(observed.samples > 0 && observed.wal && !observed.journal)
    }
}
