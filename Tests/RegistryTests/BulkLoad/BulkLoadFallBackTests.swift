import Foundation
import Testing
@testable import Registry

/// A first load that meets two rows with one registry id goes on row by row from that row, with
/// the same outcome as the import done row by row from the start.
@Suite("first load falling back at a clash")
struct BulkLoadFallBackTests {
    static let header = "id;Nazwa;Forma prawna;NIP;Miejscowość;TERYT gminy"

    static func id(_ n: Int) -> String {
        String(format: "01900000-0000-7000-8000-%012x", n)
    }

    /// 3,000 foundations with registry ids and NIPs (six batches of the row pipeline), with invalid
    /// rows and units without identifiers on both sides of the clash at record 2000.
    static func rows() -> [String] {
        (0..<3_000).map { n in
            let foundation = { (id: String, nip: String) in "\(id);Fundacja \(n);Fundacja;\(nip);Żórawina;2862011" }
            switch n {
            case 99, 2_500: return "\(id(n));Bez formy \(n);;\(Generated.nip(n * 3 + 2));Żórawina;2862011"
            case 200, 201: return ";KIS Żórawina \(n);KIS;;Żórawina;2862011"
            case 2_400: return ";KIS Żórawina 200;KIS;;Żórawina;2862011"
            case 1_999: return foundation(id(1_499), Generated.nip(n * 3 + 2))  // the id of record 1500: the clash
            case 2_300: return foundation("", Generated.nip(10 * 3 + 2))  // the NIP of record 11
            case 2_301: return foundation("", Generated.nip(500 * 3 + 2))  // the NIP of record 501
            case 2_600: return foundation(id(2_100), Generated.nip(n * 3 + 2))  // the id of record 2101
            default: return foundation(id(n), Generated.nip(n * 3 + 2))
            }
        }
    }

    /// What an import did and left, without what differs between any two imports (generated ids, times).
    struct Outcome: Equatable {
        let counts: [Int]
        let errors: [RecordProblem]
        let actions: [String]
        let rejects: String
        let entities: [String]
        let searchRows: Int
    }

    static func outcome(_ test: TestRegistry, _ report: ImportReport, rejects: String) throws -> Outcome {
        let database = test.registry.database
        return Outcome(
            counts: [report.rows, report.inserted, report.updated, report.unchanged, report.rejected],
            errors: report.errors,
            actions: report.actions.map { "\($0.record) \($0.action)" },
            rejects: try String(contentsOfFile: rejects, encoding: .utf8),
            entities: try database.rows(
                """
                SELECT CASE WHEN id LIKE '01900000-%' THEN id ELSE '' END || ' ' || name || ' ' || coalesce(nip, '')
                       || ' ' || version FROM entities WHERE name <> 'Inna Fundacja' ORDER BY name
                """) { $0.text(at: 0) ?? "" },
            searchRows: try database.scalarInt("SELECT count(*) FROM entity_search WHERE name <> 'inna fundacja'") ?? -1)
    }

    /// The file imported row by row from the start: into a registry that holds an unrelated entity,
    /// which no row matches.
    static func rowByRow(_ text: String, options: ImportOptions) throws -> Outcome {
        let test = try TestRegistry()
        _ = try test.registry.addEntity([.kind: "fundacja", .name: "Inna Fundacja", .teryt: "2862011"])
        var options = options
        options.rejectsPath = test.directory.file("rejects.csv")
        let report = try test.registry.importFile(test.directory.write("in.csv", text), options: options)
        #expect(test.registry.lastBulkLoadFallBack == nil)
        return try outcome(test, report, rejects: test.directory.file("rejects.csv"))
    }

    @Test("a registry id repeated in a first load: the rows go on row by row from the clash, none lost or doubled, as if imported row by row")
    func inPlace() throws {
        let text = ([Self.header] + Self.rows()).joined(separator: "\n") + "\n"
        let options = ImportOptions(target: .entities, onError: .skip, recordActions: true)
        let expected = try Self.rowByRow(text, options: options)
        #expect(expected.counts == [3_000, 2_993, 0, 1, 6])
        #expect(expected.errors.filter { $0.message.hasPrefix("already given") }.map(\.record) == [2_000, 2_301, 2_302, 2_601])
        #expect(expected.errors.first { $0.record == 2_000 }?.message == "already given in record 1500 of this file")
        #expect(expected.errors.first { $0.record == 2_302 }?.message == "already given in record 501 of this file")
        #expect(expected.entities.count == 2_993 && expected.searchRows == 2_993)

        let test = try TestRegistry()
        var written = options
        written.rejectsPath = test.directory.file("rejects.csv")
        let report = try test.registry.importFile(test.directory.write("in.csv", text), options: written)
        #expect(test.registry.lastBulkLoadFallBack == .inPlace)
        #expect(test.registry.search.builtLastLoadBeside, "the search build went on")
        #expect(try Self.outcome(test, report, rejects: test.directory.file("rejects.csv")) == expected)
        #expect(try test.registry.database.scalarInt("SELECT count(DISTINCT name) FROM entities") == 2_993)
        #expect(try test.registry.check().isHealthy)
        #expect(try test.registry.verifyAudit().isIntact)
        var found: [String] = []
        try test.registry.search("fundacja 2999") { entity, _ in found.append(entity.fields.name) }
        #expect(found == ["Fundacja 2999"])
    }

    @Test("rows with only a registry id before the clash: the import is done again row by row, with the same outcome")
    func rerun() throws {
        var rows = (0..<700).map { n in "\(Self.id(n));KGW \(n);KGW;;Żórawina;2862011" }
        rows[650] = "\(Self.id(3));KGW 650;KGW;;Żórawina;2862011"
        let text = ([Self.header] + rows).joined(separator: "\n") + "\n"
        let options = ImportOptions(target: .entities, onError: .skip, recordActions: true)
        let expected = try Self.rowByRow(text, options: options)
        #expect(expected.counts == [700, 699, 0, 0, 1])

        let test = try TestRegistry()
        var written = options
        written.rejectsPath = test.directory.file("rejects.csv")
        let report = try test.registry.importFile(test.directory.write("in.csv", text), options: written)
        #expect(test.registry.lastBulkLoadFallBack == .rerun)
        #expect(try Self.outcome(test, report, rejects: test.directory.file("rejects.csv")) == expected)
        #expect(try test.registry.check().isHealthy)
    }

    @Test("a unit with only a registry id, then rows without identifiers of its kind, name and commune: a first load matches them as row by row does, and a re-import adds no second unit")
    func unitsWithOnlyAnID() throws {
        var rows = (0..<600).map { n in "\(Self.id(n));Fundacja \(n);Fundacja;\(Generated.nip(n * 3 + 2));Żórawina;2862011" }
        rows[10] = "\(Self.id(10));KIS Żórawina;KIS;;Żórawina;2862011"
        rows[20] = ";KIS Żórawina;KIS;;Żórawina;2862011"  // the unit of record 11
        rows[30] = "\(Self.id(30));CIS Żórawina;CIS;;Żórawina;2862011"
        rows[40] = "\(Self.id(40));CIS Żórawina;CIS;;Żórawina;2862011"  // a second such unit
        rows[50] = ";CIS Żórawina;CIS;;Żórawina;2862011"  // two match: neither is taken, a third is added
        let text = ([Self.header] + rows).joined(separator: "\n") + "\n"
        let options = ImportOptions(target: .entities, onError: .skip, recordActions: true)
        let expected = try Self.rowByRow(text, options: options)
        #expect(expected.counts == [600, 599, 0, 1, 0])
        #expect(expected.actions[20] == "21 unchanged")

        let test = try TestRegistry()
        var written = options
        written.rejectsPath = test.directory.file("rejects.csv")
        let path = test.directory.write("in.csv", text)
        let report = try test.registry.importFile(path, options: written)
        #expect(test.registry.lastBulkLoadFallBack == nil, "a first load, with no clash")
        #expect(try Self.outcome(test, report, rejects: test.directory.file("rejects.csv")) == expected)
        _ = try test.registry.importFile(path, options: options)
        #expect(try test.registry.database.scalarInt("SELECT count(*) FROM entities WHERE name = 'KIS Żórawina'") == 1)
    }
}
