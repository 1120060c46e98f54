import Foundation

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
