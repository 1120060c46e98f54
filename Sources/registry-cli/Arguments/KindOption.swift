import ArgumentParser
import Registry

/// `--kind KIND`, repeatable: entities of any of these kinds.
struct KindOption: ParsableArguments {
    @Option(help: "Entity kind (repeatable).") var kind: [String] = []

    func validate() throws {
        try refusing { _ = try parsed }
    }

    /// The kinds, by code or Polish name (`EntityKind.parse`).
    var parsed: [EntityKind] {
        get throws { try kind.map(EntityKind.parse) }
    }
}
