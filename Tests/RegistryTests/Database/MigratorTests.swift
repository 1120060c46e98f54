import CSQLite
import Foundation
import Testing
@testable import Registry
import SQLiteStore

@Suite("Migrations")
struct MigratorTests {
    let latest = Migrator().latestVersion

    /// Data that fits the schema right after migration k; every shipped migration needs an entry,
    /// so a new migration cannot land without an upgrade test over data.
    static let fixtures: [Int: String] = [
        1: """
            INSERT INTO entities (id, version, kind, name, nip, teryt, created_at, updated_at)
            VALUES ('01900000-0000-7000-8000-000000000001', 1, 'cis', 'CIS Fixture', '5260250274', '0201011',
                    '2025-01-01T00:00:00.000000Z', '2025-01-01T00:00:00.000000Z');
            INSERT INTO entity_versions (entity_id, version, change, recorded_at, actor, kind, name, nip, teryt)
            VALUES ('01900000-0000-7000-8000-000000000001', 1, 'add', '2025-01-01T00:00:00.000000Z', 'fixture',
                    'cis', 'CIS Fixture', '5260250274', '0201011');
            INSERT INTO entity_search (rowid, name, city) VALUES (1, 'cis fixture', 'olsztyn');
            """,
        2: """
            INSERT INTO certificates (id, entity_id, scheme_code, recorded_at, actor)
            VALUES ('01900000-0000-7000-8000-0000000000c1', '01900000-0000-7000-8000-000000000001', 'status-cis',
                    '2025-01-02T00:00:00.000000Z', 'fixture');
            INSERT INTO certificate_events (id, certificate_id, event, effective_on, valid_from, recorded_at, actor)
            VALUES ('01900000-0000-7000-8000-0000000000e1', '01900000-0000-7000-8000-0000000000c1', 'granted',
                    '2025-01-02', '2025-01-02', '2025-01-02T00:00:00.000000Z', 'fixture');
            """,
        3: """
            INSERT INTO resources (id, version, entity_id, category, description, recorded_on, created_at, updated_at)
            VALUES ('01900000-0000-7000-8000-0000000000r1', 1, '01900000-0000-7000-8000-000000000001', 'lokal',
                    'sala 40 m2', '2025-01-03', '2025-01-03T00:00:00.000000Z', '2025-01-03T00:00:00.000000Z');
            INSERT INTO certificate_periods (certificate_id, entity_id, scheme_code, held_from, held_to)
            VALUES ('01900000-0000-7000-8000-0000000000c1', '01900000-0000-7000-8000-000000000001', 'status-cis',
                    '2025-01-02', '9999-12-31');
            INSERT INTO needs (id, version, entity_id, category, description, priority, reported_on, created_at, updated_at)
            VALUES ('01900000-0000-7000-8000-0000000000n1', 1, '01900000-0000-7000-8000-000000000001', 'szkolenia',
                    'kurs HACCP', 1, '2025-01-03', '2025-01-03T00:00:00.000000Z', '2025-01-03T00:00:00.000000Z');
            """,
        4: """
            INSERT INTO certificates (id, entity_id, scheme_code, recorded_at, actor)
            VALUES ('01900000-0000-7000-8000-0000000000c2', '01900000-0000-7000-8000-000000000001', 'zakup-prospoleczny',
                    '2025-01-04T00:00:00.000000Z', 'fixture');
            INSERT INTO certificate_periods (certificate_id, entity_id, scheme_code, held_from, held_to, entity_rowid)
            VALUES ('01900000-0000-7000-8000-0000000000c2', '01900000-0000-7000-8000-000000000001', 'zakup-prospoleczny',
                    '2025-01-04', '2026-01-03', 1);
            INSERT INTO certificate_events (id, certificate_id, event, effective_on, valid_from, valid_to, scope,
                recorded_at, actor)
            VALUES ('01900000-0000-7000-8000-0000000000e2', '01900000-0000-7000-8000-0000000000c2', 'granted',
                    '2025-01-04', '2025-01-04', '2026-01-03', 'Catering „Smaki” – obiady', '2025-01-04T00:00:00.000000Z',
                    'fixture');
            """,
        5: """
            INSERT INTO import_batches (id, target, file_name, file_sha256, encoding, delimiter, options, rows, inserted,
                updated, unchanged, rejected, actor, started_at, finished_at)
            VALUES ('01900000-0000-7000-8000-0000000000b5', 'entities', 'f.csv', 'ab', 'utf-8', ';', '{}', 1, 0, 1, 0, 0,
                    'fixture', '2025-01-06T00:00:00.000000Z', '2025-01-06T00:00:00.000000Z');
            INSERT INTO entities (id, version, change, actor, batch_id, kind, name, nip, created_at, updated_at)
            VALUES ('01900000-0000-7000-8000-000000000005', 2, 'update', 'fixture', '01900000-0000-7000-8000-0000000000b5',
                    'fundacja', 'Fundacja Fixture', '7390000016', '2025-01-05T00:00:00.000000Z',
                    '2025-01-06T00:00:00.000000Z');
            INSERT INTO entity_versions (entity_id, version, change, recorded_at, actor, kind, name)
            VALUES ('01900000-0000-7000-8000-000000000005', 1, 'add', '2025-01-05T00:00:00.000000Z', 'fixture',
                    'fundacja', 'Fundacja');
            """,
        6: """
            INSERT INTO import_batches (id, target, file_name, file_sha256, encoding, delimiter, options, rows, inserted,
                updated, unchanged, rejected, actor, started_at, finished_at)
            VALUES ('01900000-0000-7000-8000-0000000000b6', 'needs', 'n.csv', 'cd', 'utf-8', ';', '{}', 0, 0, 0, 0, 0,
                    'fixture', '2025-01-07T00:00:00.000000Z', '2025-01-07T00:00:01.000000Z');
            """,
        7: """
            INSERT INTO entity_search (rowid, name) VALUES (2, 'fundacja fixture');
            INSERT OR REPLACE INTO search_norms (chunk, lengths) VALUES (0, x'000302');
            """,
        8: """
            INSERT INTO entities (id, version, change, actor, kind, name, closed_on, created_at, updated_at)
            VALUES ('01900000-0000-7000-8000-000000000008', 2, 'close', 'fixture', 'kgw', 'KGW „Fixture”', '2025-01-08',
                    '2025-01-07T00:00:00.000000Z', '2025-01-08T00:00:00.000000Z');
            INSERT INTO entity_versions (entity_id, version, change, recorded_at, actor, kind, name)
            VALUES ('01900000-0000-7000-8000-000000000008', 1, 'reopen', '2025-01-07T00:00:00.000000Z', 'fixture',
                    'kgw', 'KGW „Fixture”');
            """,
        9: """
            INSERT INTO entities (id, version, change, actor, kind, name, created_at, updated_at)
            VALUES ('01900000-0000-7000-8000-000000000009', 1, 'add', 'fixture', 'fundacja', 'Fundacja „Dziewiątka”',
                    '2025-01-09T00:00:00.000000Z', '2025-01-09T00:00:00.000000Z');
            INSERT INTO entity_search (rowid, name)
            SELECT rowid, 'fundacja dziewiatka' FROM entities WHERE id = '01900000-0000-7000-8000-000000000009';
            """,
        10: """
            INSERT INTO entities (id, version, change, actor, kind, name, founded_on, created_at, updated_at,
                effective_on, valid_from, valid_to)
            VALUES ('01900000-0000-7000-8000-000000000010', 1, 'add', 'fixture', 'kgw', 'KGW „Dziesiątka”', '2020-05-01',
                    '2025-01-10T00:00:00.000000Z', '2025-01-10T00:00:00.000000Z', '2020-05-01', '2020-05-01', '9999-12-31');
            """,
        11: """
            INSERT INTO entity_versions (entity_id, version, change, recorded_at, actor, kind, name, founded_on, effective_on)
            VALUES ('01900000-0000-7000-8000-000000000010', 1, 'add', '2025-01-10T00:00:00.000000Z', 'fixture', 'kgw',
                    'KGW „Dziesiątka”', '2020-05-01', '2020-05-01');
            UPDATE entities SET version = 2, change = 'update', name = 'KGW „Dziesiątka” z Lasu',
                updated_at = '2025-01-11T00:00:00.000000Z', effective_on = '2024-06-01', valid_from = '2024-06-01'
            WHERE id = '01900000-0000-7000-8000-000000000010';
            INSERT INTO entity_timeline (entity_rowid, valid_from, valid_to, version, kind, teryt)
            SELECT rowid, '2020-05-01', '2024-06-01', 1, 'kgw', NULL FROM entities WHERE id = '01900000-0000-7000-8000-000000000010';
            """,
    ]

    @Test("migrations run on a connection in SQLite's defensive mode (Apple's default), which stays defensive")
    func defensiveMode() throws {
        let directory = TemporaryDirectory()
        let database = try Database(path: directory.file("d.sqlite"), access: .readWriteCreate)
        #expect(csqlite_defensive(database.handle, 1) == 1)
        let applied = try Migrator().migrate(database, now: { "2026-01-15T10:00:00.000000Z" })
        #expect(applied.map(\.version) == Migration.shipped.map(\.version))
        #expect(try database.scalarInt("PRAGMA user_version") == latest)
        #expect(try database.scalarInt("SELECT count(*) FROM sqlite_schema WHERE sql LIKE '%change = ''add'' OR%'") == 2)
        #expect(csqlite_defensive(database.handle, -1) == 1)
    }

    @Test("writing an entity version checks its change without a temporary b-tree, and still refuses unknown ones")
    func changeChecks() throws {
        let test = try TestRegistry()
        let database = test.registry.database
        for table in ["entities", "entity_versions"] {
            let opcodes = try database.rows("EXPLAIN INSERT INTO \(table) (change) VALUES (?)") { $0.text(at: 1) ?? "" }
            #expect(opcodes.contains("Insert") && !opcodes.contains("OpenEphemeral"), "\(table): \(opcodes)")
        }
        #expect(throws: DatabaseError.self) {
            try database.execute("""
                INSERT INTO entities (id, version, change, actor, kind, name, created_at, updated_at)
                VALUES ('01900000-0000-7000-8000-0000000000ff', 1, 'moved', 'x', 'kgw', 'K', '2025', '2025')
                """)
        }
        #expect(try database.scalarInt("SELECT count(*) FROM entities") == 0)
    }

    @Test("a new registry gets every migration, recorded with its checksum, and the TERYT dictionary")
    func newRegistry() throws {
        let test = try TestRegistry()
        let database = test.registry.database
        let rows = try database.rows("SELECT version, name, checksum FROM schema_migrations ORDER BY version") {
            [$0.text(at: 0) ?? "", $0.text(at: 1) ?? "", $0.text(at: 2) ?? ""]
        }
        #expect(rows == Migration.shipped.map { [String($0.version), $0.name, $0.checksum] })
        #expect(try database.scalarInt("PRAGMA user_version") == latest)
        #expect(try database.scalarInt("SELECT count(*) FROM teryt_units") == 4194)
        #expect(try database.scalarInt("SELECT count(*) FROM audit_log WHERE action = 'schema.migrate'") == latest)
        #expect(try test.registry.verifyAudit().isIntact)
    }

    @Test("every shipped migration has upgrade fixture data")
    func fixturesCoverEveryMigration() {
        #expect(Set(Self.fixtures.keys) == Set(Migration.shipped.map(\.version)))
    }

    @Test("a database at version k, holding data, upgrades to the latest with its data intact and a backup",
          arguments: Migration.shipped.map(\.version))
    func upgrade(from version: Int) throws {
        let directory = TemporaryDirectory()
        let path = directory.file("old.sqlite")
        let first = try Registry.migrate(at: path, actor: "old", upTo: version)
        #expect(first.toVersion == version)
        #expect(first.backupPath == nil)
        let database = try Database(path: path, access: .readWrite)
        for k in 1...version { try database.execute(Self.fixtures[k] ?? "") }
        let snapshot = try database.dump()

        let report = try Registry.migrate(at: path, actor: "new")
        #expect(report.fromVersion == version)
        #expect(report.toVersion == latest)
        #expect(report.applied.map(\.version) == Migration.shipped.map(\.version).filter { $0 > version })
        if version < latest {
            let backup = try #require(report.backupPath)
            #expect(backup.hasPrefix(path + ".v\(version)-"))
            #expect(backup.hasSuffix("Z.bak"))
            let copy = try Database(path: backup, access: .readOnly)
            #expect(try copy.scalarInt("PRAGMA user_version") == version)
        } else {
            #expect(report.backupPath == nil)
        }
        let after = try Database(path: path, access: .readOnly)
        let kept = try after.dump()
        for (table, rows) in snapshot {
            // 0005 moves each entity's current version from entity_versions into its row (checked below).
            if table == "entity_versions", version < 5 { continue }
            // 0009 makes the full-text index anew from the entities' rows (checked below).
            if table.hasPrefix("entity_search") || table == "search_norms", version < 9 { continue }
            let now = Set(kept[table] ?? [])
            // A later migration may add columns: they come after the old ones.
            #expect(rows.allSatisfy { old in now.contains(old) || now.contains { $0.hasPrefix(old + "|") } },
                    "rows of \(table) were lost or altered during the upgrade")
        }
        if version == 3 {
            // 0004 fills the periods' entity_rowid from the entities they name.
            #expect(try after.scalarInt(
                "SELECT entity_rowid FROM certificate_periods WHERE certificate_id = '01900000-0000-7000-8000-0000000000c1'") == 1)
        }
        if version < 7 {
            // 0007's lengths are filled from the full-text index as it was (fixture 1's document: 3 tokens).
            #expect(try after.scalarInt("SELECT count(*) FROM search_norms") == 1)
            #expect(try SearchNorms.mismatches(after).isEmpty)
        }
        if version < 5 {
            // The fixture's only version is its current one: its bookkeeping is now in the row.
            #expect(try after.scalarInt("SELECT count(*) FROM entity_versions") == 0)
            #expect(try after.rows("SELECT change, actor, version FROM entities") { [$0.text(at: 0), $0.text(at: 1), $0.text(at: 2)] }
                    == [["add", "fixture", "1"]])
        }
        if version < 9 {
            // 0009's index uses the ascii tokenizer and holds each entity's text as the registry folds it.
            #expect(try after.scalarText("SELECT sql FROM sqlite_schema WHERE name = 'entity_search'")?
                .hasSuffix("tokenize = 'ascii'\n)") == true)
            let indexed = try after.rows("SELECT rowid, name, city, street, note, scopes FROM entity_search ORDER BY rowid") { row in
                (0...5).map { row.text(at: $0) ?? "-" }
            }
            let expected = try after.rows(
                """
                SELECT e.rowid, e.name, e.city, e.street, e.note,
                       (SELECT group_concat(ev.scope, ' ') FROM certificates c JOIN certificate_events ev
                        ON ev.certificate_id = c.id WHERE c.entity_id = e.id AND ev.scope IS NOT NULL)
                FROM entities e ORDER BY e.rowid
                """) { row in
                [row.text(at: 0) ?? "-"] + (1...5).map { row.text(at: $0).map(TextFolding.searchText) ?? "-" }
            }
            #expect(indexed == expected)
            if version >= 4 {
                #expect(indexed.first?[5] == "catering smaki obiady")
            }
            #expect(try SearchNorms.mismatches(after).isEmpty)
        }
        if version < 10 {
            // 0010 dates each version from the Polish day it was recorded (a first version from its
            // founding date) and keeps the days each version is in effect, as writes do.
            var expected = [["01900000-0000-7000-8000-000000000001", "2025-01-01", "2025-01-01", "9999-12-31"]]
            var timeline: [[String]] = []
            if version >= 5 {
                expected.append(["01900000-0000-7000-8000-000000000005", "2025-01-06", "2025-01-06", "9999-12-31"])
                timeline.append(["01900000-0000-7000-8000-000000000005", "2025-01-05", "2025-01-06", "1"])
            }
            if version >= 8 {
                // Closed on the day its closing was recorded: its last version is in effect on no day.
                expected.append(["01900000-0000-7000-8000-000000000008", "2025-01-08", "2025-01-08", "2025-01-08"])
                timeline.append(["01900000-0000-7000-8000-000000000008", "2025-01-07", "2025-01-08", "1"])
            }
            if version >= 9 {
                expected.append(["01900000-0000-7000-8000-000000000009", "2025-01-09", "2025-01-09", "9999-12-31"])
            }
            #expect(try after.rows("SELECT id, effective_on, valid_from, valid_to FROM entities ORDER BY id") { row in
                (0...3).map { row.text(at: $0) ?? "-" }
            } == expected)
            #expect(try after.rows(
                """
                SELECT e.id, t.valid_from, t.valid_to, t.version FROM entity_timeline t
                JOIN entities e ON e.rowid = t.entity_rowid ORDER BY e.id
                """) { row in (0...3).map { row.text(at: $0) ?? "-" } } == timeline)
            #expect(try after.scalarInt("SELECT count(*) FROM entity_versions WHERE effective_on IS NULL") == 0)
        }
        let upgraded = try Registry.open(at: path, actor: "x", access: .read)
        #expect(try upgraded.entity("5260250274").fields.name == "CIS Fixture")
        if version < 9 {
            var found: [String] = []
            try upgraded.search("fixture") { entity, _ in found.append(entity.fields.name) }
            #expect(found.sorted() == (try after.rows("SELECT name FROM entities ORDER BY name") { $0.text(at: 0) ?? "" }))
        }
        if version < 5 {
            let history = try upgraded.entityHistory("5260250274")
            #expect(history.map(\.entity.version) == [1])
            #expect(history.first?.actor == "fixture")
            #expect(history.first?.change == "add")
            // (The certificate fixtures are bare rows without events; only the entities are judged here.)
            let problems = try upgraded.check().problems.filter { $0.hasPrefix("entity") || $0.hasPrefix("audit") }
            #expect(problems.isEmpty, "\(problems)")
        }
    }

    @Test("migration 0009 makes the full-text index anew with the settings it had")
    func searchSettingsKept() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("settings.sqlite")
        _ = try Registry.migrate(at: path, actor: "old", upTo: 8)
        let database = try Database(path: path, access: .readWrite)
        try database.execute("INSERT INTO entity_search (entity_search, rank) VALUES ('automerge', 8)")
        try database.execute("INSERT INTO entity_search (entity_search, rank) VALUES ('crisismerge', 20)")
        _ = try Registry.migrate(at: path, actor: "new")
        let settings = try Database(path: path, access: .readOnly).rows(
            "SELECT k, v FROM entity_search_config WHERE k <> 'version' ORDER BY k") { "\($0.text(at: 0) ?? "")=\($0.int(at: 1) ?? 0)" }
        #expect(settings == ["automerge=8", "crisismerge=20"])
    }

    @Test("a registry opened for use while its schema is behind says to run migrate")
    func behind() throws {
        guard latest > 1 else { return }
        let directory = TemporaryDirectory()
        let path = directory.file("behind.sqlite")
        _ = try Registry.migrate(at: path, actor: "old", upTo: 1)
        #expect(throws: RegistryError.schemaBehind(current: 1, latest: latest)) {
            try Registry.open(at: path, actor: "x", access: .write)
        }
        #expect("\(RegistryError.schemaBehind(current: 1, latest: latest))".contains("run `registry migrate`"))
    }

    @Test("an applied migration whose checksum differs from the shipped file is refused, nothing changed")
    func checksumDrift() throws {
        let test = try TestRegistry()
        let database = test.registry.database
        try database.execute("UPDATE schema_migrations SET checksum = 'abc123' WHERE version = 1")
        let before = try database.dump()
        let shipped = Migration.shipped[0].checksum
        let expected = RegistryError.migrationChanged(version: 1, name: "core", recorded: "abc123", shipped: shipped)
        #expect(throws: expected) { try Registry.migrate(at: test.path, actor: "x") }
        #expect(throws: expected) { try Registry.open(at: test.path, actor: "x", access: .write) }
        #expect(try database.dump() == before)
    }

    @Test("a database newer than the binary is refused, nothing changed")
    func newer() throws {
        let test = try TestRegistry()
        let database = test.registry.database
        try database.execute(
            "INSERT INTO schema_migrations VALUES (\(latest + 1), 'future', 'ff', '2030-01-01T00:00:00.000000Z')")
        try database.execute("PRAGMA user_version = \(latest + 1)")
        let before = try database.dump()
        #expect(throws: RegistryError.schemaNewer(current: latest + 1, latest: latest)) {
            try Registry.migrate(at: test.path, actor: "x")
        }
        #expect(throws: RegistryError.schemaNewer(current: latest + 1, latest: latest)) {
            try Registry.open(at: test.path, actor: "x", access: .read)
        }
        #expect(try database.dump() == before)
    }

    @Test("a failing migration rolls back completely and is not recorded")
    func failingMigration() throws {
        let directory = TemporaryDirectory()
        let database = try Database(path: directory.file("m.sqlite"), access: .readWriteCreate)
        let good = try #require(Migration(fileName: "0001_a.sql", contents: Data("CREATE TABLE a (x);".utf8)))
        let bad = try #require(Migration(fileName: "0002_b.sql", contents: Data("CREATE TABLE b (y); INSERT INTO nope VALUES (1);".utf8)))
        let migrator = Migrator(migrations: [good, bad])
        #expect(throws: DatabaseError.self) { try migrator.migrate(database, now: { "t" }) }
        #expect(try migrator.status(of: database).applied.map(\.version) == [1])
        #expect(try database.scalarInt("SELECT count(*) FROM sqlite_schema WHERE name = 'b'") == 0)
        #expect(try database.scalarInt("PRAGMA user_version") == 1)
    }

    @Test("the final schema matches the golden file Fixtures/schema.sql")
    func goldenSchema() throws {
        let test = try TestRegistry()
        let schema = try test.registry.database.rows(
            "SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY rowid") { ($0.text(at: 0) ?? "") + ";" }
            .joined(separator: "\n") + "\n"
        let url = try #require(Bundle.module.url(forResource: "schema", withExtension: "sql", subdirectory: "Fixtures"))
        let golden = try String(contentsOf: url, encoding: .utf8)
        #expect(schema == golden, """
            The schema changed. If that is intended, add a migration and regenerate the golden file:
            sqlite3 new.sqlite "SELECT sql || ';' FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY rowid" > Tests/RegistryTests/Fixtures/schema.sql
            """)
    }
}
