import Foundation
import Testing
@testable import Registry
import SQLiteStore

@Suite("Entity import")
struct EntityImportTests {
    static let header = "Nazwa;Forma prawna;NIP;KRS;REGON;Ulica;Kod pocztowy;Miejscowość;TERYT gminy;Data założenia;E-mail;Liczba miejsc"

    static func rows(_ count: Int, offset: Int = 0) -> [String] {
        (0..<count).map { index in
            let n = index + offset
            return "Spółdzielnia Socjalna „Nr \(n)”;Spółdzielnia socjalna;\(Generated.nip(n * 7 + 1));\(Generated.krs(n));;"
                + "\"ul. Długa \(n); lok. 2\";10-95\(n % 10);Olsztyn;2862011;0\(n % 9 + 1).03.2015;biuro\(n)@example.pl;"
        }
    }

    static func file(_ test: TestRegistry, _ name: String = "in.csv", rows: [String]) -> String {
        test.directory.write(name, ([header] + rows).joined(separator: "\r\n") + "\r\n")
    }

    @Test("a pipe named as the file (as `<(…)` gives) is read once, whole: every row imported, the batch has its SHA-256")
    func pipe() throws {
        let test = try TestRegistry()
        let bytes = Data(([Self.header] + Self.rows(3)).joined(separator: "\r\n").utf8)
        let copy = test.directory.write("copy.csv", String(decoding: bytes, as: UTF8.self))
        let fifo = test.directory.file("pipe.csv")
        try Self.feed(fifo, bytes) {
            let report = try test.registry.importFile(fifo, options: ImportOptions(target: .entities))
            #expect((report.rows, report.inserted, report.rejected) == (3, 3, 0))
            let batch = try #require(report.batchID)
            let recorded = try test.registry.database.scalarText("SELECT file_sha256 FROM import_batches WHERE id = ?", [.text(batch)])
            #expect(recorded == (try FileDigest.sha256(path: copy)))
        }
        // An empty pipe is reported under its own name, not the temporary copy's.
        try Self.feed(fifo, Data()) {
            #expect(throws: RegistryError.malformedFile(path: fifo, line: 1, message: "the file is empty")) {
                try test.registry.importFile(fifo, options: ImportOptions(target: .entities))
            }
        }
    }

    /// Creates a pipe at `fifo`, writes `bytes` into it from another thread while `body` runs, and
    /// waits for that thread. The writer never blocks: it opens the pipe once the reader has, and
    /// afterwards keeps giving any further open for reading an empty writer, so an import that
    /// reads the pipe twice sees an empty file and fails instead of hanging.
    private static func feed(_ fifo: String, _ bytes: Data, _ body: () throws -> Void) throws {
        unlink(fifo)
        try #require(mkfifo(fifo, 0o600) == 0)
        let done = Flag()
        let finished = DispatchSemaphore(value: 0)
        let writer = Thread {
            defer { finished.signal() }
            var descriptor: Int32 = -1
            while descriptor < 0 && !done.isSet {
                descriptor = open(fifo, O_WRONLY | O_NONBLOCK)  // fails until a reader opens the pipe
                if descriptor < 0 { usleep(1_000) }
            }
            guard descriptor >= 0 else { return }
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            close(descriptor)
            if written != bytes.count { return }  // the import then sees too little and the test fails
            while !done.isSet {
                let again = open(fifo, O_WRONLY | O_NONBLOCK)
                if again >= 0 { close(again) }
                usleep(1_000)
            }
        }
        writer.start()
        defer {
            done.set()
            finished.wait()
        }
        try body()
    }

    /// Set once, read from any thread.
    private final class Flag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        var isSet: Bool { lock.withLock { value } }
        func set() { lock.withLock { value = true } }
    }

    @Test("a ;-separated file with Polish headers inserts every row; re-importing it changes nothing")
    func insertThenIdempotent() throws {
        let test = try TestRegistry()
        let path = Self.file(test, rows: Self.rows(5))
        let first = try test.registry.importFile(path, options: ImportOptions(target: .entities))
        #expect(first.delimiter == ";")
        #expect(first.encoding == "utf-8")
        #expect((first.rows, first.inserted, first.updated, first.unchanged, first.rejected) == (5, 5, 0, 0, 0))
        #expect(first.batchID != nil)
        let entity = try test.registry.entity(Generated.nip(1))
        #expect(entity.fields.street == "ul. Długa 0; lok. 2")
        #expect(entity.fields.foundedOn?.description == "2015-03-01")
        #expect(entity.fields.kind == .spoldzielniaSocjalna)

        let auditBefore = try test.registry.database.scalarInt("SELECT count(*) FROM audit_log")
        test.clock.advance(seconds: 1)
        let second = try test.registry.importFile(path, options: ImportOptions(target: .entities))
        #expect((second.rows, second.inserted, second.updated, second.unchanged, second.rejected) == (5, 0, 0, 5, 0))
        // Each entity has one version, its current row; nothing superseded is kept yet.
        #expect(try test.registry.database.scalarInt("SELECT count(*) FROM v_entity_history") == 5)
        #expect(try test.registry.database.scalarInt("SELECT count(*) FROM entity_versions") == 0)
        // The re-import is itself recorded as a batch (one audit entry), but changes no entity.
        #expect(try test.registry.database.scalarInt("SELECT count(*) FROM audit_log") == (auditBefore ?? 0) + 1)
        let batches = try test.registry.database.rows("SELECT rows, inserted, unchanged FROM import_batches WHERE target = 'entities' ORDER BY started_at") {
            [$0.int(at: 0) ?? -1, $0.int(at: 1) ?? -1, $0.int(at: 2) ?? -1]
        }
        #expect(batches == [[5, 5, 0], [5, 0, 5]])
    }

    @Test("a changed row updates its entity and keeps the old version; matching is by NIP, then KRS, then REGON")
    func update() throws {
        let test = try TestRegistry()
        _ = try test.registry.importFile(Self.file(test, rows: Self.rows(3)), options: ImportOptions(target: .entities))
        var rows = Self.rows(3)
        rows[1] = rows[1].replacingOccurrences(of: "Olsztyn;", with: "Olsztyn-Dajtki;")
        // Row 3 loses its NIP but keeps its KRS: it still matches by KRS.
        rows[2] = rows[2].replacingOccurrences(of: Generated.nip(15), with: "")
        let report = try test.registry.importFile(Self.file(test, "v2.csv", rows: rows), options: ImportOptions(target: .entities))
        #expect((report.inserted, report.updated, report.unchanged) == (0, 2, 1))
        let changed = try test.registry.entity(Generated.nip(8))
        #expect(changed.fields.city == "Olsztyn-Dajtki")
        #expect(try test.registry.entityHistory(changed.id).map(\.entity.fields.city) == ["Olsztyn", "Olsztyn-Dajtki"])
        let byKRS = try test.registry.entity("krs:\(Generated.krs(2))")
        #expect(byKRS.fields.nip == nil)
        // An update sets only the columns that changed: the indexes on them follow, the others keep their entries.
        let database = test.registry.database
        #expect(try database.scalarInt("SELECT count(*) FROM entities INDEXED BY entities_nip WHERE nip = ?", [.text(Generated.nip(15))]) == 0)
        #expect(try database.scalarInt("SELECT count(*) FROM entities INDEXED BY entities_krs WHERE krs = ?", [.text(Generated.krs(2))]) == 1)
        #expect(try database.scalarInt("SELECT count(*) FROM entities INDEXED BY entities_nip WHERE nip = ?", [.text(Generated.nip(8))]) == 1)
        #expect(byKRS.fields.street == "ul. Długa 2; lok. 2")
        #expect(try test.registry.verifyAudit().isIntact)
        #expect(try database.scalarText("PRAGMA integrity_check") == "ok")
    }

    @Test("abort: one bad row means nothing is written and every bad row is reported with record, line, column, value and rule")
    func abort() throws {
        let test = try TestRegistry()
        var rows = Self.rows(4)
        rows[1] = rows[1].replacingOccurrences(of: Generated.nip(8), with: "5425000802")
        rows[3] = rows[3].replacingOccurrences(of: "2862011", with: "9999999")
        _ = try test.registry.importFile(Self.file(test, "first.csv", rows: Self.rows(2, offset: 50)), options: ImportOptions(target: .entities))
        let content = try test.registry.database.dump()
        let before = try test.registry.database.scalarInt("SELECT count(*) FROM audit_log")
        let report = try test.registry.importFile(Self.file(test, rows: rows), options: ImportOptions(target: .entities))
        #expect(report.rejected == 2)
        #expect(report.batchID == nil)
        #expect(report.errors == [
            RecordProblem(record: 2, line: 3, column: "NIP", value: "5425000802", message: "checksum digit should be 1"),
            RecordProblem(record: 4, line: 5, column: "TERYT gminy", value: "9999999", message: "is not a commune in the TERYT dictionary"),
        ])
        #expect(try test.registry.database.scalarInt("SELECT count(*) FROM entities") == 2)
        #expect(try test.registry.database.scalarInt("SELECT count(*) FROM audit_log") == before)
        #expect(try test.registry.database.dump() == content, "an aborted import changed the registry's content")
    }

    @Test("skip: valid rows are written, bad rows go to the rejects file with an error column")
    func skip() throws {
        let test = try TestRegistry()
        var rows = Self.rows(3)
        rows[0] = rows[0].replacingOccurrences(of: "01.03.2015", with: "31.02.2019")
        let rejects = test.directory.file("rejects.csv")
        let report = try test.registry.importFile(
            Self.file(test, rows: rows), options: ImportOptions(target: .entities, onError: .skip, rejectsPath: rejects))
        #expect((report.inserted, report.rejected) == (2, 1))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: rejects))
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines[0] == Self.header + ";error")
        #expect(lines[1].hasSuffix(";\"record 1 (line 2), column Data założenia \"\"31.02.2019\"\": is not a real calendar date\""))
        // The rejects file re-imports once fixed.
        let fixed = test.directory.write("fixed.csv", text.replacingOccurrences(of: "31.02.2019", with: "28.02.2019"))
        let again = try test.registry.importFile(fixed, options: ImportOptions(target: .entities))
        #expect((again.inserted, again.unchanged, again.rejected) == (1, 0, 0))
    }

    @Test("dry run reports exactly what would change and writes nothing")
    func dryRun() throws {
        let test = try TestRegistry()
        _ = try test.registry.importFile(Self.file(test, rows: Self.rows(2)), options: ImportOptions(target: .entities))
        var rows = Self.rows(3)
        rows[0] = rows[0].replacingOccurrences(of: "Olsztyn;", with: "Gutkowo;")
        let count = try test.registry.database.scalarInt("SELECT count(*) FROM audit_log")
        let report = try test.registry.importFile(
            Self.file(test, "v2.csv", rows: rows), options: ImportOptions(target: .entities, dryRun: true, recordActions: true))
        #expect((report.inserted, report.updated, report.unchanged, report.dryRun) == (1, 1, 1, true))
        #expect(report.actions.map(\.action) == ["update", "unchanged", "insert"])
        #expect(report.batchID == nil)
        #expect(try test.registry.database.scalarInt("SELECT count(*) FROM audit_log") == count)
        #expect(try test.registry.database.scalarInt("SELECT count(*) FROM entities") == 2)
        // --timing's phases: a dry run ends in the rollback; a written import in the commit.
        #expect(report.phases.map(\.phase) == ["rows", "indexes", "full-text", "rollback"])
        let written = try test.registry.importFile(Self.file(test, "v3.csv", rows: rows), options: ImportOptions(target: .entities))
        #expect(written.phases.map(\.phase) == ["rows", "indexes", "full-text", "audit and commit"])
        #expect(written.phases.allSatisfy { $0.seconds >= 0 })
        #expect(try test.registry.database.scalarInt("SELECT count(*) FROM import_batches WHERE finished_at = ''") == 0)
    }

    @Test("a first import into an empty registry sets the lookup indexes aside and rebuilds them as they were")
    func emptyRegistryBulkLoad() throws {
        let test = try TestRegistry()
        func indexes() throws -> [String] {
            try test.registry.database.rows("SELECT name || ': ' || sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name") {
                $0.text(at: 0) ?? ""
            }
        }
        let before = try indexes()
        #expect(before.count > DeferredIndexes.names.count)
        // A dry run and an aborted import roll the dropped indexes back; a committed one rebuilds them.
        _ = try test.registry.importFile(Self.file(test, rows: Self.rows(3)), options: ImportOptions(target: .entities, dryRun: true))
        #expect(try indexes() == before)
        let bad = Self.rows(2) + ["Bez formy;;;;;;;;2862011;;;"]
        let aborted = try test.registry.importFile(Self.file(test, "bad.csv", rows: bad), options: ImportOptions(target: .entities))
        #expect(aborted.rejected == 1 && aborted.inserted == 2 && aborted.batchID == nil)
        #expect(try indexes() == before)
        #expect(try test.registry.database.scalarInt("SELECT count(*) FROM entities") == 0)

        // Rows without identifiers match earlier rows of the same file by kind, name and commune.
        var rows = Self.rows(4)
        rows.append("KIS Olsztyn;KIS;;;;;;Olsztyn;2862011;;;")
        rows.append("KIS Olsztyn;KIS;;;;;;Olsztyn;2862011;;kis@example.pl;")
        let report = try test.registry.importFile(Self.file(test, rows: rows), options: ImportOptions(target: .entities))
        #expect((report.inserted, report.updated, report.unchanged, report.rejected) == (5, 1, 0, 0))
        #expect(try indexes() == before)
        // The rebuild's sort helpers and small cache are the rebuild's only.
        #expect(try test.registry.database.scalarInt("PRAGMA threads") == 0)
        #expect(try test.registry.database.scalarInt("PRAGMA cache_size") == -Database.cacheKiB)
        #expect(try test.registry.entity(Generated.nip(8)).fields.name == "Spółdzielnia Socjalna „Nr 1”")
        #expect(try test.registry.check().isHealthy)
        // The second import finds the registry non-empty: it keeps the indexes and matches through them,
        // the same way (the two KIS rows disagree about the e-mail, so each updates the unit again).
        let again = try test.registry.importFile(Self.file(test, rows: rows), options: ImportOptions(target: .entities))
        #expect((again.inserted, again.updated, again.unchanged) == (0, 2, 4))
        #expect(try test.registry.database.scalarInt("SELECT count(*) FROM entities") == 5)
    }

    @Test("an operator column names another entity by NIP or id: resolved to its id on insert and update, unchanged on re-import")
    func operatorColumn() throws {
        let test = try TestRegistry()
        let first = try test.registry.addEntity([.kind: "fundacja", .name: "Fundacja Razem", .nip: Generated.nip(11)])
        let second = try test.registry.addEntity([.kind: "stowarzyszenie", .name: "Stowarzyszenie Obok", .nip: Generated.nip(12)])
        func importing(_ operatorCell: String, _ name: String = "cis.csv") throws -> ImportReport {
            let text = "Nazwa;Forma prawna;Gmina;Powiat;Podmiot prowadzący\nCIS Razem;CIS;Olsztyn;Olsztyn;\(operatorCell)\n"
            return try test.registry.importFile(test.directory.write(name, text), options: ImportOptions(target: .entities))
        }
        func cisOperator() throws -> String? {
            try test.registry.database.scalarText("SELECT operator_id FROM entities WHERE name = 'CIS Razem'")
        }
        let inserted = try importing(Generated.nip(11))
        #expect((inserted.inserted, inserted.rejected) == (1, 0))
        #expect(try cisOperator() == first.id)
        #expect(try test.registry.database.scalarText("SELECT teryt FROM entities WHERE name = 'CIS Razem'") == "2862011")
        // The same operator by NIP or by id: the stored id is what the row says, so nothing changes.
        #expect(try importing(Generated.nip(11)).unchanged == 1)
        #expect(try importing(first.id).unchanged == 1)
        let updated = try importing("nip:" + Generated.nip(12))
        #expect((updated.updated, updated.rejected) == (1, 0))
        #expect(try cisOperator() == second.id)
        let unknown = try importing(Generated.nip(13))
        #expect(unknown.rejected == 1 && unknown.errors.first?.record == 1)
        #expect(try cisOperator() == second.id)
    }

    @Test("two rows of one file claiming the same NIP: the second is an error")
    func duplicateInFile() throws {
        let test = try TestRegistry()
        var rows = Self.rows(2)
        rows.append(rows[0].replacingOccurrences(of: Generated.krs(0), with: Generated.krs(99)))
        let report = try test.registry.importFile(Self.file(test, rows: rows), options: ImportOptions(target: .entities))
        #expect(report.errors == [RecordProblem(
            record: 3, line: 4, column: "NIP", value: Generated.nip(1), message: "already given in record 1 of this file")])
    }

    @Test("into an empty registry, repeated identifiers are found by the index rebuild; with skip the rest is written")
    func duplicateInBulkLoad() throws {
        let test = try TestRegistry()
        var rows = Self.rows(4)
        rows.append(rows[1].replacingOccurrences(of: Generated.krs(1), with: Generated.krs(77)))  // NIP of record 2
        rows.append(rows[2].replacingOccurrences(of: Generated.nip(15), with: Generated.nip(99)))  // KRS of record 3
        let rejects = test.directory.file("rejects.csv")
        let report = try test.registry.importFile(
            Self.file(test, rows: rows), options: ImportOptions(target: .entities, onError: .skip, rejectsPath: rejects))
        #expect((report.inserted, report.rejected) == (4, 2))
        #expect(report.errors == [
            RecordProblem(record: 5, line: 6, column: "NIP", value: Generated.nip(8), message: "already given in record 2 of this file"),
            RecordProblem(record: 6, line: 7, column: "KRS", value: Generated.krs(2), message: "already given in record 3 of this file"),
        ])
        let rejected = try String(contentsOfFile: rejects, encoding: .utf8)
        #expect(rejected.split(whereSeparator: \.isNewline).count == 3, "\(rejected)")
        #expect(try test.registry.database.scalarInt("SELECT count(*) FROM entities") == 4)
        #expect(try test.registry.database.scalarInt("PRAGMA threads") == 0, "also when the rebuild fails")
        #expect(try test.registry.check().isHealthy)
        #expect(try test.registry.verifyAudit().isIntact)

        // Two rows with one registry id, into another empty registry: the same, through the id's own index.
        let other = try TestRegistry()
        let id = "01900000-0000-7000-8000-00000000abcd"
        let text = "id;Nazwa;Forma prawna\n\(id);KGW Babki;KGW\n\(id);KGW Dziadki;KGW\n"
        let second = try other.registry.importFile(other.directory.write("ids.csv", text), options: ImportOptions(target: .entities))
        #expect(second.errors == [RecordProblem(record: 2, line: 3, column: "id", value: id, message: "already given in record 1 of this file")])
        #expect(try other.registry.database.scalarInt("SELECT count(*) FROM entities") == 0)
    }

    @Test("a missing required column stops the import before any row is read")
    func missingColumn() throws {
        let test = try TestRegistry()
        let path = test.directory.write("x.csv", "Nazwa,NIP\nA,5260250274\n")
        #expect(throws: RegistryError.malformedFile(path: path, line: 1, message: "required column missing: kind/forma prawna/typ (use --map COLUMN=FIELD if the file names it differently)")) {
            try test.registry.importFile(path, options: ImportOptions(target: .entities))
        }
    }

    @Test("unknown columns are reported once and ignored; --map covers other names; Gmina + Powiat resolve to TERYT")
    func mapping() throws {
        let test = try TestRegistry()
        let path = test.directory.write("x.csv", """
            name,Rodzaj,Nr rejestru,Gmina,Powiat,Kolor
            KGW Wierzbinki,KGW,0000000042,Bolesławiec,wieruszowski,zielony
            """)
        let report = try test.registry.importFile(
            path, options: ImportOptions(target: .entities, mappings: ["Nr rejestru": "krs"]))
        #expect(report.warnings == ["ignored columns: \"Kolor\""])
        #expect(report.inserted == 1)
        let entity = try test.registry.entity("krs:42")
        #expect(entity.fields.teryt == "1018012")
        #expect(entity.fields.kind == .kgw)
    }

    @Test("an ambiguous commune name is an error naming the candidates")
    func ambiguousCommune() throws {
        let test = try TestRegistry()
        let path = test.directory.write("x.csv", "name,kind,gmina\nKGW X,kgw,Bolesławiec\n")
        let report = try test.registry.importFile(path, options: ImportOptions(target: .entities))
        let error = try #require(report.errors.first)
        #expect(error.column == "gmina")
        #expect(error.message.hasPrefix("names 3 communes; add a Powiat column or give the TERYT code: 0201011 Bolesławiec (gmina miejska)"))
    }
}
