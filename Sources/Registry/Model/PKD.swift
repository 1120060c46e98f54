import Foundation

/// A PKD 2007 activity code (Polska Klasyfikacja Działalności), e.g. `56.29.Z`.
public struct PKD: Hashable, Sendable, CustomStringConvertible {
    /// The code as `NN.NN.L`.
    public let code: String

    /// Parses `56.29.Z`, `56.29Z`, `5629Z` or `56.29.z`.
    public init(_ text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.range(of: "^[0-9]{2}\\.?[0-9]{2}\\.?[A-Za-z]$", options: .regularExpression) != nil else {
            throw RegistryError.invalidValue(field: "pkd", value: trimmed, rule: "must be a PKD 2007 code like 56.29.Z")
        }
        let characters = Array(trimmed.uppercased().filter { $0 != "." })
        code = "\(characters[0])\(characters[1]).\(characters[2])\(characters[3]).\(characters[4])"
    }

    /// Normalises a prefix for filtering: `5629` → `56.29`, `56.29.z` → `56.29.Z`, `56` → `56`.
    public static func normalizedPrefix(_ text: String) throws -> String {
        let compact = text.trimmingCharacters(in: .whitespaces).uppercased().filter { $0 != "." }
        let characters = Array(compact)
        guard !characters.isEmpty, characters.count <= 5,
              characters.prefix(4).allSatisfy({ $0.isASCII && $0.isNumber }),
              characters.count < 5 || (characters[4].isASCII && characters[4].isLetter)
        else {
            throw RegistryError.invalidValue(field: "pkd", value: text, rule: "must be a PKD 2007 code or its beginning, like 56 or 56.29")
        }
        var result = ""
        for (index, character) in characters.enumerated() {
            if index == 2 || index == 4 { result.append(".") }
            result.append(character)
        }
        return result
    }

    public var description: String { code }
}
