import Foundation
import Testing

/// Durability and concurrency, driving the real binary: SIGKILL during imports, concurrent
/// importers with a reader and an online backup, and a full, read-only or missing disk.
@Suite("reliability: crashes, concurrent writers, full and read-only disks", .serialized)
struct ReliabilityCLITests {
    /// `rows` identifier-less entities (matched by kind, name and commune) named with `tag`.
    static func entityFile(_ scratch: Scratch, _ name: String, rows: Int, tag: String) -> String {
        var text = "Nazwa;Forma prawna;TERYT gminy;Miejscowość;Uwagi\n"
        for index in 0..<rows {
            text += "Spółdzielnia Socjalna \(tag) nr \(index);spoldzielnia-socjalna;2862011;Olsztyn;\"notatka; \(index)\"\n"
        }
        return scratch.write(name, text)
    }

    /// Starts the binary without waiting for it.
    static func start(_ cli: CLI, _ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.binary)
        process.arguments = arguments
        process.environment = cli.environment
        process.currentDirectoryURL = URL(fileURLWithPath: cli.directory)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    static func count(_ cli: CLI, _ sql: String = "SELECT count(*) FROM entities") throws -> Int {
        let result = try cli.run("sql", sql, "--format", "csv")
        #expect(result.status == 0, "\(result.stderr)")
        return Int(result.stdout.split(separator: "\n").last.map(String.init) ?? "") ?? -1
    }

    static func expectHealthy(_ cli: CLI, _ context: String) throws {
        let check = try cli.run("check")
        #expect(check.status == 0, "\(context): registry check: \(check.stdout) \(check.stderr)")
        let verify = try cli.run("audit", "verify")
        #expect(verify.status == 0, "\(context): audit verify: \(verify.stdout) \(verify.stderr)")
    }

    /// Stops `process`, and while it cannot move asks `reached`; kills it there when that holds,
    /// else lets it go on. True once killed in that state; false when the process ended first.
    static func killWhen(_ process: Process, _ reached: () throws -> Bool) rethrows -> Bool {
        let pid = process.processIdentifier
        while process.isRunning {
            Glibc.kill(pid, SIGSTOP)
            guard waitUntilStopped(pid) else { break }
            if try reached() {
                Glibc.kill(pid, SIGKILL)
                process.waitUntilExit()
                return true
            }
            Glibc.kill(pid, SIGCONT)
            usleep(500)
        }
        process.waitUntilExit()
        return false
    }

    /// Waits until `pid` is stopped (false if it ended instead).
    static func waitUntilStopped(_ pid: pid_t) -> Bool {
        while true {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            let state = stat[stat.index(close, offsetBy: 2)]
            if state == "T" || state == "t" { return true }
            if state == "Z" || state == "X" { return false }
            usleep(100)
        }
    }

    /// The read offset of `pid`'s descriptor open on `path`, nil when none is.
    static func readOffset(of pid: pid_t, on path: String) -> Int? {
        let folder = "/proc/\(pid)/fd"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
            guard (try? FileManager.default.destinationOfSymbolicLink(atPath: folder + "/" + name)) == path,
                  let info = try? String(contentsOfFile: "/proc/\(pid)/fdinfo/\(name)", encoding: .utf8),
                  let line = info.split(separator: "\n").first(where: { $0.hasPrefix("pos:") })
            else { continue }
            return Int(line.dropFirst(4).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }

    /// Starts the binary with its standard error collected as it comes.
    static func startCollectingErrors(_ cli: CLI, _ arguments: [String]) throws -> (Process, () -> String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.binary)
        process.arguments = arguments
        process.environment = cli.environment
        process.currentDirectoryURL = URL(fileURLWithPath: cli.directory)
        process.standardOutput = FileHandle.nullDevice
        let pipe = Pipe()
        process.standardError = pipe
        let lock = NSLock()
        nonisolated(unsafe) var collected = Data()
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            lock.withLock { collected.append(data) }
        }
        try process.run()
        return (process, { lock.withLock { String(decoding: collected, as: UTF8.self) } })
    }

    /// Points of an import into a registry that has entities, each observed while the importer is
    /// stopped, so the kill lands exactly there; what a kill there must leave.
    enum KillPoint: String, CaseIterable {
        /// The registry is open and the input is being read; the WAL has not grown.
        case readingInput = "reading the input"
        /// The input is read to its end and the transaction is open; the WAL has not grown.
        case inputRead = "the input read through, nothing written yet"
        /// The commit's pages are going into the WAL; no summary yet.
        case committing = "writing the commit"
        /// The summary is printed: the batch is committed.
        case committed = "after the commit"
    }

    @Test("SIGKILL at observed points of an import: integrity ok, the whole batch or none of it, the audit chain verifies")
    func killDuringImport() throws {
        let scratch = Scratch()
        let base = CLI(scratch: scratch)
        #expect(try base.run("import", "entities", WorkflowCLITests.examples).status == 0)
        let rows = 20_000
        let file = Self.entityFile(scratch, "batch.csv", rows: rows, tag: "K")
        let input = URL(fileURLWithPath: file).resolvingSymlinksInPath().path
        let size = try Self.fileSize(file)
        let entities = try Self.count(base)

        var attempt = 0
        for point in KillPoint.allCases {
            // A fresh copy of the registry for each try: a point can be missed on a busy machine
            // (the import runs past it between two looks), and is then tried again, up to 5 times.
            var landed = false
            for _ in 0..<5 where !landed {
                attempt += 1
                var cli = base
                let registry = scratch.path + "/try-\(attempt).sqlite"
                #expect(try base.run("backup", registry).status == 0)
                cli.environment["REGISTRY_DB"] = registry
                let wal = registry + "-wal"
                let walBefore = (try? Self.fileSize(wal)) ?? 0
                let (process, errors) = try Self.startCollectingErrors(cli, ["import", "entities", file])
                let pid = process.processIdentifier
                var inputOpened = false
                landed = try Self.killWhen(process) {
                    let walGrew = ((try? Self.fileSize(wal)) ?? 0) > walBefore
                    let offset = Self.readOffset(of: pid, on: input)
                    inputOpened = inputOpened || offset != nil
                    switch point {
                    case .readingInput: return !walGrew && (offset ?? size) < size
                    // Read to its end, or closed once read.
                    case .inputRead: return !walGrew && inputOpened && (offset ?? size) == size && !errors().contains("inserted")
                    case .committing: return walGrew && !errors().contains("inserted")
                    case .committed: return errors().contains("inserted")
                    }
                }
                // After the commit also covers an import that printed its summary and ended first.
                if !landed, point == .committed, process.terminationStatus == 0, errors().contains("inserted") { landed = true }
                guard landed else { continue }
                let now = try Self.count(cli)
                let batches = try Self.count(cli, "SELECT count(*) FROM import_batches WHERE file_name = 'batch.csv'")
                switch point {
                case .readingInput, .inputRead: #expect(now == entities, "killed \(point.rawValue): \(now) entities")
                case .committing: #expect(now == entities || now == entities + rows, "killed \(point.rawValue): \(now) entities")
                case .committed: #expect(now == entities + rows, "killed \(point.rawValue): \(now) entities")
                }
                #expect((now == entities) == (batches == 0), "batch rows and entities agree after a kill \(point.rawValue)")
                try Self.expectHealthy(cli, "kill \(point.rawValue)")
                // Run again after the kill, the batch lands exactly once.
                #expect(try cli.run("import", "entities", file).status == 0)
                #expect(try Self.count(cli) == entities + rows)
                #expect(try Self.count(cli, "SELECT count(*) FROM import_batches WHERE file_name = 'batch.csv' AND inserted > 0") == 1)
            }
            #expect(landed, "no try was stopped \(point.rawValue)")
        }
    }

    /// A new, empty registry and an entity file past the 16 MB from which a first load into an
    /// empty registry leaves the WAL.
    static func largeFirstLoad() throws -> (scratch: Scratch, cli: CLI, file: String, rows: Int) {
        let scratch = Scratch()
        let cli = CLI(scratch: scratch)
        #expect(try cli.run("init").status == 0)
        let rows = 9_000
        let note = String(repeating: "x", count: 2_000)
        var text = "Nazwa;Forma prawna;TERYT gminy;Miejscowość;Uwagi\n"
        for index in 0..<rows { text += "Fundacja Duża nr \(index);Fundacja;2862011;Olsztyn;\(note)\n" }
        return (scratch, cli, scratch.write("large.csv", text), rows)
    }

    /// True when the file at `path` starts with a rollback journal's magic number: SQLite writes it
    /// (and syncs it) before the first change reaches the database file, and a journal with it
    /// that no live transaction owns is rolled back by the next connection that may write.
    static func isHotJournal(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let magic: [UInt8] = [0xD9, 0xD5, 0x05, 0xF9, 0x20, 0xA1, 0x63, 0xD7]
        return (try? handle.read(upToCount: 8)).map { [UInt8]($0) } == magic
    }

    static func fileSize(_ path: String) throws -> Int {
        try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
    }

    /// A first load's own journal is live and its pages reach the registry's file (which was
    /// `initial` bytes before it). The switch out of WAL writes the header's page through a journal
    /// of its own, deleted at once: that journal alone, with the file not yet grown, is not the load's.
    static func loadIsLive(_ registry: String, initial: Int) throws -> Bool {
        try isHotJournal(registry + "-journal") && fileSize(registry) > initial
    }

    @Test("SIGKILL during a large first import (rollback journal): nothing or everything, the next command (a read-only one) rolls it back, WAL again after the next write")
    func killDuringFirstLoad() throws {
        let (scratch, cli, file, rows) = try Self.largeFirstLoad()
        let journal = scratch.path + "/registry.sqlite-journal"

        // Killed as soon as the load's journal is live and its pages have started to reach the file.
        let registry = scratch.path + "/registry.sqlite"
        let initial = try Self.fileSize(registry)
        let process = try Self.start(cli, ["import", "entities", file])
        #expect(try Self.killWhen(process) { try Self.loadIsLive(registry, initial: initial) }, "killed before it finished")
        #expect(Self.isHotJournal(journal), "the import left a journal to roll back")
        #expect(try Self.count(cli) == 0, "read-only, after rolling the journal back")
        #expect(!Self.isHotJournal(journal))
        try Self.expectHealthy(cli, "after a kill with a live journal")

        // Killed half-way: the registry's file has grown by half of what the whole load adds (as a
        // complete load into another registry shows), and the load's journal is still live.
        var other = cli
        other.environment["REGISTRY_DB"] = scratch.path + "/complete.sqlite"
        #expect(try other.run("init").status == 0)
        let empty = try Self.fileSize(scratch.path + "/complete.sqlite")
        #expect(try other.run("import", "entities", file).status == 0)
        let halfway = empty + (try Self.fileSize(scratch.path + "/complete.sqlite") - empty) / 2
        let half = try Self.start(cli, ["import", "entities", file])
        var journalLive = false
        let stopped = try Self.killWhen(half) {
            journalLive = Self.isHotJournal(journal)
            return try journalLive && Self.fileSize(registry) >= halfway
        }
        #expect(stopped, "the load ended before it was seen half-way")
        #expect(journalLive)
        #expect(try Self.count(cli) == 0, "a kill inside the load's transaction leaves nothing")
        try Self.expectHealthy(cli, "after a kill half-way")

        #expect(try cli.run("import", "entities", file).status == 0)
        #expect(try Self.count(cli) == rows)
        // The file header's read and write versions (bytes 18 and 19) are 2 in WAL mode, 1 otherwise.
        let header = try #require(FileManager.default.contents(atPath: registry)).prefix(20)
        #expect(Array(header.suffix(2)) == [2, 2])
        try Self.expectHealthy(cli, "after the import")
    }

    @Test("a write during a large first import (rollback journal) waits for it and succeeds")
    func writeDuringFirstLoad() throws {
        let (scratch, cli, file, rows) = try Self.largeFirstLoad()
        let journal = scratch.path + "/registry.sqlite-journal"
        let importer = try Self.start(cli, ["import", "entities", file])
        while importer.isRunning && !FileManager.default.fileExists(atPath: journal) { usleep(1_000) }
        #expect(importer.isRunning, "the import was still running when the write began")
        let add = try cli.run("entity", "add", "--kind", "fundacja", "--name", "Fundacja w trakcie", "--teryt", "2862011")
        #expect(add.status == 0, "\(add.stderr)")
        importer.waitUntilExit()
        #expect(importer.terminationStatus == 0)
        #expect(try Self.count(cli) == rows + 1)
        try Self.expectHealthy(cli, "after a write during a first load")
    }

    @Test("a read during a large first import (rollback journal) waits for the commit and sees every row, never an empty registry")
    func readDuringFirstLoad() throws {
        let (scratch, cli, file, rows) = try Self.largeFirstLoad()
        let registry = scratch.path + "/registry.sqlite"
        let initial = try Self.fileSize(registry)
        let importer = try Self.start(cli, ["import", "entities", file])
        while try importer.isRunning && !Self.loadIsLive(registry, initial: initial) { usleep(1_000) }
        #expect(importer.isRunning, "the import was still running when the read began")
        let read = try cli.run("sql", "SELECT count(*) AS n FROM entities", "--format", "csv")
        #expect(read.status == 0, "\(read.stderr)")
        #expect(read.stdout == "n\n\(rows)\n", "the read did not wait for the load's commit")
        importer.waitUntilExit()
        #expect(importer.terminationStatus == 0)
        try Self.expectHealthy(cli, "after a read during a first load")
    }

    @Test("2 and 4 importers at once with a reader and an online backup: all succeed, nothing lost, the reader never waits for a writer",
          arguments: [2, 4])
    func concurrentImporters(processes: Int) throws {
        let scratch = Scratch()
        let cli = CLI(scratch: scratch)
        #expect(try cli.run("init").status == 0)
        let rows = 1_200
        let files = (0..<processes).map { Self.entityFile(scratch, "part\($0).csv", rows: rows, tag: "P\($0)") }
        // The importers start while another connection holds the write lock, so they queue behind it
        // (well within their 30 s busy timeout). A read and the online backup taken meanwhile end
        // before that writer lets go: they cannot have waited for it. (The order is forced, not timed.)
        let lock = try WriteLock(scratch.path + "/registry.sqlite")
        let importers = try files.map { try Self.start(cli, ["import", "entities", $0]) }
        var reads = [try Self.count(cli)]
        let backup = try cli.run("backup", scratch.path + "/online.sqlite")
        #expect(backup.status == 0, "\(backup.stderr)")
        let running = importers.filter(\.isRunning).count
        #expect(running == processes, "an importer ended while the write lock was held")
        lock.release()

        while importers.contains(where: \.isRunning) { reads.append(try Self.count(cli)) }
        for importer in importers { importer.waitUntilExit() }
        #expect(importers.map(\.terminationStatus) == Array(repeating: 0, count: processes))
        #expect(try Self.count(cli) == processes * rows)
        try Self.expectHealthy(cli, "after \(processes) importers")
        // Every read saw whole batches only.
        for read in reads {
            #expect(read % rows == 0, "a reader saw \(read) entities: a batch half-written")
        }
        var copy = CLI(directory: scratch.path)
        copy.environment["REGISTRY_DB"] = scratch.path + "/online.sqlite"
        try Self.expectHealthy(copy, "the online backup")
        #expect(try Self.count(copy) == 0, "the backup holds what was committed when it was taken")
    }

    /// True where this process may mount a small tmpfs (root in a container that allows it).
    static let canMount: Bool = {
        let point = NSTemporaryDirectory() + "registry-mount-probe-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: point, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: point) }
        guard run("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", point]) == 0 else { return false }
        return run("/bin/umount", [point]) == 0
    }()

    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test("a full disk: exit 74 with a clear message, the registry unchanged and healthy",
          Capability.needed(ReliabilityCLITests.canMount, "needs permission to mount a small tmpfs (root)"))
    func diskFull() throws {
        try Capability.check(Self.canMount, "this process cannot mount a tmpfs (needs root in a container that allows mount)")
        let scratch = Scratch()
        let disk = scratch.path + "/small"
        try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: true)
        #expect(Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=6m", "tmpfs", disk]) == 0)
        defer { Self.run("/bin/umount", ["-l", disk]) }
        var cli = CLI(directory: scratch.path)
        cli.environment["REGISTRY_DB"] = disk + "/registry.sqlite"
        #expect(try cli.run("import", "entities", WorkflowCLITests.examples).status == 0)
        let before = try cli.run("export", "entities").stdout
        let file = Self.entityFile(scratch, "big.csv", rows: 20_000, tag: "F")
        let result = try cli.run("import", "entities", file)
        #expect(result.status == 74, "\(result.stderr)")
        #expect(result.stderr.contains("disk full") || result.stderr.contains("full"), "\(result.stderr)")
        #expect(try cli.run("export", "entities").stdout == before)
        try Self.expectHealthy(cli, "after a full disk")
    }

    @Test("a read-only file system: writes refused with exit 73, reads still work",
          Capability.needed(ReliabilityCLITests.canMount, "needs permission to mount a small tmpfs (root)"))
    func readOnly() throws {
        try Capability.check(Self.canMount, "this process cannot mount a tmpfs (needs root in a container that allows mount)")
        let scratch = Scratch()
        let disk = scratch.path + "/ro"
        try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: true)
        #expect(Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=16m", "tmpfs", disk]) == 0)
        defer { Self.run("/bin/umount", ["-l", disk]) }
        var cli = CLI(directory: scratch.path)
        cli.environment["REGISTRY_DB"] = disk + "/registry.sqlite"
        #expect(try cli.run("import", "entities", WorkflowCLITests.examples).status == 0)
        let before = try cli.run("export", "entities").stdout
        #expect(Self.run("/bin/mount", ["-o", "remount,ro", disk]) == 0)
        let write = try cli.run("entity", "update", "7390000016", "--phone", "+48 89 000 00 00")
        #expect(write.status == 73, "\(write.status) \(write.stderr)")
        #expect(write.stderr.contains("read-only"), "\(write.stderr)")
        let read = try cli.run("export", "entities")
        #expect(read.status == 0, "\(read.stderr)")
        #expect(read.stdout == before)
    }

    @Test("a missing directory: exit 73 naming the path, nothing created")
    func missingDirectory() throws {
        let scratch = Scratch()
        var cli = CLI(scratch: scratch)
        let path = scratch.path + "/no/such/dir/registry.sqlite"
        cli.environment["REGISTRY_DB"] = path
        for arguments in [["init"], ["import", "entities", WorkflowCLITests.examples]] {
            let result = try cli.run(arguments)
            #expect(result.status == 73, "\(arguments): \(result.status) \(result.stderr)")
            #expect(result.stderr.contains(path), "\(result.stderr)")
        }
        let read = try cli.run("query")
        #expect(read.status == 66, "\(read.stderr)")
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/no"))
    }
}
