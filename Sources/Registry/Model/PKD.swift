import Foundation

/// A PKD 2007 activity code (Polska Klasyfikacja Działalności), e.g. `56.29.Z`.
public struct PKD: Hashable, Sendable, CustomStringConvertible {
    /// The code as `NN.NN.L`.
    public let code: String

    /// Parses `56.29.Z`, `56.29Z`, `5629Z` or `56.29.z`.
    public init(_ text: String) throws {
        let trimmed = text.trimmed
        guard let (a, b, c, d, letter) = Self.parts(trimmed.utf8) else {
            throw RegistryError.invalidValue(field: "pkd", value: trimmed, rule: "must be a PKD 2007 code like 56.29.Z")
        }
        // Seven bytes make a small string: no allocation.
        code = String(unsafeUninitializedCapacity: 7) { buffer in
            (buffer[0], buffer[1], buffer[2], buffer[3]) = (a, b, UInt8(ascii: "."), c)
            (buffer[4], buffer[5], buffer[6]) = (d, UInt8(ascii: "."), letter)
            return 7
        }
    }

    /// The four digits and the upper-cased letter of NN.NN.L, the dots optional (56.29.Z, 56.29Z,
    /// 5629Z); read byte by byte without allocating, since every imported row may have a PKD cell
    /// (a regex here was slow).
    private static func parts(_ text: String.UTF8View) -> (UInt8, UInt8, UInt8, UInt8, UInt8)? {
        var bytes = text.makeIterator()
        func digit(_ byte: UInt8?) -> UInt8? {
            guard let byte, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            return byte
        }
        guard let a = digit(bytes.next()), let b = digit(bytes.next()) else { return nil }
        var next = bytes.next()
        if next == UInt8(ascii: ".") { next = bytes.next() }
        guard let c = digit(next), let d = digit(bytes.next()) else { return nil }
        next = bytes.next()
        if next == UInt8(ascii: ".") { next = bytes.next() }
        guard let byte = next, bytes.next() == nil else { return nil }
        let upper = byte & ~0x20
        guard upper >= UInt8(ascii: "A"), upper <= UInt8(ascii: "Z") else { return nil }
        return (a, b, c, d, upper)
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
