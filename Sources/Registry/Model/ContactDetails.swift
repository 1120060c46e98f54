import Foundation

/// An e-mail address, checked for shape only (one @, a local part, a domain with a dot, no spaces).
public struct EmailAddress: Hashable, Sendable {
    public let text: String

    public init(_ value: String) throws {
        let trimmed = value.trimmed
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
              !parts[1].hasPrefix("."), !parts[1].hasSuffix("."), !parts[1].contains(".."),
              !trimmed.contains(where: { $0.isWhitespace || $0 == "," || $0 == ";" })
        else {
            throw RegistryError.invalidValue(field: "email", value: trimmed, rule: "is not an e-mail address")
        }
        text = trimmed
    }
}

/// A web address, checked for shape (optional http/https scheme, a host with a dot, no spaces); stored as given.
public struct WebAddress: Hashable, Sendable {
    public let text: String

    public init(_ value: String) throws {
        let trimmed = value.trimmed
        var rest = Substring(trimmed)
        for scheme in ["https://", "http://"] where rest.lowercased().hasPrefix(scheme) {
            rest = rest.dropFirst(scheme.count)
        }
        let host = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !host.isEmpty, host.contains("."), !host.hasPrefix("."), !host.hasSuffix("."),
              !trimmed.contains(where: \.isWhitespace), !rest.contains("://")
        else {
            throw RegistryError.invalidValue(field: "www", value: trimmed, rule: "is not a web address")
        }
        text = trimmed
    }
}

/// A phone number as people write it: digits, spaces, `+`, `-`, parentheses, and `wew.` for an extension.
public struct PhoneNumber: Hashable, Sendable {
    public let text: String

    public init(_ value: String) throws {
        let trimmed = value.trimmed
        var digits = 0
        var valid = true
        var rest = Substring(trimmed)
        while let character = rest.first {
            if rest.hasPrefix("wew.") {
                rest = rest.dropFirst(4)
                continue
            }
            if character.isASCII, character.isNumber {
                digits += 1
            } else if !" +-()/".contains(character) {
                valid = false
                break
            }
            rest = rest.dropFirst()
        }
        guard valid, digits >= 5 else {
            throw RegistryError.invalidValue(field: "phone", value: trimmed, rule: "is not a phone number")
        }
        text = trimmed
    }
}
