import ArgumentParser
import Registry

struct EntityCommand: ParsableCommand {
    static let configuration = CommandConfiguration.group(
        "entity", abstract: "Add, change, close and inspect entities.",
        subcommands: [Add.self, Update.self, Close.self, Show.self, History.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an entity and print its id.",
            discussion: """
                  registry entity add --kind spoldzielnia-socjalna --name "Spółdzielnia Socjalna Razem" \\
                      --nip 526-025-02-74 --teryt 1465011 --city Warszawa
                """
        )
        @OptionGroup var global: GlobalOptions
        @OptionGroup var fields: EntityFieldOptions
        @Option(help: "Why the entity is added (kept in its history).") var reason: String?

        func validate() throws {
            if fields.kind == nil { throw ValidationError("--kind is required") }
            if fields.name == nil { throw ValidationError("--name is required") }
        }

        func run() throws {
            let registry = try global.open(.writeOrCreate)
            let entity = try registry.addEntity(fields.input, reason: reason)
            Output.line(entity.id)
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change fields of an entity (an empty value clears a field); the old version is kept.",
            discussion: """
                  registry entity update 5260250274 --phone "+48 89 123 45 67" --reason "new phone from OWES"
                  registry entity update 0191b6a0-… --email ""
                  registry entity update 5260250274 --teryt 2862011 --effective-on 2025-07-01

                The change holds from --effective-on (default today): a past day changes the answers \
                for days from then on, a future day schedules it.
                """
        )
        @OptionGroup var target: EntityReference
        @OptionGroup var fields: EntityFieldOptions
        @Option(help: "Why it changed (kept in its history).") var reason: String?
        @Option(name: .customLong("effective-on"), help: "The day the change holds from (default today).")
        var effectiveOn: DateArgument?

        func validate() throws {
            try refusing {
                if fields.input.isEmpty { throw RegistryError.usage("nothing to update: give at least one field option") }
                try effectiveOn?.check("effective-on")
            }
        }

        func run() throws {
            let registry = try target.global.open(.write)
            let (entity, changed) = try registry.updateEntity(
                target.reference, fields.input, reason: reason, effectiveOn: try effectiveOn?.date)
            Output.message(changed ? "updated \(entity.id) to version \(entity.version)" : "\(entity.id) unchanged")
        }
    }

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record that an entity closed (entities are never deleted).",
            discussion: "  registry entity close 5260250274 --date 2026-06-30 --reason \"likwidacja\""
        )
        @OptionGroup var target: EntityReference
        @Option(help: "The closing date (YYYY-MM-DD or DD.MM.YYYY).") var date: DateArgument
        @Option(help: "Why it closed.") var reason: String?

        func validate() throws {
            try refusing { try date.check("date") }
        }

        func run() throws {
            let registry = try target.global.open(.write)
            let entity = try registry.closeEntity(target.reference, on: try date.date, reason: reason)
            Output.message("closed \(entity.id) on \(entity.closedOn?.description ?? date.text)")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show an entity.",
            discussion: """
                  registry entity show 5260250274 --format json
                  registry entity show 5260250274 --on 2024-06-30 --recorded-at 2024-07-05
                """
        )
        @OptionGroup var target: EntityReference
        @OptionGroup var time: TimeOptions
        @OptionGroup var output: TextOrJSONOption

        func run() throws {
            let registry = try target.global.open(.read)
            let (day, knownAt) = (try time.day, try time.knownAt)
            let entity = try target.global.database.timed("lookup") {
                try registry.entity(target.reference, on: day, recordedAt: knownAt)
            }
            output.print(json: { entity.json }) { Self.print(entity) }
        }

        /// One line per field that has a value, the names aligned.
        private static func print(_ entity: Entity) {
            guard case let .object(object) = entity.json else { return }
            let order = ["id", "status", "version"] + EntityField.allCases.map(\.rawValue)
                + ["closed_on", "close_reason", "effective_on", "created_at", "updated_at"]
            let width = order.map(\.count).max() ?? 0
            for key in order {
                guard let value = object[key], value != .null else { continue }
                let text: String
                switch value {
                case let .string(string): text = string
                default: text = value.canonical
                }
                Output.line(key.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + TerminalText.escaped(text))
            }
        }
    }

    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every recorded version of an entity: what changed, who recorded it and when.",
            discussion: """
                  registry entity history 5260250274
                  registry entity history 5260250274 --on 2024-06-30 --recorded-at 2024-07-05

                Each version says the day it holds from; --recorded-at leaves out versions recorded \
                later, and --on marks (*) the version in effect that day.
                """
        )
        @OptionGroup var target: EntityReference
        @OptionGroup var time: TimeOptions
        @OptionGroup var output: TextOrJSONOption

        func run() throws {
            let registry = try target.global.open(.read)
            let versions = try registry.entityHistory(target.reference, on: try time.day, recordedAt: try time.knownAt)
            output.print(json: { .array(versions.map(\.json)) }) { Self.print(versions) }
        }

        /// Each version on a line, then what it changed.
        private static func print(_ versions: [EntityVersion]) {
            var previous: EntityVersion?
            for version in versions {
                var line = (version.inEffect == true ? "* " : version.inEffect == false ? "  " : "")
                    + "v\(version.entity.version)  \(version.recordedAt)  \(TerminalText.escaped(version.actor))  \(version.change)"
                if let effective = version.entity.effectiveOn { line += "  from \(effective)" }
                if let reason = version.reason { line += "  (\(TerminalText.escaped(reason)))" }
                Output.line(line)
                for change in Self.differences(from: previous, to: version) { Output.line("    " + change) }
                previous = version
            }
        }

        static func differences(from old: EntityVersion?, to new: EntityVersion) -> [String] {
            guard case let .object(after) = new.json else { return [] }
            var before: [String: JSONValue] = [:]
            if let old, case let .object(object) = old.json { before = object }
            let keys = EntityField.allCases.map(\.rawValue) + ["closed_on", "close_reason"]
            return keys.compactMap { key in
                let newValue = after[key] ?? .null
                let oldValue = before[key] ?? .null
                guard newValue != oldValue else { return nil }
                if old == nil { return "\(key): \(newValue.canonical)" }
                return "\(key): \(oldValue.canonical) → \(newValue.canonical)"
            }
        }
    }
}
