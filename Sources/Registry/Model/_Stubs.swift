// TEMPORARY stubs until the model branch merges.
import Foundation
public struct NIP { public let digits: String; public init(_ t: String) throws { let d = t.uppercased().filter { $0.isNumber }; if d.count != 10 { throw RegistryError.invalidValue(field: "nip", value: t, rule: "must be 10 digits (dashes and a PL prefix are allowed)") }; let w=[6,5,7,2,3,4,5,6,7]; let ds=d.compactMap{$0.wholeNumberValue}; let c=zip(ds,w).map(*).reduce(0,+)%11; if c != ds[9] { throw RegistryError.invalidValue(field: "nip", value: t, rule: "checksum digit should be \(c)") }; digits = d } }
public struct REGON { public let digits: String; public init(_ t: String) throws { digits = t.filter { $0.isNumber } } }
public struct KRS { public let digits: String; public init(_ t: String) throws { let d = t.filter { $0.isNumber }; digits = String(repeating: "0", count: max(0, 10 - d.count)) + d } }
public struct PKD { public let code: String; public init(_ t: String) throws { code = t } }
public struct PostalCode { public let code: String; public init(_ t: String) throws { code = t } }
public struct EmailAddress { public let text: String; public init(_ t: String) throws { text = t } }
public struct WebAddress { public let text: String; public init(_ t: String) throws { text = t } }
public struct PhoneNumber { public let text: String; public init(_ t: String) throws { text = t } }
public struct LocalDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    let y: Int, m: Int, d: Int
    public static func < (a: LocalDate, b: LocalDate) -> Bool { (a.y, a.m, a.d) < (b.y, b.m, b.d) }
    public init?(iso: String) { let p = iso.split(separator: "-").compactMap { Int($0) }; guard p.count == 3 else { return nil }; y = p[0]; m = p[1]; d = p[2] }
    public static func parse(_ t: String, field: String) throws -> LocalDate {
        if let v = LocalDate(iso: t) { return v }
        let p = t.split(separator: ".").compactMap { Int($0) }
        guard p.count == 3 else { throw RegistryError.invalidValue(field: field, value: t, rule: "must be a date as YYYY-MM-DD or DD.MM.YYYY") }
        if p[1] == 2 && p[0] > 29 { throw RegistryError.invalidValue(field: field, value: t, rule: "is not a real calendar date") }
        return LocalDate(iso: "\(p[2])-\(p[1])-\(p[0])")!
    }
    public var description: String { String(format: "%04d-%02d-%02d", y, m, d) }
}
public enum EntityKind: String, CaseIterable, Sendable, Codable {
    case spoldzielniaSocjalna = "spoldzielnia-socjalna", cis, kis, zaz, wtz, fundacja, stowarzyszenie, ngo
    case spoldzielniaPracy = "spoldzielnia-pracy", spoldzielniaInwalidow = "spoldzielnia-inwalidow", kgw
    case spolkaNonProfit = "spolka-non-profit", zpchr, owes, inny
    public var isReintegrationUnit: Bool { [.cis, .kis, .zaz, .wtz].contains(self) }
    public static func parse(_ t: String) throws -> EntityKind {
        let f = TextFolding.fold(t)
        if let k = EntityKind(rawValue: f) { return k }
        switch f { case "centrum integracji spolecznej": return .cis; case "spoldzielnia socjalna": return .spoldzielniaSocjalna; case "klub integracji spolecznej": return .kis; case "spolka non-profit": return .spolkaNonProfit; case "spoldzielnia pracy": return .spoldzielniaPracy; default: throw RegistryError.invalidValue(field: "kind", value: t, rule: "unknown kind") }
    }
}
public enum TextFolding { public static func fold(_ s: String) -> String { s.lowercased().replacingOccurrences(of: "ł", with: "l").folding(options: .diacriticInsensitive, locale: nil).trimmingCharacters(in: .whitespaces) } }
