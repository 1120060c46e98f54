import ArgumentParser

extension CommandConfiguration {
    /// A command that only gathers subcommands, e.g. `registry cert`.
    static func group(_ name: String, abstract: String, subcommands: [any ParsableCommand.Type]) -> CommandConfiguration {
        CommandConfiguration(commandName: name, abstract: abstract, subcommands: subcommands)
    }
}
