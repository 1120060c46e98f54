extension StringProtocol {
    /// The text without leading and trailing white space (spaces, tabs, newlines, NBSP, the zero-width space).
    ///
    /// A pure-Swift version of `trimmingCharacters(in: .whitespacesAndNewlines)`: imports trim every
    /// cell, and the Foundation one bridges through NSString, which dominated import profiles.
    var trimmed: String {
        // Fast path: nearly every cell starts and ends with a printable ASCII character.
        // A last byte below 0x80 is a whole scalar: UTF-8 continuation bytes are 0x80 and above.
        let bytes = utf8
        let lastByte = bytes.withContiguousStorageIfAvailable { $0.last }
            ?? unicodeScalars.last.map { $0.isASCII ? UInt8($0.value) : 0xFF }
        if let first = bytes.first, let last = lastByte, first.isPrintableASCII, last.isPrintableASCII {
            return String(self)
        }
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.isTrimmed }),
              let last = scalars.lastIndex(where: { !$0.isTrimmed })
        else { return "" }
        return String(String.UnicodeScalarView(scalars[first...last]))
    }
}

extension String {
    /// `StringProtocol.trimmed` for a string: the string itself (no new one) when its first and last
    /// scalars are not white space, as nearly every cell's are (Polish letters and quotes included).
    var trimmed: String {
        let clean = utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            guard let first = bytes.first, let last = bytes.last else { return false }
            if first.isPrintableASCII && last.isPrintableASCII { return true }
            // The last scalar starts at the last byte that is not a continuation byte (10xxxxxx).
            var start = bytes.count - 1
            while start > 0, bytes[start] & 0xC0 == 0x80 { start -= 1 }
            return !Self.isWhiteSpace(bytes, scalarAt: 0) && !Self.isWhiteSpace(bytes, scalarAt: start)
        }
        return clean == true ? self : self[...].trimmed
    }

    /// Whether the scalar whose UTF-8 starts at `index` is one `trimmed` removes (`isTrimmed`: tab
    /// to CR, space, U+0085, U+00A0, U+1680, U+2000–U+200B, U+2028, U+2029, U+202F, U+205F,
    /// U+3000), read from its bytes.
    private static func isWhiteSpace(_ bytes: UnsafeBufferPointer<UInt8>, scalarAt index: Int) -> Bool {
        func byte(_ offset: Int) -> UInt8 { index + offset < bytes.count ? bytes[index + offset] : 0 }
        switch bytes[index] {
        case 0x09...0x0D, 0x20: return true
        case 0xC2: return byte(1) == 0x85 || byte(1) == 0xA0
        case 0xE1: return byte(1) == 0x9A && byte(2) == 0x80
        case 0xE2:
            if byte(1) == 0x80 { return (0x80...0x8B).contains(byte(2)) || [0xA8, 0xA9, 0xAF].contains(byte(2)) }
            return byte(1) == 0x81 && byte(2) == 0x9F
        case 0xE3: return byte(1) == 0x80 && byte(2) == 0x80
        default: return false
        }
    }
}

private extension Unicode.Scalar {
    /// Unicode's white space, and the zero-width space that Foundation's trimming also removes
    /// (copied from web pages, it clings to cells).
    var isTrimmed: Bool { properties.isWhitespace || value == 0x200B }
}

private extension UInt8 {
    /// A printable ASCII character other than the space: never trimmed, and a whole scalar.
    var isPrintableASCII: Bool { self > 0x20 && self < 0x7F }
}
