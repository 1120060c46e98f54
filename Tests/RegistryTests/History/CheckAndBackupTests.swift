import Foundation
import Testing
@testable import Registry

@Suite("check and backup")
struct CheckAndBackupTests {
    @Test("a healthy registry passes; units without an operator are notices, not problems")
    func healthy() throws {
        let test = try TestRegistry()
        try test.registry.addEntity([.kind: "cis", .name: "CIS Olsztyn", .teryt: "2862011"])
        let report = try test.registry.check()
        #expect(report.isHealthy)
        #expect(report.notices.count == 2)
        #expect(report.notices.first?.hasPrefix("cis CIS Olsztyn (") == true)
        // Registered without a founding date: counted, to be filled in.
        #expect(report.notices.last
                == "entities without a founding date: 1 (each counts from the day it was first recorded until the date is filled in)")
    }

    @Test("check lists each broken rule: audit chain, versions, TERYT codes")
    func problems() throws {
        let test = try TestRegistry()
        try test.registry.addEntity([.kind: "kgw", .name: "KGW Babki", .krs: "1"])
        try test.registry.database.execute("""
            DROP TRIGGER audit_log_no_update;
            UPDATE audit_log SET actor = 'mallory' WHERE seq = 2;
            DROP TRIGGER entities_keep_history;
            UPDATE entities SET version = 5;
            PRAGMA foreign_keys = OFF;
            UPDATE entities SET teryt = '9999999';
            """)
        let report = try test.registry.check()
        #expect(!report.isHealthy)
        #expect(report.problems.contains { $0.hasPrefix("audit log: entry 2:") })
        #expect(report.problems.contains { $0.contains("current version 5, but the kept versions are not exactly 1 to 4 (0 kept)") })
        #expect(report.problems.contains { $0.contains("TERYT code 9999999 is not in the dictionary") })
    }

    @Test("backup writes a consistent copy that opens and verifies, and never overwrites")
    func backup() throws {
        let test = try TestRegistry()
        try test.registry.addEntity([.kind: "kgw", .name: "KGW Babki", .krs: "1"])
        let path = test.directory.file("copy.sqlite")
        let audit = try test.registry.backup(to: path)
        #expect(audit.isIntact)
        let copy = try Registry.open(at: path, actor: "x", access: .read)
        #expect(try copy.entity("krs:1").fields.name == "KGW Babki")
        #expect(throws: RegistryError.cannotCreate(path: path, reason: "the file exists; choose a new name")) {
            try test.registry.backup(to: path)
        }
    }
}
