import ArgumentParser
import Registry

/// What tells `registry resource …` from `registry need …`; their subcommands
/// (`ResourceOrNeedCommand`) are written once.
protocol ResourceOrNeed {
    /// The options only this kind's `add` takes.
    associatedtype Details: ParsableArguments

    /// `resource` or `need`, as in the command's name.
    static var noun: String { get }
    /// What `add` asks to describe, e.g. "What is offered."
    static var descriptionHelp: String { get }
    /// The subcommand that ends one (`withdraw`, `close`), what it records and its option's help.
    static var ending: (command: String, abstract: String, dateHelp: String) { get }
    /// Help of `list --all`.
    static var allHelp: String { get }
    /// One example command line for each of `add`, `list` and the ending subcommand.
    static var examples: (add: String, list: String, ending: String) { get }
    static var columns: [String] { get }

    /// Records one and returns its id.
    static func add(_ registry: Registry, entity: String, category: String, description: String, details: Details) throws -> String
    /// The items as known at `recordedAt`: held on `day` at an existing entity, or with `all` every one.
    static func list(
        _ registry: Registry, entity: String?, category: String?, all: Bool, on day: LocalDate?, recordedAt: String?
    ) throws -> [JSONValue]
    /// Ends one on `day` (default today) and returns the message saying so.
    static func end(_ registry: Registry, id: String, on day: LocalDate?) throws -> String
    static func categories(_ registry: Registry) throws -> [Category]
}

extension ResourceOrNeed {
    static var forNeeds: Bool { noun == "need" }
}
