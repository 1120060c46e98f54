extension StringProtocol {
    /// The text without leading and trailing white space (spaces, tabs, newlines, NBSP).
    ///
    /// A pure-Swift version of `trimmingCharacters(in: .whitespacesAndNewlines)`: imports trim every
    /// cell, and the Foundation one bridges through NSString, which dominated import profiles.
    var trimmed: String {
        // Fast path: nearly every cell starts and ends with a printable ASCII character.
        let bytes = utf8
        if let first = bytes.first, let last = unicodeScalars.last?.value,
           first > 0x20, first < 0x7F, last > 0x20, last < 0x7F {
            return String(self)
        }
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(String.UnicodeScalarView(scalars[first...last]))
    }
}
