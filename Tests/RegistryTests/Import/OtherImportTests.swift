import Foundation
import Testing
@testable import Registry

@Suite("Certificate, resource and need imports; export round trip")
struct OtherImportTests {
    static func withEntities() throws -> TestRegistry {
        let test = try TestRegistry(start: "2019-01-01T00:00:00Z")
        try test.registry.addEntity([.kind: "spoldzielnia-socjalna", .name: "SS Warmianka", .nip: "5260250274", .teryt: "2862011"])
        try test.registry.addEntity([.kind: "cis", .name: "CIS Olsztyn", .krs: "123456", .teryt: "2862011", .capacity: "40",
                                     .foundedOn: "2014-09-01"])
        return test
    }

    @Test("certificate events import by NIP or KRS with scheme, event, dates, decision, issuer and scope; re-import changes nothing")
    func certificates() throws {
        let test = try Self.withEntities()
        let file = test.directory.write("cert.csv", """
            NIP;KRS;Znak;Zdarzenie;Data;Ważny od;Ważny do;Numer decyzji;Data decyzji;Wydający;Zakres
            526-025-02-74;;zakup-prospoleczny;przyznanie;;01.06.2019;;ZP/1/2019;20.05.2019;ROPS Olsztyn;"catering; obiady"
            ;123456;status-cis;granted;;2015-01-01;;WO-IV.1/2015;;Wojewoda Warmińsko-Mazurski;
            526-025-02-74;;zakup-prospoleczny;zawieszenie;10.01.2020;;;;;;
            526-025-02-74;;zakup-prospoleczny;przywrócenie;01.02.2020;;;;;;
            526-025-02-74;;zakup-prospoleczny;renewed;20.05.2020;;31.05.2021;ZP/7/2020;;ROPS Olsztyn;

            """)
        let report = try test.registry.importFile(file, options: ImportOptions(target: .certificates))
        #expect(report.errors == [])
        #expect((report.inserted, report.updated, report.unchanged) == (2, 3, 0))
        let holders = try test.registry.holders(scheme: "zakup-prospoleczny", on: LocalDate(iso: "2021-01-15"))
        #expect(holders.map(\.name) == ["SS Warmianka"])
        #expect(holders.first?.certificate.scope == "catering; obiady")
        #expect(holders.first?.certificate.validTo == LocalDate(iso: "2021-05-31"))
        #expect(try test.registry.holders(scheme: "zakup-prospoleczny", on: LocalDate(iso: "2020-01-15")).isEmpty)
        #expect(try test.registry.holders(scheme: "status-cis", on: LocalDate(iso: "2030-01-01")).map(\.name) == ["CIS Olsztyn"])
        let again = try test.registry.importFile(file, options: ImportOptions(target: .certificates))
        #expect((again.inserted, again.updated, again.unchanged, again.rejected) == (0, 0, 5, 0))
    }

    @Test("a refused certificate event is reported with its record and nothing half-written")
    func certificateErrors() throws {
        let test = try Self.withEntities()
        let file = test.directory.write("cert.csv", """
            nip,scheme,event,effective_on,valid_from
            5260250274,zakup-prospoleczny,granted,,2019-06-01
            5260250274,zakup-prospoleczny,reinstated,2019-07-01,
            """)
        let report = try test.registry.importFile(file, options: ImportOptions(target: .certificates, onError: .skip))
        #expect(report.inserted == 0)
        #expect(report.errors.count == 2)
        #expect(report.errors[0].record == 1)
        #expect(report.errors[0].message == "is required: zakup-prospoleczny covers named products or services")
        #expect(report.errors[1].message == "the entity holds no certificate of this scheme to apply the event to")
        #expect(try test.registry.database.scalarInt("SELECT count(*) FROM certificates") == 0)
        #expect(try test.registry.verifyAudit().isIntact)
    }

    @Test("resources and needs import, match again on re-import, and update")
    func resourcesAndNeeds() throws {
        let test = try Self.withEntities()
        let resources = test.directory.write("r.csv", """
            NIP podmiotu,Kategoria,Opis,Ilość,Jednostka,Data wpisu
            5260250274,uslugi-gastronomiczne,catering do 150 osób,150,osoby,2024-03-01
            5260250274,lokal,sala szkoleniowa,"40,5",m2,2024-03-01
            """)
        let first = try test.registry.importFile(resources, options: ImportOptions(target: .resources))
        #expect((first.inserted, first.rejected) == (2, 0))
        // Listed as held on a day after they were recorded (the registry's clock stands in 2019).
        let later = LocalDate(iso: "2024-10-01")
        #expect(try test.registry.resources(entity: "5260250274").isEmpty)
        #expect(try test.registry.resources(entity: "5260250274", on: later).map(\.quantity) == [40.5, 150])
        let again = try test.registry.importFile(resources, options: ImportOptions(target: .resources))
        #expect(again.unchanged == 2)
        let needs = test.directory.write("n.csv", """
            krs;kategoria;opis;priorytet;data zgłoszenia;data zaspokojenia
            123456;szkolenia;kurs HACCP dla uczestników;1;2024-04-01;
            123456;sprzet;piec konwekcyjny;2;2024-04-01;2024-09-30
            123456;rakiety;x;1;2024-04-01;
            """)
        let report = try test.registry.importFile(needs, options: ImportOptions(target: .needs, onError: .skip))
        #expect((report.inserted, report.rejected) == (2, 1))
        #expect(report.errors.first?.column == "kategoria")
        #expect(try test.registry.needs(entity: "krs:123456", on: later).map(\.description) == ["kurs HACCP dla uczestników"])
        #expect(try test.registry.needs(entity: "krs:123456", includeMet: true).count == 2)
    }

    @Test("export → import into a fresh registry → export gives identical files, ids preserved", arguments: ExportTarget.allCases.filter { $0 != .audit })
    func roundTrip(_ target: ExportTarget) throws {
        let test = try Self.withEntities()
        let registry = test.registry
        try registry.closeEntity("krs:123456", on: try LocalDate.parse("2025-12-31", field: "d"), reason: "likwidacja")
        try registry.addEntity([.kind: "fundacja", .name: "Fundacja „Cudzysłów”, z przecinkiem", .note: "linia 1\nlinia 2; \"cytat\"",
                                .latitude: "53,78", .longitude: "20.49", .teryt: "2801011"])
        let id = try registry.grantCertificate(entity: "5260250274", scheme: "zakup-prospoleczny", details: CertificateDetails(
            validFrom: LocalDate(iso: "2019-06-01"), decisionNo: "ZP/1", issuer: "ROPS Olsztyn", scope: "catering")).id
        test.clock.advance(seconds: 10)
        try registry.recordCertificateEvent(id, .suspended, on: try LocalDate.parse("2019-09-01", field: "d"), details: CertificateDetails(reason: "kontrola"))
        test.clock.advance(seconds: 10)
        try registry.correctCertificate(id, details: CertificateDetails(reason: "kontrola ROPS"))
        try registry.addResource(entity: "5260250274", category: "lokal", description: "sala", quantity: "40", unit: "m2", recordedOn: "2024-01-01")
        let need = try registry.addNeed(entity: "5260250274", category: "szkolenia", description: "HACCP", priority: "1", reportedOn: "2024-01-01")
        try registry.closeNeed(need.id, on: LocalDate(iso: "2024-06-30"))

        func exportAll(_ registry: Registry, to folder: String) throws {
            for target in [ExportTarget.entities, .certificates, .resources, .needs] {
                let writer = try RecordWriter(sink: try .file("\(folder)/\(target.rawValue).csv", protecting: registry.database.path), format: .csv,
                                              columns: Registry.exportColumns(target))
                try registry.export(target, to: writer)
            }
        }
        let first = test.directory.file("first")
        let second = test.directory.file("second")
        try FileManager.default.createDirectory(atPath: first, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: second, withIntermediateDirectories: true)
        try exportAll(registry, to: first)

        // The same "today" as the original, since `status` is the status on the day of the export.
        let fresh = try TestRegistry(start: "2019-01-01T00:01:00Z")
        for kind in [ImportTarget.entities, .certificates, .resources, .needs] {
            let report = try fresh.registry.importFile("\(first)/\(kind.rawValue).csv", options: ImportOptions(target: kind))
            #expect(report.errors == [], "\(kind)")
        }
        try exportAll(fresh.registry, to: second)
        let a = try String(contentsOfFile: "\(first)/\(target.rawValue).csv", encoding: .utf8)
        let b = try String(contentsOfFile: "\(second)/\(target.rawValue).csv", encoding: .utf8)
        #expect(a == b)
        #expect(a.split(separator: "\n").count > 1)
    }

    @Test("--excel writes a BOM, ; and CRLF")
    func excelBytes() throws {
        let test = try Self.withEntities()
        let path = test.directory.file("excel.csv")
        let writer = try RecordWriter(sink: try .file(path, protecting: test.registry.database.path), format: .csv, columns: Registry.exportColumns(.entities), excel: true)
        try test.registry.export(.entities, to: writer)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        #expect(text.hasPrefix("id;kind;name;nip;"))
        #expect(text.components(separatedBy: "\r\n").count == 4)
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
    }

    @Test("JSON and NDJSON parse; GeoJSON is a FeatureCollection of Points with the row as properties")
    func formats() throws {
        let test = try Self.withEntities()
        try test.registry.updateEntity("5260250274", [.latitude: "53.78", .longitude: "20.49"])
        func export(_ format: RecordFormat) throws -> Data {
            let path = test.directory.file("out.\(format.rawValue)")
            let writer = try RecordWriter(sink: try .file(path, protecting: test.registry.database.path), format: format, columns: Registry.exportColumns(.entities))
            try test.registry.export(.entities, to: writer)
            return try Data(contentsOf: URL(fileURLWithPath: path))
        }
        let array = try #require(try JSONSerialization.jsonObject(with: export(.json)) as? [[String: Any]])
        #expect(array.count == 2)
        let lines = String(decoding: try export(.ndjson), as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 2)
        for line in lines { #expect(try JSONSerialization.jsonObject(with: Data(line.utf8)) is [String: Any]) }
        let geo = try #require(try JSONSerialization.jsonObject(with: export(.geojson)) as? [String: Any])
        #expect(geo["type"] as? String == "FeatureCollection")
        let features = try #require(geo["features"] as? [[String: Any]])
        #expect(features.count == 1)
        let geometry = try #require(features[0]["geometry"] as? [String: Any])
        #expect(geometry["type"] as? String == "Point")
        #expect(geometry["coordinates"] as? [Double] == [20.49, 53.78])
        #expect((features[0]["properties"] as? [String: Any])?["nip"] as? String == "5260250274")
    }

    @Test("export --on gives the state on that day")
    func exportOn() throws {
        let test = try TestRegistry(start: "2025-01-01T00:00:00Z")
        try test.registry.addEntity([.kind: "kgw", .name: "KGW Stara Nazwa", .krs: "1"])
        test.clock.set("2025-06-01T00:00:00Z")
        try test.registry.updateEntity("krs:1", [.name: "KGW Nowa Nazwa"])
        let path = test.directory.file("on.csv")
        let writer = try RecordWriter(sink: try .file(path, protecting: test.registry.database.path), format: .csv, columns: Registry.exportColumns(.entities))
        try test.registry.export(.entities, to: writer, on: LocalDate(iso: "2025-03-01"))
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("KGW Stara Nazwa"))
    }
}
