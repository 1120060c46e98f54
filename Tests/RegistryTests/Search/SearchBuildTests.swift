import CSQLite
import Foundation
import Testing
@testable import Registry
import SQLiteStore

@Suite("Full-text index built beside a load")
struct SearchBuildTests {
    static let header = "Nazwa;Forma prawna;NIP;Ulica;Miejscowość;TERYT gminy;Uwagi"

    /// Enough text that FTS5 flushes its pending terms several times (1 MB each) and merges segments.
    static func rows(_ count: Int) -> [String] {
        (0..<count).map { n in
            let note = n % 5 == 0 ? "" : "Uwagi \(n): " + String(repeating: "warsztaty szycia i stolarki \(n % 97) ", count: 12)
            let street = n % 7 == 0 ? "" : "ul. Długa \(n)"
            return "Spółdzielnia Socjalna „Łąka \(n)”;Spółdzielnia socjalna;\(Generated.nip(n * 7 + 1));\(street);"
                + "Żórawina;2862011;\"\(note)\""
        }
    }

    static func file(_ test: TestRegistry, _ name: String = "in.csv", rows: [String]) -> String {
        test.directory.write(name, ([header] + rows).joined(separator: "\n") + "\n")
    }

    static func quoteAll(_ database: Database, _ table: String, columns: String, order: String) throws -> [String] {
        try database.rows("SELECT \(columns) FROM \(table) ORDER BY \(order)") { $0.text(at: 0) ?? "" }
    }

    /// The rowids and bm25 scores of every match of `words`, best first.
    static func ranking(_ database: Database, _ words: String) throws -> [String] {
        try database.rows(
            "SELECT rowid || ' ' || bm25(entity_search) FROM entity_search WHERE entity_search MATCH ? ORDER BY rank, rowid",
            [.text(words)]) { $0.text(at: 0) ?? "" }
    }

    /// Every row of the index's tables as text. `skippingCookie` leaves out the first four bytes
    /// of the structure record (id 10): FTS5 counts changes of the table's settings there, which
    /// says nothing about what is indexed.
    static func tables(_ database: Database, skippingCookie: Bool = false) throws -> [String] {
        var rows: [String] = []
        let block = skippingCookie ? "CASE id WHEN 10 THEN hex(substr(block, 5)) ELSE hex(block) END" : "hex(block)"
        for (table, columns, order) in [
            ("entity_search_data", "id || ':' || \(block)", "id"),
            ("entity_search_idx", "segid || ':' || hex(term) || ':' || pgno", "segid, term"),
            ("entity_search_content", "id || ':' || quote(c0) || quote(c1) || quote(c2) || quote(c3) || quote(c4)", "id"),
            ("entity_search_docsize", "id || ':' || hex(sz)", "id"),
            ("search_norms", "chunk || ':' || hex(lengths)", "chunk"),
        ] {
            rows += try quoteAll(database, table, columns: "'\(table) ' || \(columns)", order: order)
        }
        return rows
    }

    @Test("a load into an empty registry gets, byte for byte, the index FTS5 builds from the same rows with the build's merge setting, and the same search results as with FTS5's default")
    func sameAsInPlace() throws {
        let test = try TestRegistry()
        // Forty words of its own in every note: enough pending terms that FTS5 flushes a segment
        // (about 1 MB each) often, and its default merges segments that the build leaves apart.
        let rows = Self.rows(6_000).enumerated().map { n, row in
            row.replacingOccurrences(of: "Uwagi \(n):", with: (0..<40).map { "w\(n * 40 + $0)" }.joined(separator: " "))
        }
        let report = try test.registry.importFile(Self.file(test, rows: rows), options: ImportOptions(target: .entities))
        #expect(report.inserted == 6_000)
        #expect(test.registry.search.builtLastLoadBeside)
        let database = test.registry.database
        let built = try Self.tables(database, skippingCookie: true)
        #expect(built.count > 12_000)
        #expect(try database.scalarInt("SELECT count(*) FROM entity_search_data") ?? 0 > 10, "several segments")
        // The registry's own index keeps FTS5's default merging; only the build merged less often.
        #expect(try database.scalarInt("SELECT count(*) FROM entity_search_config WHERE k = 'automerge'") == 0)
        let queries = ["laka", "lak*", "spoldzielnia", "warsztaty stolarki", "dluga 15*", "zorawina", "w4*", "w12345"]
        let results = try queries.map { try Self.ranking(database, $0) }
        #expect(results.allSatisfy { !$0.isEmpty })

        // FTS5 rebuilding the index from its stored text, in place, with the same merge setting, gives the same bytes.
        try database.execute("INSERT INTO entity_search (entity_search, rank) VALUES ('automerge', \(SearchBuild.automerge))")
        try database.execute("INSERT INTO entity_search (entity_search) VALUES ('rebuild')")
        try SearchNorms.rebuild(database)
        #expect(try Self.tables(database, skippingCookie: true) == built)
        // With FTS5's default merging, the segments differ and every search result is the same.
        try database.execute("INSERT INTO entity_search (entity_search, rank) VALUES ('automerge', 4)")
        try database.execute("INSERT INTO entity_search (entity_search) VALUES ('rebuild')")
        try SearchNorms.rebuild(database)
        #expect(try Self.tables(database, skippingCookie: true) != built)
        #expect(try queries.map { try Self.ranking(database, $0) } == results)
        #expect(try test.registry.check().isHealthy)
        #expect(!FileManager.default.fileExists(atPath: test.path + "-search"))
    }

    @Test("an entity the same file changes again is indexed with its last text")
    func replacedInTheSameFile() throws {
        let test = try TestRegistry()
        // Units without identifiers match earlier rows of the same file by kind, name and commune.
        var rows = Self.rows(3_000)
        rows.insert("KIS Żórawina;KIS;;ul. Stara 1;Żórawina;2862011;pierwsza notatka", at: 10)
        rows.append("KIS Żórawina;KIS;;ul. Nowa 2;Żórawina;2862011;druga notatka")
        let report = try test.registry.importFile(Self.file(test, rows: rows), options: ImportOptions(target: .entities))
        #expect((report.inserted, report.updated) == (3_001, 1))
        #expect(test.registry.search.builtLastLoadBeside)
        let database = test.registry.database
        try database.execute("INSERT INTO entity_search (entity_search) VALUES ('integrity-check')")
        let queries = ["pierwsza", "druga", "nowa", "stara", "kis", "lak*", "warsztaty", "zorawina", "dluga 15*"]
        let before = try queries.map { try Self.ranking(database, $0) }
        #expect(before[0].isEmpty && before[3].isEmpty)
        #expect(before[1].count == 1 && before[2].count == 1)
        let content = try Self.quoteAll(database, "entity_search_content", columns: "id || quote(c0) || quote(c1) || quote(c2) || quote(c3) || quote(c4)", order: "id")
        try database.execute("INSERT INTO entity_search (entity_search) VALUES ('rebuild')")
        #expect(try queries.map { try Self.ranking(database, $0) } == before)
        #expect(try Self.quoteAll(database, "entity_search_content", columns: "id || quote(c0) || quote(c1) || quote(c2) || quote(c3) || quote(c4)", order: "id") == content)
        #expect(try test.registry.check().isHealthy)
    }

    @Test("a registry that searched before the load finds what the load added")
    func searchedBefore() throws {
        let test = try TestRegistry()
        try test.registry.database.run("SELECT count(*) FROM entity_search WHERE entity_search MATCH 'laka'")
        #expect(try Self.ranking(test.registry.database, "laka").isEmpty)
        _ = try test.registry.importFile(Self.file(test, rows: Self.rows(200)), options: ImportOptions(target: .entities))
        #expect(test.registry.search.builtLastLoadBeside)
        #expect(try Self.ranking(test.registry.database, "laka").count == 200)
        var names: [String] = []
        try test.registry.search("łąka 199") { entity, _ in names.append(entity.fields.name) }
        #expect(names == ["Spółdzielnia Socjalna „Łąka 199”"])
    }

    @Test("dry runs, aborted and redone loads leave no scratch file and an index matching the registry")
    func scratchRemoved() throws {
        let test = try TestRegistry()
        let scratch = test.path + "-search"
        _ = try test.registry.importFile(Self.file(test, rows: Self.rows(50)), options: ImportOptions(target: .entities, dryRun: true))
        #expect(!FileManager.default.fileExists(atPath: scratch))
        let aborted = try test.registry.importFile(
            Self.file(test, "bad.csv", rows: Self.rows(50) + ["Bez formy;;;;;2862011;"]), options: ImportOptions(target: .entities))
        #expect(aborted.rejected == 1 && aborted.batchID == nil)
        #expect(!FileManager.default.fileExists(atPath: scratch))
        #expect(try test.registry.database.scalarInt("SELECT count(*) FROM entity_search") == 0)
        // Two rows with one NIP: the bulk load is rolled back and redone row by row.
        var rows = Self.rows(50)
        rows.append(rows[3].replacingOccurrences(of: "Łąka 3", with: "Łąka 3 bis"))
        let redone = try test.registry.importFile(
            Self.file(test, "dup.csv", rows: rows), options: ImportOptions(target: .entities, onError: .skip))
        #expect((redone.inserted, redone.rejected) == (50, 1))
        #expect(!FileManager.default.fileExists(atPath: scratch))
        #expect(try Self.ranking(test.registry.database, "laka").count == 50)
        #expect(try test.registry.check().isHealthy)
    }

    @Test("a scratch file a killed first import left behind is deleted by the next import of any kind")
    func leftoverRemoved() throws {
        let test = try TestRegistry()
        let scratch = test.path + "-search"
        _ = try test.registry.importFile(Self.file(test, rows: Self.rows(20)), options: ImportOptions(target: .entities))
        for (target, file) in [
            (ImportTarget.entities, Self.file(test, "more.csv", rows: Self.rows(25))),
            (.certificates, test.directory.write("c.csv", "NIP;scheme;event;valid_from;decision_no;scope\n\(Generated.nip(1));zakup-prospoleczny;granted;2026-01-15;ZP/1/2026;catering\n")),
        ] {
            // What a killed build leaves: an SQLite file whose header carries the scratch's application id.
            #expect(FileManager.default.createFile(atPath: scratch, contents: Self.leftoverHeader + Data(repeating: 7, count: 4024)))
            let report = try test.registry.importFile(file, options: ImportOptions(target: target))
            #expect(report.rejected == 0, "\(report.errors)")
            #expect(!FileManager.default.fileExists(atPath: scratch), "after an import of \(target)")
        }
        #expect(try test.registry.check().isHealthy)
    }

    @Test("what is not a killed build's leftover at the scratch path (a folder, a link, another file) stops the import; nothing is written")
    func foreignScratchRefused() throws {
        for planted in ["folder", "link", "file"] {
            let test = try TestRegistry()
            let scratch = test.path + "-search"
            let outside = test.directory.file("elsewhere.sqlite")
            switch planted {
            case "folder": try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: false)
            case "link": try FileManager.default.createSymbolicLink(atPath: scratch, withDestinationPath: outside)
            default: #expect(FileManager.default.createFile(atPath: scratch, contents: Data("notes".utf8)))
            }
            #expect {
                try test.registry.importFile(Self.file(test, rows: Self.rows(300)), options: ImportOptions(target: .entities))
            } throws: { error in
                guard case let RegistryError.cannotCreate(path, reason) = error else { return false }
                return path == scratch && reason.contains("not one left by a killed import of this registry")
            }
            #expect(try test.registry.database.scalarInt("SELECT count(*) FROM entities") == 0, "\(planted)")
            #expect(!FileManager.default.fileExists(atPath: outside), "\(planted)")
            var info = stat()
            #expect(lstat(scratch, &info) == 0, "\(planted): what was there is left alone")
        }
    }

    /// The first 72 bytes of a scratch file: SQLite's magic, then the application id at offset 68.
    static let leftoverHeader = Data("SQLite format 3\u{0}".utf8) + Data(count: 52)
        + withUnsafeBytes(of: UInt32(bitPattern: SearchBuild.applicationID).bigEndian) { Data($0) }

    @Test("another database at the scratch path (a registry named like it) is not a leftover: refused, kept")
    func otherDatabaseKept() throws {
        let test = try TestRegistry()
        let other = try Registry.open(at: test.path + "-search", actor: "tester", access: .writeOrCreate)
        _ = try other.importFile(Self.file(test, "other.csv", rows: Self.rows(20)), options: ImportOptions(target: .entities))
        #expect {
            try test.registry.importFile(Self.file(test, rows: Self.rows(30)), options: ImportOptions(target: .entities))
        } throws: { error in
            guard case let RegistryError.cannotCreate(path, reason) = error else { return false }
            return path == test.path + "-search" && reason.contains("a file that is not a search index")
        }
        #expect(try other.database.scalarInt("SELECT count(*) FROM entities") == 20)
    }

    @Test("the scratch file is created 0600, and a file put in its place during the build is never read")
    func scratchIsPrivate() throws {
        let test = try TestRegistry()
        let sql = try #require(try test.registry.database.scalarText("SELECT sql FROM sqlite_schema WHERE name = 'entity_search'"))
        let mask = umask(0)
        defer { umask(mask) }
        let build = try SearchBuild(besideRegistryAt: test.path, tableSQL: sql)
        var info = stat()
        #expect(lstat(build.path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        try build.requireOwnFile()
        unlink(build.path)
        #expect(FileManager.default.createFile(atPath: build.path, contents: Data("SQLite format 3\u{0}".utf8)))
        #expect(throws: RegistryError.self) { try build.requireOwnFile() }
        build.close()
    }

    @Test("an index with FTS5 options of its own (they shape its layout) is written in place")
    func optionsKeepItInPlace() throws {
        let test = try TestRegistry()
        try test.registry.database.execute("INSERT INTO entity_search (entity_search, rank) VALUES ('automerge', 8)")
        let report = try test.registry.importFile(Self.file(test, rows: Self.rows(300)), options: ImportOptions(target: .entities))
        #expect(report.inserted == 300)
        #expect(!test.registry.search.builtLastLoadBeside)
        #expect(try Self.ranking(test.registry.database, "laka").count == 300)
        #expect(try test.registry.database.scalarText("SELECT v FROM entity_search_config WHERE k = 'automerge'") == "8")
    }

    @Test("a connection in SQLite's defensive mode (Apple's default) still gets the built index, and stays defensive")
    func defensiveMode() throws {
        let test = try TestRegistry()
        let database = test.registry.database
        #expect(csqlite_defensive(database.handle, 1) == 1)
        _ = try test.registry.importFile(Self.file(test, rows: Self.rows(300)), options: ImportOptions(target: .entities))
        #expect(test.registry.search.builtLastLoadBeside)
        #expect(try Self.ranking(database, "laka").count == 300)
        #expect(csqlite_defensive(database.handle, -1) == 1)
    }
}
