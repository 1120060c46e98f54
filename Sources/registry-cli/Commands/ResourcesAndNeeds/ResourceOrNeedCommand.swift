import ArgumentParser
import Registry

/// The subcommands of `registry resource` and `registry need`, written once; `Kind` says which.
enum ResourceOrNeedCommand<Kind: ResourceOrNeed> {
    /// `registry resource` or `registry need`, with these subcommands.
    static func group(abstract: String) -> CommandConfiguration {
        .group(Kind.noun, abstract: abstract, subcommands: [Add.self, List.self, End.self, Categories.self])
    }

    struct Add: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(
                commandName: "add", abstract: "Record a \(Kind.noun) of an entity and print its id.",
                discussion: Kind.examples.add)
        }
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The entity: its id, NIP, REGON or KRS.") var entity: String
        @Option(help: "A category code (see `registry \(Kind.noun) categories`).") var category: String
        @Option(help: ArgumentHelp(Kind.descriptionHelp)) var description: String
        @OptionGroup var details: Kind.Details

        func run() throws {
            let registry = try global.open(.write)
            Output.line(try Kind.add(registry, entity: entity, category: category, description: description, details: details))
        }
    }

    struct List: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(commandName: "list", abstract: "List \(Kind.noun)s.", discussion: Kind.examples.list)
        }
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Only this entity's \(Kind.noun)s.") var entity: String?
        @Option(help: "Only this category.") var category: String?
        @Flag(help: ArgumentHelp(Kind.allHelp)) var all = false
        @OptionGroup var time: TimeOptions
        @OptionGroup var list: ListFormatOption

        func run() throws {
            let registry = try database.openForReading()
            let items = try Kind.list(
                registry, entity: entity, category: category, all: all, on: try time.day, recordedAt: try time.knownAt)
            list.print(items, columns: Kind.columns)
        }
    }

    /// `resource withdraw` and `need close`.
    struct End: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(commandName: Kind.ending.command, abstract: Kind.ending.abstract, discussion: Kind.examples.ending)
        }
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The \(Kind.noun) id.") var id: String
        @Option(help: ArgumentHelp(Kind.ending.dateHelp)) var date: DateArgument?

        func validate() throws {
            try refusing { try date?.check("date") }
        }

        func run() throws {
            let registry = try global.open(.write)
            Output.message(try Kind.end(registry, id: id, on: try date?.date))
        }
    }

    /// Lists the vocabulary, or extends it with --add.
    struct Categories: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(
                commandName: "categories", abstract: "List the \(Kind.noun) vocabulary, or extend it with --add CODE --name NAME.")
        }
        @OptionGroup var global: GlobalOptions
        @Option(help: "A new category code.") var add: String?
        @Option(help: "The new category's name.") var name: String?

        func run() throws {
            if let add {
                let registry = try global.open(.write)
                try registry.addCategory(add, name: name ?? add, forNeeds: Kind.forNeeds)
                Output.message("added \(Kind.noun) category \(add)")
                return
            }
            let registry = try global.open(.read)
            Output.table(["code", "name"], try Kind.categories(registry).map { [$0.code, $0.name] })
        }
    }
}
