import Foundation
import Testing

/// The rules at the door through the binary: a founding date after today, a closing date before
/// the founding date, a certificate for a day its holder does not exist, an overlapping
/// certificate. Each exits 65 naming the field, value and rule, and leaves the registry as it was.
@Suite("rules at the door through the binary: exit 65, nothing written")
struct DoorRulesCLITests {
    typealias Broken = BrokenInputCLITests

    /// The examples imported; Warmianka (NIP 7390000016, KRS 3000) was founded on 2016-04-12.
    static func ready() throws -> (Scratch, CLI, String) {
        let scratch = Scratch()
        let cli = CLI(scratch: scratch)
        let result = try cli.run("import", "entities", WorkflowCLITests.examples)
        #expect(result.status == 0, "\(result.stderr)")
        return (scratch, cli, try Broken.digest(cli))
    }

    static func entityCount(_ cli: CLI) throws -> String {
        try cli.run("sql", "SELECT count(*) AS n, sum(version) AS versions FROM entities", "--format", "csv").stdout
    }

    @Test("entity add and entity update with a founding date after today exit 65; nothing written")
    func futureFounding() throws {
        let (_, cli, before) = try Self.ready()
        let count = try Self.entityCount(cli)
        let add = try cli.run("entity", "add", "--kind", "kgw", "--name", "KGW Przyszłe", "--teryt", "2862011",
                              "--founded", "01.01.2031")
        #expect(add.status == 65)
        #expect(add.stderr.hasPrefix("registry: error: founded_on \"01.01.2031\": is after today ("), "\(add.stderr)")
        #expect(add.stderr.hasSuffix("); a founding date cannot be in the future\n"), "\(add.stderr)")
        #expect(add.stdout.isEmpty)
        let update = try cli.run("entity", "update", "7390000016", "--founded", "2031-01-01")
        #expect(update.status == 65)
        #expect(update.stderr.hasPrefix("registry: error: founded_on \"2031-01-01\": is after today ("), "\(update.stderr)")
        #expect(try Self.entityCount(cli) == count)
        try Broken.expectUnchanged(cli, before, "a founding date after today")
    }

    @Test("entity update moving the founding date past the closing date exits 65; nothing written")
    func foundingAfterClosing() throws {
        let (_, cli, _) = try Self.ready()
        let close = try cli.run("entity", "close", "7390000016", "--date", "2020-06-30")
        #expect(close.status == 0, "\(close.stderr)")
        let id = try cli.run("sql", "SELECT id FROM entities WHERE nip = '7390000016'", "--format", "csv").stdout
            .split(separator: "\n").dropFirst().first.map(String.init) ?? "?"
        let before = try Broken.digest(cli)
        let count = try Self.entityCount(cli)
        let update = try cli.run("entity", "update", "7390000016", "--founded", "2020-07-01")
        #expect(update.status == 65)
        #expect(update.stderr == "registry: error: founded_on \"2020-07-01\": is after the closing date 2020-06-30 of entity \(id); an entity cannot close before it is founded\n")
        #expect(try Self.entityCount(cli) == count)
        try Broken.expectUnchanged(cli, before, "a founding date after the closing date")
    }

    @Test("an import row with a future founding date or closing before its founding date exits 65 naming the record; nothing written")
    func importRows() throws {
        let (scratch, cli, before) = try Self.ready()
        let count = try Self.entityCount(cli)
        let future = scratch.write("future.csv", "Nazwa;Forma prawna;TERYT gminy;Data założenia\nKGW Przyszłe;kgw;2862011;01.01.2031\n")
        let refused = try cli.run("import", "entities", future)
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("error: record 1 (line 2), column Data założenia \"01.01.2031\": is after today ("),
                "\(refused.stderr)")
        let closing = scratch.write(
            "closing.csv", "Nazwa;Forma prawna;TERYT gminy;Data założenia;Data zamknięcia\nKGW Krótkie;kgw;2862011;01.03.2015;31.12.2014\n")
        let closed = try cli.run("import", "entities", closing)
        #expect(closed.status == 65)
        #expect(closed.stderr.contains(
            "error: record 1 (line 2), column Data zamknięcia \"2014-12-31\": is before the founding date 2015-03-01; an entity cannot close before it is founded"),
                "\(closed.stderr)")
        #expect(try Self.entityCount(cli) == count)
        try Broken.expectUnchanged(cli, before, "an import row with impossible dates")
    }

    @Test("cert grant before the founding date or from the closing date exits 65 naming the entity; nothing written")
    func grantOutsideLifespan() throws {
        let (_, cli, before) = try Self.ready()
        let id = try cli.run("sql", "SELECT id FROM entities WHERE nip = '7390000016'", "--format", "csv").stdout
            .split(separator: "\n").dropFirst().first.map(String.init) ?? "?"
        let early = try cli.run("cert", "grant", "7390000016", "--scheme", "zakup-prospoleczny", "--valid-from", "2016-04-11",
                                "--scope", "catering")
        #expect(early.status == 65)
        #expect(early.stderr == "registry: error: valid_from \"2016-04-11\": a certificate cannot be granted for a day its holder does not exist; entity \(id) does not exist on 2016-04-11: it was founded on 2016-04-12\n")
        try Broken.expectUnchanged(cli, before, "a grant before the founding date")

        #expect(try cli.run("entity", "close", "7390000016", "--date", "2020-06-30").status == 0)
        let closed = try Broken.digest(cli)
        let late = try cli.run("cert", "grant", "7390000016", "--scheme", "zakup-prospoleczny", "--valid-from", "2020-06-30",
                               "--scope", "catering")
        #expect(late.status == 65)
        #expect(late.stderr == "registry: error: valid_from \"2020-06-30\": a certificate cannot be granted for a day its holder does not exist; entity \(id) does not exist on 2020-06-30: it closed on 2020-06-30 (its first day closed)\n")
        try Broken.expectUnchanged(cli, closed, "a grant from the closing date")
    }

    @Test("cert grant overlapping a certificate of the same scheme and scope exits 65 naming it; another scope is granted")
    func overlappingGrant() throws {
        let (_, cli, _) = try Self.ready()
        let grant = try cli.run("cert", "grant", "7390000016", "--scheme", "zakup-prospoleczny", "--valid-from", "2019-06-01",
                                "--scope", "catering")
        #expect(grant.status == 0, "\(grant.stderr)")
        let first = grant.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let before = try Broken.digest(cli)
        let again = try cli.run("cert", "grant", "7390000016", "--scheme", "zakup-prospoleczny", "--valid-from", "2020-01-01",
                                "--scope", "catering")
        #expect(again.status == 65)
        #expect(again.stderr.contains("validity \"2020-01-01 to 2020-12-31\": overlaps certificate \(first) of zakup-prospoleczny"),
                "\(again.stderr)")
        #expect(again.stderr.contains("valid 2019-06-01 to 2020-05-31; renew or correct that certificate instead"), "\(again.stderr)")
        try Broken.expectUnchanged(cli, before, "an overlapping grant")
        let other = try cli.run("cert", "grant", "7390000016", "--scheme", "zakup-prospoleczny", "--valid-from", "2020-01-01",
                                "--scope", "sprzątanie")
        #expect(other.status == 0, "\(other.stderr)")
    }
}
