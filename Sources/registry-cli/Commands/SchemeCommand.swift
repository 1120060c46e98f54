import ArgumentParser
import Registry

struct SchemeCommand: ParsableCommand {
    static let configuration = CommandConfiguration.group(
        "scheme", abstract: "Certification schemes and statuses.",
        subcommands: [List.self, Add.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the schemes.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var list: ListFormatOption

        func run() throws {
            let registry = try database.openForReading()
            list.print(try registry.schemes().map(\.json), columns: [
                "code", "name", "issuer_type", "default_validity_months", "scoped", "eligible_kinds",
            ])
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a scheme.",
            discussion: """
                  registry scheme add lokalny-znak --name "Lokalny znak jakości" --issuer-type "starosta" \\
                      --validity-months 24 --kind spoldzielnia-socjalna --kind cis
                """
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The code (lower case, dashes).") var code: String
        @Option(help: "Full name.") var name: String
        @Option(name: .customLong("issuer-type"), help: "Who issues it.") var issuerType: String
        @Option(name: .customLong("validity-months"), help: "Default validity (omit for open-ended).") var validityMonths: Int?
        @Flag(help: "Certificates name the products or services they cover.") var scoped = false
        @Option(help: "An eligible entity kind (repeatable).") var kind: [String] = []
        @Option(help: "A description.") var description: String?

        func run() throws {
            let registry = try global.open(.write)
            try registry.addScheme(Scheme(
                code: code, name: name, issuerType: issuerType, defaultValidityMonths: validityMonths, scoped: scoped,
                eligibleKinds: try kind.map(EntityKind.parse), description: description))
            Output.message("added scheme \(code)")
        }
    }
}
