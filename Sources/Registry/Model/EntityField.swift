/// The fields of an entity a user can set, named as in CSV headers, JSON keys and database columns.
public enum EntityField: String, CaseIterable, Sendable, Codable {
    case kind, name, nip, regon, krs, pkd, street
    case postalCode = "postal_code"
    case city, teryt
    case foundedOn = "founded_on"
    case email, phone, www, latitude, longitude, capacity
    case operatorID = "operator_id"
    case operatorTeryt = "operator_teryt"
    case note
}

/// Raw (unvalidated) text for some entity fields, as typed on the command line or read from a file.
/// An empty string clears a field on update.
public typealias EntityInput = [EntityField: String]

extension EntityField {
    /// The field's position in `allCases`, by which `EntityCells` keeps its values.
    var ordinal: Int {
        switch self {
        case .kind: return 0
        case .name: return 1
        case .nip: return 2
        case .regon: return 3
        case .krs: return 4
        case .pkd: return 5
        case .street: return 6
        case .postalCode: return 7
        case .city: return 8
        case .teryt: return 9
        case .foundedOn: return 10
        case .email: return 11
        case .phone: return 12
        case .www: return 13
        case .latitude: return 14
        case .longitude: return 15
        case .capacity: return 16
        case .operatorID: return 17
        case .operatorTeryt: return 18
        case .note: return 19
        }
    }
}

/// Raw text for some entity fields, kept in an array by field (imports fill one per row, and a
/// dictionary per row was a measurable part of an import).
struct EntityCells {
    private var values = [String?](repeating: nil, count: EntityField.allCases.count)

    init() {}

    init(_ input: EntityInput) {
        for (field, text) in input { values[field.ordinal] = text }
    }

    subscript(field: EntityField) -> String? {
        get { values[field.ordinal] }
        set { values[field.ordinal] = newValue }
    }
}
