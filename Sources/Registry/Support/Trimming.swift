extension StringProtocol {
    /// The text without leading and trailing white space (spaces, tabs, newlines, NBSP).
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
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(String.UnicodeScalarView(scalars[first...last]))
    }
}

extension String {
    /// `StringProtocol.trimmed` for a string: the string itself (no new one) when it starts and ends
    /// with printable ASCII, as nearly every cell does.
    var trimmed: String {
        let clean = utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            guard let first = bytes.first, let last = bytes.last else { return false }
            return first.isPrintableASCII && last.isPrintableASCII
        }
        return clean == true ? self : self[...].trimmed
    }
}

private extension UInt8 {
    /// A printable ASCII character other than the space: never trimmed, and a whole scalar.
    var isPrintableASCII: Bool { self > 0x20 && self < 0x7F }
}
