import Foundation

/// A National Court Register (KRS) number: 10 digits, often written without leading zeros.
public struct KRS: Hashable, Sendable, CustomStringConvertible {
    /// The 10 digits, zero-padded.
    public let digits: String

    /// Parses up to 10 digits and pads them with zeros.
    public init(_ text: String) throws {
        let trimmed = text.trimmed
        guard let digits = DigitString(Substring(trimmed)), (1...10).contains(digits.count) else {
            throw RegistryError.invalidValue(field: "krs", value: trimmed, rule: "must be up to 10 digits")
        }
        self.digits = digits.text(paddedTo: 10)
    }

    public var description: String { digits }
}
