import Foundation
import Testing
@testable import Registry
import SQLiteStore

/// The date rules at the door: no founding date after today, no closing date before the founding date.
@Suite("Entity date rules")
struct EntityDateRulesTests {
    static let cis = EntityTests.cis

    static func date(_ text: String) throws -> LocalDate {
        try LocalDate.parse(text, field: "date")
    }

    @Test("a founding date after today (2026-01-15) is refused on add; today itself is accepted")
    func futureFoundingOnAdd() throws {
        let test = try TestRegistry()
        let audit = try test.registry.database.scalarInt("SELECT count(*) FROM audit_log")
        #expect(throws: RegistryError.invalidValue(
            field: "founded_on", value: "16.01.2026", rule: "is after today (2026-01-15); a founding date cannot be in the future")) {
            try test.registry.addEntity(Self.cis.merging([.foundedOn: "16.01.2026"]) { $1 })
        }
        #expect(try test.registry.database.scalarInt("SELECT count(*) FROM entities") == 0)
        #expect(try test.registry.database.scalarInt("SELECT count(*) FROM audit_log") == audit)
        let entity = try test.registry.addEntity(Self.cis.merging([.foundedOn: "2026-01-15"]) { $1 })
        #expect(entity.fields.foundedOn == (try Self.date("2026-01-15")))
    }

    @Test("today is the Polish day: at 23:30 UTC on 15 January it is already the 16th in Warsaw")
    func todayIsPolish() throws {
        let test = try TestRegistry(start: "2026-01-15T23:30:00Z")
        let entity = try test.registry.addEntity(Self.cis.merging([.foundedOn: "2026-01-16"]) { $1 })
        #expect(entity.fields.foundedOn == (try Self.date("2026-01-16")))
    }

    @Test("an update to a founding date after today is refused and records no version")
    func futureFoundingOnUpdate() throws {
        let test = try TestRegistry()
        let entity = try test.registry.addEntity(Self.cis)
        #expect(throws: RegistryError.invalidValue(
            field: "founded_on", value: "01.01.2031", rule: "is after today (2026-01-15); a founding date cannot be in the future")) {
            try test.registry.updateEntity(entity.id, [.foundedOn: "01.01.2031"])
        }
        #expect(try test.registry.entity(entity.id).version == 1)
        #expect(try test.registry.entityHistory(entity.id).count == 1)
    }

    @Test("an update setting the founding date after the recorded closing date is refused; an earlier one is accepted")
    func foundingAfterClosing() throws {
        let test = try TestRegistry()
        let entity = try test.registry.addEntity(Self.cis.merging([.foundedOn: "01.03.2015"]) { $1 })
        try test.registry.closeEntity(entity.id, on: try Self.date("2020-06-30"))
        #expect(throws: RegistryError.invalidValue(
            field: "founded_on", value: "2020-07-01",
            rule: "is after the closing date 2020-06-30 of entity \(entity.id); an entity cannot close before it is founded")) {
            try test.registry.updateEntity(entity.id, [.foundedOn: "01.07.2020"])
        }
        #expect(try test.registry.entity(entity.id).version == 2)
        // The closing day itself is the first day closed: founded and closed on one day is allowed, as `closeEntity` allows it.
        let (updated, changed) = try test.registry.updateEntity(entity.id, [.foundedOn: "30.06.2020"])
        #expect(changed)
        #expect(updated.fields.foundedOn == (try Self.date("2020-06-30")))
        // An update that leaves the founding date alone is not held to it.
        #expect(try test.registry.updateEntity(entity.id, [.phone: "+48 89 523 00 00"]).changed)
    }

    @Test("an effective date is held to the entity's life: not before its founding, not on or after its closing")
    func effectiveDateWithinLife() throws {
        let test = try TestRegistry()
        let entity = try test.registry.addEntity(Self.cis.merging([.foundedOn: "01.03.2015"]) { $1 })
        try test.registry.closeEntity(entity.id, on: try Self.date("2020-06-30"))
        for (day, rule) in [
            ("2015-02-28", "is before the founding date 2015-03-01 of entity \(entity.id)"),
            ("2020-06-30", "is on or after the closing date 2020-06-30 of entity \(entity.id)"),
            ("2020-07-01", "is on or after the closing date 2020-06-30 of entity \(entity.id)"),
        ] {
            #expect(throws: RegistryError.invalidValue(field: "effective_on", value: day, rule: rule)) {
                try test.registry.updateEntity(entity.id, [.city: "Dywity"], effectiveOn: try Self.date(day))
            }
        }
        #expect(try test.registry.entity(entity.id).version == 2)
        // The last day open and the founding day itself are in its life.
        #expect(try test.registry.updateEntity(entity.id, [.city: "Dywity"], effectiveOn: try Self.date("2020-06-29")).changed)
        #expect(try test.registry.updateEntity(entity.id, [.city: "Barczewo"], effectiveOn: try Self.date("2015-03-01")).changed)
    }

    static let header = "Nazwa;Forma prawna;NIP;TERYT gminy;Data założenia;Data zamknięcia"

    static func importing(_ test: TestRegistry, _ rows: [String], name: String = "in.csv") throws -> ImportReport {
        let file = test.directory.write(name, ([header] + rows).joined(separator: "\r\n") + "\r\n")
        return try test.registry.importFile(file, options: ImportOptions(target: .entities))
    }

    @Test("an import row with a founding date after today is rejected with its record, column, value and rule; nothing is written")
    func importFutureFounding() throws {
        let test = try TestRegistry()
        let report = try Self.importing(test, [
            "Fundacja A;fundacja;\(Generated.nip(1));2862011;01.03.2015;",
            "KGW B;kgw;\(Generated.nip(2));2862011;01.01.2031;",
        ])
        #expect(report.rejected == 1)
        #expect(report.errors == [RecordProblem(
            record: 2, line: 3, column: "Data założenia", value: "01.01.2031",
            message: "is after today (2026-01-15); a founding date cannot be in the future")])
        #expect(try test.registry.database.scalarInt("SELECT count(*) FROM entities") == 0)
    }

    @Test("an import row closing before its founding date is rejected, new or updating; nothing is written")
    func importClosingBeforeFounding() throws {
        let test = try TestRegistry()
        let first = try Self.importing(test, ["Fundacja A;fundacja;\(Generated.nip(1));2862011;01.03.2015;"], name: "first.csv")
        #expect(first.inserted == 1)
        let id = try test.registry.resolveEntity(Generated.nip(1))
        let content = try test.registry.database.dump()
        let report = try Self.importing(test, [
            "Fundacja A;fundacja;\(Generated.nip(1));2862011;01.03.2015;28.02.2015",
            "Fundacja C;fundacja;\(Generated.nip(3));2862011;01.03.2015;31.12.2014",
        ])
        #expect(report.rejected == 2)
        #expect(report.errors == [
            RecordProblem(record: 1, line: 2, column: "Data zamknięcia", value: "2015-02-28",
                          message: "is before the founding date 2015-03-01 of entity \(id); an entity cannot close before it is founded"),
            RecordProblem(record: 2, line: 3, column: "Data zamknięcia", value: "2014-12-31",
                          message: "is before the founding date 2015-03-01; an entity cannot close before it is founded"),
        ])
        #expect(try test.registry.database.dump() == content, "a refused import changed the registry's content")
        // A row whose founding date moves past the recorded closing date is refused as well.
        try test.registry.closeEntity(id, on: try Self.date("2020-06-30"))
        let moved = try Self.importing(test, ["Fundacja A;fundacja;\(Generated.nip(1));2862011;01.07.2020;30.06.2020"], name: "moved.csv")
        #expect(moved.errors.map(\.message) == [
            "is before the founding date 2020-07-01 of entity \(id); an entity cannot close before it is founded"])
        #expect(try test.registry.entity(id).version == 2)
    }
}
