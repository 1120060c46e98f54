import ArgumentParser
import Registry

struct ResourceCommand: ParsableCommand, ResourceOrNeed {
    static let configuration = ResourceOrNeedCommand<Self>.group(abstract: "What entities offer (zasoby): add, list, withdraw.")

    struct Details: ParsableArguments {
        @Option(help: "How much (a number).") var quantity: String?
        @Option(help: "Unit of the quantity, e.g. osoby, m2, szt.") var unit: String?
        @Option(name: .customLong("recorded-on"), help: "Available since (default today).") var recordedOn: String?
    }

    static let noun = "resource"
    static let descriptionHelp = "What is offered."
    static let ending = (command: "withdraw", abstract: "Record that a resource is no longer available (it stays in history).",
                         dateHelp: "Since when (default today).")
    static let allHelp = "Every resource, withdrawn or not, whatever its dates (default: those available on --on)."
    static let examples = (
        add: """
              registry resource add 7390000016 --category uslugi-gastronomiczne \\
                  --description "catering do 150 osób" --quantity 150 --unit osoby
            """,
        list: "  registry resource list --category lokal --format csv",
        ending: "  registry resource withdraw 0191b6a0-… --date 2026-09-30")
    static let columns = ["id", "entity_id", "category", "description", "quantity", "unit", "recorded_on", "withdrawn_on"]

    static func add(_ registry: Registry, entity: String, category: String, description: String, details: Details) throws -> String {
        try registry.addResource(
            entity: entity, category: category, description: description, quantity: details.quantity, unit: details.unit,
            recordedOn: details.recordedOn).id
    }

    static func list(
        _ registry: Registry, entity: String?, category: String?, all: Bool, on day: LocalDate?, recordedAt: String?
    ) throws -> [JSONValue] {
        try registry.resources(entity: entity, category: category, includeWithdrawn: all, on: day, recordedAt: recordedAt).map(\.json)
    }

    static func end(_ registry: Registry, id: String, on day: LocalDate?) throws -> String {
        let resource = try registry.withdrawResource(id, on: day)
        return "withdrew \(resource.id) on \(resource.withdrawnOn?.description ?? "")"
    }

    static func categories(_ registry: Registry) throws -> [Category] {
        try registry.resourceCategories()
    }
}
