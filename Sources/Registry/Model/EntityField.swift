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
