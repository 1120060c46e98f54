import Registry

/// The library says what is wrong in its own terms (a period that starts after it ends); the
/// command line says it with the options the user typed (`--from … is after --to …`).
enum OptionNames {
    static func naming(_ error: RegistryError) -> RegistryError {
        switch error {
        case let .invalidPeriod(from, to):
            return .usage("--from \(from) is after --to \(to)")
        case let .regionFinerThanLevel(region, level):
            return .usage("--region \(region) is finer than --level \(level.rawValue); use --level gmina or a shorter region")
        case let .unknownField(field, column, target, fields):
            return .usage("--map \(column)=\(field): \(field) is not a field of \(target.rawValue); fields: "
                + fields.joined(separator: ", "))
        default:
            return error
        }
    }
}
