import ArgumentParser
import Registry

struct ResourceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resource",
        abstract: "What entities offer (zasoby): add, list, withdraw.",
        subcommands: [Add.self, List.self, Withdraw.self, Categories.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a resource of an entity and print its id.",
            discussion: """
                  registry resource add 7390000016 --category uslugi-gastronomiczne \\
                      --description "catering do 150 osób" --quantity 150 --unit osoby
                """
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The entity: its id, NIP, REGON or KRS.") var entity: String
        @Option(help: "A category code (see `registry resource categories`).") var category: String
        @Option(help: "What is offered.") var description: String
        @Option(help: "How much (a number).") var quantity: String?
        @Option(help: "Unit of the quantity, e.g. osoby, m2, szt.") var unit: String?
        @Option(name: .customLong("recorded-on"), help: "Available since (default today).") var recordedOn: String?

        func run() throws {
            let registry = try global.open(.write)
            let resource = try registry.addResource(
                entity: entity, category: category, description: description, quantity: quantity, unit: unit,
                recordedOn: recordedOn)
            Output.line(resource.id)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List resources.",
            discussion: "  registry resource list --category lokal --format csv"
        )
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Only this entity's resources.") var entity: String?
        @Option(help: "Only this category.") var category: String?
        @Flag(help: "Include withdrawn resources.") var all = false
        @Option(help: "table, csv or json.") var format: ListFormat = .table

        func run() throws {
            let registry = try database.openForReading()
            let resources = try registry.resources(entity: entity, category: category, includeWithdrawn: all)
            Output.rows(resources.map(\.json), columns: [
                "id", "entity_id", "category", "description", "quantity", "unit", "recorded_on", "withdrawn_on",
            ], format: format)
        }
    }

    struct Withdraw: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record that a resource is no longer available (it stays in history).",
            discussion: "  registry resource withdraw 0191b6a0-… --date 2026-09-30"
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The resource id.") var id: String
        @Option(help: "Since when (default today).") var date: String?

        func run() throws {
            let registry = try global.open(.write)
            let resource = try registry.withdrawResource(id, on: try date.map { try LocalDate.parse($0, field: "date") })
            Output.message("withdrew \(resource.id) on \(resource.withdrawnOn?.description ?? "")")
        }
    }

    struct Categories: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the resource vocabulary, or extend it with --add CODE --name NAME.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "A new category code.") var add: String?
        @Option(help: "The new category's name.") var name: String?

        func run() throws {
            try listOrAddCategory(global: global, add: add, name: name, forNeeds: false)
        }
    }
}

struct NeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "need",
        abstract: "What entities lack (potrzeby): add, list, close.",
        subcommands: [Add.self, List.self, Close.self, Categories.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a need of an entity and print its id.",
            discussion: """
                  registry need add 7390000016 --category lokal --description "kuchnia do wynajęcia" --priority 1
                """
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The entity: its id, NIP, REGON or KRS.") var entity: String
        @Option(help: "A category code (see `registry need categories`).") var category: String
        @Option(help: "What is needed.") var description: String
        @Option(help: "1 (most urgent), 2 or 3 (default 2).") var priority: String?
        @Option(name: .customLong("reported-on"), help: "Reported on (default today).") var reportedOn: String?

        func run() throws {
            let registry = try global.open(.write)
            let need = try registry.addNeed(
                entity: entity, category: category, description: description, priority: priority, reportedOn: reportedOn)
            Output.line(need.id)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List needs.",
            discussion: "  registry need list --category szkolenia --format json"
        )
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Only this entity's needs.") var entity: String?
        @Option(help: "Only this category.") var category: String?
        @Flag(help: "Include needs already met.") var all = false
        @Option(help: "table, csv or json.") var format: ListFormat = .table

        func run() throws {
            let registry = try database.openForReading()
            let needs = try registry.needs(entity: entity, category: category, includeMet: all)
            Output.rows(needs.map(\.json), columns: [
                "id", "entity_id", "category", "description", "priority", "reported_on", "met_on",
            ], format: format)
        }
    }

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record that a need was met (it stays in history).",
            discussion: "  registry need close 0191b6a0-… --date 2026-10-15"
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The need id.") var id: String
        @Option(help: "When it was met (default today).") var date: String?

        func run() throws {
            let registry = try global.open(.write)
            let need = try registry.closeNeed(id, on: try date.map { try LocalDate.parse($0, field: "date") })
            Output.message("closed \(need.id) on \(need.metOn?.description ?? "")")
        }
    }

    struct Categories: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the need vocabulary, or extend it with --add CODE --name NAME.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "A new category code.") var add: String?
        @Option(help: "The new category's name.") var name: String?

        func run() throws {
            try listOrAddCategory(global: global, add: add, name: name, forNeeds: true)
        }
    }
}

/// `resource categories` and `need categories`: list the vocabulary, or extend it with --add.
private func listOrAddCategory(global: GlobalOptions, add: String?, name: String?, forNeeds: Bool) throws {
    let noun = forNeeds ? "need" : "resource"
    if let add {
        let registry = try global.open(.write)
        try registry.addCategory(add, name: name ?? add, forNeeds: forNeeds)
        Output.message("added \(noun) category \(add)")
        return
    }
    let registry = try global.open(.read)
    let categories = forNeeds ? try registry.needCategories() : try registry.resourceCategories()
    Output.table(["code", "name"], categories.map { [$0.code, $0.name] })
}
