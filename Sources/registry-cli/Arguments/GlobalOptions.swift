import ArgumentParser
import Foundation
import Registry

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
