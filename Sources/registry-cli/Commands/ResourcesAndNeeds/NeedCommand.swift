import ArgumentParser
import Registry

struct NeedCommand: ParsableCommand, ResourceOrNeed {
    static let configuration = ResourceOrNeedCommand<Self>.group(abstract: "What entities lack (potrzeby): add, list, close.")

    struct Details: ParsableArguments {
        @Option(help: "1 (most urgent), 2 or 3 (default 2).") var priority: String?
        @Option(name: .customLong("reported-on"), help: "Reported on (default today).") var reportedOn: String?
    }

    static let noun = "need"
    static let descriptionHelp = "What is needed."
    static let ending = (command: "close", abstract: "Record that a need was met (it stays in history).",
                         dateHelp: "When it was met (default today).")
    static let allHelp = "Every need, met or not, whatever its dates (default: those open on --on)."
    static let examples = (
        add: """
              registry need add 7390000016 --category lokal --description "kuchnia do wynajęcia" --priority 1
            """,
        list: "  registry need list --category szkolenia --format json",
        ending: "  registry need close 0191b6a0-… --date 2026-10-15")
    static let columns = ["id", "entity_id", "category", "description", "priority", "reported_on", "met_on"]

    static func add(_ registry: Registry, entity: String, category: String, description: String, details: Details) throws -> String {
        try registry.addNeed(
            entity: entity, category: category, description: description, priority: details.priority,
            reportedOn: details.reportedOn).id
    }

    static func list(
        _ registry: Registry, entity: String?, category: String?, all: Bool, on day: LocalDate?, recordedAt: String?
    ) throws -> [JSONValue] {
        try registry.needs(entity: entity, category: category, includeMet: all, on: day, recordedAt: recordedAt).map(\.json)
    }

    static func end(_ registry: Registry, id: String, on day: LocalDate?) throws -> String {
        let need = try registry.closeNeed(id, on: day)
        return "closed \(need.id) on \(need.metOn?.description ?? "")"
    }

    static func categories(_ registry: Registry) throws -> [Category] {
        try registry.needCategories()
    }
}
