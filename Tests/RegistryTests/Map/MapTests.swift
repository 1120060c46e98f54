import Foundation
import Testing
@testable import Registry

@Suite("Map of resources and needs, change reports")
struct MapTests {
    /// Warmińsko-Mazurskie and Warsaw, with the clock moved between two rounds of changes:
    /// round 1 (2025-01-10) adds entities, resources, needs and a certificate; round 2 (2025-06-01)
    /// closes the KIS, turns the foundation into a cooperative, adds a CIS, moves an association to
    /// Warsaw, withdraws the resource and meets the training need.
    static func populated() throws -> (TestRegistry, ids: [String: String]) {
        let test = try TestRegistry(start: "2025-01-01T00:00:00Z")
        let r = test.registry
        var ids: [String: String] = [:]
        test.clock.set("2025-01-10T09:00:00Z")
        ids["cis"] = try r.addEntity([.kind: "cis", .name: "CIS Olsztyn", .teryt: "2862011"]).id
        ids["kis"] = try r.addEntity([.kind: "kis", .name: "KIS Bartoszyce", .teryt: "2801011"]).id
        ids["coop"] = try r.addEntity([.kind: "spoldzielnia-socjalna", .name: "Spółdzielnia Socjalna Razem",
                                       .teryt: "2801011", .nip: Generated.nip(11)]).id
        ids["foundation"] = try r.addEntity([.kind: "fundacja", .name: "Fundacja Frombork", .teryt: "2802034",
                                             .nip: Generated.nip(12)]).id
        ids["association"] = try r.addEntity([.kind: "stowarzyszenie", .name: "Stowarzyszenie Wędrowne",
                                              .teryt: "2862011", .nip: Generated.nip(13)]).id
        ids["warsaw"] = try r.addEntity([.kind: "wtz", .name: "WTZ Bemowo", .teryt: "1465028"]).id
        ids["lokal"] = try r.addResource(entity: ids["coop"]!, category: "lokal", description: "sala 80 m2", recordedOn: "2025-01-10").id
        ids["needCIS"] = try r.addNeed(entity: ids["cis"]!, category: "lokal", description: "pracownia", priority: "1", reportedOn: "2025-01-10").id
        ids["needCoop"] = try r.addNeed(entity: ids["coop"]!, category: "lokal", description: "magazyn", reportedOn: "2025-01-10").id
        ids["training"] = try r.addNeed(entity: ids["foundation"]!, category: "szkolenia", description: "księgowość", reportedOn: "2025-01-10").id
        try r.grantCertificate(entity: ids["coop"]!, scheme: "zakup-prospoleczny", details: CertificateDetails(
            validFrom: LocalDate(iso: "2025-01-10"), scope: "catering"))

        test.clock.set("2025-06-01T09:00:00Z")
        try r.closeEntity(ids["kis"]!, on: try #require(LocalDate(iso: "2025-05-31")))
        try r.updateEntity(ids["foundation"]!, [.kind: "spoldzielnia-socjalna", .name: "Spółdzielnia Socjalna Frombork"])
        ids["newCIS"] = try r.addEntity([.kind: "cis", .name: "CIS Braniewo", .teryt: "2802011"]).id
        try r.updateEntity(ids["association"]!, [.teryt: "1465011"])
        try r.withdrawResource(ids["lokal"]!, on: LocalDate(iso: "2025-06-01"))
        try r.closeNeed(ids["training"]!, on: LocalDate(iso: "2025-06-01"))
        test.clock.set("2026-01-15T10:00:00Z")
        return (test, ids)
    }

    @Test("every unit of the level is listed, empty ones with zero counts")
    func everyUnitListed() throws {
        let (test, _) = try Self.populated()
        let counties = try test.registry.map(level: .powiat, region: "28")
        #expect(counties.units.map(\.code) == (1...19).map { String(format: "28%02d", $0) } + ["2861", "2862"])
        let empty = try #require(counties.units.first { $0.code == "2806" })
        #expect(empty.name == "giżycki" && empty.entityCount == 0 && empty.entities.isEmpty && empty.openNeeds.isEmpty)
        #expect(empty.lacksCISAndKIS)

        let voivodeships = try test.registry.map(level: .wojewodztwo)
        #expect(voivodeships.units.count == 16)
        #expect(voivodeships.units.first { $0.code == "14" }?.entities == ["wtz": 1, "stowarzyszenie": 1])
        #expect(voivodeships.units.first { $0.code == "28" }?.entityCount == 4)
        #expect(voivodeships.units.first { $0.code == "02" }?.entityCount == 0)

        // Communes: the town part (2802034) counts in its urban-rural commune (2802033).
        let communes = try test.registry.map(level: .gmina, region: "2802")
        #expect(communes.units.map(\.code) == ["2802011", "2802022", "2802033", "2802042", "2802053", "2802062", "2802072"])
        #expect(communes.units.first { $0.code == "2802033" }?.entities == ["spoldzielnia-socjalna": 1])
        #expect(communes.units.first { $0.code == "2802011" }?.entities == ["cis": 1])
        // City districts count in the city.
        let warsaw = try test.registry.map(level: .gmina, region: "1465")
        #expect(warsaw.units.map(\.code) == ["1465011"])
        #expect(warsaw.units[0].entities == ["wtz": 1, "stowarzyszenie": 1])
    }

    @Test("--on before and after the changes")
    func onADay() throws {
        let (test, _) = try Self.populated()
        let before = try test.registry.map(level: .powiat, region: "28", on: LocalDate(iso: "2025-03-01"))
        let bartoszycki = try #require(before.units.first { $0.code == "2801" })
        #expect(bartoszycki.entities == ["kis": 1, "spoldzielnia-socjalna": 1])
        #expect(bartoszycki.holders == ["zakup-prospoleczny": 1])
        #expect(bartoszycki.resources == ["lokal": 1])
        #expect(bartoszycki.openNeeds == ["lokal": 1])
        #expect(bartoszycki.unmatchedNeeds.isEmpty && !bartoszycki.lacksCISAndKIS)
        #expect(before.units.first { $0.code == "2802" }?.entities == ["fundacja": 1])
        #expect(before.units.first { $0.code == "2802" }?.openNeeds == ["szkolenia": 1])
        #expect(before.units.first { $0.code == "2862" }?.entities == ["cis": 1, "stowarzyszenie": 1])

        let after = try test.registry.map(level: .powiat, region: "28", on: LocalDate(iso: "2025-07-01"))
        let later = try #require(after.units.first { $0.code == "2801" })
        #expect(later.entities == ["spoldzielnia-socjalna": 1])
        #expect(later.resources.isEmpty && later.openNeeds == ["lokal": 1] && later.unmatchedNeeds == ["lokal"])
        #expect(later.lacksCISAndKIS)
        #expect(after.units.first { $0.code == "2802" }?.entities == ["spoldzielnia-socjalna": 1, "cis": 1])
        #expect(after.units.first { $0.code == "2802" }?.openNeeds == [:])
        #expect(after.units.first { $0.code == "2862" }?.entities == ["cis": 1])

        // Before anything was recorded: every unit, all empty.
        let empty = try test.registry.map(level: .powiat, region: "28", on: LocalDate(iso: "2025-01-05"))
        #expect(empty.units.count == 21 && empty.units.allSatisfy { $0.entityCount == 0 && $0.holders.isEmpty })

        // Today: the certificate (one year from 2025-01-10) has lapsed.
        let now = try test.registry.map(level: .powiat, region: "28")
        #expect(now.units.allSatisfy { $0.holders.isEmpty })
        #expect(now.on == LocalDate(iso: "2026-01-15") && now.recordedAt == nil)
    }

    @Test("gaps: units without CIS and KIS, open needs without a matching resource")
    func gaps() throws {
        let (test, _) = try Self.populated()
        let map = try test.registry.map(level: .powiat, region: "28", on: LocalDate(iso: "2025-03-01"))
        #expect(map.unitsWithoutCISOrKIS.map(\.code) == map.units.map(\.code).filter { !["2801", "2862"].contains($0) })
        #expect(map.unitsWithUnmatchedNeeds.map(\.code) == ["2802", "2862"])
        #expect(map.units.first { $0.code == "2862" }?.unmatchedNeeds == ["lokal"])
        #expect(map.units.first { $0.code == "2802" }?.unmatchedNeeds == ["szkolenia"])
        guard case let .object(json) = map.json, case let .object(gaps) = json["gaps"] else {
            Issue.record("map JSON has no gaps object")
            return
        }
        #expect(gaps["unmatched_needs"] == .array([.string("2802"), .string("2862")]))
    }

    @Test("a region finer than the level is refused")
    func regionFinerThanLevel() throws {
        let (test, _) = try Self.populated()
        #expect(throws: RegistryError.self) { try test.registry.map(level: .wojewodztwo, region: "2801") }
        #expect(throws: RegistryError.self) { try test.registry.map(level: .powiat, region: "2801011") }
    }

    @Test("change report: additions, closures, kind changes and moves, with places")
    func changeReport() throws {
        let (test, ids) = try Self.populated()
        let report = try test.registry.changeReport(
            from: try #require(LocalDate(iso: "2025-03-01")), to: try #require(LocalDate(iso: "2025-07-01")), region: "28")
        #expect(report.kinds.map { "\($0.kind) \($0.from) \($0.to)" } == [
            "spoldzielnia-socjalna 1 2", "cis 1 2", "kis 1 0", "fundacja 1 0", "stowarzyszenie 1 0",
        ])
        #expect(report.totalFrom == 5 && report.totalTo == 4)
        #expect(report.changes.map(\.line) == [
            "+ CIS Braniewo (cis), Braniewo, powiat braniewski",
            "− KIS Bartoszyce (kis), Bartoszyce, powiat bartoszycki",
            "~ Spółdzielnia Socjalna Frombork (fundacja → spoldzielnia-socjalna), Frombork, powiat braniewski",
            "− Stowarzyszenie Wędrowne (stowarzyszenie), Olsztyn",
        ])
        #expect(report.changes.map(\.change) == [.appeared, .closed, .kindChanged, .movedOut])
        #expect(report.changes.map(\.id) == [ids["newCIS"], ids["kis"], ids["foundation"], ids["association"]])

        // Without a region the move is no change; per county, each unit's totals.
        let whole = try test.registry.changeReport(
            from: try #require(LocalDate(iso: "2025-03-01")), to: try #require(LocalDate(iso: "2025-07-01")), level: .powiat)
        #expect(!whole.changes.contains { $0.change == .movedOut || $0.change == .movedIn })
        #expect(whole.units.count == 380)
        #expect(whole.units.first { $0.code == "2801" }.map { [$0.from, $0.to] } == [2, 1])
        #expect(whole.units.first { $0.code == "1465" }.map { [$0.from, $0.to] } == [1, 2])
        #expect(whole.units.first { $0.code == "2806" }.map { [$0.from, $0.to] } == [0, 0])

        // The same day twice: nothing changed.
        let none = try test.registry.changeReport(
            from: try #require(LocalDate(iso: "2025-07-01")), to: try #require(LocalDate(iso: "2025-08-01")))
        #expect(none.changes.isEmpty && none.kinds.allSatisfy { $0.difference == 0 })
        #expect(throws: RegistryError.self) {
            try test.registry.changeReport(from: LocalDate(iso: "2025-08-01")!, to: LocalDate(iso: "2025-07-01")!)
        }
    }

    @Test("HTML: self-contained, with tables, SVG charts, the date and the filters")
    func html() throws {
        let (test, _) = try Self.populated()
        let map = try test.registry.map(level: .powiat, region: "28", on: LocalDate(iso: "2025-03-01"))
        let page = map.html(regionName: "Warmińsko-Mazurskie")
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        for needle in ["<svg", "bartoszycki", "giżycki", "Olsztyn", "2025-03-01", "Warmińsko-Mazurskie (28)", "@media print",
                       "<table>", "Luki"] {
            #expect(page.contains(needle), "missing \(needle)")
        }
        for forbidden in ["<script", "src=", "href=", "url(", "@import", "<link"] {
            #expect(!page.contains(forbidden), "has \(forbidden)")
        }
        // User text is escaped.
        try test.registry.addEntity([.kind: "inny", .name: "<b>A & B</b>", .teryt: "2806011"])
        let report = try test.registry.changeReport(from: LocalDate(iso: "2025-03-01")!, to: test.registry.today, region: "28")
        let reportPage = report.html()
        #expect(reportPage.contains("&lt;b&gt;A &amp; B&lt;/b&gt;") && !reportPage.contains("<b>A"))
        #expect(reportPage.contains("<svg") && reportPage.contains("KIS Bartoszyce"))
    }
}
