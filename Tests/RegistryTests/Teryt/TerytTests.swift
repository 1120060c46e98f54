import Foundation
import Testing
@testable import Registry

@Suite("TERYT dictionary")
struct TerytTests {
    @Test("the bundled TERC edition is seeded with levels and communes linked")
    func seeded() throws {
        let test = try TestRegistry()
        let registry = test.registry
        let counts = try registry.database.rows("SELECT level, count(*) FROM teryt_units GROUP BY level ORDER BY level") {
            "\($0.text(at: 0) ?? "")=\($0.int(at: 1) ?? 0)"
        }
        #expect(counts.contains("wojewodztwo=16"))
        #expect(counts.contains("powiat=380"))
        #expect(counts.contains("gmina=2477"))
        let part = try #require(try registry.terytUnit(code: "0201045"))
        #expect(part.level == .czesc)
        #expect(part.communeCode == "0201043")
        let district = try #require(try registry.terytUnit(code: "1465028"))
        #expect(district.name == "Bemowo")
        #expect(district.communeCode == "1465011")
    }

    @Test("find ignores case and diacritics, ł included, and names the county and voivodeship")
    func find() throws {
        let test = try TestRegistry()
        for query in ["Łódź", "lodz", "LODZ"] {
            let matches = try test.registry.findTeryt(name: query, level: .gmina)
            #expect(matches.map(\.unit.code) == ["1061011"], "\(query)")
        }
        let matches = try test.registry.findTeryt(name: "Borzytuchom")
        #expect(matches.first?.description == "2201012 Borzytuchom (gmina wiejska), powiat bytowski, woj. pomorskie")
    }

    @Test("an ambiguous commune name lists its candidates; county narrows it")
    func resolve() throws {
        let test = try TestRegistry()
        do {
            _ = try test.registry.resolveCommune(name: "Bolesławiec")
            Issue.record("expected ambiguous")
        } catch let RegistryError.ambiguous(_, _, candidates) {
            #expect(candidates.count == 3)
            #expect(candidates.contains { $0.hasPrefix("1018012 Bolesławiec (gmina wiejska), powiat wieruszowski") })
        }
        #expect(try test.registry.resolveCommune(name: "Bolesławiec", county: "wieruszowski") == "1018012")
        #expect(try test.registry.resolveCommune(name: "borzytuchom") == "2201012")
        #expect(throws: RegistryError.notFound(kind: "TERYT commune", reference: "Atlantyda")) {
            try test.registry.resolveCommune(name: "Atlantyda")
        }
    }

    @Test("a newer edition adds, renames and abolishes units, keeping every version and a batch")
    func update() throws {
        let test = try TestRegistry()
        let file = test.directory.write("TERC_2025-01-01.csv", """
            \u{FEFF}WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA\r
            02;;;;DOLNOŚLĄSKIE;województwo;2025-01-01\r
            02;01;;;bolesławiecki;powiat;2025-01-01\r
            02;01;01;1;Bolesławiec Nowy;gmina miejska;2025-01-01\r
            02;01;07;2;Nowa Gmina;gmina wiejska;2025-01-01\r

            """)
        let report = try test.registry.importTeryt(from: file)
        #expect(report.edition == "2025-01-01")
        #expect(report.added == 1)
        #expect(report.renamed == 1)
        #expect(report.unchanged == 2)
        #expect(report.abolished == 4194 - 3)
        let renamed = try #require(try test.registry.terytUnit(code: "0201011"))
        #expect(renamed.name == "Bolesławiec Nowy")
        let gone = try #require(try test.registry.terytUnit(code: "0201022"))
        #expect(gone.abolishedIn == "2025-01-01")
        let versions = try test.registry.database.rows(
            "SELECT name FROM teryt_unit_versions WHERE code = '0201011' ORDER BY version") { $0.text(at: 0) ?? "" }
        #expect(versions == ["Bolesławiec", "Bolesławiec Nowy"])
        #expect(try test.registry.database.scalarInt("SELECT count(*) FROM import_batches WHERE target = 'teryt'") == 2)
        // The batch row holds the counts and is finished.
        let batch = try test.registry.database.rows(
            "SELECT rows, inserted, updated, unchanged, finished_at <> '' FROM import_batches WHERE id = ?",
            [.text(report.batchID)]) { row in (0..<5).map { row.int(at: $0) ?? -1 } }
        #expect(batch == [[4, 1, 1 + 4194 - 3, 2, 1]])
        #expect(try test.registry.verifyAudit().isIntact)
    }

    @Test("a file that is not a TERC file is refused before anything changes")
    func notTerc() throws {
        let test = try TestRegistry()
        let file = test.directory.write("x.csv", "a;b\n1;2\n")
        #expect(throws: RegistryError.malformedFile(path: file, line: 1, message: "not a TERC file: column WOJ is missing (expected WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA)")) {
            try test.registry.importTeryt(from: file)
        }
    }
}
