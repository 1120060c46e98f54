import Foundation
import Testing
@testable import Registry
import SQLiteStore

@Suite("Query, search, SQL")
struct QueryTests {
    /// Four entities in two voivodeships, one closed, one updated, with the clock moved between changes.
    static func populated() throws -> TestRegistry {
        let test = try TestRegistry(start: "2025-01-01T00:00:00Z")
        let registry = test.registry
        test.clock.set("2025-01-10T09:00:00Z")
        try registry.addEntity([.kind: "spoldzielnia-socjalna", .name: "Spółdzielnia Socjalna Łódzkie Smaki", .nip: Generated.nip(1),
                                .teryt: "1061011", .city: "Łódź", .pkd: "56.29.Z", .foundedOn: "2015-05-01",
                                .latitude: "51.76", .longitude: "19.46"])
        try registry.addEntity([.kind: "cis", .name: "CIS Olsztyn", .teryt: "2862011", .city: "Olsztyn", .regon: Generated.regon9(3),
                                .foundedOn: "2008-09-01", .note: "warsztaty gastronomiczne"])
        try registry.addEntity([.kind: "kis", .name: "KIS Bartoszyce", .teryt: "2801011", .krs: "77", .foundedOn: "2011-03-15"])
        try registry.addEntity([.kind: "fundacja", .name: "Fundacja Zamknięta", .nip: Generated.nip(2), .teryt: "2801011"])
        test.clock.set("2025-06-01T09:00:00Z")
        try registry.updateEntity("krs:77", [.name: "Klub Integracji Społecznej w Bartoszycach"])
        try registry.closeEntity(Generated.nip(2), on: try LocalDate.parse("2025-05-31", field: "d"))
        test.clock.set("2026-01-15T10:00:00Z")
        return test
    }

    func names(_ registry: Registry, _ configure: (inout EntityQuery) -> Void) throws -> [String] {
        var query = EntityQuery()
        configure(&query)
        var names: [String] = []
        try registry.query(query) { names.append($0.fields.name) }
        return names
    }

    @Test("the closing day is the first day closed: an entity closed today is no longer active, one closing tomorrow still is")
    func closingDayBoundary() throws {
        let test = try Self.populated()
        let registry = test.registry
        // The clock says 2026-01-15.
        try registry.closeEntity("krs:77", on: try LocalDate.parse("2026-01-15", field: "d"))
        try registry.closeEntity(Generated.nip(1), on: try LocalDate.parse("2026-01-16", field: "d"))
        let active = try names(registry) { $0.status = .active }
        #expect(!active.contains("Klub Integracji Społecznej w Bartoszycach"))
        #expect(active.contains("Spółdzielnia Socjalna Łódzkie Smaki"))
        let closed = try names(registry) { $0.status = .closed }
        #expect(closed.contains("Klub Integracji Społecznej w Bartoszycach"))
        #expect(!closed.contains("Spółdzielnia Socjalna Łódzkie Smaki"))
    }

    @Test("each filter alone")
    func filters() throws {
        let test = try Self.populated()
        let r = test.registry
        #expect(try names(r) { _ in } == ["CIS Olsztyn", "Klub Integracji Społecznej w Bartoszycach", "Spółdzielnia Socjalna Łódzkie Smaki"])
        #expect(try names(r) { $0.kinds = [.cis, .kis] } == ["CIS Olsztyn", "Klub Integracji Społecznej w Bartoszycach"])
        #expect(try names(r) { $0.region = "28" } == ["CIS Olsztyn", "Klub Integracji Społecznej w Bartoszycach"])
        #expect(try names(r) { $0.region = "2801" } == ["Klub Integracji Społecznej w Bartoszycach"])
        #expect(try names(r) { $0.region = "2862011" } == ["CIS Olsztyn"])
        #expect(try names(r) { $0.regionName = "łódzkie" } == ["Spółdzielnia Socjalna Łódzkie Smaki"])
        #expect(try names(r) { $0.regionName = "bartoszycki" } == ["Klub Integracji Społecznej w Bartoszycach"])
        #expect(try names(r) { $0.status = .closed } == ["Fundacja Zamknięta"])
        #expect(try names(r) { $0.status = .all }.count == 4)
        #expect(try names(r) { $0.pkd = "56" } == ["Spółdzielnia Socjalna Łódzkie Smaki"])
        #expect(try names(r) { $0.pkd = "5629" } == ["Spółdzielnia Socjalna Łódzkie Smaki"])
        #expect(try names(r) { $0.pkd = "57" }.isEmpty)
        #expect(try names(r) { $0.foundedFrom = LocalDate(iso: "2010-01-01"); $0.foundedTo = LocalDate(iso: "2012-01-01") } == ["Klub Integracji Społecznej w Bartoszycach"])
        #expect(try names(r) { $0.nip = Generated.nip(1) } == ["Spółdzielnia Socjalna Łódzkie Smaki"])
        #expect(try names(r) { $0.regon = Generated.regon9(3) } == ["CIS Olsztyn"])
        #expect(try names(r) { $0.krs = "0000000077" } == ["Klub Integracji Społecznej w Bartoszycach"])
        #expect(try names(r) { $0.text = "gastronom" } == ["CIS Olsztyn"])
        #expect(try names(r) { $0.limit = 1 } == ["CIS Olsztyn"])
        #expect(try names(r) { $0.sort = .founded } == ["CIS Olsztyn", "Klub Integracji Społecznej w Bartoszycach", "Spółdzielnia Socjalna Łódzkie Smaki"])
        #expect(try names(r) { $0.sort = .kind } == ["CIS Olsztyn", "Klub Integracji Społecznej w Bartoszycach", "Spółdzielnia Socjalna Łódzkie Smaki"])
    }

    @Test("filters combine")
    func combined() throws {
        let test = try Self.populated()
        #expect(try names(test.registry) { $0.region = "28"; $0.kinds = [.kis]; $0.foundedFrom = LocalDate(iso: "2011-01-01") }
                == ["Klub Integracji Społecznej w Bartoszycach"])
        #expect(try names(test.registry) { $0.region = "28"; $0.status = .all; $0.kinds = [.fundacja] } == ["Fundacja Zamknięta"])
        #expect(try names(test.registry) { $0.region = "10"; $0.kinds = [.cis] }.isEmpty)
    }

    @Test("--on shows entities as they were: before an update and before a closure")
    func asOf() throws {
        let test = try Self.populated()
        let before = LocalDate(iso: "2025-03-01")
        #expect(try names(test.registry) { $0.on = before; $0.region = "2801" } == ["Fundacja Zamknięta", "KIS Bartoszyce"])
        #expect(try names(test.registry) { $0.on = before; $0.status = .closed }.isEmpty)
        #expect(try names(test.registry) { $0.on = LocalDate(iso: "2025-07-01"); $0.region = "2801" } == ["Klub Integracji Społecznej w Bartoszycach"])
        // The world on a day before anything was recorded: the entities founded by then, in the
        // version in effect (the KIS's new name holds from the day it was recorded); as the
        // registry knew it that day, nothing.
        let earlier = LocalDate(iso: "2024-12-31")
        #expect(try names(test.registry) { $0.on = earlier } == ["CIS Olsztyn", "KIS Bartoszyce", "Spółdzielnia Socjalna Łódzkie Smaki"])
        #expect(try names(test.registry) { $0.on = earlier; $0.recordedAt = "2024-12-31T22:59:59.999999Z" }.isEmpty)
        #expect(try names(test.registry) { $0.on = earlier; $0.recordedAt = "2025-01-10T09:00:00.000000Z" }
                == ["CIS Olsztyn", "KIS Bartoszyce", "Spółdzielnia Socjalna Łódzkie Smaki"])
    }

    @Test("hostile filter values match only themselves", arguments: ["x' OR 1=1 --", "%", "_", "\"", "'", "\u{0}", String(repeating: "ą", count: 10_000)])
    func hostile(_ value: String) throws {
        let test = try Self.populated()
        let r = test.registry
        // An entity named with the value, holding a scheme whose code is the value (written straight
        // into the tables: `addScheme` allows no such code), and another holding a real scheme.
        let named = "Fundacja " + value
        try r.addEntity([.kind: "fundacja", .name: named, .nip: Generated.nip(50), .teryt: "2862011", .foundedOn: "2020-01-01"])
        try r.database.run("""
            INSERT INTO schemes (code, name, issuer_type, default_validity_months, scoped, description, created_at)
            VALUES (?1, 'Znak ' || ?1, 'test', NULL, 0, NULL, '2025-01-01T00:00:00Z')
            """, [.text(value)])
        try r.database.run("INSERT INTO scheme_kinds (scheme_code, kind) VALUES (?, 'fundacja')", [.text(value)])
        // Both held today (2026-01-15): the test scheme has no end, the real one runs a year.
        try r.grantCertificate(entity: Generated.nip(50), scheme: value, details: CertificateDetails(validFrom: LocalDate(iso: "2025-01-01"), issuer: "ROPS"))
        try r.grantCertificate(entity: Generated.nip(1), scheme: "zakup-prospoleczny",
                               details: CertificateDetails(validFrom: LocalDate(iso: "2025-06-01"), issuer: "ROPS", scope: "catering"))
        let before = try r.database.dump()

        // Free text is bound, never spliced into SQL: each value finds exactly what equals it.
        #expect(try names(r) { $0.holds = value } == [named])
        #expect(try names(r) { $0.holds = value + "x" }.isEmpty)
        #expect(try names(r) { $0.holds = "x" + value }.isEmpty)
        #expect(try names(r) { $0.holds = "zakup-prospoleczny" } == ["Spółdzielnia Socjalna Łódzkie Smaki"])
        var found: [String] = []
        let wordless = SearchText.words(TextFolding.searchText(value)).isEmpty
        if wordless {
            // Punctuation alone is no search at all (FTS5 syntax never reaches the index).
            let refusal = RegistryError.invalidValue(field: "text", value: value, rule: "has no words to search for")
            #expect(throws: refusal) { try names(r) { $0.text = value } }
            #expect(throws: refusal) { try r.search(value) { _, _ in } }
        } else {
            #expect(try names(r) { $0.text = value } == [named])
            try r.search(value) { entity, _ in found.append(entity.fields.name) }
            #expect(found == [named])
        }
        // Next to a word, punctuation is dropped and the word alone decides; other words must all match.
        #expect(try names(r) { $0.text = "Olsztyn " + value } == (wordless ? ["CIS Olsztyn"] : []))
        found = []
        try r.search("Olsztyn " + value) { entity, _ in found.append(entity.fields.name) }
        #expect(found == (wordless ? ["CIS Olsztyn"] : []))

        // Structured filters refuse the value, naming it.
        #expect(throws: RegistryError.notFound(kind: "TERYT unit", reference: value)) { try names(r) { $0.regionName = value } }
        #expect(throws: RegistryError.invalidValue(
            field: "region", value: value, rule: "must be a TERYT prefix: 2 digits (voivodeship), 4 (county) or 7 (commune)")) {
            try names(r) { $0.region = value }
        }
        #expect(throws: RegistryError.invalidValue(field: "nip", value: value, rule: "must be 10 digits (dashes and a PL prefix are allowed)")) {
            try names(r) { $0.nip = value }
        }
        #expect(throws: RegistryError.invalidValue(field: "regon", value: value, rule: "must be 9 or 14 digits")) { try names(r) { $0.regon = value } }
        #expect(throws: RegistryError.invalidValue(field: "krs", value: value, rule: "must be up to 10 digits")) { try names(r) { $0.krs = value } }
        #expect(throws: RegistryError.invalidValue(field: "pkd", value: value, rule: "must be a PKD 2007 code or its beginning, like 56 or 56.29")) {
            try names(r) { $0.pkd = value }
        }
        // The registry is unchanged by any of it.
        #expect(try r.database.dump() == before)
    }

    @Test("search folds diacritics both ways, ł included, and matches prefixes", arguments: [
        ("lodz", "Spółdzielnia Socjalna Łódzkie Smaki"), ("Łódź", "Spółdzielnia Socjalna Łódzkie Smaki"),
        ("LODZKIE", "Spółdzielnia Socjalna Łódzkie Smaki"), ("spoldz", "Spółdzielnia Socjalna Łódzkie Smaki"),
        ("gastronomiczne", "CIS Olsztyn"), ("olsztyn", "CIS Olsztyn"),
    ])
    func search(_ text: String, _ expected: String) throws {
        let test = try Self.populated()
        var found: [String] = []
        try test.registry.search(text) { entity, _ in found.append(entity.fields.name) }
        #expect(found.first == expected)
    }

    @Test("a limited search returns the best-ranked matches of the unlimited one, in the same order")
    func searchLimit() throws {
        let test = try TestRegistry()
        for index in 0..<30 {
            // Names of different lengths, so bm25 ranks them apart (shorter documents rank higher).
            try test.registry.addEntity([.kind: "fundacja", .name: "Fundacja Rozwoju" + String(repeating: " Wsi", count: index % 7) + " \(index)"])
        }
        func ranked(_ limit: Int?, kinds: [EntityKind] = []) throws -> [(name: String, rank: Double)] {
            var found: [(name: String, rank: Double)] = []
            try test.registry.search("fundacja rozw", kinds: kinds, limit: limit) { entity, rank in found.append((entity.fields.name, rank)) }
            return found
        }
        let all = try ranked(nil)
        #expect(all.count == 30)
        for limit in [1, 5, 12] {
            let page = try ranked(limit)
            #expect(page.count == limit)
            // No row left out ranks better than a row on the page, and the page keeps the full order.
            let worstOnPage = page.map(\.rank).max() ?? 0
            let left = all.filter { row in !page.contains { $0.name == row.name } }
            #expect(left.allSatisfy { $0.rank >= worstOnPage })
            #expect(page.map(\.name) == all.filter { row in page.contains { $0.name == row.name } }.map(\.name))
        }
        #expect(try ranked(5, kinds: [.fundacja]).map(\.name) == all.prefix(5).map(\.name))
    }

    @Test("the search index follows updates and closures")
    func searchFollowsWrites() throws {
        let test = try Self.populated()
        func find(_ text: String) throws -> [String] {
            var found: [String] = []
            try test.registry.search(text) { entity, _ in found.append(entity.fields.name) }
            return found
        }
        #expect(try find("Klub").count == 1)
        try test.registry.updateEntity("krs:77", [.name: "Klub Seniora Bartoszyce"])
        #expect(try find("Integracji").isEmpty)
        #expect(try find("seniora") == ["Klub Seniora Bartoszyce"])
        try test.registry.closeEntity("krs:77", on: try LocalDate.parse("2026-01-01", field: "d"))
        #expect(try find("seniora") == ["Klub Seniora Bartoszyce"])
    }

    @Test("registry sql refuses anything that writes or escapes", arguments: [
        "INSERT INTO entities (id) VALUES ('x')", "UPDATE entities SET name = 'x'", "DELETE FROM entities",
        "DROP TABLE entities", "CREATE TABLE t (x)", "ATTACH DATABASE 'other.db' AS other", "PRAGMA journal_mode = DELETE",
        "PRAGMA foreign_keys = OFF", "SELECT load_extension('x')", "SELECT 1; DELETE FROM entities", "VACUUM",
        "REINDEX", "ANALYZE", "BEGIN", "CREATE TEMP TABLE t (x)",
        "INSERT INTO entity_search (entity_search) VALUES ('optimize')",
    ])
    func sqlRefusals(_ sql: String) throws {
        let test = try Self.populated()
        do {
            _ = try ReadOnlyQuery(path: test.path, sql: sql)
            Issue.record("\(sql) was accepted")
        } catch let error as RegistryError {
            guard case .notReadOnly = error else { Issue.record("\(sql): \(error)"); return }
        }
        #expect(try test.registry.database.scalarInt("SELECT count(*) FROM entities") == 4)
    }

    @Test("registry sql runs reads over the documented views and the full-text table")
    func sqlReads() throws {
        let test = try Self.populated()
        let query = try ReadOnlyQuery(path: test.path, sql: "SELECT kind, count(*) AS n FROM v_entities WHERE status = 'active' GROUP BY kind ORDER BY kind")
        var rows: [[String]] = []
        try query.forEachRow { rows.append($0.map { $0.text ?? "" }) }
        #expect(query.columns == ["kind", "n"])
        #expect(rows == [["cis", "1"], ["kis", "1"], ["spoldzielnia-socjalna", "1"]])
        let pragma = try ReadOnlyQuery(path: test.path, sql: "PRAGMA table_info(v_entities)")
        var count = 0
        try pragma.forEachRow { _ in count += 1 }
        #expect(count > 20)
        // The full-text table (folded text), with FTS5's own functions.
        let search = try ReadOnlyQuery(
            path: test.path,
            sql: "SELECT e.name, highlight(entity_search, 0, '[', ']') FROM entity_search JOIN entities e ON e.rowid = entity_search.rowid WHERE entity_search MATCH 'klub*'")
        var found: [[String]] = []
        try search.forEachRow { found.append($0.map { $0.text ?? "" }) }
        #expect(found == [["Klub Integracji Społecznej w Bartoszycach", "[klub] integracji spolecznej w bartoszycach"]])
    }

    @Test("the query plans use indexes: no full scan for identifiers, regions or holders")
    func plans() throws {
        let test = try Self.populated()
        func plan(_ sql: String, _ values: [SQLValue]) throws -> String {
            try test.registry.database.prepare("EXPLAIN QUERY PLAN " + sql).map(values) { $0.text(at: 3) ?? "" }.joined(separator: "\n")
        }
        #expect(try plan("SELECT id FROM entities WHERE nip = ?", ["1"]).contains("USING INDEX entities_nip"))
        #expect(try plan("SELECT id FROM entities WHERE krs = ?", ["1"]).contains("USING INDEX entities_krs"))
        #expect(try plan("SELECT id FROM entities WHERE regon = ?", ["1"]).contains("USING INDEX entities_regon"))
        #expect(try plan("SELECT id FROM entities e WHERE e.teryt >= ? AND e.teryt < ?", ["28", "28~"]).contains("USING INDEX entities_place"))
        #expect(try plan("SELECT entity_id FROM certificate_periods p WHERE p.scheme_code = ? AND p.held_from <= ? AND p.held_to >= ?", ["s", "d", "d"]).contains("USING INDEX certificate_periods_scheme"))
        // Holders on a day: the covering index, then each entity by rowid.
        let holders = try plan(
            """
            SELECT e.name FROM entities e WHERE e.rowid IN (SELECT p.entity_rowid FROM certificate_periods p
            WHERE p.scheme_code = ? AND p.held_from <= ? AND p.held_to >= ?)
            """, ["s", "d", "d"])
        #expect(holders.contains("USING COVERING INDEX certificate_periods_scheme"), "\(holders)")
        #expect(holders.contains("USING INTEGER PRIMARY KEY (rowid=?)"), "\(holders)")
        #expect(!holders.contains("SCAN e"), "\(holders)")
    }
}
