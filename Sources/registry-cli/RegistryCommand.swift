import ArgumentParser
import Registry

@main
struct RegistryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registry",
        abstract: "A registry of Polish social-economy entities and their certifications."
    )
}
