import Foundation
import Testing

@Suite("registry command line: foundation", .serialized)
struct FoundationCLITests {
    typealias Broken = BrokenInputCLITests

    @Test("init creates a registry; entity add, update, close, show and history work end to end")
    func entityLifecycle() throws {
        let scratch = Scratch()
        let cli = CLI(directory: scratch.path)
        let initResult = try cli.run("init")
        #expect(initResult.status == 0, "\(initResult.stderr)")
        #expect(initResult.stdout.isEmpty)
        #expect(initResult.stderr.contains("ready (schema version"))

        let add = try cli.run("entity", "add", "--kind", "cis", "--name", "CIS Olsztyn", "--nip", "526-025-02-74",
                              "--teryt", "2862011", "--capacity", "30")
        #expect(add.status == 0, "\(add.stderr)")
        let id = add.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(id.count == 36)

        let update = try cli.run("entity", "update", "5260250274", "--city", "Olsztyn", "--reason", "adres", "--actor", "ewa")
        #expect(update.status == 0, "\(update.stderr)")
        let close = try cli.run("entity", "close", id, "--date", "30.06.2026", "--reason", "likwidacja")
        #expect(close.status == 0, "\(close.stderr)")

        let show = try cli.run("entity", "show", "PL5260250274", "--format", "json")
        #expect(show.status == 0)
        let object = try #require(try show.stdout.json() as? [String: Any])
        #expect(object["id"] as? String == id)
        #expect(object["kind"] as? String == "cis")
        #expect(object["name"] as? String == "CIS Olsztyn")
        #expect(object["nip"] as? String == "5260250274")
        #expect(object["regon"] is NSNull)
        #expect(object["krs"] is NSNull)
        #expect(object["teryt"] as? String == "2862011")
        #expect(object["status"] as? String == "closed")
        #expect(object["closed_on"] as? String == "2026-06-30")

        let history = try cli.run("entity", "history", id, "--format", "json")
        let versions = try #require(try history.stdout.json() as? [[String: Any]])
        #expect(versions.map { $0["change"] as? String } == ["add", "update", "close"])
        #expect(versions.map { $0["actor"] as? String } == ["tester", "ewa", "tester"])
        #expect(versions[1]["reason"] as? String == "adres")

        let text = try cli.run("entity", "history", id)
        #expect(text.stdout.contains("city: null → \"Olsztyn\""))
    }

    @Test("bad values exit 65 with one line naming field, value and rule; no stack trace")
    func invalidValue() throws {
        let (cli, before) = try Broken.seeded()
        let result = try cli.run("entity", "add", "--kind", "fundacja", "--name", "X", "--nip", "5425000802")
        #expect(result.status == 65)
        #expect(result.stderr == "registry: error: nip \"5425000802\": checksum digit should be 1\n")
        #expect(result.stdout.isEmpty)
        try Broken.expectUnchanged(cli, before, "a bad NIP")
    }

    @Test("exit codes: usage 64, missing database 66, unknown entity 65")
    func exitCodes() throws {
        let scratch = Scratch()
        let cli = CLI(directory: scratch.path)
        #expect(try cli.run("entity", "show", "5260250274").status == 66)
        #expect(try cli.run("entity", "add", "--name", "X").status == 64)
        #expect(try cli.run("no-such-command").status == 64)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).isEmpty, "a failing command created files")
        let (seeded, before) = try Broken.seeded()
        #expect(try seeded.run("entity", "show", "5260250274").status == 65)
        try Broken.expectUnchanged(seeded, before, "an unknown entity")
        #expect(try seeded.run("entity", "add", "--kind", "bank", "--name", "X").status == 65)
        try Broken.expectUnchanged(seeded, before, "an unknown kind")
        #expect(try seeded.run("entity", "add", "--name", "X").status == 64)
        try Broken.expectUnchanged(seeded, before, "a usage error")
    }

    @Test("a schema that is behind stops commands with exit 78 until `registry migrate`")
    func schemaBehind() throws {
        let scratch = Scratch()
        let cli = CLI(directory: scratch.path)
        #expect(try cli.run("migrate", "--to", "1").status == 0)
        let before = try cli.dump()
        let behind = try cli.run("entity", "add", "--kind", "kgw", "--name", "KGW")
        #expect(behind.status == 78)
        #expect(behind.stderr.contains("run `registry migrate`"))
        #expect(try cli.dump() == before, "a command refused for the schema changed the registry")
        let status = try cli.run("migrate", "--status")
        #expect(status.stdout.contains("pending"))
        let migrate = try cli.run("migrate")
        #expect(migrate.status == 0)
        #expect(migrate.stderr.contains("backup written to \(scratch.path)/registry.sqlite.v1-"))
        #expect(try cli.run("entity", "add", "--kind", "kgw", "--name", "KGW").status == 0)
    }

    @Test("the binary copied alone to another folder creates and migrates a database")
    func copiedBinary() throws {
        let scratch = Scratch()
        let lonely = scratch.path + "/bin/registry"
        try FileManager.default.createDirectory(atPath: scratch.path + "/bin", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: CLI.binary, toPath: lonely)
        var cli = CLI(directory: scratch.path)
        cli.environment["REGISTRY_DB"] = scratch.path + "/elsewhere.sqlite"
        let result = try cli.run(["init"], executable: lonely)
        #expect(result.status == 0, "\(result.stderr)")
        let find = try cli.run(["teryt", "find", "Borzytuchom"], executable: lonely)
        #expect(find.stdout.contains("2201012"))
    }

    @Test("teryt find and teryt import")
    func teryt() throws {
        let scratch = Scratch()
        let cli = CLI(directory: scratch.path)
        try cli.run("init")
        let find = try cli.run("teryt", "find", "lodz", "--level", "gmina", "--format", "json")
        let units = try #require(try find.stdout.json() as? [[String: Any]])
        #expect(units.map { $0["code"] as? String } == ["1061011"])
        let file = scratch.write("terc.csv", "WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA\r\n02;;;;DOLNOŚLĄSKIE;województwo;2021-01-01\r\n")
        let result = try cli.run("teryt", "import", file)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("TERC edition 2021-01-01: 1 units, 0 added"))
    }

    @Test("audit verify is 0 when intact and 65 naming the entry after tampering")
    func auditVerify() throws {
        let scratch = Scratch()
        let cli = CLI(directory: scratch.path)
        try cli.run("init")
        try cli.run("entity", "add", "--kind", "kgw", "--name", "KGW Babki")
        let ok = try cli.run("audit", "verify")
        #expect(ok.status == 0)
        #expect(ok.stdout.hasPrefix("audit log intact: "))
        try cli.shell("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'mallory' WHERE seq = 4;")
        let before = try cli.dump()
        let bad = try cli.run("audit", "verify")
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("audit entry 4: content does not match its hash"))
        #expect(try cli.dump() == before, "audit verify changed the registry")
    }

    @Test("--version is fast to answer and prints the version")
    func version() throws {
        let result = try CLI(directory: NSTemporaryDirectory()).run("--version")
        #expect(result.status == 0)
        #expect(result.stdout == "0.1.0\n")
    }
}
