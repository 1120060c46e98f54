import Foundation
import Testing

@Suite("argument values: refused in the library's words, before the registry is opened")
struct ArgumentsCLITests {
    typealias Broken = BrokenInputCLITests

    static let badValues: [([String], String?)] = [
        (["query", "--on", "2026-02-30"], "on \"2026-02-30\": is not a real calendar date"),
        (["entity", "close", "5260250274", "--date", "30/06/2026"], "date \"30/06/2026\": must be a date as YYYY-MM-DD or DD.MM.YYYY"),
        (["cert", "revoke", "x", "--date", "2020-03-01", "--decided-on", "2020-13-01"], "decided-on \"2020-13-01\": is not a real calendar date"),
        (["cert", "holders", "--scheme", "zakup-prospoleczny", "--recorded-at", "soon"],
         "recorded-at \"soon\": must be a date (YYYY-MM-DD or DD.MM.YYYY, the end of that Polish day) or a time (YYYY-MM-DDTHH:MM[:SS] with Z or an offset)"),
        (["map", "--region", "28a"], "region \"28a\": must be a TERYT prefix: 2 digits (voivodeship), 4 (county) or 7 (commune)"),
        (["search", "catering", "--kind", "bank"], nil),
    ]

    @Test("a bad value exits 65 with one line naming the option, value and rule; nothing written", arguments: badValues)
    func badValue(arguments: [String], message: String?) throws {
        let (cli, before) = try Broken.seeded()
        let result = try cli.run(arguments)
        #expect(result.status == 65, "\(arguments): \(result.stderr)")
        if let message { #expect(result.stderr == "registry: error: \(message)\n") }
        #expect(result.stdout.isEmpty)
        try Broken.expectUnchanged(cli, before, "\(arguments)")
        // The value is checked before the registry is looked for.
        var missing = cli
        missing.environment["REGISTRY_DB"] = cli.directory + "/missing.sqlite"
        #expect(try missing.run(arguments).status == 65)
    }

    static let misfits: [([String], String)] = [
        (["report", "changes", "--from", "2026-01-02", "--to", "2026-01-01"], "--from 2026-01-02 is after --to 2026-01-01"),
        (["map", "--level", "wojewodztwo", "--region", "2801"],
         "--region 2801 is finer than --level wojewodztwo; use --level gmina or a shorter region"),
        (["entity", "update", "5260250274"], "nothing to update: give at least one field option"),
        (["teryt", "find", "Braniewo", "--level", "miasto"], "--level must be one of: wojewodztwo, powiat, gmina, czesc"),
    ]

    @Test("options that do not fit together exit 64 naming the options", arguments: misfits)
    func usage(arguments: [String], message: String) throws {
        let (cli, before) = try Broken.seeded()
        let result = try cli.run(arguments)
        #expect(result.status == 64, "\(arguments): \(result.stderr)")
        #expect(result.stderr == "registry: error: \(message)\n")
        try Broken.expectUnchanged(cli, before, "\(arguments)")
    }

    @Test("--map to a field the file's kind does not have exits 64 naming the mapping and the fields")
    func unknownMappedField() throws {
        let (cli, before) = try Broken.seeded()
        let result = try cli.run("import", "entities", WorkflowCLITests.examples, "--map", "Nazwa=nosuch")
        #expect(result.status == 64)
        #expect(result.stderr.hasPrefix("registry: error: --map Nazwa=nosuch: nosuch is not a field of entities; fields: capacity, city,"))
        try Broken.expectUnchanged(cli, before, "an unknown mapped field")
    }

    @Test("--help wins over a bad value")
    func helpWins() throws {
        let (cli, _) = try Broken.seeded()
        let result = try cli.run("cert", "suspend", "x", "--date", "bad", "--help")
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        #expect(result.stdout.hasPrefix("OVERVIEW: Suspend a certificate from a day."))
    }
}
