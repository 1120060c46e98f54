import Foundation
import Testing
@testable import Registry

@Suite("Spreadsheet guard on import and in rejects files")
struct SpreadsheetImportTests {
    @Test("every import target removes the guard, after trimming; a ' before anything else stays")
    func importsUnguard() throws {
        let test = try OtherImportTests.withEntities()
        let database = test.registry.database
        let entities = test.directory.write("e.csv", """
            Nazwa;Forma prawna;NIP;Ulica;Uwagi
            "'=HYPERLINK(""http://x"",""click"")";fundacja;\(Generated.nip(1));  '@ulica  ;'abc
            "'=cmd|' /C calc'!A0";fundacja;\(Generated.nip(2));''-1;"'\t9"
            """)
        let report = try test.registry.importFile(entities, options: ImportOptions(target: .entities))
        #expect(report.errors == [])
        let first = try database.rows("SELECT name, street, note FROM entities WHERE nip = ?", [.text(Generated.nip(1))]) {
            [$0.text(at: 0), $0.text(at: 1), $0.text(at: 2)]
        }
        #expect(first == [[#"=HYPERLINK("http://x","click")"#, "@ulica", "'abc"]])
        let second = try database.rows("SELECT name, street, note FROM entities WHERE nip = ?", [.text(Generated.nip(2))]) {
            [$0.text(at: 0), $0.text(at: 1), $0.text(at: 2)]
        }
        // The import's values are trimmed again by the entity rules: a guarded TAB is dropped there.
        #expect(second == [["=cmd|' /C calc'!A0", "'-1", "9"]])

        let resources = test.directory.write("r.csv", """
            NIP podmiotu;Kategoria;Opis;Ilość;Jednostka;Data wpisu
            5260250274;lokal;'+48 sala;40;'@m2;2024-03-01
            """)
        #expect(try test.registry.importFile(resources, options: ImportOptions(target: .resources)).errors == [])
        #expect(try database.scalarText("SELECT description || '|' || unit FROM resources") == "+48 sala|@m2")

        let needs = test.directory.write("n.csv", """
            krs;kategoria;opis;priorytet;data zgłoszenia
            123456;szkolenia;'-kurs;1;2024-04-01
            """)
        #expect(try test.registry.importFile(needs, options: ImportOptions(target: .needs)).errors == [])
        #expect(try database.scalarText("SELECT description FROM needs") == "-kurs")

        let certificates = test.directory.write("c.csv", """
            NIP;Znak;Zdarzenie;Ważny od;Wydający;Zakres
            526-025-02-74;zakup-prospoleczny;przyznanie;01.06.2019;'=ROPS;'abc
            """)
        #expect(try test.registry.importFile(certificates, options: ImportOptions(target: .certificates)).errors == [])
        #expect(try database.scalarText("SELECT issuer || '|' || scope FROM certificate_events") == "=ROPS|'abc")
    }

    @Test("a rejects file guards the rejected cells and the header, and re-imports each cell as it imported")
    func rejectsFile() throws {
        let test = try TestRegistry()
        let file = test.directory.write("in.csv", """
            Nazwa;Forma prawna;NIP;Uwagi;'-kolumna
            =cmd|' /C calc'!A0;fundacja;1234567890;'=x;+1+1
            Fundacja;fundacja;@SUM(1);"\t=y";'abc
            Dobra;fundacja;\(Generated.nip(3));-;@
            """)
        let rejects = test.directory.file("rejects.csv")
        let report = try test.registry.importFile(
            file, options: ImportOptions(target: .entities, onError: .skip, rejectsPath: rejects))
        #expect((report.inserted, report.rejected) == (1, 2))
        #expect(report.warnings == [#"ignored columns: "-kolumna""#])
        let text = try SpreadsheetCellTests.text(rejects)
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines[0] == "Nazwa;Forma prawna;NIP;Uwagi;'-kolumna;error")
        #expect(lines[1].hasPrefix("'=cmd|' /C calc'!A0;fundacja;1234567890;'=x;'+1+1;"))
        #expect(lines[2].hasPrefix("Fundacja;fundacja;'@SUM(1);'=y;''abc;"))
        #expect(lines[2].contains(#"column NIP ""@SUM(1)"""#))

        // Fixed, the rejects file imports the values the original file held.
        let fixed = test.directory.write("fixed.csv", text
            .replacingOccurrences(of: "1234567890", with: Generated.nip(1))
            .replacingOccurrences(of: "'@SUM(1)", with: Generated.nip(2)))
        let again = try test.registry.importFile(fixed, options: ImportOptions(target: .entities))
        #expect((again.inserted, again.rejected) == (2, 0))
        let notes = try test.registry.database.rows("SELECT name, note FROM entities ORDER BY name") {
            [$0.text(at: 0), $0.text(at: 1)]
        }
        #expect(notes == [["=cmd|' /C calc'!A0", "=x"], ["Dobra", "-"], ["Fundacja", "=y"]])
    }
}
