import Foundation

/// The kinds of social-economy entities (PES) and related bodies coordinators map.
public enum EntityKind: String, CaseIterable, Sendable, Codable {
    case spoldzielniaSocjalna = "spoldzielnia-socjalna"
    case cis, kis, zaz, wtz, fundacja, stowarzyszenie, ngo
    case spoldzielniaPracy = "spoldzielnia-pracy"
    case spoldzielniaInwalidow = "spoldzielnia-inwalidow"
    case kgw
    case spolkaNonProfit = "spolka-non-profit"
    case zpchr, owes, inny

    /// The Polish name, as coordinators write it.
    public var polishName: String {
        switch self {
        case .spoldzielniaSocjalna: return "spółdzielnia socjalna"
        case .cis: return "centrum integracji społecznej"
        case .kis: return "klub integracji społecznej"
        case .zaz: return "zakład aktywności zawodowej"
        case .wtz: return "warsztat terapii zajęciowej"
        case .fundacja: return "fundacja"
        case .stowarzyszenie: return "stowarzyszenie"
        case .ngo: return "organizacja pozarządowa"
        case .spoldzielniaPracy: return "spółdzielnia pracy"
        case .spoldzielniaInwalidow: return "spółdzielnia inwalidów i niewidomych"
        case .kgw: return "koło gospodyń wiejskich"
        case .spolkaNonProfit: return "spółka non-profit"
        case .zpchr: return "zakład pracy chronionej"
        case .owes: return "ośrodek wsparcia ekonomii społecznej"
        case .inny: return "inny"
        }
    }

    /// CIS, KIS, WTZ and ZAZ: units with places (capacity) and usually an operator that runs them.
    public var isReintegrationUnit: Bool {
        switch self {
        case .cis, .kis, .zaz, .wtz: return true
        default: return false
        }
    }

    /// Other names people use, beyond the code and the Polish name.
    private static let aliases: [EntityKind: [String]] = [
        .spoldzielniaSocjalna: ["spółdzielnie socjalne", "SS", "spółdz. socjalna", "social cooperative"],
        .cis: ["centra integracji społecznej", "centrum integracji"],
        .kis: ["kluby integracji społecznej", "klub integracji"],
        .zaz: ["zakłady aktywności zawodowej", "zakład aktywności"],
        .wtz: ["warsztaty terapii zajęciowej", "warsztat terapii"],
        .fundacja: ["fundacje", "foundation"],
        .stowarzyszenie: ["stowarzyszenia", "association"],
        .ngo: ["NGO", "organizacje pozarządowe", "organizacja kościelna", "kościelna osoba prawna", "inna organizacja pozarządowa"],
        .spoldzielniaPracy: ["spółdzielnie pracy", "worker cooperative"],
        .spoldzielniaInwalidow: ["spółdzielnie inwalidów i niewidomych", "spółdzielnia inwalidów", "spółdzielnia niewidomych", "spółdzielnia inwalidów lub niewidomych"],
        .kgw: ["KGW", "koła gospodyń wiejskich", "koło gospodyń"],
        .spolkaNonProfit: ["spółka non profit", "spółki non-profit", "spółka z o.o. non-profit", "spółka z o.o. non profit", "non-profit", "spółka not-for-profit"],
        .zpchr: ["ZPChr", "zakłady pracy chronionej"],
        .owes: ["OWES", "ośrodki wsparcia ekonomii społecznej"],
        .inny: ["inna", "other"],
    ]

    /// Every name a kind is known by (code, code with spaces, Polish name, aliases).
    private static var names: [(EntityKind, String)] {
        allCases.flatMap { kind in
            ([kind.rawValue, kind.rawValue.replacingOccurrences(of: "-", with: " "), kind.polishName] + (aliases[kind] ?? []))
                .map { (kind, $0) }
        }
    }

    /// Folded name → kind, built once.
    private static let lookup: [String: EntityKind] = {
        var table: [String: EntityKind] = [:]
        for (kind, name) in names { table[TextFolding.fold(name)] = kind }
        return table
    }()

    /// The names as written, with a capital first letter and in capitals → what `lookup` gives for
    /// them: files write a kind the same way on every row, so folding is needed only for other spellings.
    private static let exact: [String: EntityKind] = {
        var table: [String: EntityKind] = [:]
        for (_, name) in names {
            for spelling in [name, name.prefix(1).uppercased() + name.dropFirst(), name.uppercased()] {
                table[spelling] = lookup[TextFolding.fold(spelling)]
            }
        }
        return table
    }()

    /// Parses a code, a Polish name (singular or plural) or a common abbreviation, ignoring case and diacritics.
    public static func parse(_ text: String) throws -> EntityKind {
        if let kind = exact[text] ?? lookup[TextFolding.fold(text)] { return kind }
        throw RegistryError.invalidValue(
            field: "kind", value: text.trimmed,
            rule: "unknown kind; use one of: " + allCases.map(\.rawValue).joined(separator: ", "))
    }
}
