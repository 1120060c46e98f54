import ArgumentParser
import Registry

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
