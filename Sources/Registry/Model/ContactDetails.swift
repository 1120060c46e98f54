import Foundation

/// An e-mail address, checked for shape only (one @, a local part, a domain with a dot, no spaces).
public struct EmailAddress: Hashable, Sendable {
    public let text: String

    public init(_ value: String) throws {
        let trimmed = value.trimmed
        guard trimmed.withUTF8Bytes(Self.hasShape) else {
            throw RegistryError.invalidValue(field: "email", value: trimmed, rule: "is not an e-mail address")
        }
        text = trimmed
    }

    /// One @ with text before it; after it a domain with a dot, not at either end and not doubled;
    /// no white space, commas or semicolons anywhere (byte by byte: imports check every cell).
    private static func hasShape(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
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
func containsSpaceOrSeparator(_ bytes: UnsafeBufferPointer<UInt8>, separators: Bool = true) -> Bool {
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
        if String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<end]), as: UTF8.self).contains(where: \.isWhitespace) {
            return true
        }
        index = end
    }
    return false
}

/// A web address, checked for shape (optional http/https scheme, a host with a dot, no spaces); stored as given.
public struct WebAddress: Hashable, Sendable {
    public let text: String

    public init(_ value: String) throws {
        let trimmed = value.trimmed
        guard trimmed.withUTF8Bytes(Self.hasShape) else {
            throw RegistryError.invalidValue(field: "www", value: trimmed, rule: "is not a web address")
        }
        text = trimmed
    }

    /// An optional `http://` or `https://` (any case), then a host up to the first `/`, `?` or `#`
    /// that holds a dot but neither starts nor ends with one; no `://` after the scheme and no
    /// white space anywhere. On bytes: imports check every cell.
    private static func hasShape(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var start = 0
        if hasScheme(bytes, at: start, "https://") { start += 8 }
        if hasScheme(bytes, at: start, "http://") { start += 7 }
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

    /// Whether `scheme` (lower case) starts at `start`, in any case.
    private static func hasScheme(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, _ scheme: StaticString) -> Bool {
        guard bytes.count - start >= scheme.utf8CodeUnitCount else { return false }
        var index = start
        for expected in UnsafeBufferPointer(start: scheme.utf8Start, count: scheme.utf8CodeUnitCount) {
            let byte = bytes[index]
            if (byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte) != expected { return false }
            index += 1
        }
        return true
    }
}

/// A phone number as people write it: digits, spaces, `+`, `-`, parentheses, and `wew.` for an extension.
public struct PhoneNumber: Hashable, Sendable {
    public let text: String

    public init(_ value: String) throws {
        let trimmed = value.trimmed
        var digits = 0
        var valid = true
        trimmed.withUTF8Bytes { bytes in
            var index = 0
            while index < bytes.count {
                if bytes[index] == 0x77, bytes[index...].starts(with: "wew.".utf8) {
                    index += 4
                    continue
                }
                switch bytes[index] {
                case 0x30...0x39: digits += 1
                case 0x20, 0x2B, 0x2D, 0x28, 0x29, 0x2F: break  // space + - ( ) /
                default:
                    valid = false
                    return
                }
                index += 1
            }
        }
        guard valid, digits >= 5 else {
            throw RegistryError.invalidValue(field: "phone", value: trimmed, rule: "is not a phone number")
        }
        text = trimmed
    }
}
