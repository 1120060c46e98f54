import Foundation
import Testing
@testable import Registry

@Suite("Entities")
struct EntityTests {
    static let cis: EntityInput = [
        .kind: "Centrum Integracji Społecznej", .name: "CIS w Olsztynie", .nip: "PL 526-025-02-74",
        .krs: "123456", .teryt: "2862011", .city: "Olsztyn", .postalCode: "10-950", .capacity: "40",
    ]

    @Test("add stores normalised fields as version 1, with history, audit and search entries")
    func add() throws {
        let test = try TestRegistry(actor: "anna")
        let entity = try test.registry.addEntity(Self.cis, reason: "z listy OWES")
        #expect(Identifier.isIdentifier(entity.id))
        #expect(entity.version == 1)
        #expect(entity.fields.kind == .cis)
        #expect(entity.fields.nip == "5260250274")
        #expect(entity.fields.krs == "0000123456")
        #expect(entity.status == "active")
        #expect(entity.createdAt == "2026-01-15T10:00:00.000000Z")

        let history = try test.registry.entityHistory("5260250274")
        #expect(history.map(\.change) == ["add"])
        #expect(history.first?.actor == "anna")
        #expect(history.first?.reason == "z listy OWES")

        let audit = try test.registry.auditEntries(AuditFilter(objectID: entity.id))
        #expect(audit.map(\.action) == ["entity.add"])
        #expect(audit.first?.before == nil)
        #expect(audit.first?.after?.contains("\"nip\":\"5260250274\"") == true)
        let indexed = try test.registry.database.scalarInt(
            "SELECT count(*) FROM entity_search WHERE entity_search MATCH 'olsztynie'")
        #expect(indexed == 1)
    }

    @Test("update keeps the previous version; an update that changes nothing records nothing")
    func update() throws {
        let test = try TestRegistry()
        let entity = try test.registry.addEntity(Self.cis)
        test.clock.advance(seconds: 60)
        let (updated, changed) = try test.registry.updateEntity(entity.id, [.phone: "+48 89 523 00 00", .capacity: ""], reason: "nowy telefon")
        #expect(changed)
        #expect(updated.version == 2)
        #expect(updated.fields.phone == "+48 89 523 00 00")
        #expect(updated.fields.capacity == nil)
        #expect(updated.updatedAt == "2026-01-15T10:01:00.000000Z")
        let (same, changedAgain) = try test.registry.updateEntity("krs:123456", [.phone: "+48 89 523 00 00"])
        #expect(!changedAgain)
        #expect(same.version == 2)
        let history = try test.registry.entityHistory(entity.id)
        #expect(history.map(\.entity.version) == [1, 2])
        #expect(history[0].entity.fields.capacity == 40)
        #expect(history[1].reason == "nowy telefon")
        #expect(try test.registry.auditEntries(AuditFilter(objectID: entity.id)).map(\.action) == ["entity.add", "entity.update"])
    }

    @Test("close records a dated event; closing twice or before the founding date is refused")
    func close() throws {
        let test = try TestRegistry()
        let entity = try test.registry.addEntity(Self.cis.merging([.foundedOn: "01.03.2015"]) { $1 })
        #expect(throws: RegistryError.invalidValue(field: "closed_on", value: "2014-12-31", rule: "is before the founding date 2015-03-01")) {
            try test.registry.closeEntity(entity.id, on: try LocalDate.parse("2014-12-31", field: "date"))
        }
        let closed = try test.registry.closeEntity(entity.id, on: try LocalDate.parse("2026-06-30", field: "date"), reason: "likwidacja")
        #expect(closed.status == "closed")
        #expect(closed.closeReason == "likwidacja")
        #expect(throws: RegistryError.invalidValue(field: "closed_on", value: "2026-07-01", rule: "entity \(entity.id) is already closed (on 2026-06-30)")) {
            try test.registry.closeEntity(entity.id, on: try LocalDate.parse("2026-07-01", field: "date"))
        }
        #expect(try test.registry.entityHistory(entity.id).map(\.change) == ["add", "close"])
        #expect(try test.registry.database.scalarInt("SELECT count(*) FROM entities") == 1)
    }

    @Test("references resolve by id, NIP (with dashes or PL), REGON and KRS (without leading zeros)")
    func references() throws {
        let test = try TestRegistry()
        let entity = try test.registry.addEntity(Self.cis.merging([.regon: Generated.regon9(7)]) { $1 })
        for reference in [entity.id, entity.id.uppercased(), "5260250274", "526-025-02-74", "PL5260250274",
                          "nip:526-025-02-74", Generated.regon9(7), "krs:123456", "0000123456"] {
            #expect(try test.registry.resolveEntity(reference) == entity.id, "\(reference)")
        }
        #expect(throws: RegistryError.notFound(kind: "entity", reference: "9999999999")) {
            try test.registry.resolveEntity("9999999999")
        }
    }

    @Test("a number that is one entity's NIP and another's KRS is ambiguous")
    func ambiguousReference() throws {
        let test = try TestRegistry()
        let a = try test.registry.addEntity([.kind: "fundacja", .name: "A", .nip: "5260250274"])
        let b = try test.registry.addEntity([.kind: "fundacja", .name: "B", .krs: "5260250274"])
        #expect(throws: RegistryError.ambiguous(kind: "entity", reference: "5260250274", candidates: [
            "\(a.id) by NIP (use nip:… or krs:…)", "\(b.id) by KRS (use nip:… or krs:…)",
        ])) {
            try test.registry.resolveEntity("5260250274")
        }
        #expect(try test.registry.resolveEntity("krs:5260250274") == b.id)
    }

    @Test("a NIP, REGON or KRS already held by another entity is refused")
    func uniqueness() throws {
        let test = try TestRegistry()
        let first = try test.registry.addEntity(Self.cis)
        #expect(throws: RegistryError.conflict(field: "nip", value: "5260250274", existing: "\(first.id) (CIS w Olsztynie)")) {
            try test.registry.addEntity([.kind: "fundacja", .name: "Druga", .nip: "5260250274"])
        }
        #expect(try test.registry.database.scalarInt("SELECT count(*) FROM entities") == 1)
    }

    @Test("invalid values are refused naming the field, the value and the rule", arguments: [
        ([EntityField.nip: "5425000802"], RegistryError.invalidValue(field: "nip", value: "5425000802", rule: "checksum digit should be 1")),
        ([.teryt: "0299999"], .invalidValue(field: "teryt", value: "0299999", rule: "is not a commune in the TERYT dictionary")),
        ([.teryt: "02"], .invalidValue(field: "teryt", value: "02", rule: "must be a 7-digit TERYT commune code (WWPPGGR)")),
        ([.kind: "fundacja", .capacity: "12"], .invalidValue(field: "capacity", value: "12", rule: "is recorded only for CIS, KIS, WTZ and ZAZ, not for kind fundacja")),
        ([.capacity: "-3"], .invalidValue(field: "capacity", value: "-3", rule: "must be a whole number of places greater than 0")),
        ([.latitude: "53,77"], .invalidValue(field: "longitude", value: "", rule: "is required when the other coordinate is given")),
        ([.latitude: "60", .longitude: "20"], .invalidValue(field: "latitude", value: "60", rule: "must lie in Poland (49.0–54.9 degrees)")),
        ([.name: "  "], .invalidValue(field: "name", value: "  ", rule: "is required")),
        ([.foundedOn: "31.02.2019"], .invalidValue(field: "founded_on", value: "31.02.2019", rule: "is not a real calendar date")),
    ])
    func invalid(_ change: EntityInput, _ error: RegistryError) throws {
        let test = try TestRegistry()
        #expect(throws: error) {
            try test.registry.addEntity(Self.cis.merging(change) { $1 })
        }
        #expect(try test.registry.database.scalarInt("SELECT count(*) FROM entities") == 0)
    }

    @Test("the operator of a CIS is another entity, given by NIP or id")
    func operatorOfUnit() throws {
        let test = try TestRegistry()
        let foundation = try test.registry.addEntity([.kind: "fundacja", .name: "Fundacja Razem", .nip: Generated.nip(11)])
        let cis = try test.registry.addEntity([.kind: "cis", .name: "CIS Razem", .operatorID: Generated.nip(11)])
        #expect(cis.fields.operatorID == foundation.id)
    }
}
