import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Hostile and broken CSV, driving the real binary: each file of `Fixtures/BrokenCSV` (one defect
/// each) and four huge files made at run time are imported into a registry that already holds
/// data. The import must end (no hang) with exit 65, name the record and the physical line of the
/// problem, use bounded memory, and leave the registry exactly as it was.
@Suite("broken CSV input: exit 65 naming the record and line, registry unchanged")
struct BrokenInputCLITests {
    /// What the import is expected to say.
    enum Expected: Sendable {
        /// The reader refused the file: one stderr line `registry: error: …` (`{file}` is the path).
        case error(String)
        /// Rows were refused: the JSON report's errors, as (record, line, message).
        case rejected(rows: Int, [Problem])
    }

    struct Problem: Sendable, Equatable, CustomStringConvertible {
        let record: Int
        let line: Int
        let message: String
        var description: String { "record \(record) (line \(line)): \(message)" }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let file: String
        var options: [String] = []
        let expected: Expected
        var testDescription: String { file }
    }

    static let corpus: [Case] = [
        Case(file: "unclosed-quote.csv",
             expected: .error("record 2 (line 3): unclosed quote: the quoted field opened on line 3 never ends")),
        Case(file: "unclosed-quote-in-header.csv",
             expected: .error("record 0 (line 1): unclosed quote: the quoted field opened on line 1 never ends")),
        Case(file: "quote-in-unquoted-field.csv",
             expected: .error("record 2 (line 3): quote inside an unquoted field (a field with quotes must be quoted as a whole)")),
        Case(file: "undoubled-quote-after-multiline-field.csv",
             expected: .error("record 3 (line 7): unexpected text after a closing quote (a quote inside a quoted field must be doubled)")),
        Case(file: "too-many-fields.csv",
             expected: .rejected(rows: 3, [Problem(record: 2, line: 3, message: "has 4 fields, the header has 3")])),
        Case(file: "too-few-fields.csv",
             expected: .rejected(rows: 3, [Problem(record: 3, line: 4, message: "has 2 fields, the header has 3")])),
        Case(file: "nul-byte.csv", expected: .error("record 3 (line 4): NUL byte in the file")),
        Case(file: "nul-in-multiline-field.csv", expected: .error("record 2 (line 3): NUL byte in the file (on line 4)")),
        Case(file: "invalid-utf8.csv", options: ["--encoding", "utf-8"],
             expected: .error("record 2 (line 3): invalid UTF-8 (byte 0xC3); if the file comes from Excel, try --encoding cp1250")),
        Case(file: "empty.csv", expected: .error("{file}, line 1: the file is empty")),
        Case(file: "bom-only.csv", expected: .error("{file}, line 1: the file is empty")),
        // CRLF, LF and a lone CR each end a line; a stray CR inside a record splits it in two.
        Case(file: "mixed-line-endings.csv",
             expected: .rejected(rows: 5, [Problem(record: 3, line: 4, message: "has 2 fields, the header has 3"),
                                           Problem(record: 4, line: 5, message: "has 2 fields, the header has 3")])),
    ]

    static func fixture(_ name: String) throws -> String {
        let folder = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return folder.appendingPathComponent("BrokenCSV").appendingPathComponent(name).path
    }

    /// A registry holding the example entities, and the digest of its content.
    static func seeded() throws -> (CLI, String) {
        let cli = CLI(scratch: Scratch())
        #expect(try cli.run("init").status == 0)
        let imported = try cli.run("import", "entities", WorkflowCLITests.examples)
        #expect(imported.status == 0, "\(imported.stderr)")
        return (cli, try digest(cli))
    }

    /// Everything a command could change: the entities, certificates, resources and needs, the
    /// audit log (its head included) and the import batches.
    static func digest(_ cli: CLI) throws -> String {
        var text = ""
        for arguments in [["export", "entities", "--format", "ndjson"], ["export", "audit", "--format", "ndjson"],
                          ["export", "certificates", "--format", "ndjson"], ["export", "resources", "--format", "ndjson"],
                          ["export", "needs", "--format", "ndjson"], ["audit", "verify"],
                          ["sql", "SELECT count(*) AS batches FROM import_batches", "--format", "csv"]] {
            let result = try cli.run(arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            text += result.stdout
        }
        #expect(text.contains("Warmianka"))
        return text
    }

    /// The registry's content is what it was, and every check holds.
    static func expectUnchanged(_ cli: CLI, _ before: String, _ context: String) throws {
        #expect(try digest(cli) == before, "\(context): the registry changed")
        let check = try cli.run("check")
        #expect(check.status == 0, "\(context): registry check: \(check.stdout) \(check.stderr)")
        let verify = try cli.run("audit", "verify")
        #expect(verify.status == 0, "\(context): audit verify: \(verify.stdout) \(verify.stderr)")
    }

    @Test("a broken file is refused with exit 65, naming record and line; nothing changes", arguments: corpus)
    func brokenFile(_ broken: Case) throws {
        try Self.expectRefused(try Self.fixture(broken.file), broken)
    }

    /// The regression inputs kept in Fuzz/Crashers/fuzz-csv (see its README), each with its outcome.
    static let crashers: [String: Expected] = [
        "4d45d0c-header-problem-is-record-0.csv":
            .error("record 0 (line 1): unclosed quote: the quoted field opened on line 1 never ends"),
        "4d45d0c-lone-cr-ends-a-line.csv":
            .rejected(rows: 5, [Problem(record: 3, line: 4, message: "has 2 fields, the header has 3"),
                                Problem(record: 4, line: 5, message: "has 2 fields, the header has 3")]),
        "4d45d0c-nul-on-a-later-line-of-a-record.csv": .error("record 2 (line 3): NUL byte in the file (on line 4)"),
        "4d45d0c-defect-on-a-later-line-of-a-record.csv":
            .error("record 3 (line 7): unexpected text after a closing quote (a quote inside a quoted field must be doubled)"),
    ]

    @Test("every input in Fuzz/Crashers/fuzz-csv is replayed through the binary with its listed outcome")
    func crasherReplay() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fuzz/Crashers/fuzz-csv").path
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        // An empty folder would replay nothing and pass; a new input needs its outcome listed.
        #expect(!names.isEmpty, "no input in \(folder)")
        #expect(Set(names) == Set(Self.crashers.keys), "inputs without a listed outcome, or outcomes without an input")
        for name in names {
            guard let expected = Self.crashers[name] else { continue }
            try Self.expectRefused(folder + "/" + name, Case(file: name, expected: expected))
        }
    }

    /// Imports `path` into a seeded registry: exit 65 with `broken`'s outcome, the registry unchanged.
    static func expectRefused(_ path: String, _ broken: Case) throws {
        let (cli, before) = try Self.seeded()
        let result = try BoundedRun.run(cli, ["import", "entities", path, "--format", "json"] + broken.options)
        #expect(!result.timedOut, "the import did not finish in \(BoundedRun.timeout) s")
        #expect(result.status == 65, "exit \(result.status): \(result.stderr)")
        switch broken.expected {
        case let .error(message):
            let expected = "registry: error: " + message.replacingOccurrences(of: "{file}", with: path)
            #expect(result.stderr.split(separator: "\n").map(String.init) == [expected])
            #expect(result.stdout.isEmpty)
        case let .rejected(rows, problems):
            let report = try #require(try result.stdout.json() as? [String: Any], "no JSON report: \(result.stdout)")
            #expect(report["rows"] as? Int == rows)
            #expect(report["rejected"] as? Int == problems.count)
            #expect(report["batch_id"] is NSNull, "a batch was recorded")
            let errors = (report["errors"] as? [[String: Any]] ?? []).map {
                Problem(record: $0["record"] as? Int ?? -1, line: $0["line"] as? Int ?? -1, message: $0["message"] as? String ?? "")
            }
            #expect(errors == problems)
        }
        try Self.expectUnchanged(cli, before, broken.file)
    }

    @Test("a header-only file is refused: exit 65 naming the file and line 2, nothing recorded")
    func headerOnly() throws {
        let (cli, before) = try Self.seeded()
        let file = try Self.fixture("header-only.csv")
        let result = try BoundedRun.run(cli, ["import", "entities", file])
        #expect(!result.timedOut)
        #expect(result.status == 65, "\(result.stderr)")
        #expect(result.stderr.contains("line 2: has a header but no records"), "\(result.stderr)")
        try Self.expectUnchanged(cli, before, file)
    }

    /// Huge inputs, written at run time (never committed).
    struct Huge: Sendable, CustomTestStringConvertible {
        let name: String
        let expected: String
        let write: @Sendable (FileHandle) -> Void
        var testDescription: String { name }
    }

    static let header = Data("name;kind;nip\n".utf8)
    static let tenMegabytes = Data(repeating: UInt8(ascii: "x"), count: 10_000_000)
    static let hugeCases: [Huge] = [
        Huge(name: "a 10 MB unquoted field", expected: "record 1 (line 2): field longer than 1 MB (1048576 bytes)") { file in
            file.write(header)
            file.write(tenMegabytes)
            file.write(Data(";fundacja;5260250274\n".utf8))
        },
        Huge(name: "a 10 MB quoted field with newlines", expected: "record 1 (line 2): field longer than 1 MB (1048576 bytes)") { file in
            file.write(header)
            file.write(Data("\"".utf8))
            var chunk = Data(repeating: UInt8(ascii: "y"), count: 99_999)
            chunk.append(10)
            for _ in 0..<100 { file.write(chunk) }
            file.write(Data("\";fundacja;5260250274\n".utf8))
        },
        Huge(name: "a 100,000-column header", expected: "record 0 (line 1): record has more than 10000 columns") { file in
            file.write(Data((0..<100_000).map { "c\($0)" }.joined(separator: ";").utf8))
            file.write(Data("\nx;y;z\n".utf8))
        },
        Huge(name: "a 100,000-column record", expected: "record 1 (line 2): record has more than 10000 columns") { file in
            file.write(header)
            file.write(Data(Array(repeating: "1", count: 100_000).joined(separator: ";").utf8))
            file.write(Data("\n".utf8))
        },
    ]

    @Test("a field over 1 MB and a record over 10,000 columns are refused with exit 65 in bounded memory", arguments: hugeCases)
    func huge(_ huge: Huge) throws {
        let (cli, before) = try Self.seeded()
        let path = cli.directory + "/huge.csv"
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let file = try #require(FileHandle(forWritingAtPath: path))
        huge.write(file)
        try file.close()

        // The same import of a small broken file: what the binary needs anyway.
        let small = try BoundedRun.run(cli, ["import", "entities", try Self.fixture("unclosed-quote.csv"), "--format", "json"])
        #expect(small.status == 65)
        let result = try BoundedRun.run(cli, ["import", "entities", path, "--format", "json"])
        #expect(!result.timedOut, "the import did not finish in \(BoundedRun.timeout) s")
        #expect(result.status == 65, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.split(separator: "\n").map(String.init) == ["registry: error: " + huge.expected])
        // Refused without holding the 10 MB field (or 100,000 columns) in memory.
        #expect(small.maximumResidentBytes > 0 && result.maximumResidentBytes > 0, "no memory measured")
        let extra = result.maximumResidentBytes - small.maximumResidentBytes
        #expect(extra < 8 << 20, "peak memory \(result.maximumResidentBytes >> 10) KB, \(extra >> 10) KB over a small file")
        try Self.expectUnchanged(cli, before, huge.name)
    }
}

/// Runs the binary like `CLI.run`, but with a time limit and the child's own peak memory
/// (Foundation's `Process` reports neither).
///
/// The peak is the `ru_maxrss` that `wait4` gives GNU time (`/usr/bin/time -f %M`) for the binary,
/// which is exact. It is not taken from our own `wait4`: posix_spawn runs a child in the parent's
/// memory until `exec`, and the kernel carries that high-water mark (the test runner's) over. GNU
/// time is small, so what it carries over is far below the binary's own peak.
enum BoundedRun {
    static let timeout: TimeInterval = 120
    static let time = "/usr/bin/time"

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
        let timedOut: Bool
        let maximumResidentBytes: Int
    }

    static func run(_ cli: CLI, _ arguments: [String]) throws -> Result {
        try #require(FileManager.default.isExecutableFile(atPath: time), "\(time) is missing: scripts/install-deps installs GNU time")
        let id = UUID().uuidString
        let outPath = cli.directory + "/stdout-" + id, errPath = cli.directory + "/stderr-" + id
        let peakPath = cli.directory + "/peak-" + id
        defer {
            for path in [outPath, errPath, peakPath] { try? FileManager.default.removeItem(atPath: path) }
        }
        #if os(Linux)
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        #else
        var actions: posix_spawn_file_actions_t?
        var attributes: posix_spawnattr_t?
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        // A group of its own, so a time-out kills the binary as well as GNU time.
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)

        let argv = ([time, "-f", "%M", "-o", peakPath, "--", CLI.binary] + arguments).map { strdup($0) } + [nil]
        let envp = cli.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, time, &actions, &attributes, argv, envp)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EIO) }

        nonisolated(unsafe) var timedOut = false
        let child = pid
        let watchdog = DispatchWorkItem {
            timedOut = true
            kill(-child, SIGKILL)
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .ECHILD) }
        }
        watchdog.cancel()
        // Exited: the code (GNU time exits with the binary's code, or 128 + the signal that ended
        // it); killed by a signal: 128 + the signal, as a shell reports it.
        let exitStatus = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        // GNU time writes "Command terminated by signal N" first when the binary was killed.
        let peakText = String(decoding: FileManager.default.contents(atPath: peakPath) ?? Data(), as: UTF8.self)
        let kilobytes = peakText.split(separator: "\n").last.flatMap { Int($0) } ?? 0
        return Result(
            status: exitStatus,
            stdout: String(decoding: FileManager.default.contents(atPath: outPath) ?? Data(), as: UTF8.self),
            stderr: String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self),
            timedOut: timedOut, maximumResidentBytes: kilobytes * 1024)
    }
}
