/// What changed between two days: counts per kind on each (and per unit when asked), and the
/// entities that appeared, closed, changed kind or moved across the region's border in between.
public struct ChangeReport: Sendable {
    public let from: LocalDate
    public let to: LocalDate
    /// The moment of the registry's knowledge both days were read at (`--recorded-at`); nil for now.
    public let recordedAt: String?
    /// The TERYT prefix the report is limited to, if any.
    public let region: String?
    /// The level of `units`, when counts per unit were asked for.
    public let level: MapLevel?
    /// Active entities per kind on both days, for every kind present on either.
    public let kinds: [KindCount]
    /// Per-unit counts (every unit at `level`, empty ones included), when a level was given.
    public let units: [UnitCount]
    /// The entities behind the difference, by kind of change, then name.
    public let changes: [EntityChange]
    /// Entities existing on `to` with no founding date: they count from the day they were first
    /// recorded, until someone fills the date in.
    public let withoutFoundingDate: [UndatedEntity]

    /// An entity registered without a founding date.
    public struct UndatedEntity: Sendable, Equatable {
        public let id: String
        public let name: String
        public let kind: String
        public let teryt: String?
        public let place: String
    }

    /// How many active entities of one kind (or in one unit) there were on each day.
    public struct KindCount: Sendable, Equatable {
        public let kind: String
        public let from: Int
        public let to: Int
        public var difference: Int { to - from }
    }

    /// One unit's counts per kind on both days.
    public struct UnitCount: Sendable, Equatable {
        public let code: String
        public let name: String
        public let kinds: [KindCount]
        public var from: Int { kinds.reduce(0) { $0 + $1.from } }
        public var to: Int { kinds.reduce(0) { $0 + $1.to } }
    }

    /// What happened to one entity between the two days.
    public enum Change: String, Sendable, CaseIterable {
        case appeared, closed
        case kindChanged = "kind_changed"
        case movedIn = "moved_in"
        case movedOut = "moved_out"

        /// The sign a report line starts with.
        public var symbol: String {
            switch self {
            case .appeared, .movedIn: return "+"
            case .closed, .movedOut: return "−"
            case .kindChanged: return "~"
            }
        }
    }

    /// An entity that appeared, closed, changed kind or moved, named with its place.
    public struct EntityChange: Sendable, Equatable {
        public let change: Change
        public let id: String
        public let name: String
        /// The kind on `to` (on `from` for closures and moves out).
        public let kind: String
        /// The kind on `from`, for kind changes.
        public let previousKind: String?
        public let teryt: String?
        /// Commune and county names from the TERYT dictionary.
        public let place: String
    }

    public var totalFrom: Int { kinds.reduce(0) { $0 + $1.from } }
    public var totalTo: Int { kinds.reduce(0) { $0 + $1.to } }

    public var json: JSONValue {
        func kindsJSON(_ counts: [KindCount]) -> JSONValue {
            .array(counts.map {
                .object(["kind": .string($0.kind), "from": .int($0.from), "to": .int($0.to), "difference": .int($0.difference)])
            })
        }
        var object: [String: JSONValue] = [
            "from": .string(from.description), "to": .string(to.description), "recorded_at": .string(recordedAt),
            "region": .string(region),
            "without_founding_date": .array(withoutFoundingDate.map { entity in
                .object(["id": .string(entity.id), "name": .string(entity.name), "kind": .string(entity.kind),
                         "teryt": .string(entity.teryt), "place": .string(entity.place)])
            }),
            "totals": .object(["from": .int(totalFrom), "to": .int(totalTo), "difference": .int(totalTo - totalFrom)]),
            "kinds": kindsJSON(kinds),
            "changes": .array(changes.map { change in
                .object([
                    "change": .string(change.change.rawValue), "id": .string(change.id), "name": .string(change.name),
                    "kind": .string(change.kind), "previous_kind": .string(change.previousKind),
                    "teryt": .string(change.teryt), "place": .string(change.place),
                ])
            }),
        ]
        if let level {
            object["level"] = .string(level.rawValue)
            object["units"] = .array(units.map { unit in
                .object(["code": .string(unit.code), "name": .string(unit.name), "from": .int(unit.from),
                         "to": .int(unit.to), "difference": .int(unit.to - unit.from), "kinds": kindsJSON(unit.kinds)])
            })
        }
        return .object(object)
    }
}
