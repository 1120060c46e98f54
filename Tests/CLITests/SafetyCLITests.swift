import Foundation
import Testing

/// Issue 21, "nothing lost, nothing leaked", driven through the real binary as a user or an
/// attacker would: every case asserts the exit code, the message, and that the registry is as it
/// was (same content, audit chain and checks).
@Suite("safety: outputs never overwrite the registry, private files stay private, paths are paths")
struct SafetyCLITests {
    typealias Broken = BrokenInputCLITests

    /// A command writing its output where the registry (or a companion) lives.
    struct OntoRegistry: CustomTestStringConvertible, Sendable {
        let name: String
        /// Prepares the folder (links, inputs) and returns the arguments.
        let arguments: @Sendable (String) -> [String]
        /// The path the message must name as the output.
        let output: String
        var testDescription: String { name }
    }

    static let ontoRegistry: [OntoRegistry] = [
        OntoRegistry(name: "map -o the registry", arguments: { _ in
            ["map", "--level", "wojewodztwo", "--format", "html", "-o", "registry.sqlite"] }, output: "registry.sqlite"),
        OntoRegistry(name: "report -o its WAL", arguments: { _ in
            ["report", "changes", "--from", "2026-01-01", "-o", "registry.sqlite-wal"] }, output: "registry.sqlite-wal"),
        OntoRegistry(name: "export -o the registry", arguments: { _ in
            ["export", "entities", "-o", "registry.sqlite"] }, output: "registry.sqlite"),
        OntoRegistry(name: "export --excel -o its shared-memory file", arguments: { _ in
            ["export", "entities", "--excel", "-o", "registry.sqlite-shm"] }, output: "registry.sqlite-shm"),
        OntoRegistry(name: "export -o a symbolic link to it", arguments: { folder in
            symlink(folder + "/registry.sqlite", folder + "/link.sqlite")
            return ["export", "entities", "-o", "link.sqlite"]
        }, output: "link.sqlite"),
        OntoRegistry(name: "export -o a hard link to it", arguments: { folder in
            link(folder + "/registry.sqlite", folder + "/hard.sqlite")
            return ["export", "entities", "--format", "json", "-o", "hard.sqlite"]
        }, output: "hard.sqlite"),
        OntoRegistry(name: "export -o its path spelt through another folder", arguments: { folder in
            mkdir(folder + "/sub", 0o700)
            return ["export", "entities", "-o", "sub/../registry.sqlite"]
        }, output: "sub/../registry.sqlite"),
        OntoRegistry(name: "--rejects onto its rollback journal (not there yet)", arguments: { folder in
            _ = FileManager.default.createFile(atPath: folder + "/bad.csv", contents: Data("nazwa;forma prawna;nip\nA;fundacja;123\n".utf8))
            return ["import", "entities", "bad.csv", "--on-error", "skip", "--rejects", "registry.sqlite-journal"]
        }, output: "registry.sqlite-journal"),
        OntoRegistry(name: "backup onto its search scratch file (not there)", arguments: { _ in
            ["backup", "registry.sqlite-search"] }, output: "registry.sqlite-search"),
        OntoRegistry(name: "export with --db and -o naming one file", arguments: { folder in
            ["export", "entities", "--db", folder + "/registry.sqlite", "-o", folder + "/registry.sqlite"] },
            output: "/registry.sqlite"),
    ]

    @Test("an output that is the registry or a companion is refused with exit 73 naming both; nothing changes",
          arguments: ontoRegistry)
    func outputOntoRegistry(_ onto: OntoRegistry) throws {
        let (cli, before) = try Broken.seeded()
        let size = try Self.size(cli.directory + "/registry.sqlite")
        let result = try cli.run(onto.arguments(cli.directory))
        #expect(result.status == 73, "\(result.stderr)")
        #expect(result.stderr.contains(onto.output), "\(result.stderr)")
        #expect(result.stderr.contains("it is the registry's own file"), "\(result.stderr)")
        #expect(try Self.size(cli.directory + "/registry.sqlite") == size)
        try Broken.expectUnchanged(cli, before, onto.name)
        #expect(try Self.strayFiles(cli.directory).isEmpty)
    }

    @Test("export all into the registry's folder does not write over a registry named like an export")
    func exportAllOverRegistry() throws {
        let (cli, before) = try Self.seeded(named: "entities.csv")
        let result = try cli.run("export", "all", "-o", cli.directory)
        #expect(result.status == 73, "\(result.stderr)")
        #expect(result.stderr.contains("entities.csv: cannot create: it is the registry's own file"), "\(result.stderr)")
        #expect(try Broken.digest(cli) == before)
    }

    // MARK: - Atomic outputs

    /// Runs the binary with writes limited to `bytes` per file (a full disk as the process sees it;
    /// the registry ignores SIGXFSZ, so a write past it fails with EFBIG instead of killing it).
    static func withFileSizeLimit(_ cli: CLI, _ bytes: Int, _ arguments: [String]) throws -> CLI.Result {
        let quoted = ([CLI.binary] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        return try cli.run(["-c", "exec prlimit --fsize=\(bytes) -- " + quoted.joined(separator: " ")],
                           executable: "/bin/sh")
    }

    @Test("an export that cannot be finished leaves the previous file as it was and nothing beside it")
    func failedExportKeepsPrevious() throws {
        let scratch = Scratch()
        let cli = CLI(scratch: scratch)
        let file = ReliabilityCLITests.entityFile(scratch, "many.csv", rows: 1_500, tag: "A")
        #expect(try cli.run("import", "entities", file).status == 0)
        let complete = try cli.run("export", "entities", "-o", "out.csv")
        #expect(complete.status == 0, "\(complete.stderr)")
        let size = try Self.size(cli.directory + "/out.csv")
        #expect(size > 200_000)
        scratch.write("out.csv", "the previous export\n")
        let listing = try Self.listing(cli.directory)
        let result = try Self.withFileSizeLimit(cli, size / 2, ["export", "entities", "-o", "out.csv"])
        #expect(result.status == 74, "\(result.stderr)")
        #expect(result.stderr.contains("out.csv: cannot write: File too large"), "\(result.stderr)")
        #expect(try String(contentsOfFile: cli.directory + "/out.csv", encoding: .utf8) == "the previous export\n")
        #expect(try Self.listing(cli.directory) == listing)
        // Written again with room, it is complete and takes the umask like any output.
        #expect(try cli.run("export", "entities", "-o", "out.csv").status == 0)
        #expect(try Self.size(cli.directory + "/out.csv") == size)
        #expect(try Self.mode(cli.directory + "/out.csv") == 0o644)
    }

    @Test("a backup that fails leaves nothing, so the same command then succeeds; a backup is 0600")
    func failedBackupLeavesNothing() throws {
        let (cli, before) = try Broken.seeded()
        let listing = try Self.listing(cli.directory)
        let failed = try Self.withFileSizeLimit(cli, 256 * 1024, ["backup", "copy.sqlite"])
        #expect(failed.status == 74, "\(failed.stderr)")
        #expect(try Self.listing(cli.directory) == listing)
        let backup = try cli.run("backup", "copy.sqlite")
        #expect(backup.status == 0, "\(backup.stderr)")
        #expect(try Self.mode(cli.directory + "/copy.sqlite") == 0o600)
        #expect(try Self.listing(cli.directory) == (listing + ["copy.sqlite"]).sorted())
        let again = try cli.run("backup", "copy.sqlite")
        #expect(again.status == 73)
        #expect(again.stderr.contains("copy.sqlite: cannot create: the file exists"), "\(again.stderr)")
        try Broken.expectUnchanged(cli, before, "backup")
    }

    @Test("a backup whose copy does not verify is not kept: exit 65, nothing at the target or beside it")
    func unverifiedBackupRemoved() throws {
        let cli = CLI(scratch: Scratch())
        #expect(try cli.run("entity", "add", "--kind", "kgw", "--name", "KGW Babki").status == 0)
        try cli.shell("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'mallory' WHERE seq = 4;")
        let listing = try Self.listing(cli.directory)
        let result = try cli.run("backup", "copy.sqlite")
        #expect(result.status == 65, "\(result.stderr)")
        #expect(result.stderr.contains("the backup for copy.sqlite does not verify, so it was not kept"), "\(result.stderr)")
        #expect(result.stderr.contains("audit entry 4: content does not match its hash"), "\(result.stderr)")
        #expect(try Self.listing(cli.directory).filter { !$0.hasSuffix("-wal") && !$0.hasSuffix("-shm") }
                == listing.filter { !$0.hasSuffix("-wal") && !$0.hasSuffix("-shm") })
        #expect(!FileManager.default.fileExists(atPath: cli.directory + "/copy.sqlite"))
    }

    @Test("the copy migrate makes before upgrading is 0600")
    func migrateCopyIsPrivate() throws {
        let cli = CLI(scratch: Scratch())
        #expect(try cli.run("migrate", "--to", "8").status == 0)
        let migrated = try cli.run("migrate")
        #expect(migrated.status == 0, "\(migrated.stderr)")
        let line = try #require(migrated.stderr.split(separator: "\n").first { $0.hasPrefix("backup written to ") })
        let path = String(line.dropFirst("backup written to ".count))
        #expect(path.hasSuffix(".bak"))
        #expect(try Self.mode(path) == 0o600)
    }

    // MARK: - Private files

    @Test("standard input is spooled to a private file with no name: nothing is left in $TMPDIR, even after a kill")
    func spoolHasNoName() throws {
        var cli = CLI(scratch: Scratch())
        let temporary = cli.directory + "/tmp"
        mkdir(temporary, 0o700)
        cli.environment["TMPDIR"] = temporary
        #expect(try cli.run("init").status == 0)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.binary)
        process.arguments = ["import", "entities", "-"]
        process.environment = cli.environment
        process.currentDirectoryURL = URL(fileURLWithPath: cli.directory)
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Half a file, the pipe left open: the import is spooling and waits for the rest.
        input.fileHandleForWriting.write(Data("Nazwa;Forma prawna;TERYT gminy\nSpółdzielnia A;spoldzielnia-socjalna;2862011\n".utf8))
        var spool: String?
        for _ in 0..<3_000 where spool == nil {
            spool = Self.openFile(of: process.processIdentifier, under: temporary)
            if spool == nil { usleep(10_000) }
        }
        let descriptor = try #require(spool, "the import never opened its spool under \(temporary)")
        #expect(try Self.listing(temporary).isEmpty, "the spool has a name")
        #expect(try Self.mode(descriptor) == 0o600)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(try Self.listing(temporary).isEmpty)
    }

    @Test("what stands at <db>-search before a first import decides: a link, a folder or a foreign file stops it with 73")
    func scratchPathPlantedBefore() throws {
        for planted in ["link", "folder", "foreign file"] {
            let scratch = Scratch()
            let cli = CLI(scratch: scratch)
            let outside = Scratch()
            let search = cli.directory + "/registry.sqlite-search"
            switch planted {
            case "link": symlink(outside.path + "/leak.sqlite", search)
            case "folder": mkdir(search, 0o700)
            default: scratch.write("registry.sqlite-search", "someone's notes\n")
            }
            #expect(try cli.run("init").status == 0)
            let result = try cli.run("import", "entities", WorkflowCLITests.examples)
            #expect(result.status == 73, "\(planted): \(result.stderr)")
            #expect(result.stderr.contains("registry.sqlite-search: cannot create"), "\(planted): \(result.stderr)")
            #expect(try ReliabilityCLITests.count(cli) == 0, "\(planted)")
            #expect(try Self.listing(outside.path).isEmpty, "\(planted)")
            if planted == "foreign file" {
                #expect(try String(contentsOfFile: search, encoding: .utf8) == "someone's notes\n")
            }
        }
    }

    @Test("a scratch file a killed import left (empty, or an SQLite file) is removed and the import goes on")
    func leftoverScratchIsRemoved() throws {
        // Empty (killed as soon as it was made), or an SQLite file with the scratch's application id ("RSCH").
        let header = Data("SQLite format 3\u{0}".utf8) + Data(count: 52) + Data([0x52, 0x53, 0x43, 0x48])
        for leftover in [Data(), header + Data(count: 4_024)] {
            let scratch = Scratch()
            let cli = CLI(scratch: scratch)
            #expect(try cli.run("init").status == 0)
            #expect(FileManager.default.createFile(atPath: cli.directory + "/registry.sqlite-search", contents: leftover))
            let result = try cli.run("import", "entities", WorkflowCLITests.examples)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(try ReliabilityCLITests.count(cli) == 12)
            #expect(!FileManager.default.fileExists(atPath: cli.directory + "/registry.sqlite-search"))
        }
    }

    @Test("another registry named <db>-search is not a leftover: the import stops with 73 and it is kept whole")
    func otherRegistryAtScratchPath() throws {
        let (cli, before) = try Self.seeded(named: "a.sqlite-search")
        var main = cli
        main.environment["REGISTRY_DB"] = cli.directory + "/a.sqlite"
        let result = try main.run("import", "entities", WorkflowCLITests.examples)
        #expect(result.status == 73, "\(result.stderr)")
        #expect(result.stderr.contains("a.sqlite-search: cannot create: the first import's search index is built here, "
            + "but the path holds a file that is not a search index"), "\(result.stderr)")
        #expect(try Broken.digest(cli) == before)
    }

    @Test("a link planted at <db>-search while first imports run never sends the index outside (100 tries)")
    func scratchPathPlantedDuring() throws {
        let outside = Scratch()
        let scratch = Scratch()
        let file = ReliabilityCLITests.entityFile(scratch, "rows.csv", rows: 300, tag: "P")
        var outcomes: [Int32: Int] = [:]
        for attempt in 0..<100 {
            var cli = CLI(directory: scratch.path)
            let registry = scratch.path + "/r\(attempt).sqlite"
            cli.environment["REGISTRY_DB"] = registry
            let search = registry + "-search"
            let target = outside.path + "/leak-\(attempt).sqlite"
            let process = try ReliabilityCLITests.start(cli, ["import", "entities", file])
            // Plants from a moment into the import until it ends (the delay varies the moment).
            usleep(UInt32(attempt % 10) * 3_000)
            while process.isRunning {
                unlink(search)
                symlink(target, search)
            }
            process.waitUntilExit()
            outcomes[process.terminationStatus, default: 0] += 1
            #expect([0, 73].contains(process.terminationStatus), "attempt \(attempt)")
            #expect(try Self.listing(outside.path).isEmpty, "attempt \(attempt): a file appeared outside")
            // Refused: nothing was written.
            if process.terminationStatus == 73 { #expect(try ReliabilityCLITests.count(cli) == 0, "attempt \(attempt)") }
            unlink(search)
        }
        #expect(outcomes.values.reduce(0, +) == 100)
    }

    // MARK: - Database paths

    @Test("--db is a path, never an SQLite URI or in-memory database: what is written is kept in that file",
          arguments: ["file:u.sqlite?mode=memory", ":memory:"])
    func databaseURIIsAPath(name: String) throws {
        let cli = CLI(scratch: Scratch())
        let added = try cli.run("entity", "add", "--db", name, "--kind", "cis", "--name", "CIS Pamięć", "--teryt", "2862011")
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stderr.contains("created a new registry at"), "\(added.stderr)")
        #expect(FileManager.default.fileExists(atPath: cli.directory + "/" + name))
        let listed = try cli.run("query", "--db", name, "--format", "csv")
        #expect(listed.stdout.contains("CIS Pamięć"), "\(listed.stderr)")
    }

    struct NotAFile: CustomTestStringConvertible, Sendable {
        let kind: String
        let make: @Sendable (String) -> String
        var testDescription: String { kind }
    }

    static let notFiles: [NotAFile] = [
        NotAFile(kind: "a directory") { folder in mkdir(folder + "/db", 0o700); return folder + "/db" },
        NotAFile(kind: "a pipe (FIFO)") { folder in mkfifo(folder + "/db", 0o600); return folder + "/db" },
        NotAFile(kind: "a socket") { folder in SafetyCLITests.bindSocket(folder + "/db"); return folder + "/db" },
        NotAFile(kind: "a device") { _ in "/dev/null" },
    ]

    @Test("a directory, pipe, socket or device as --db is refused at once with exit 66 naming it", arguments: notFiles)
    func databaseNotAFile(_ notFile: NotAFile) throws {
        let cli = CLI(scratch: Scratch())
        let path = notFile.make(cli.directory)
        for arguments in [["query", "--db", path], ["entity", "add", "--db", path, "--kind", "cis", "--name", "X", "--teryt", "2862011"],
                          ["migrate", "--db", path]] {
            let result = try cli.run(arguments, timeout: 20)
            #expect(!result.timedOut, "\(arguments) hung")
            #expect(result.status == 66, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("\(path): it is \(notFile.kind), not a registry file"), "\(result.stderr)")
        }
    }

    @Test("a write command says when it creates a registry; --no-create and REGISTRY_NO_CREATE=1 make it exit 66")
    func missingRegistry() throws {
        var cli = CLI(scratch: Scratch())
        let add = ["entity", "add", "--kind", "cis", "--name", "CIS Nowy", "--teryt", "2862011"]
        let refused = try cli.run(add + ["--db", "typo.sqlite", "--no-create"])
        #expect(refused.status == 66, "\(refused.stderr)")
        #expect(refused.stderr.contains("typo.sqlite: no such file"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cli.directory + "/typo.sqlite"))
        let migrate = try cli.run("migrate", "--db", "typo.sqlite", "--no-create")
        #expect(migrate.status == 66, "\(migrate.stderr)")
        cli.environment["REGISTRY_NO_CREATE"] = "1"
        let imported = try cli.run("import", "entities", WorkflowCLITests.examples, "--db", "typo.sqlite")
        #expect(imported.status == 66, "\(imported.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cli.directory + "/typo.sqlite"))
        cli.environment["REGISTRY_NO_CREATE"] = nil
        let created = try cli.run(add + ["--db", "typo.sqlite"])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stderr.contains("created a new registry at typo.sqlite"), "\(created.stderr)")
        let again = try cli.run(add + ["--db", "typo.sqlite", "--no-create", "--name", "CIS Drugi"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(!again.stderr.contains("created"), "\(again.stderr)")
    }

    @Test("an empty --db is refused with exit 66")
    func emptyDatabasePath() throws {
        let cli = CLI(scratch: Scratch())
        let result = try cli.run("entity", "add", "--db", "", "--kind", "cis", "--name", "X", "--teryt", "2862011")
        #expect(result.status == 66, "\(result.stderr)")
        #expect(try Self.listing(cli.directory).isEmpty)
    }

    // MARK: - Redirections and replaced outputs

    @Test("-o /dev/stdout writes into the stream the shell redirected, not over the file behind it")
    func devStdoutIsTheStream() throws {
        let (cli, _) = try Broken.seeded()
        let script = "{ echo HEADER; '\(CLI.binary)' export entities -o /dev/stdout; echo FOOTER; } > combined.txt"
        let result = try cli.run(["-c", script], executable: "/bin/sh")
        #expect(result.status == 0, "\(result.stderr)")
        let text = try String(contentsOfFile: cli.directory + "/combined.txt", encoding: .utf8)
        #expect(text.hasPrefix("HEADER\nid,kind,name"), "\(text.prefix(80))")
        #expect(text.hasSuffix("FOOTER\n"))
        #expect(text.contains("Warmianka"))
    }

    @Test("standard output or error opened onto the registry is refused with exit 73 before anything is written")
    func redirectedOntoRegistry() throws {
        let (cli, before) = try Broken.seeded()
        for (redirection, stream) in [("1<>registry.sqlite", "standard output"), ("2<>registry.sqlite-wal", "standard error")] {
            for command in ["export entities", "query --format csv", "sql 'SELECT 1'", "entity add --kind kgw --name K"] {
                // Standard error goes to err.txt unless it is the one opened onto the registry.
                let errors = stream == "standard output" ? " 2>>err.txt" : ""
                let result = try cli.run(["-c", "exec '\(CLI.binary)' \(command) \(redirection)\(errors)"], executable: "/bin/sh")
                #expect(result.status == 73, "\(command) \(redirection)")
                if stream == "standard output" {
                    let errors = try String(contentsOfFile: cli.directory + "/err.txt", encoding: .utf8)
                    #expect(errors.contains("standard output: cannot create: it is the registry's own file"), "\(errors)")
                }
            }
        }
        try Broken.expectUnchanged(cli, before, "redirected output")
    }

    @Test("an export over a private file keeps it private")
    func replacedOutputKeepsMode() throws {
        let (cli, _) = try Broken.seeded()
        #expect(FileManager.default.createFile(atPath: cli.directory + "/private.csv", contents: Data("old".utf8)))
        chmod(cli.directory + "/private.csv", 0o600)
        #expect(try cli.run("export", "entities", "-o", "private.csv").status == 0)
        #expect(try Self.mode(cli.directory + "/private.csv") == 0o600)
        #expect(try String(contentsOfFile: cli.directory + "/private.csv", encoding: .utf8).contains("Warmianka"))
    }

    @Test("--rejects naming the file being imported is refused with exit 73; the file is kept")
    func rejectsOntoInput() throws {
        let (cli, before) = try Broken.seeded()
        let input = "nazwa;forma prawna;nip\nA;fundacja;123\nB;fundacja;5260250274\n"
        #expect(FileManager.default.createFile(atPath: cli.directory + "/in.csv", contents: Data(input.utf8)))
        let result = try cli.run("import", "entities", "in.csv", "--on-error", "skip", "--rejects", "in.csv")
        #expect(result.status == 73, "\(result.stderr)")
        #expect(result.stderr.contains("in.csv: cannot create: it is the file being imported"), "\(result.stderr)")
        #expect(try String(contentsOfFile: cli.directory + "/in.csv", encoding: .utf8) == input)
        try Broken.expectUnchanged(cli, before, "rejects onto input")
    }

    // MARK: - Terminal and log safety

    @Test("--actor and $REGISTRY_ACTOR: at most 100 characters, no control characters, else exit 64; nothing written")
    func actorIsBounded() throws {
        let (cli, before) = try Broken.seeded()
        let add = ["entity", "add", "--kind", "cis", "--name", "CIS Aktor", "--teryt", "2862011"]
        let cases: [(actor: String?, environment: String?, message: String)] = [
            ("anna\n2026-01-01 forged entry", nil, "--actor anna\\n2026-01-01 forged entry holds a control character"),
            (String(repeating: "a", count: 101), nil, "--actor is 101 characters long; at most 100 are allowed"),
            ("anna\u{1b}[2J", nil, "--actor anna\\x1b[2J holds a control character"),
            (nil, "ghost\r", "$REGISTRY_ACTOR ghost\\r holds a control character"),
            ("a" + String(repeating: "\u{301}", count: 200), nil, "--actor is 201 characters long"),
            ("anna\u{202E}annA", nil, "--actor anna\\u{202e}annA holds a control character"),
        ]
        for (actor, environment, message) in cases {
            var run = cli
            if let environment { run.environment["REGISTRY_ACTOR"] = environment }
            let result = try run.run(add + (actor.map { ["--actor", $0] } ?? []))
            #expect(result.status == 64, "\(message): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(result.stderr)")
            #expect(!result.stderr.contains("\u{1b}"))
        }
        try Broken.expectUnchanged(cli, before, "refused actors")
        let longest = try cli.run(add + ["--actor", String(repeating: "ż", count: 100)])
        #expect(longest.status == 0, "\(longest.stderr)")
    }

    @Test("stored control characters are shown escaped in tables, text and messages, and kept exact in CSV and JSON")
    func controlCharactersEscaped() throws {
        let cli = CLI(scratch: Scratch())
        let name = "Spółdzielnia \u{1b}[2J\u{07}Echo\rX"
        let added = try cli.run("entity", "add", "--kind", "cis", "--name", name, "--teryt", "2862011",
                                "--note", "linia 1\nlinia 2")
        #expect(added.status == 0, "\(added.stderr)")
        let id = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let table = try cli.run("query", "--format", "table")
        #expect(table.stdout.contains("Spółdzielnia \\x1b[2J\\x07Echo\\rX"), "\(table.stdout)")
        let show = try cli.run("entity", "show", id)
        #expect(show.stdout.contains("Spółdzielnia \\x1b[2J\\x07Echo\\rX"), "\(show.stdout)")
        #expect(show.stdout.contains("linia 1\\nlinia 2"), "\(show.stdout)")
        for output in [table.stdout, show.stdout] {
            #expect(!output.unicodeScalars.contains { $0 == "\u{1b}" || $0 == "\u{07}" || $0 == "\r" })
        }
        let csv = try cli.run("query", "--format", "csv")
        #expect(csv.stdout.contains(name))
        let json = try cli.run("entity", "show", id, "--format", "json")
        let object = try #require(try json.stdout.json() as? [String: Any])
        #expect(object["name"] as? String == name)
        // A report's change lines, and what an import says about a file's header.
        let report = try cli.run("report", "changes", "--from", "2020-01-01")
        #expect(report.stdout.contains("Spółdzielnia \\x1b[2J\\x07Echo\\rX"), "\(report.stdout)")
        #expect(!report.stdout.unicodeScalars.contains { $0 == "\u{1b}" })
        #expect(FileManager.default.createFile(atPath: cli.directory + "/h.csv",
                                       contents: Data("nazwa;forma prawna;Uwagi\u{1b}[31m\nKGW Łąka;kgw;x\n".utf8)))
        let imported = try cli.run("import", "entities", "h.csv")
        #expect(imported.stderr.contains("Uwagi\\x1b[31m"), "\(imported.stderr)")
        #expect(!imported.stderr.unicodeScalars.contains { $0 == "\u{1b}" })
        let missing = try cli.run("entity", "show", "\u{1b}]0;owned\u{07}")
        #expect(missing.status == 65)
        #expect(missing.stderr.contains("\\x1b]0;owned\\x07"), "\(missing.stderr)")
        #expect(!missing.stderr.contains("\u{1b}"))
    }

    // MARK: - Helpers

    /// A registry holding the example entities in a file called `name`, and its content's digest.
    static func seeded(named name: String) throws -> (CLI, String) {
        var cli = CLI(scratch: Scratch())
        cli.environment["REGISTRY_DB"] = cli.directory + "/" + name
        #expect(try cli.run("import", "entities", WorkflowCLITests.examples).status == 0)
        return (cli, try Broken.digest(cli))
    }

    static func size(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? -1
    }

    /// Permission bits of `path` (links followed).
    static func mode(_ path: String) throws -> mode_t {
        var info = stat()
        guard stat(path, &info) == 0 else { throw CocoaError(.fileNoSuchFile) }
        return info.st_mode & 0o777
    }

    static func listing(_ folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    }

    /// Temporary files an output left beside its target.
    static func strayFiles(_ folder: String) throws -> [String] {
        try listing(folder).filter { $0.hasSuffix(".tmp") }
    }

    /// The /proc path of a descriptor of process `pid` open on a file under `folder`, if any.
    static func openFile(of pid: pid_t, under folder: String) -> String? {
        let descriptors = "/proc/\(pid)/fd"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: descriptors)) ?? [] {
            let path = descriptors + "/" + name
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path), target.hasPrefix(folder + "/") {
                return path
            }
        }
        return nil
    }

    /// Makes a Unix socket at `path` (left bound: the test process ends soon after).
    static func bindSocket(_ path: String) {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { bytes in
            for (index, byte) in path.utf8.prefix(bytes.count - 1).enumerated() { bytes[index] = byte }
        }
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }
}
