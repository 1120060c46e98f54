/// The columns every entity listing and export has, in order (documented in README).
public enum EntityColumns {
    public static let all: [String] = ["id"] + EntityField.allCases.map(\.rawValue)
        + ["closed_on", "close_reason", "status"]

    /// A row's values in `all` order.
    public static func values(_ entity: Entity, status: String? = nil) -> [JSONValue] {
        guard case let .object(object) = entity.json else { return [] }
        return all.map { column in
            if column == "status", let status { return .string(status) }
            return object[column] ?? .null
        }
    }
}
