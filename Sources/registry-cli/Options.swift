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

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @OptionGroup var database: DatabaseOptions

    @Option(name: .long, help: "Who is recorded as making the change (default: $REGISTRY_ACTOR, else your login name).")
    var actor: String?

    @Flag(name: .customLong("no-create"),
          help: "Fail with exit 66 when the registry file is missing instead of creating one (also $REGISTRY_NO_CREATE=1).")
    var noCreate = false

    /// The longest actor name: it is stored with every change and shown in every audit listing.
    static let actorMaximumLength = 100

    var databasePath: String { database.databasePath }

    var actorName: String {
        if let actor, !actor.isEmpty { return actor }
        if let name = environmentActor { return name }
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return ProcessInfo.processInfo.environment["USER"] ?? "unknown"
    }

    private var environmentActor: String? {
        ProcessInfo.processInfo.environment["REGISTRY_ACTOR"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Whether a missing registry is an error rather than a new one.
    var mayCreate: Bool {
        !noCreate && ProcessInfo.processInfo.environment["REGISTRY_NO_CREATE"].map { $0.isEmpty || $0 == "0" } ?? true
    }

    func validate() throws {
        // The actor is written into the audit log and shown on terminals: a newline there would
        // forge a line of `audit log`, and a megabyte would be stored with every change.
        for (source, name) in [("--actor", actor), ("$REGISTRY_ACTOR", environmentActor)] {
            guard let name, !name.isEmpty else { continue }
            // Counted in scalars: a letter followed by 60,000 combining accents is one Character.
            let length = name.unicodeScalars.count
            if length > Self.actorMaximumLength {
                throw ValidationError("\(source) is \(length) characters long; at most \(Self.actorMaximumLength) are allowed")
            }
            // Control and format characters (bidi overrides, separators) would disguise the name.
            if name.unicodeScalars.contains(where: {
                [.control, .format, .lineSeparator, .paragraphSeparator].contains($0.properties.generalCategory)
            }) {
                throw ValidationError("\(source) \(TerminalText.escaped(name)) holds a control character; use letters, digits and punctuation")
            }
            if actor != nil { break }  // the option wins; the variable is not used
        }
    }

    /// Opens the registry for `access`; a registry made now (the file was missing) is announced on
    /// stderr, and with --no-create a missing file is an error instead.
    func open(_ access: Registry.Access) throws -> Registry {
        let access = access == .writeOrCreate && !mayCreate ? .write : access
        try DatabaseOptions.refuseRedirectedOutput(databasePath: databasePath)
        let registry = try Registry.open(at: databasePath, actor: actorName, access: access)
        if registry.created { Output.message("created a new registry at \(databasePath)") }
        return registry
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
