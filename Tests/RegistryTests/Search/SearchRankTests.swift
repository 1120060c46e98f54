import CSQLite
import Foundation
import Testing
@testable import Registry
import SQLiteStore

@Suite("Search ranking")
struct SearchRankTests {
    static let weights = "10.0, 2.0, 1.0, 1.0, 3.0"
    static let queries = [
        "fundacja*", "spoldz*", "olsztyn*", "dluga*", "spoldz* socjal*", "kuchnia*", "warsztat* OR dluga*",
        "\"spoldzielnia socjalna\"", "gastronom*", "nr*", "lodz*",
    ]

    /// Entities of different lengths in several columns, added one by one and by an import whose
    /// rows span several 1,024-document chunks.
    static func populated() throws -> TestRegistry {
        let test = try TestRegistry()
        for index in 0..<40 {
            let kind: String = index % 2 == 0 ? "fundacja" : "spoldzielnia-socjalna"
            let prefix: String = index % 2 == 0 ? "Fundacja" : "Spółdzielnia Socjalna"
            let name: String = prefix + String(repeating: " Kuchnia Łódzka", count: index % 5) + " \(index)"
            let city: String = index % 3 == 0 ? "Olsztyn" : "Łódź"
            var input: EntityInput = [.kind: kind, .name: name, .city: city, .street: "ul. Długa \(index)"]
            if index % 4 == 0 { input[.note] = String(repeating: "warsztaty gastronomiczne ", count: index % 9 + 1) }
            try test.registry.addEntity(input)
        }
        // Longer than a stored length can say (255 tokens): ranking reads this one from FTS5.
        try test.registry.addEntity([.kind: "fundacja", .name: "Fundacja Długich Notatek", .city: "Olsztyn",
                                     .note: String(repeating: "kuchnia warsztaty gastronomiczne ", count: 100)])
        let header = "Nazwa;Forma prawna;NIP;Ulica;Miejscowość;Uwagi"
        let rows = (0..<2_100).map { n in
            "Spółdzielnia Socjalna Nr \(n)\(n % 7 == 0 ? " Kuchnia" : "");Spółdzielnia socjalna;\(Generated.nip(n * 7 + 3));"
                + "ul. Długa \(n % 50);\(n % 2 == 0 ? "Olsztyn" : "Łódź");\(n % 11 == 0 ? "gastronomia i catering" : "")"
        }
        let path = test.directory.write("many.csv", ([header] + rows).joined(separator: "\n") + "\n")
        _ = try test.registry.importFile(path, options: ImportOptions(target: .entities))
        return test
    }

    /// Each match's score from `function`, by rowid.
    static func scores(_ database: Database, _ function: String, _ query: String) throws -> [Int64: Double] {
        var result: [Int64: Double] = [:]
        try database.prepare("SELECT rowid, \(function) FROM entity_search WHERE entity_search MATCH ?")
            .forEachRow([.text(query)]) { row in result[Int64(row.int(at: 0) ?? 0)] = row.double(at: 1) }
        return result
    }

    static func expectSameAsBM25(_ database: Database, sourceLocation: SourceLocation = #_sourceLocation) throws {
        for query in queries {
            for arguments in ["", ", " + weights] {
                let ours = try scores(database, "\(SearchRank.name)(entity_search\(arguments))", query)
                let fts5 = try scores(database, "bm25(entity_search\(arguments))", query)
                #expect(!fts5.isEmpty, "\(query) matches nothing", sourceLocation: sourceLocation)
                #expect(ours == fts5, "\(query) with weights (\(arguments)) ranks differently from bm25", sourceLocation: sourceLocation)
            }
        }
    }

    @Test("registry_rank gives exactly bm25's scores, with and without column weights, across chunks")
    func sameScoresAsBM25() throws {
        let test = try Self.populated()
        let database = test.registry.database
        #expect(try database.scalarInt("SELECT count(*) FROM search_norms") == 3)
        #expect(try SearchNorms.mismatches(database).isEmpty)
        try Self.expectSameAsBM25(database)
    }

    @Test("search reports bm25's scores in bm25's order, for one word and several, limited or not, filtered or not",
          arguments: ["spoldz", "kuchnia", "olsztyn", "kuchnia lodz", "gastronom", "dluga 1", "lodzka"])
    func searchScores(_ text: String) throws {
        let test = try Self.populated()
        let registry = test.registry
        let match = try #require(SearchText.matchExpression(text))
        // bm25's best 30, ties in the order the entities were added.
        let expected = try registry.database.rows(
            """
            SELECT e.id, bm25(entity_search, \(Self.weights)) AS rank FROM entity_search JOIN entities e ON e.rowid = entity_search.rowid
            WHERE entity_search MATCH ? ORDER BY rank, e.rowid LIMIT 30
            """, [.text(match)]) { ($0.text(at: 0) ?? "", $0.double(at: 1) ?? 0) }
        #expect(expected.count > 1)
        let partitioned = try Self.partitionedPlan()
        // One connection, and (unfiltered) several ranking parts of the rowids at once.
        for (kinds, partitionFrom, plan) in [([], Int64.max, SearchPlan.oneConnection), (EntityKind.allCases, Int64.max, .oneConnection),
                                             (EntityKind.allCases, 0, .oneConnection), ([], 0, partitioned)] {
            registry.searchPartitionMinimum = partitionFrom
            registry.lastSearchPlan = nil
            var found: [(String, Double)] = []
            try registry.search(text, kinds: kinds, limit: 30) { entity, rank in found.append((entity.id, rank)) }
            #expect(registry.lastSearchPlan == plan, "kinds \(kinds.count), partitioned from \(partitionFrom)")
            #expect(found.map(\.0) == expected.map(\.0), "kinds \(kinds.count), partitioned from \(partitionFrom)")
            #expect(found.map(\.1) == expected.map(\.1), "kinds \(kinds.count), partitioned from \(partitionFrom)")
        }
    }

    /// The plan an unfiltered, limited search of a registry past `searchPartitionMinimum` must take:
    /// several connections when there are cores for them. One core is a missing capability: under
    /// CI (`CI=true`) that fails the test rather than letting it pass without the partitioned path.
    static func partitionedPlan(sourceLocation: SourceLocation = #_sourceLocation) throws -> SearchPlan {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        if cores < 2 {
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                Issue.record("the partitioned search needs a second core; this machine has \(cores)", sourceLocation: sourceLocation)
            }
            return .oneConnection
        }
        return .partitioned(connections: min(cores, 4))
    }

    @Test("a partitioned search whose connections cannot read the registry fails with their error, not silently on one connection")
    func partitionedFailureSurfaces() throws {
        let test = try Self.populated()
        let registry = test.registry
        registry.searchPartitionMinimum = 0
        guard try Self.partitionedPlan() != .oneConnection else { return }
        // The open connection keeps reading the moved files (write-ahead log too, which holds page 1);
        // new connections find no database at the path.
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: test.path + suffix) {
            try FileManager.default.moveItem(atPath: test.path + suffix, toPath: test.directory.file("moved.sqlite" + suffix))
        }
        test.directory.write("registry.sqlite", String(repeating: "not a database ", count: 1_000))
        registry.lastSearchPlan = nil
        do {
            try registry.search("kuchnia", limit: 10) { _, _ in }
            Issue.record("the search answered although its connections could not read the registry")
        } catch let error as DatabaseError {
            // A read's failure in the SQLite layer, as the CLI shows it: in the registry's words.
            guard case let .sqlite(code, _, message, _) = RegistryError(error) else { throw error }
            #expect(code == SQLITE_NOTADB && message == "file is not a database", "\(code) \(message)")
        }
        #expect(registry.lastSearchPlan == .oneConnection, "the partitioned path did not finish")
        // Filtered searches never open other connections, so they still answer.
        var found = 0
        try registry.search("kuchnia", kinds: [.fundacja], limit: 10) { _, _ in found += 1 }
        #expect(found == 10)
    }

    @Test("two rankings with different weights in one statement each get their own weights")
    func weightsPerCall() throws {
        let test = try Self.populated()
        func pairs(_ function: String) throws -> [[Double]] {
            try test.registry.database.rows(
                "SELECT \(function)(entity_search), \(function)(entity_search, \(Self.weights)) FROM entity_search WHERE entity_search MATCH 'kuchnia*' ORDER BY rowid"
            ) { [$0.double(at: 0) ?? 0, $0.double(at: 1) ?? 0] }
        }
        let ours = try pairs(SearchRank.name)
        #expect(ours.count > 10)
        #expect(ours == (try pairs("bm25")))
        #expect(ours.contains { $0[0] != $0[1] })
    }

    @Test("rowid ranges for parts cover every rowid once")
    func partitionRanges() {
        for (parts, last) in [(2, Int64(1_000_000)), (3, 10), (4, 3), (2, 1)] {
            let ranges = PartitionedRanking.ranges(parts: parts, lastRowid: last)
            #expect(ranges.count == parts)
            #expect(ranges.first?.lowerBound == Int64.min)
            #expect(ranges.last?.upperBound == Int64.max)
            for (left, right) in zip(ranges, ranges.dropFirst()) { #expect(left.upperBound + 1 == right.lowerBound) }
        }
    }

    @Test("the stored lengths follow adds, updates, closures, certificate scopes and imports")
    func lengthsFollowWrites() throws {
        let test = try Self.populated()
        let registry = test.registry
        let database = registry.database
        let nip = Generated.nip(3)
        try registry.updateEntity(nip, [.name: "Spółdzielnia Socjalna Kuchnia Olsztyńska Smaki Warmii i Mazur"])
        try registry.closeEntity(nip, on: try LocalDate.parse("2026-01-01", field: "d"))
        try registry.grantCertificate(entity: Generated.nip(10), scheme: "zakup-prospoleczny", details: CertificateDetails(
            validFrom: try LocalDate.parse("2026-01-15", field: "d"), decisionNo: "1/2026", issuer: "ROPS Olsztyn",
            scope: "catering kuchnia regionalna obiady dla szkół"))
        try registry.addEntity([.kind: "fundacja", .name: "Fundacja Nowa Kuchnia", .city: "Olsztyn"])
        let header = "Nazwa;Forma prawna;NIP;Uwagi"
        let rows = (0..<20).map { n in "Spółdzielnia Socjalna Nr \(n) Zmieniona;Spółdzielnia socjalna;\(Generated.nip(n * 7 + 3));nowa kuchnia" }
        let path = test.directory.write("changed.csv", ([header] + rows).joined(separator: "\n") + "\n")
        let report = try registry.importFile(path, options: ImportOptions(target: .entities))
        #expect(report.updated == 20)
        #expect(try SearchNorms.mismatches(database).isEmpty)
        try Self.expectSameAsBM25(database)
    }

    @Test("without stored lengths ranking asks FTS5, and check reports lengths out of step")
    func fallbackAndCheck() throws {
        let test = try Self.populated()
        let database = test.registry.database
        #expect(try test.registry.check().problems.isEmpty)
        // Chunk 0 rewritten: rowid 1 loses its length (the first mismatch check names), 20 and 21 get 255.
        try database.run("UPDATE search_norms SET lengths = x'0000000000000000000000000000000000000000FFFF0000' WHERE chunk = 0")
        #expect(try SearchNorms.mismatches(database).first == 1)
        #expect(try test.registry.check().problems.contains { $0.hasPrefix("search_norms:") && $0.contains("rowid 1 ") })
        // No lengths at all: the scores are still bm25's, read from FTS5's docsize.
        try database.run("DELETE FROM search_norms")
        try Self.expectSameAsBM25(database)
        try SearchNorms.rebuild(database)
        #expect(try test.registry.check().problems.isEmpty)
    }
}
