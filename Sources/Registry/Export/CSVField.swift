/// RFC 4180 quoting, shared by every CSV the registry writes.
enum CSVField {
    /// `text` as a CSV field: quoted when it holds the delimiter, a quote, CR or LF, or edge spaces.
    static func quoted(_ text: String, delimiter: Unicode.Scalar) -> String {
        // Scalars, not Characters: "\r\n" is one Character that equals neither "\r" nor "\n".
        let needsQuotes = text.unicodeScalars.contains { $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == delimiter }
            || text.first == " " || text.last == " "
        return needsQuotes ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
}
