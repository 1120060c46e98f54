import Foundation
import Testing

@Suite("registry command line: imports, certificates, queries, exports", .serialized)
struct WorkflowCLITests {
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
        let (_, cli) = try ready()
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

        let empty = try cli.run(["import", "entities", "-"], stdin: Data())
        #expect(empty.status == 65)
        #expect(empty.stderr.contains("standard input, line 1: the file is empty"), "\(empty.stderr)")
        let headerOnly = try cli.run(["import", "entities", "-"], stdin: Data("Nazwa;Forma prawna\n".utf8))
        #expect(headerOnly.status == 65)
        #expect(headerOnly.stderr.contains("standard input, line 2: has a header but no records"), "\(headerOnly.stderr)")

        let bad = scratch.write("bad.csv", "Nazwa;Forma prawna;NIP\nA;fundacja;5425000802\n")
        let failed = try cli.run("import", "entities", bad)
        #expect(failed.status == 65)
        #expect(failed.stderr.contains("error: record 1 (line 2), column NIP \"5425000802\": checksum digit should be 1"))
        #expect(try cli.run("import", "entities", scratch.path + "/missing.csv").status == 66)
        let malformed = scratch.write("broken.csv", "Nazwa;Forma prawna\n\"A;fundacja\n")
        let broken = try cli.run("import", "entities", malformed)
        #expect(broken.status == 65)
        #expect(broken.stderr.contains("unclosed quote"))
    }

    @Test("certificates end to end: grant, refused transition (65), holders as JSON, history, audit verify")
    func certificates() throws {
        let (_, cli) = try ready()
        let grant = try cli.run("cert", "grant", "7390000016", "--scheme", "zakup-prospoleczny", "--valid-from", "2019-06-01",
                                "--decision", "ZP/12/2019", "--issuer", "ROPS Olsztyn", "--scope", "catering")
        #expect(grant.status == 0, "\(grant.stderr)")
        let id = grant.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let refused = try cli.run("cert", "reinstate", id, "--date", "2019-07-01")
        #expect(refused.status == 65)
        #expect(refused.stderr == "registry: error: certificate \(id) is active: cannot record reinstated: it is not suspended\n")
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
        let ineligible = try cli.run("cert", "grant", "krs:3000", "--scheme", "status-cis", "--valid-from", "2020-01-01")
        #expect(ineligible.status == 65)
    }

    @Test("query, sql and export from the command line")
    func readCommands() throws {
        let (scratch, cli) = try ready()
        let query = try cli.run("query", "--kind", "cis", "--kind", "kis", "--region", "28", "--format", "json")
        let rows = try #require(try query.stdout.json() as? [[String: Any]])
        #expect(rows.map { $0["kind"] as? String } == ["cis", "kis"])
        let ndjson = try cli.run("query", "--region-name", "warmińsko-mazurskie", "--format", "ndjson")
        #expect(ndjson.stdout.split(separator: "\n").count == 12)
        let ambiguous = try cli.run("query", "--region-name", "olsztyn")
        #expect(ambiguous.status == 65)
        #expect(ambiguous.stderr.contains("2404122 Olsztyn (gmina wiejska), powiat częstochowski"))
        let sql = try cli.run("sql", "SELECT count(*) AS n FROM v_entities WHERE status = 'active'", "--format", "json")
        #expect(sql.stdout.contains("\"n\":12"))
        let refused = try cli.run("sql", "DELETE FROM entities")
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("refused"))
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
        let bad = try cli.run("resource", "add", "7390000016", "--category", "rakiety", "--description", "x")
        #expect(bad.status == 65)
    }
}
