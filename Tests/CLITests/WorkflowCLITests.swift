import Foundation
import Testing

@Suite("registry command line: imports, certificates, queries, exports", .serialized)
struct WorkflowCLITests {
    typealias Broken = BrokenInputCLITests

    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Examples/entities.csv").path

    func ready() throws -> (Scratch, CLI) {
        let scratch = Scratch()
        let cli = CLI(scratch: scratch)
        let result = try cli.run("import", "entities", Self.examples)
        #expect(result.status == 0, "\(result.stderr)")
        return (scratch, cli)
    }

    @Test("import prints a JSON summary; re-import reports every row unchanged; a dry run writes nothing")
    func importSummary() throws {
        let (scratch, cli) = try ready()
        let again = try cli.run("import", "entities", Self.examples, "--format", "json")
        #expect(again.status == 0)
        let summary = try #require(try again.stdout.json() as? [String: Any])
        #expect(summary["rows"] as? Int == 12)
        #expect(summary["unchanged"] as? Int == 12)
        #expect(summary["inserted"] as? Int == 0)
        #expect(summary["encoding"] as? String == "utf-8")
        #expect(summary["delimiter"] as? String == ";")
        #expect(summary["dry_run"] as? Bool == false)
        #expect((summary["errors"] as? [Any])?.isEmpty == true)
        for key in ["file", "updated", "rejected", "batch_id"] { #expect(summary.keys.contains(key)) }
        #expect(again.stderr.isEmpty, "nothing on stderr but errors when not a terminal")

        // A dry run of a file that would add one entity and change another reports both and writes nothing.
        let before = try Broken.digest(cli)
        let changes = scratch.write("changes.csv", """
            Nazwa;Forma prawna;NIP;TERYT gminy;Telefon
            Spółdzielnia Socjalna „Warmianka”;Spółdzielnia socjalna;7390000016;2862011;+48 89 000 00 01
            Fundacja Próbna;fundacja;5260250274;2862011;

            """)
        let dry = try cli.run("import", "entities", changes, "--dry-run", "--format", "json")
        #expect(dry.status == 0, "\(dry.stderr)")
        let report = try #require(try dry.stdout.json() as? [String: Any], "no JSON report: \(dry.stdout)")
        #expect(report["dry_run"] as? Bool == true)
        #expect(report["rows"] as? Int == 2)
        #expect(report["inserted"] as? Int == 1)
        #expect(report["updated"] as? Int == 1)
        #expect(report["unchanged"] as? Int == 0)
        #expect(report["rejected"] as? Int == 0)
        #expect(report["batch_id"] is NSNull, "a dry run recorded a batch")
        try Broken.expectUnchanged(cli, before, "import --dry-run")
        let text = try cli.run("import", "entities", changes, "--dry-run")
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stderr == "\(changes) (utf-8, delimiter \";\"): 2 rows, 1 inserted, 1 updated, 0 unchanged, 0 rejected "
                + "(dry run: nothing written)\n")
        try Broken.expectUnchanged(cli, before, "import --dry-run, text")
        // The same file without --dry-run does what the dry run said.
        let real = try cli.run("import", "entities", changes, "--format", "json")
        #expect(real.status == 0, "\(real.stderr)")
        let done = try #require(try real.stdout.json() as? [String: Any])
        #expect(done["inserted"] as? Int == 1 && done["updated"] as? Int == 1 && done["dry_run"] as? Bool == false)
        #expect(done["batch_id"] is String)
    }

    @Test("--on-error skip writes the valid rows, exits 65 and writes each rejected row to --rejects with its error")
    func skipAndRejects() throws {
        let (scratch, cli) = try ready()
        let file = scratch.write("mixed.csv", """
            Nazwa;Forma prawna;NIP;TERYT gminy
            Fundacja Dobra;fundacja;5260250274;2862011
            Fundacja Zła;fundacja;5425000802;2862011
            Bank Spółdzielczy;bank;;2862011

            """)
        // Without --on-error skip nothing is written.
        let before = try Broken.digest(cli)
        let aborted = try cli.run("import", "entities", file, "--format", "json")
        #expect(aborted.status == 65, "\(aborted.stderr)")
        let abortReport = try #require(try aborted.stdout.json() as? [String: Any], "no JSON report: \(aborted.stdout)")
        #expect(abortReport["rejected"] as? Int == 2)
        #expect(abortReport["batch_id"] is NSNull, "a batch was recorded")
        try Broken.expectUnchanged(cli, before, "import with invalid rows, --on-error abort")

        let rejects = scratch.path + "/rejects.csv"
        let result = try cli.run("import", "entities", file, "--on-error", "skip", "--rejects", rejects, "--format", "json")
        #expect(result.status == 65, "rows were rejected: \(result.stderr)")
        let report = try #require(try result.stdout.json() as? [String: Any], "no JSON report: \(result.stdout)")
        #expect(report["rows"] as? Int == 3)
        #expect(report["inserted"] as? Int == 1)
        #expect(report["rejected"] as? Int == 2)
        #expect(report["batch_id"] is String, "the valid row was written in a batch")
        let messages = (report["errors"] as? [[String: Any]] ?? []).map {
            "\($0["record"] ?? "?") \($0["line"] ?? "?") \($0["column"] ?? "?") \($0["value"] ?? "?")"
        }
        #expect(messages == ["2 3 NIP 5425000802", "3 4 Forma prawna bank"], "\(report["errors"] ?? "none")")
        let written = String(decoding: try Data(contentsOf: URL(fileURLWithPath: rejects)), as: UTF8.self)
        // The source's header plus an error column, each rejected row as it was, CRLF, with a BOM for Excel.
        let kinds = "spoldzielnia-socjalna, cis, kis, zaz, wtz, fundacja, stowarzyszenie, ngo, spoldzielnia-pracy, "
            + "spoldzielnia-inwalidow, kgw, spolka-non-profit, zpchr, owes, inny"
        #expect(written == "\u{FEFF}Nazwa;Forma prawna;NIP;TERYT gminy;error\r\n"
                + "Fundacja Zła;fundacja;5425000802;2862011;\"record 2 (line 3), column NIP \"\"5425000802\"\": checksum digit should be 1\"\r\n"
                + "Bank Spółdzielczy;bank;;2862011;\"record 3 (line 4), column Forma prawna \"\"bank\"\": unknown kind; use one of: \(kinds)\"\r\n")
        let show = try cli.run("entity", "show", "5260250274", "--format", "json")
        #expect(show.status == 0, "the valid row was written: \(show.stderr)")
        #expect(try ReliabilityCLITests.count(cli) == 13)
        try ReliabilityCLITests.expectHealthy(cli, "after --on-error skip")
    }

    @Test("a Windows-1250 file from standard input, and a bad file: exit 65 naming record, line, column, value, rule")
    func stdinAndErrors() throws {
        let (scratch, cli) = try ready()
        // "Nazwa;Forma prawna;NIP\r\nKoło Gospodyń;KGW;\r\n" in Windows-1250.
        var bytes = Array("Nazwa;Forma prawna;NIP\r\nKo".utf8) + [0xB3] + Array("o Gospody".utf8) + [0xF1]
        bytes += Array(" w Babkach;KGW;\r\n".utf8)
        let result = try cli.run(["import", "entities", "-", "--format", "json"], stdin: Data(bytes))
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try #require(try result.stdout.json() as? [String: Any])
        #expect(summary["encoding"] as? String == "cp1250")
        #expect(summary["inserted"] as? Int == 1)
        let search = try cli.run("search", "kolo gospodyn babkach", "--format", "json")
        #expect(search.stdout.contains("Koło Gospodyń w Babkach"))

        // Every refused import below leaves the registry as it is now.
        let before = try Broken.digest(cli)
        let empty = try cli.run(["import", "entities", "-"], stdin: Data())
        #expect(empty.status == 65)
        #expect(empty.stderr.contains("standard input, line 1: the file is empty"), "\(empty.stderr)")
        try Broken.expectUnchanged(cli, before, "empty standard input")
        let headerOnly = try cli.run(["import", "entities", "-"], stdin: Data("Nazwa;Forma prawna\n".utf8))
        #expect(headerOnly.status == 65)
        #expect(headerOnly.stderr.contains("standard input, line 2: has a header but no records"), "\(headerOnly.stderr)")
        try Broken.expectUnchanged(cli, before, "header-only standard input")

        let bad = scratch.write("bad.csv", "Nazwa;Forma prawna;NIP\nA;fundacja;5425000802\n")
        let failed = try cli.run("import", "entities", bad)
        #expect(failed.status == 65)
        #expect(failed.stderr.contains("error: record 1 (line 2), column NIP \"5425000802\": checksum digit should be 1"))
        try Broken.expectUnchanged(cli, before, "a row with a bad NIP")
        #expect(try cli.run("import", "entities", scratch.path + "/missing.csv").status == 66)
        try Broken.expectUnchanged(cli, before, "a missing file")
        let malformed = scratch.write("broken.csv", "Nazwa;Forma prawna\n\"A;fundacja\n")
        let broken = try cli.run("import", "entities", malformed)
        #expect(broken.status == 65)
        #expect(broken.stderr.contains("unclosed quote"))
        try Broken.expectUnchanged(cli, before, "an unclosed quote")
    }

    @Test("certificates end to end: grant, refused transition (65), holders as JSON, history, audit verify")
    func certificates() throws {
        let (_, cli) = try ready()
        let grant = try cli.run("cert", "grant", "7390000016", "--scheme", "zakup-prospoleczny", "--valid-from", "2019-06-01",
                                "--decision", "ZP/12/2019", "--issuer", "ROPS Olsztyn", "--scope", "catering")
        #expect(grant.status == 0, "\(grant.stderr)")
        let id = grant.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let before = try Broken.digest(cli)
        let refused = try cli.run("cert", "reinstate", id, "--date", "2019-07-01")
        #expect(refused.status == 65)
        #expect(refused.stderr == "registry: error: certificate \(id) is active: cannot record reinstated: it is not suspended\n")
        try Broken.expectUnchanged(cli, before, "a refused transition")
        let holders = try cli.run("cert", "holders", "--scheme", "zakup-prospoleczny", "--on", "2020-05-31", "--format", "json")
        let rows = try #require(try holders.stdout.json() as? [[String: Any]])
        #expect(rows.count == 1)
        #expect(rows[0]["entity_id"] is String)
        #expect(rows[0]["name"] as? String == "Spółdzielnia Socjalna „Warmianka”")
        #expect(rows[0]["nip"] as? String == "7390000016")
        #expect(rows[0]["certificate_id"] as? String == id)
        #expect(rows[0]["scheme"] as? String == "zakup-prospoleczny")
        #expect(rows[0]["valid_from"] as? String == "2019-06-01")
        #expect(rows[0]["valid_to"] as? String == "2020-05-31")
        let none = try cli.run("cert", "holders", "--scheme", "zakup-prospoleczny", "--on", "2020-06-01", "--format", "csv")
        #expect(none.stdout.split(separator: "\n").count == 1)
        let history = try cli.run("cert", "history", "7390000016", "--format", "json")
        #expect(history.status == 0)
        #expect(try cli.run("audit", "verify").status == 0)
        let unchanged = try Broken.digest(cli)
        let ineligible = try cli.run("cert", "grant", "krs:3000", "--scheme", "status-cis", "--valid-from", "2020-01-01")
        #expect(ineligible.status == 65)
        try Broken.expectUnchanged(cli, unchanged, "a certificate for an ineligible entity")
    }

    @Test("query, sql and export from the command line")
    func readCommands() throws {
        let (scratch, cli) = try ready()
        let before = try Broken.digest(cli)
        let query = try cli.run("query", "--kind", "cis", "--kind", "kis", "--region", "28", "--format", "json")
        let rows = try #require(try query.stdout.json() as? [[String: Any]])
        #expect(rows.map { $0["kind"] as? String } == ["cis", "kis"])
        let ndjson = try cli.run("query", "--region-name", "warmińsko-mazurskie", "--format", "ndjson")
        #expect(ndjson.stdout.split(separator: "\n").count == 12)
        let ambiguous = try cli.run("query", "--region-name", "olsztyn")
        #expect(ambiguous.status == 65)
        #expect(ambiguous.stderr.contains("2404122 Olsztyn (gmina wiejska), powiat częstochowski"))
        try Broken.expectUnchanged(cli, before, "an ambiguous region")
        let sql = try cli.run("sql", "SELECT count(*) AS n FROM v_entities WHERE status = 'active'", "--format", "json")
        #expect(sql.stdout.contains("\"n\":12"))
        let refused = try cli.run("sql", "DELETE FROM entities")
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("refused"))
        try Broken.expectUnchanged(cli, before, "a refused DELETE")
        let export = try cli.run("export", "entities", "--excel", "-o", scratch.path + "/pes.csv")
        #expect(export.status == 0)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: scratch.path + "/pes.csv")))
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let all = try cli.run("export", "all", "-o", scratch.path + "/out")
        #expect(all.status == 0, "\(all.stderr)")
        for name in ["entities", "certificates", "resources", "needs", "audit"] {
            #expect(FileManager.default.fileExists(atPath: "\(scratch.path)/out/\(name).csv"))
        }
    }

    @Test("resources and needs from the command line")
    func resourcesAndNeeds() throws {
        let (_, cli) = try ready()
        let resource = try cli.run("resource", "add", "7390000016", "--category", "uslugi-gastronomiczne",
                                   "--description", "catering do 150 osób", "--quantity", "150", "--unit", "osoby")
        #expect(resource.status == 0, "\(resource.stderr)")
        let need = try cli.run("need", "add", "7390000016", "--category", "lokal", "--description", "kuchnia", "--priority", "1")
        #expect(need.status == 0, "\(need.stderr)")
        let needID = need.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try cli.run("need", "close", needID, "--date", "2099-01-01").status == 0)
        let list = try cli.run("need", "list", "--all", "--format", "json")
        #expect(list.stdout.contains("\"met_on\":\"2099-01-01\"") || list.stdout.contains("\"met_on\": \"2099-01-01\""))
        let before = try Broken.digest(cli)
        let bad = try cli.run("resource", "add", "7390000016", "--category", "rakiety", "--description", "x")
        #expect(bad.status == 65)
        try Broken.expectUnchanged(cli, before, "an unknown resource category")
    }
}
