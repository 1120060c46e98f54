import Foundation

/// An e-mail address, checked for shape only (one @, a local part, a domain with a dot, no spaces).
public struct EmailAddress: Hashable, Sendable {
    public let text: String

    public init(_ value: String) throws {
        let trimmed = value.trimmed
        guard Self.hasShape(Array(trimmed.utf8)) else {
            throw RegistryError.invalidValue(field: "email", value: trimmed, rule: "is not an e-mail address")
        }
        text = trimmed
    }

    /// One @ with text before it; after it a domain with a dot, not at either end and not doubled;
    /// no white space, commas or semicolons anywhere (byte by byte: imports check every cell).
    private static func hasShape(_ bytes: [UInt8]) -> Bool {
        guard let at = bytes.firstIndex(of: UInt8(ascii: "@")), at > 0,
              !bytes[(at + 1)...].contains(UInt8(ascii: "@")) else { return false }
        let domain = bytes[(at + 1)...]
        guard let first = domain.first, let last = domain.last, first != UInt8(ascii: "."), last != UInt8(ascii: "."),
              domain.contains(UInt8(ascii: ".")) else { return false }
        var previous: UInt8 = 0
        for byte in domain {
            if byte == UInt8(ascii: "."), previous == UInt8(ascii: ".") { return false }
            previous = byte
        }
        return !containsSpaceOrSeparator(bytes)
    }
}

/// True when the UTF-8 text holds white space (ASCII, NBSP, Unicode spaces), a comma or a semicolon.
func containsSpaceOrSeparator(_ bytes: [UInt8], separators: Bool = true) -> Bool {
    var index = 0
    while index < bytes.count {
        let byte = bytes[index]
        if byte < 0x80 {
            if byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) { return true }
            if separators, byte == UInt8(ascii: ",") || byte == UInt8(ascii: ";") { return true }
            index += 1
            continue
        }
        // Anything else non-ASCII: decide by the scalar (rare in addresses).
        let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
        let end = min(index + length, bytes.count)
        if String(decoding: bytes[index..<end], as: UTF8.self).contains(where: \.isWhitespace) { return true }
        index = end
    }
    return false
}

/// A web address, checked for shape (optional http/https scheme, a host with a dot, no spaces); stored as given.
public struct WebAddress: Hashable, Sendable {
    public let text: String

    public init(_ value: String) throws {
        let trimmed = value.trimmed
        guard Self.hasShape(Array(trimmed.utf8)) else {
            throw RegistryError.invalidValue(field: "www", value: trimmed, rule: "is not a web address")
        }
        text = trimmed
    }

    /// An optional `http://` or `https://` (any case), then a host up to the first `/`, `?` or `#`
    /// that holds a dot but neither starts nor ends with one; no `://` after the scheme and no
    /// white space anywhere. On bytes: imports check every cell.
    private static func hasShape(_ bytes: [UInt8]) -> Bool {
        var start = 0
        for scheme in ["https://", "http://"] {
            let prefix = Array(scheme.utf8)
            guard bytes.count - start >= prefix.count else { continue }
            let lowered = bytes[start..<(start + prefix.count)].map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
            if lowered == prefix { start += prefix.count }
        }
        let rest = bytes[start...]
        let host = rest.prefix { $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "?") && $0 != UInt8(ascii: "#") }
        guard let first = host.first, let last = host.last, host.contains(UInt8(ascii: ".")),
              first != UInt8(ascii: "."), last != UInt8(ascii: ".") else { return false }
        if rest.count >= 3 {
            for index in rest.startIndex...(rest.endIndex - 3) where bytes[index] == UInt8(ascii: ":")
                && bytes[index + 1] == UInt8(ascii: "/") && bytes[index + 2] == UInt8(ascii: "/") { return false }
        }
        return !containsSpaceOrSeparator(bytes, separators: false)
    }
}

/// A phone number as people write it: digits, spaces, `+`, `-`, parentheses, and `wew.` for an extension.
public struct PhoneNumber: Hashable, Sendable {
    public let text: String

    public init(_ value: String) throws {
        let trimmed = value.trimmed
        var digits = 0
        var valid = true
        let bytes = Array(trimmed.utf8)
        var index = 0
        while index < bytes.count {
            if bytes[index...].starts(with: "wew.".utf8) {
                index += 4
                continue
            }
            let byte = bytes[index]
            if byte >= 0x30, byte <= 0x39 {
                digits += 1
            } else if ![0x20, 0x2B, 0x2D, 0x28, 0x29, 0x2F].contains(byte) {  // space + - ( ) /
                valid = false
                break
            }
            index += 1
        }
        guard valid, digits >= 5 else {
            throw RegistryError.invalidValue(field: "phone", value: trimmed, rule: "is not a phone number")
        }
        text = trimmed
    }
}
