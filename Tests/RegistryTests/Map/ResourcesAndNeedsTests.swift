import Foundation
import Testing
@testable import Registry
import SQLiteStore

@Suite("Resources and needs: lifecycle and history")
struct ResourcesAndNeedsTests {
    @Test("a resource is added, listed, withdrawn once, and every version is kept")
    func resourceLifecycle() throws {
        let test = try TestRegistry(start: "2025-01-01T00:00:00Z")
        let r = test.registry
        test.clock.set("2025-02-01T09:00:00Z")
        let entity = try r.addEntity([.kind: "spoldzielnia-socjalna", .name: "Spółdzielnia Smaki", .nip: Generated.nip(21), .teryt: "2862011"])
        let resource = try r.addResource(entity: Generated.nip(21), category: " Uslugi-Gastronomiczne ", description: "catering do 150 osób",
                                         quantity: "150", unit: "osoby", recordedOn: "01.02.2025")
        #expect(resource.entityID == entity.id && resource.category == "uslugi-gastronomiczne" && resource.quantity == 150)
        #expect(resource.recordedOn == LocalDate(iso: "2025-02-01") && resource.version == 1)
        #expect(try r.resources(entity: Generated.nip(21)).map(\.id) == [resource.id])

        test.clock.set("2025-05-01T09:00:00Z")
        #expect(throws: RegistryError.self) { try r.withdrawResource(resource.id, on: LocalDate(iso: "2025-01-31")) }
        let withdrawn = try r.withdrawResource(resource.id, on: LocalDate(iso: "2025-04-30"))
        #expect(withdrawn.version == 2 && withdrawn.withdrawnOn == LocalDate(iso: "2025-04-30"))
        #expect(throws: RegistryError.invalidValue(field: "withdrawn_on", value: "2025-05-01",
                                                   rule: "resource \(resource.id) was already withdrawn on 2025-04-30")) {
            try r.withdrawResource(resource.id, on: LocalDate(iso: "2025-05-01"))
        }
        #expect(try r.resources().isEmpty)
        #expect(try r.resources(includeWithdrawn: true).map(\.version) == [2])

        let versions = try r.database.rows(
            "SELECT version, change, withdrawn_on, recorded_at FROM resource_versions WHERE resource_id = ? ORDER BY version",
            [.text(resource.id)]) { "\($0.int(at: 0) ?? 0) \($0.text(at: 1) ?? "") \($0.text(at: 2) ?? "-") \($0.text(at: 3) ?? "")" }
        #expect(versions == ["1 add - 2025-02-01T09:00:00.000000Z", "2 withdraw 2025-04-30 2025-05-01T09:00:00.000000Z"])
        let audit = try r.auditEntries(AuditFilter(objectID: resource.id))
        #expect(audit.map(\.action) == ["resource.add", "resource.withdraw"])
        #expect(try r.verifyAudit().isIntact)
        // History is append-only for every client: the triggers refuse, with foreign keys off too.
        let before = try r.database.dump()
        for (sql, message) in [
            ("UPDATE resource_versions SET description = 'x'", "resource_versions is append-only"),
            ("DELETE FROM resource_versions", "resource_versions is append-only"),
            ("DELETE FROM resources", "resources are never deleted: withdraw them with a date"),
        ] {
            #expect(try r.database.refusalWithoutForeignKeys(sql) == message, "\(sql)")
        }
        #expect(try r.database.dump() == before)
    }

    @Test("a need is reported with a priority, met once, and kept in history; bad values are refused")
    func needLifecycle() throws {
        let test = try TestRegistry(start: "2025-01-01T00:00:00Z")
        let r = test.registry
        _ = try r.addEntity([.kind: "kgw", .name: "KGW Płoskinia", .nip: Generated.nip(22), .teryt: "2802062"])
        let need = try r.addNeed(entity: Generated.nip(22), category: "sprzet", description: "piec konwekcyjny", priority: "1",
                                 reportedOn: "2025-01-01")
        #expect(need.priority == 1 && need.metOn == nil)
        #expect(throws: RegistryError.invalidValue(field: "priority", value: "4", rule: "must be 1 (most urgent), 2 or 3")) {
            try r.addNeed(entity: Generated.nip(22), category: "sprzet", description: "x", priority: "4")
        }
        #expect(throws: RegistryError.self) { try r.addNeed(entity: Generated.nip(22), category: "rakiety", description: "x") }
        #expect(throws: RegistryError.self) { try r.addNeed(entity: Generated.nip(22), category: "sprzet", description: "  ") }
        #expect(throws: RegistryError.notFound(kind: "entity", reference: "5260250274")) {
            try r.addNeed(entity: "5260250274", category: "sprzet", description: "x")
        }
        test.clock.set("2025-03-01T09:00:00Z")
        let met = try r.closeNeed(need.id, on: LocalDate(iso: "2025-02-28"))
        #expect(met.version == 2 && met.metOn == LocalDate(iso: "2025-02-28"))
        #expect(throws: RegistryError.self) { try r.closeNeed(need.id) }
        #expect(try r.needs().isEmpty && r.needs(includeMet: true).map(\.id) == [need.id])
        #expect(try r.database.scalarInt("SELECT count(*) FROM need_versions WHERE need_id = ?", [.text(need.id)]) == 2)
        // History is append-only for every client: the triggers refuse, with foreign keys off too.
        #expect(throws: DatabaseError.self) { try r.database.run("DELETE FROM need_versions") }
        #expect(throws: DatabaseError.self) { try r.database.run("DELETE FROM needs") }
        let before = try r.database.dump()
        for (sql, message) in [
            ("UPDATE need_versions SET description = 'x'", "need_versions is append-only"),
            ("DELETE FROM need_versions", "need_versions is append-only"),
            ("DELETE FROM needs", "needs are never deleted: close them with a date"),
        ] {
            #expect(try r.database.refusalWithoutForeignKeys(sql) == message, "\(sql)")
        }
        #expect(try r.database.dump() == before)
    }
}
