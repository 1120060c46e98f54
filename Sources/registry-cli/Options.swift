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
        try Registry.open(at: databasePath, actor: "", access: .read)
    }
}

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @OptionGroup var database: DatabaseOptions

    @Option(name: .long, help: "Who is recorded as making the change (default: $REGISTRY_ACTOR, else your login name).")
    var actor: String?

    var databasePath: String { database.databasePath }

    var actorName: String {
        if let actor, !actor.isEmpty { return actor }
        if let name = ProcessInfo.processInfo.environment["REGISTRY_ACTOR"], !name.isEmpty { return name }
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return ProcessInfo.processInfo.environment["USER"] ?? "unknown"
    }

    /// Opens the registry for `access`.
    func open(_ access: Registry.Access) throws -> Registry {
        try Registry.open(at: databasePath, actor: actorName, access: access)
    }
}

/// Output formats for commands that show one object or a short list.
enum TextOrJSON: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// Output formats for commands that list rows.
enum ListFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json
}

/// Accumulates the time spent writing rows, to tell it apart from the query's own time.
final class OutputClock {
    private(set) var nanoseconds: UInt64 = 0
    /// Off unless --timing was given: a million rows need not read the clock two million times.
    private let enabled: Bool

    init(enabled: Bool = true) {
        self.enabled = enabled
    }

    func measure<T>(_ body: () throws -> T) rethrows -> T {
        guard enabled else { return try body() }
        let start = DispatchTime.now().uptimeNanoseconds
        defer { nanoseconds += DispatchTime.now().uptimeNanoseconds - start }
        return try body()
    }
}
