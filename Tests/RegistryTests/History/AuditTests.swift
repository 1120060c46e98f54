import CSQLite
import Foundation
import Testing
@testable import Registry
import SQLiteStore

@Suite("Audit log and append-only history")
struct AuditTests {
    @Test("every change appends a chained entry; verify recomputes the chain")
    func chain() throws {
        let test = try TestRegistry(actor: "anna")
        let entity = try test.registry.addEntity([.kind: "kgw", .name: "KGW Babki"])
        try test.registry.updateEntity(entity.id, [.city: "Babki"])
        let entries = try test.registry.auditEntries(AuditFilter())
        #expect(entries.map(\.seq) == Array(1...entries.count))
        for (previous, entry) in zip(entries, entries.dropFirst()) {
            #expect(entry.prevHash == previous.hash)
        }
        #expect(entries.first?.prevHash == String(repeating: "0", count: 64))
        let result = try test.registry.verifyAudit()
        #expect(result.isIntact)
        #expect(result.entries == entries.count)
        #expect(result.headHash == entries.last?.hash)
    }

    @Test("UPDATE and DELETE on history and audit tables fail for any client, each with its own trigger's message", arguments: [
        ("UPDATE audit_log SET actor = 'mallory'", "audit_log is append-only"),
        ("DELETE FROM audit_log", "audit_log is append-only"),
        ("UPDATE entity_versions SET name = 'x'", "entity_versions is append-only"),
        ("DELETE FROM entity_versions", "entity_versions is append-only"),
        ("DELETE FROM entities", "entities are never deleted: close them with a date"),
        ("UPDATE teryt_unit_versions SET name = 'x'", "teryt_unit_versions is append-only"),
        ("DELETE FROM teryt_units WHERE code = '02'", "TERYT units are never deleted: an abolished unit is marked"),
        ("DELETE FROM import_batches", "import_batches is append-only"),
        ("UPDATE import_batches SET rows = 5", "import_batches is append-only"),
        ("UPDATE entities SET name = 'x'",
         "entities: a new version must follow the current one, which must be kept in entity_versions first"),
    ])
    func appendOnly(_ sql: String, _ message: String) throws {
        let test = try TestRegistry()
        let entity = try test.registry.addEntity([.kind: "kgw", .name: "KGW Babki"])
        // Version 1 is then kept in entity_versions, so its guards have a row to protect.
        try test.registry.updateEntity(entity.id, [.city: "Babki"])
        // Foreign keys off, so that only the trigger can refuse.
        #expect(try test.registry.database.refusalWithoutForeignKeys(sql) == message)
    }

    @Test("an import's batch row may be finished once, in counts and finish time only; a finished one never changes")
    func batchRowFinishedOnce() throws {
        let test = try TestRegistry()
        let database = test.registry.database
        try database.execute("""
            INSERT INTO import_batches (id, target, file_name, file_sha256, encoding, delimiter, options, rows, inserted,
                updated, unchanged, rejected, actor, started_at, finished_at)
            VALUES ('b', 'needs', 'n.csv', 'x', 'utf-8', ';', '{}', 0, 0, 0, 0, 0, 'a', '2025-01-01T00:00:00Z', '')
            """)
        #expect(try test.registry.check().problems.contains("import batch b: never finished (its counts were not recorded)"))
        for sql in ["UPDATE import_batches SET file_name = 'other.csv', rows = 1, finished_at = 'u' WHERE id = 'b'",
                    "UPDATE import_batches SET rows = 1 WHERE id = 'b'"] {
            #expect(throws: DatabaseError.self, "\(sql)") { try database.execute(sql) }
        }
        try database.execute("UPDATE import_batches SET rows = 3, inserted = 3, finished_at = '2025-01-01T00:00:01Z' WHERE id = 'b'")
        #expect(throws: DatabaseError.self) { try database.execute("UPDATE import_batches SET rows = 4 WHERE id = 'b'") }
        #expect(try database.scalarInt("SELECT rows FROM import_batches WHERE id = 'b'") == 3)
        #expect(!(try test.registry.check().problems.contains { $0.hasPrefix("import batch") }))
    }

    @Test("verify names the first entry edited through the sqlite3 shell after the triggers were dropped")
    func tamper() throws {
        let test = try TestRegistry()
        let entity = try test.registry.addEntity([.kind: "kgw", .name: "KGW Babki"])
        try test.registry.updateEntity(entity.id, [.city: "Babki"])
        let target = try #require(test.registry.auditEntries(AuditFilter(objectID: entity.id)).first?.seq)
        let sqlite3 = "/usr/bin/sqlite3"
        try #require(FileManager.default.isExecutableFile(atPath: sqlite3), "the sqlite3 shell is needed for this test")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: sqlite3)
        process.arguments = [test.path, """
            DROP TRIGGER audit_log_no_update;
            UPDATE audit_log SET after = replace(after, 'KGW Babki', 'KGW Dziadki') WHERE seq = \(target);
            """]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let result = try test.reopen().verifyAudit()
        #expect(result.firstBadSeq == target)
        #expect(result.problem == "content does not match its hash (the entry was altered after it was written)")
    }

    @Test("removing an entry from the middle breaks the chain at the next one")
    func removal() throws {
        let test = try TestRegistry()
        try test.registry.addEntity([.kind: "kgw", .name: "A"])
        try test.registry.addEntity([.kind: "kgw", .name: "B"])
        let last = try #require(test.registry.auditEntries(AuditFilter()).last?.seq)
        try test.registry.database.execute("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = \(last - 1);")
        let result = try test.registry.verifyAudit()
        #expect(result.firstBadSeq == last)
    }
}
