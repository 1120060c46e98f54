import Foundation
import Testing

/// Runs the built `registry` binary the way a script would.
struct CLI {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
        /// True when the run was killed for taking longer than its time-out.
        var timedOut = false
    }

    /// The `registry` executable next to the test bundle (SwiftPM builds products into one folder).
    static let binary: String = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("registry").path,
            Bundle.main.bundleURL.appendingPathComponent("registry").path,
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("registry").path,
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent(".build/debug/registry").path,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }()

    let directory: String
    var environment: [String: String]
    /// Keeps a scratch folder alive as long as the CLI that runs in it.
    private let scratch: Scratch?

    init(directory: String) {
        self.init(directory: directory, scratch: nil)
    }

    init(scratch: Scratch) {
        self.init(directory: scratch.path, scratch: scratch)
    }

    private init(directory: String, scratch: Scratch?) {
        self.directory = directory
        self.scratch = scratch
        environment = ["PATH": "/usr/bin:/bin", "REGISTRY_DB": directory + "/registry.sqlite", "REGISTRY_ACTOR": "tester",
                       "HOME": directory]
    }

    /// Runs the binary; a run still going after `timeout` seconds is killed (and says so), so a
    /// command that hangs fails its test instead of hanging the suite.
    @discardableResult
    func run(_ arguments: [String], stdin: Data? = nil, executable: String = CLI.binary,
             timeout: TimeInterval = 600) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        nonisolated(unsafe) var timedOut = false
        let watchdog = DispatchWorkItem {
            timedOut = true
            kill(process.processIdentifier, SIGKILL)
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        defer { watchdog.cancel() }
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        // Read both pipes before waiting, so a large output cannot fill a pipe and block the child.
        let group = DispatchGroup()
        nonisolated(unsafe) var stdoutData = Data()
        nonisolated(unsafe) var stderrData = Data()
        group.enter()
        DispatchQueue.global().async { stdoutData = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { stderrData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.wait()
        process.waitUntilExit()
        watchdog.cancel()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: stdoutData, as: UTF8.self),
                      stderr: String(decoding: stderrData, as: UTF8.self), timedOut: timedOut)
    }

    @discardableResult
    func run(_ arguments: String...) throws -> Result {
        try run(arguments)
    }
}

/// A temporary folder removed when released.
final class Scratch {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "registry-cli-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func write(_ name: String, _ text: String) -> String {
        let file = path + "/" + name
        FileManager.default.createFile(atPath: file, contents: Data(text.utf8))
        return file
    }
}

extension String {
    /// Parses the text as JSON.
    func json() throws -> Any {
        try JSONSerialization.jsonObject(with: Data(utf8), options: [.fragmentsAllowed])
    }
}

/// What the tests need from the machine. In CI (`CI=true`) a missing capability fails its test:
/// a skipped test passes silently, so CI would go green having run nothing of it.
enum Capability {
    static let inCI = ProcessInfo.processInfo.environment["CI"] == "true"

    /// Runs the test when `available`, and always in CI (where it then fails on the `#require`
    /// of `check`); elsewhere it is skipped with `message`.
    static func needed(_ available: Bool, _ message: Comment) -> ConditionTrait {
        .enabled(if: available || inCI, message)
    }

    /// Stops the test with `message` when the capability is missing (only reached in CI).
    static func check(_ available: Bool, _ message: String) throws {
        try #require(available, "CI=true and \(message): install it (scripts/install-deps) or give the permission")
    }
}

/// The sqlite3 shell holding a registry's write lock (`BEGIN IMMEDIATE`) until `release()`:
/// another process that writes must wait for it, as behind any writer.
final class WriteLock {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()

    /// Returns once the shell has the lock (it printed what follows the BEGIN).
    init(_ database: String) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = ["-batch", database]
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data(".timeout 60000\nBEGIN IMMEDIATE;\nSELECT 'locked';\n".utf8))
        var seen = ""
        while !seen.contains("locked\n") {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { throw CocoaError(.fileReadUnknown, userInfo: [NSDebugDescriptionErrorKey: "sqlite3 ended: \(seen)"]) }
            seen += String(decoding: data, as: UTF8.self)
        }
    }

    /// Commits (nothing was written) and ends the shell.
    func release() {
        guard process.isRunning else { return }
        input.fileHandleForWriting.write(Data("COMMIT;\n".utf8))
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    deinit { release() }
}

extension CLI {
    /// The database's whole content as SQL text (sqlite3's `.dump`), for registries the CLI will
    /// not read (an older schema, a tampered file).
    func dump() throws -> String {
        let database = environment["REGISTRY_DB"] ?? directory + "/registry.sqlite"
        let result = try run(["-batch", "-readonly", database, ".dump"], executable: "/usr/bin/sqlite3")
        #expect(result.status == 0, "sqlite3 .dump: \(result.stderr)")
        #expect(result.stdout.contains("CREATE TABLE"), "sqlite3 .dump shows no table")
        return result.stdout
    }

    /// Runs SQL in the sqlite3 shell, as someone editing the file by hand would.
    func shell(_ sql: String) throws {
        let database = environment["REGISTRY_DB"] ?? directory + "/registry.sqlite"
        let result = try run(["-batch", "-bail", database, sql], executable: "/usr/bin/sqlite3")
        #expect(result.status == 0, "sqlite3 \(sql): \(result.stderr)")
    }
}
