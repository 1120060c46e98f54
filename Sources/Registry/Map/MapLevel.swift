/// The TERYT level a map or report aggregates at.
public enum MapLevel: String, CaseIterable, Sendable {
    case wojewodztwo, powiat, gmina
}
