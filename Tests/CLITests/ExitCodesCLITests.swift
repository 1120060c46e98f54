import Foundation
import Testing

/// The exit codes no other test reaches through the binary: 65 from `check`, 70 (an SQLite error
/// the registry does not expect), 74 (a write that cannot grow a file, without a tmpfs) and 75 (the
/// write lock held past the busy timeout). Each asserts the message and that nothing changed.
/// Not serialized: the 75 case spends the 30 s busy timeout asleep, beside the other suites.
@Suite("exit codes 65 (check), 70, 74 and 75 through the binary; the registry unchanged")
struct ExitCodesCLITests {
    typealias Broken = BrokenInputCLITests

    @Test("check exits 65 naming the broken rule when a batch row was unfinished by hand")
    func checkFails() throws {
        let (cli, _) = try Broken.seeded()
        let id = try cli.run("sql", "SELECT id FROM import_batches", "--format", "csv").stdout
            .split(separator: "\n").dropFirst().first.map(String.init) ?? "?"
        // The trigger keeps finished batch rows as they are; someone with the sqlite3 shell removed it.
        try cli.shell("DROP TRIGGER import_batches_no_update; UPDATE import_batches SET finished_at = '' WHERE id = '\(id)';")
        let before = try cli.dump()
        let check = try cli.run("check")
        #expect(check.status == 65, "\(check.stdout) \(check.stderr)")
        #expect(check.stdout.split(separator: "\n").filter { !$0.hasPrefix("notice: ") }
                == ["problem: import batch \(id): never finished (its counts were not recorded)"])
        #expect(check.stderr == "registry: 1 problem(s) found\n")
        #expect(try cli.dump() == before, "check changed the registry")
    }

    @Test("an SQLite error the registry does not expect (a trigger added by hand) exits 70 naming it; nothing written")
    func internalErrorFromTrigger() throws {
        let (cli, before) = try Broken.seeded()
        try cli.shell("CREATE TRIGGER by_hand BEFORE INSERT ON entities BEGIN SELECT RAISE(ABORT, 'added by hand'); END;")
        let add = try cli.run("entity", "add", "--kind", "cis", "--name", "CIS Ręczny", "--teryt", "2862011")
        #expect(add.status == 70, "\(add.stderr)")
        #expect(add.stderr.hasPrefix("registry: error: SQLite error 19 (extended 1811): added by hand in: INSERT INTO entities"),
                "\(add.stderr)")
        #expect(add.stdout.isEmpty)
        try Broken.expectUnchanged(cli, before, "an insert a trigger refused")
    }

    @Test("a column renamed by hand: a write exits 70 naming the missing column; nothing written")
    func internalErrorFromSchema() throws {
        let (cli, _) = try Broken.seeded()
        // The legacy rename leaves the views as they are (v_entities reads the column through a subquery).
        try cli.shell("PRAGMA legacy_alter_table = ON; ALTER TABLE entities RENAME COLUMN phone TO telefon;")
        let before = try cli.dump()
        let update = try cli.run("entity", "update", "7390000016", "--phone", "+48 89 000 00 00")
        #expect(update.status == 70, "\(update.stderr)")
        #expect(update.stderr.hasPrefix("registry: error: SQLite error 1 (extended 1): no such column: phone in: SELECT"),
                "\(update.stderr)")
        #expect(try cli.dump() == before, "the failed update changed the registry")
    }

    @Test("a write that cannot grow its files (prlimit --fsize) exits 74; nothing written")
    func ioErrorWithoutTmpfs() throws {
        let (cli, before) = try Broken.seeded()
        let scratch = Scratch()
        let file = ReliabilityCLITests.entityFile(scratch, "big.csv", rows: 3_000, tag: "F")
        // 256 KB: the registry is already larger, so the commit's WAL (or a checkpoint) cannot be written.
        let result = try SafetyCLITests.withFileSizeLimit(cli, 256 * 1024, ["import", "entities", file])
        #expect(result.status == 74, "\(result.stderr)")
        #expect(result.stderr == "registry: error: \(cli.directory)/registry.sqlite: disk I/O error\n", "\(result.stderr)")
        try Broken.expectUnchanged(cli, before, "an import past the file size limit")
    }

    /// Whether this process may run a command as another user (root, with util-linux's setpriv).
    static let canSwitchUser = geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")

    @Test("a registry the user may read but not write: a write exits 73 naming it; nothing written",
          Capability.needed(canSwitchUser, "needs root and setpriv to run a command as another user"))
    func readOnlyWithoutTmpfs() throws {
        try Capability.check(Self.canSwitchUser, "this test runs a command as user nobody (root and setpriv)")
        let (cli, before) = try Broken.seeded()
        let registry = cli.directory + "/registry.sqlite"
        chmod(cli.directory, 0o755)
        chmod(registry, 0o644)
        let nobody = ["--reuid=65534", "--regid=65534", "--clear-groups", CLI.binary]
        let result = try cli.run(nobody + ["entity", "add", "--kind", "kgw", "--name", "KGW Nobody", "--teryt", "2862011"],
                                 executable: "/usr/bin/setpriv")
        #expect(result.status == 73, "\(result.stderr)")
        #expect(result.stderr.contains("\(registry): cannot create: the database is read-only"), "\(result.stderr)")
        chmod(registry, 0o600)
        try Broken.expectUnchanged(cli, before, "a write by a user who may not write the registry")
    }

    @Test("the write lock held by another connection: reads still answer, a write exits 75 after the busy timeout")
    func busy() throws {
        let (cli, before) = try Broken.seeded()
        let lock = try WriteLock(cli.directory + "/registry.sqlite")
        // A reader does not wait for a writer (WAL): it answers while the lock is still held.
        #expect(try ReliabilityCLITests.count(cli) == 12)
        let add = ["entity", "add", "--kind", "cis", "--name", "CIS Czekający", "--teryt", "2862011"]
        let write = try cli.run(add, timeout: 120)
        #expect(!write.timedOut)
        #expect(write.status == 75, "\(write.stderr)")
        #expect(write.stderr == "registry: error: database is busy (another process is writing): database is locked\n"
                + "hint: another registry command is writing; try again when it has finished\n")
        lock.release()
        try Broken.expectUnchanged(cli, before, "a write refused as busy")
        let again = try cli.run(add)
        #expect(again.status == 0, "once the lock is released the write succeeds: \(again.stderr)")
    }
}
