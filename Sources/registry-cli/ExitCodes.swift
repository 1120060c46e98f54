import Foundation
import Registry

/// The documented exit codes (sysexits.h), one per kind of failure.
enum ExitCodes {
    static let ok: Int32 = 0
    static let usage: Int32 = 64
    static let dataError: Int32 = 65
    static let noInput: Int32 = 66
    static let software: Int32 = 70
    static let cannotCreate: Int32 = 73
    static let ioError: Int32 = 74
    static let busy: Int32 = 75
    static let config: Int32 = 78

    static func of(_ error: RegistryError) -> Int32 {
        switch error {
        case .invalidValue, .invalidRecord, .malformedFile, .notFound, .ambiguous, .conflict,
             .invalidTransition, .notReadOnly, .integrity, .limitExceeded:
            return dataError
        case .usage, .invalidPeriod, .regionFinerThanLevel, .unknownField: return usage
        case .fileNotFound, .cannotOpen: return noInput
        case .cannotCreate: return cannotCreate
        case .io: return ioError
        case .busy: return busy
        case .schemaBehind, .schemaNewer, .migrationChanged: return config
        case .sqlite: return software
        }
    }
}
