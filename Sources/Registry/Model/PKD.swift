import Foundation

/// A PKD 2007 activity code (Polska Klasyfikacja Działalności), e.g. `56.29.Z`.
public struct PKD: Hashable, Sendable, CustomStringConvertible {
    /// The code as `NN.NN.L`.
    public let code: String

    /// Parses `56.29.Z`, `56.29Z`, `5629Z` or `56.29.z`.
    public init(_ text: String) throws {
        let trimmed = text.trimmed
        // NN.NN.L with optional dots: 56.29.Z, 56.29Z, 5629Z (checked by hand; a regex here was slow).
        let bytes = Array(trimmed.utf8)
        var digits: [UInt8] = []
        var letter: UInt8?
        var index = 0
        for position in 0..<5 {
            guard index < bytes.count else { digits.removeAll(); break }
            if (position == 2 || position == 4), bytes[index] == UInt8(ascii: ".") { index += 1 }
            guard index < bytes.count else { digits.removeAll(); break }
            let byte = bytes[index]
            if position < 4 {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { digits.removeAll(); break }
                digits.append(byte)
            } else {
                let upper = byte & ~0x20
                guard upper >= UInt8(ascii: "A"), upper <= UInt8(ascii: "Z") else { break }
                letter = upper
            }
            index += 1
        }
        guard digits.count == 4, let letter, index == bytes.count else {
            throw RegistryError.invalidValue(field: "pkd", value: trimmed, rule: "must be a PKD 2007 code like 56.29.Z")
        }
        code = String(decoding: digits[0..<2] + [UInt8(ascii: ".")] + digits[2..<4] + [UInt8(ascii: "."), letter], as: UTF8.self)
    }

    /// Normalises a prefix for filtering: `5629` → `56.29`, `56.29.z` → `56.29.Z`, `56` → `56`.
    public static func normalizedPrefix(_ text: String) throws -> String {
        let compact = text.trimmed.uppercased().filter { $0 != "." }
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
