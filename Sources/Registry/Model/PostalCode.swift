import Foundation

/// A Polish postal code, `NN-NNN`.
public struct PostalCode: Hashable, Sendable, CustomStringConvertible {
    /// The code as `NN-NNN`.
    public let code: String

    /// Parses `00-950` or `00950`.
    public init(_ text: String) throws {
        let trimmed = text.trimmed
        let bytes = Array(trimmed.utf8)
        let isDigit = { (byte: UInt8) in byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        if bytes.count == 6, bytes[2] == UInt8(ascii: "-"), bytes.enumerated().allSatisfy({ $0.offset == 2 || isDigit($0.element) }) {
            code = trimmed
        } else if bytes.count == 5, bytes.allSatisfy(isDigit) {
            code = String(trimmed.prefix(2)) + "-" + String(trimmed.suffix(3))
        } else {
            throw RegistryError.invalidValue(field: "postal_code", value: trimmed, rule: "must look like 00-950")
        }
    }

    public var description: String { code }
}
