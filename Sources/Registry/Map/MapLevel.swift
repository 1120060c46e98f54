/// The TERYT level a map or report aggregates at.
public enum MapLevel: String, CaseIterable, Sendable {
    case wojewodztwo, powiat, gmina

    /// SQL giving an entity's unit at this level from its TERYT code `e.teryt` and its commune `t.commune_code`.
    var unitExpression: String {
        switch self {
        case .wojewodztwo: return "substr(e.teryt, 1, 2)"
        case .powiat: return "substr(e.teryt, 1, 4)"
        // Town and rural parts of urban-rural communes, and city districts, count in their commune.
        case .gmina: return "t.commune_code"
        }
    }
}
