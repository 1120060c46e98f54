import ArgumentParser
import Foundation
import Registry

/// The registry file option, alone (for commands where --actor means something else).
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "The registry file (default: $REGISTRY_DB, else ./registry.sqlite).")
    var db: String?

    @Flag(help: "Print the time the query took inside the library to stderr (for benchmarks).")
    var timing = false

    /// Runs `body`, reporting its duration on stderr when --timing is given; time spent in
    /// `output.measure` (printing rows) is reported apart, so the first figure is the library's.
    func timed<T>(_ label: String, output: OutputClock = OutputClock(), _ body: () throws -> T) rethrows -> T {
        guard timing else { return try body() }
        let start = DispatchTime.now().uptimeNanoseconds
        let result = try body()
        let total = DispatchTime.now().uptimeNanoseconds - start
        let library = Double(total - output.nanoseconds) / 1_000_000
        Output.message(String(format: "%@: %.3f ms in the library, %.3f ms writing output", label, library,
                              Double(output.nanoseconds) / 1_000_000))
        return result
    }

    var databasePath: String {
        db ?? ProcessInfo.processInfo.environment["REGISTRY_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? "registry.sqlite"
    }

    /// Opens the registry read-only.
    func openForReading() throws -> Registry {
        try Self.refuseRedirectedOutput(databasePath: databasePath)
        return try Registry.open(at: databasePath, actor: "", access: .read)
    }

    /// Stops before anything is printed when standard output or error was redirected into the
    /// registry's own files. Standard error is then pointed at /dev/null first: the message
    /// itself would be written into the registry.
    static func refuseRedirectedOutput(databasePath: String) throws {
        guard let (descriptor, file) = Registry.descriptorWritingIntoRegistry(at: databasePath, among: [1, 2]) else { return }
        if descriptor == 2 {
            let null = open("/dev/null", O_WRONLY)
            if null >= 0 { dup2(null, 2); close(null) }
        }
        throw RegistryError.cannotCreate(
            path: descriptor == 1 ? "standard output" : "standard error",
            reason: "it is the registry's own file \(file); write the output elsewhere")
    }
}
