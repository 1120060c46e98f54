import ArgumentParser
import Registry

struct EntityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "entity",
        abstract: "Add, change, close and inspect entities.",
        subcommands: [Add.self, Update.self, Close.self, Show.self, History.self]
    )

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
                """
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The entity: its id, NIP, REGON or KRS.") var reference: String
        @OptionGroup var fields: EntityFieldOptions
        @Option(help: "Why it changed (kept in its history).") var reason: String?

        func run() throws {
            let registry = try global.open(.write)
            let input = fields.input
            if input.isEmpty { throw RegistryError.usage("nothing to update: give at least one field option") }
            let (entity, changed) = try registry.updateEntity(reference, input, reason: reason)
            Output.message(changed ? "updated \(entity.id) to version \(entity.version)" : "\(entity.id) unchanged")
        }
    }

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record that an entity closed (entities are never deleted).",
            discussion: "  registry entity close 5260250274 --date 2026-06-30 --reason \"likwidacja\""
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The entity: its id, NIP, REGON or KRS.") var reference: String
        @Option(help: "The closing date (YYYY-MM-DD or DD.MM.YYYY).") var date: String
        @Option(help: "Why it closed.") var reason: String?

        func run() throws {
            let registry = try global.open(.write)
            let entity = try registry.closeEntity(
                reference, on: try LocalDate.parse(date, field: "date"), reason: reason)
            Output.message("closed \(entity.id) on \(entity.closedOn?.description ?? date)")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show an entity.",
            discussion: "  registry entity show 5260250274 --format json"
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The entity: its id, NIP, REGON or KRS.") var reference: String
        @Option(help: "text or json.") var format: TextOrJSON = .text

        func run() throws {
            let registry = try global.open(.read)
            let entity = try global.database.timed("lookup") { try registry.entity(reference) }
            if format == .json {
                Output.line(entity.json.pretty)
                return
            }
            guard case let .object(object) = entity.json else { return }
            let order = ["id", "status", "version"] + EntityField.allCases.map(\.rawValue)
                + ["closed_on", "close_reason", "created_at", "updated_at"]
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
            discussion: "  registry entity history 5260250274"
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The entity: its id, NIP, REGON or KRS.") var reference: String
        @Option(help: "text or json.") var format: TextOrJSON = .text

        func run() throws {
            let registry = try global.open(.read)
            let versions = try registry.entityHistory(reference)
            if format == .json {
                Output.line(JSONValue.array(versions.map(\.json)).pretty)
                return
            }
            var previous: EntityVersion?
            for version in versions {
                var line = "v\(version.entity.version)  \(version.recordedAt)  \(TerminalText.escaped(version.actor))  \(version.change)"
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

/// One option per entity field, shared by `entity add` and `entity update`.
struct EntityFieldOptions: ParsableArguments {
    @Option(help: "Kind code or Polish name, e.g. spoldzielnia-socjalna, cis, kis, zaz, wtz, fundacja.") var kind: String?
    @Option(help: "Name.") var name: String?
    @Option(help: "NIP (dashes and a PL prefix are accepted).") var nip: String?
    @Option(help: "REGON (9 or 14 digits).") var regon: String?
    @Option(help: "KRS number.") var krs: String?
    @Option(help: "PKD 2007 code of the main activity, e.g. 56.29.Z.") var pkd: String?
    @Option(help: "Street and number.") var street: String?
    @Option(name: .customLong("postal-code"), help: "Postal code, e.g. 10-950.") var postalCode: String?
    @Option(help: "City or town.") var city: String?
    @Option(help: "TERYT commune code (7 digits, WWPPGGR).") var teryt: String?
    @Option(help: "Founding date (YYYY-MM-DD or DD.MM.YYYY).") var founded: String?
    @Option(help: "E-mail.") var email: String?
    @Option(help: "Phone.") var phone: String?
    @Option(help: "Web address.") var www: String?
    @Option(help: "Latitude (decimal degrees).") var latitude: String?
    @Option(help: "Longitude (decimal degrees).") var longitude: String?
    @Option(help: "Places or participants (CIS, KIS, WTZ, ZAZ only).") var capacity: String?
    @Option(name: .customLong("operator"), help: "The entity running this CIS/KIS/WTZ/ZAZ (id, NIP, REGON or KRS).") var operatorReference: String?
    @Option(name: .customLong("operator-teryt"), help: "The local government running this CIS/KIS/WTZ/ZAZ (TERYT code).") var operatorTeryt: String?
    @Option(help: "A free note.") var note: String?

    var input: EntityInput {
        let pairs: [(EntityField, String?)] = [
            (.kind, kind), (.name, name), (.nip, nip), (.regon, regon), (.krs, krs), (.pkd, pkd), (.street, street),
            (.postalCode, postalCode), (.city, city), (.teryt, teryt), (.foundedOn, founded), (.email, email),
            (.phone, phone), (.www, www), (.latitude, latitude), (.longitude, longitude), (.capacity, capacity),
            (.operatorID, operatorReference), (.operatorTeryt, operatorTeryt), (.note, note),
        ]
        var input: EntityInput = [:]
        for case let (field, value?) in pairs { input[field] = value }
        return input
    }
}
