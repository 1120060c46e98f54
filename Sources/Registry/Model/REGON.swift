import Foundation

/// A REGON statistical number: 9 digits (entities) or 14 (local units), each with a mod-11 check digit.
public struct REGON: Hashable, Sendable, CustomStringConvertible {
    /// The 9 or 14 digits, without separators.
    public let digits: String

    static let weights9 = [8, 9, 2, 3, 4, 5, 6, 7]
    static let weights14 = [2, 4, 8, 5, 0, 9, 7, 3, 6, 1, 2, 4, 8]

    /// Parses 9 or 14 digits, with optional spaces or dashes.
    public init(_ text: String) throws {
        let trimmed = text.trimmed
        guard let digits = DigitString(Substring(trimmed)), digits.count == 9 || digits.count == 14 else {
            throw RegistryError.invalidValue(field: "regon", value: trimmed, rule: "must be 9 or 14 digits")
        }
        let check9 = Self.checkDigit(digits, weights: Self.weights9)
        if digits.count == 9 {
            guard check9 == digits[8] else {
                throw RegistryError.invalidValue(field: "regon", value: trimmed, rule: "checksum digit should be \(check9)")
            }
        } else {
            let check14 = Self.checkDigit(digits, weights: Self.weights14)
            guard check14 == digits[13] else {
                throw RegistryError.invalidValue(field: "regon", value: trimmed, rule: "checksum digit should be \(check14)")
            }
            guard check9 == digits[8] else {
                throw RegistryError.invalidValue(
                    field: "regon", value: trimmed,
                    rule: "first 9 digits are not a valid REGON (checksum digit should be \(check9))")
            }
        }
        self.digits = digits.text()
    }

    /// REGON's rule: weighted sum (of as many digits as there are weights) mod 11, where 10 counts as 0.
    static func checkDigit(_ digits: DigitString, weights: [Int]) -> Int {
        let sum = digits.checksum(weights: weights)
        return sum == 10 ? 0 : sum
    }

    public var description: String { digits }
}
