extension StringProtocol {
    /// The text without leading and trailing white space (spaces, tabs, newlines, NBSP).
    ///
    /// A pure-Swift version of `trimmingCharacters(in: .whitespacesAndNewlines)`: imports trim every
    /// cell, and the Foundation one bridges through NSString, which dominated import profiles.
    var trimmed: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(String.UnicodeScalarView(scalars[first...last]))
    }
}
