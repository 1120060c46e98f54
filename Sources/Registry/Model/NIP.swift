import Foundation

/// A Polish tax identification number (NIP): 10 digits, the last a mod-11 check digit.
public struct NIP: Hashable, Sendable, CustomStringConvertible {
    /// The 10 digits, without separators.
    public let digits: String

    static let weights = [6, 5, 7, 2, 3, 4, 5, 6, 7]

    /// Parses `123-456-32-18`, `123 456 32 18`, `PL1234563218` or plain digits.
    public init(_ text: String) throws {
        let trimmed = text.trimmed
        var body = Substring(trimmed)
        if body.prefix(2).uppercased() == "PL" {
            body = body.dropFirst(2).drop { $0 == " " || $0 == "-" }
        }
        guard let digits = DigitString(body), digits.count == 10 else {
            throw RegistryError.invalidValue(
                field: "nip", value: trimmed, rule: "must be 10 digits (dashes and a PL prefix are allowed)")
        }
        let check = digits.checksum(weights: Self.weights)
        if check == 10 {
            throw RegistryError.invalidValue(field: "nip", value: trimmed, rule: "checksum gives 10, which no valid NIP has")
        }
        if check != digits[9] {
            throw RegistryError.invalidValue(field: "nip", value: trimmed, rule: "checksum digit should be \(check)")
        }
        self.digits = digits.text()
    }

    /// True when `text` is a valid NIP.
    public static func isValid(_ text: String) -> Bool { (try? NIP(text)) != nil }

    public var description: String { digits }
}
